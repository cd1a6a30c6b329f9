// Bench helpers: databases to measure on, and percentiles.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

/**
 * This process's own peak RSS, MB. On Linux from VmHWM in /proc/self/status: getrusage's
 * maxRSS (process.resourceUsage) also counts the RSS its parent had when it spawned it
 * (Linux keeps ru_maxrss across exec), and a bench's parent may hold far more than its child: maxRSS then measures the parent.
 */
export function rssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
