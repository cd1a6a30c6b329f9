// Bench helpers: databases to measure on, and percentiles.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../src/store/index.js';

export const BENCH_PG_URL = process.env.SSBTEK_BENCH_PG_URL ?? process.env.SSBTEK_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A fresh database of each kind: in-memory PGlite, and a throw-away schema on PostgreSQL. */
export async function benchDatabase(kind: 'pglite' | 'postgres'): Promise<Database> {
  if (kind === 'pglite') return openDatabase({ dataDir: 'memory://' });
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(BENCH_PG_URL);
  url.searchParams.set('schema', schema);
  const db = await openDatabase({ url: url.toString() });
  return {
    ...db,
    async close() {
      await db.close();
      const admin = new pg.Client({ connectionString: BENCH_PG_URL });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
