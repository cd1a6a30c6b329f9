#!/usr/bin/env node
// The installed `ssbtek` command (package.json "bin"), from any working directory.
//
// Runs the compiled CLI (dist/bundle/cli.js, else dist/cli.js; built by `npm install` /
// `npm run build`) with plain node: no TypeScript compiler in the way, so a command
// answers at once. Falls back to the TypeScript sources through tsx when there is no
// successful build, or when a file in src/ is newer than it (a development checkout after
// an edit), so the command never runs stale code. SSBTEK_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const bundled = new URL('dist/bundle/cli.js', root);
const compiled = new URL('dist/cli.js', root);
const stamp = new URL('dist/.build-stamp', root);
const sources = fileURLToPath(new URL('src/', root));

/** True when some file under `dir` changed after `since` (ms). */
function changedSince(dir, since) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    const full = `${dir}${entry.name}`;
    if (entry.isDirectory()) {
      if (changedSince(`${full}/`, since)) return true;
    } else if (statSync(full).mtimeMs > since) {
      return true;
    }
  }
  return false;
}

function useBuild() {
  if (process.env.SSBTEK_FROM_SOURCE) return false;
  if (!existsSync(compiled) || !existsSync(stamp)) return false;
  return !changedSince(sources, statSync(stamp).mtimeMs);
}

if (useBuild()) {
  await import((existsSync(bundled) ? bundled : compiled).href);
} else {
  const { register } = await import('tsx/esm/api');
  const tsconfig = fileURLToPath(new URL('tsconfig.json', root));
  register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });
  await import(new URL('src/cli.ts', root).href);
}
