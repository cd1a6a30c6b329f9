// `ssbtek migrate`: the project applies its own migrations, offline.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { readLocalMigrations } from '../../src/store/index.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'ssbtek-migrate-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const ssbtek = (...args: string[]) =>
  run(process.execPath, [join(root, 'bin/ssbtek.js'), ...args], { env: { PATH: process.env.PATH, SSBTEK_DATA_DIR: dataDir } });

it('applies every migration to a new embedded store, then finds nothing to do', async () => {
  const names = readLocalMigrations().map((m) => m.name);
  const first = await ssbtek('migrate', '--lang', 'en');
  expect(first.stdout.trim()).toBe(`${join(dataDir, 'pglite')}: applied ${names.length} migrations (${names.join(', ')}).`);
  const status = await ssbtek('migrate', '--status');
  expect(status.stdout.trim()).toBe(`${join(dataDir, 'pglite')}: ${names.length} migreringar körda, 0 väntar.`);
}, 60_000);
