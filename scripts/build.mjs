// `npm run build` (also run by `npm install` through "prepare", after the Prisma client is
// generated): compiles src/ to dist/ with `tsc -p tsconfig.build.json`, from a clean dist/,
// then bundles the CLI into one file, dist/bundle/cli.js (esbuild, which tsx brings along):
// one file instead of some 500 modules makes `ssbtek priority …` start about a third faster.
// The bundle sits two folders deep like every dist/<area>/<module>.js, so the paths it
// resolves relative to itself (../../locales/, ../../prisma/migrations/) stay right. The
// database drivers stay outside it (WebAssembly, native parts). bin/ssbtek.js falls back to
// dist/cli.js when there is no bundle.
// On success it writes dist/.build-stamp, which bin/ssbtek.js compares with src/ to
// decide whether the build is current. Without TypeScript (an install without dev
// dependencies) it skips the build: bin/ssbtek.js and `npm run dev` then use tsx.
import { spawnSync } from 'node:child_process';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write(
    'ssbtek build: TypeScript is not installed (an install without dev dependencies); not compiling. `ssbtek` runs the sources through tsx.\n',
  );
  process.exit(0);
}
rmSync(`${root}dist`, { recursive: true, force: true });
// The stamp carries the time the build began: a file saved while tsc runs counts as newer.
const began = new Date();
const started = performance.now();
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  process.stderr.write('ssbtek build: tsc reported errors (see above); dist/ is not marked current.\n');
  process.exit(result.status ?? 1);
}
await bundleCli();
writeFileSync(`${root}dist/.build-stamp`, `${began.toISOString()}\n`);
utimesSync(`${root}dist/.build-stamp`, began, began);
process.stderr.write(`ssbtek build: src/ compiled to dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

async function bundleCli() {
  let esbuild;
  try {
    esbuild = await import(createRequire(import.meta.url).resolve('esbuild'));
  } catch {
    process.stderr.write('ssbtek build: esbuild not found; the CLI runs from dist/cli.js (unbundled).\n');
    return;
  }
  await esbuild.build({
    entryPoints: [`${root}dist/cli.js`],
    outfile: `${root}dist/bundle/cli.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['@electric-sql/pglite', '@prisma/*', 'pg', 'pglite-prisma-adapter'],
    // CommonJS packages inside an ES module bundle need a require().
    banner: { js: "import { createRequire as __ssbtekRequire } from 'node:module'; const require = __ssbtekRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
