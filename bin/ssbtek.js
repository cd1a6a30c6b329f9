#!/usr/bin/env node
// The installed `ssbtek` command (package.json "bin"): runs the TypeScript CLI through
// tsx, from any working directory, with this package's own tsconfig.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
register({ tsconfig: existsSync(tsconfig) ? tsconfig : false });
await import('../src/cli.ts');
