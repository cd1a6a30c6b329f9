// Generates the Prisma client offline. The Prisma CLI wants a native schema engine
// before `generate`, but generation never uses it: pointing PRISMA_SCHEMA_ENGINE_BINARY
// at any existing file lets `prisma generate` run without network access.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}prisma/schema.prisma`)) process.exit(0);
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const result = spawnSync(process.execPath, [`${root}node_modules/prisma/build/index.js`, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
