// The embedded store's buffer pool: 16MB, not the 128MB a new data folder's
// postgresql.conf asks for (PGlite holds all of it in its WebAssembly memory for good;
// docs/report-memory.md has the measurements). A caller may choose another size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, PGLITE_SHARED_BUFFERS } from '../../src/store/database.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const folder = () => {
  const d = mkdtempSync(join(tmpdir(), 'ssbtek-pglite-settings-'));
  dirs.push(d);
  return d;
};
const sharedBuffers = async (db: Awaited<ReturnType<typeof openDatabase>>) =>
  (await db.prisma.$queryRaw<Array<{ shared_buffers: string }>>`SHOW shared_buffers`)[0]!.shared_buffers;

describe('PGlite settings', () => {
  it('a data folder is opened with shared_buffers=16MB, again after a restart', async () => {
    expect(PGLITE_SHARED_BUFFERS).toBe('16MB');
    const dir = folder();
    for (let i = 0; i < 2; i++) {
      const db = await openDatabase({ dataDir: dir });
      expect(await sharedBuffers(db)).toBe('16MB');
      await db.close();
    }
  });

  it('another size can be asked for; a size PostgreSQL would not read is refused before PGlite starts', async () => {
    const db = await openDatabase({ dataDir: folder(), pgliteSharedBuffers: '32MB' });
    expect(await sharedBuffers(db)).toBe('32MB');
    await db.close();
    await expect(openDatabase({ dataDir: folder(), pgliteSharedBuffers: '16 MB; DROP' })).rejects.toThrow(/is not a size like 16MB/);
  });
});
