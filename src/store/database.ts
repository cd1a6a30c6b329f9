// Opens the bot's database: embedded PGlite (default, persisted in a folder) or a PostgreSQL
// server (postgres:// or postgresql:// URL). Pending migrations are applied before the Prisma
// client is built, so callers always get an up-to-date schema.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// The drivers and the Prisma client are loaded when a store is first opened (import() below),
// so that commands that never open one (`ssbtek priority`, `timing` …) start without them.
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import { assertSchemaName, connectPostgresDriver, migrate, pgliteDriver } from './migrate.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** PostgreSQL only: the pg pool under Prisma (read by the metrics: totalCount, idleCount, waitingCount). */
  pool?: pg.Pool;
  /** Disconnects Prisma and closes the PGlite instance / pg pool it opened. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * `postgres://…` or `postgresql://…` selects a PostgreSQL server (through @prisma/adapter-pg).
   * Prisma's `?schema=<name>` parameter is honoured: tables, migrations and raw queries live in
   * that schema (created if missing). Anything else (or no url) selects PGlite in `dataDir`.
   */
  url?: string | undefined;
  /** PGlite data folder (created if missing); `memory://` for an in-memory database. */
  dataDir?: string | undefined;
  /**
   * Use this already open PGlite instance instead of `dataDir`. The caller keeps ownership:
   * `close()` does not close it.
   */
  pglite?: PGlite | undefined;
  log?: ((msg: string) => void) | undefined;
  /** Override of the prisma/migrations folder (tests). */
  migrationsDir?: string | undefined;
  /** PGlite's shared_buffers (PostgreSQL syntax, e.g. "16MB"); default PGLITE_SHARED_BUFFERS. */
  pgliteSharedBuffers?: string | undefined;
}

/**
 * PGlite's shared buffer pool. A new data folder's postgresql.conf says 128MB, and PGlite
 * touches all of it at start inside its WebAssembly memory, which never shrinks: 128 MB
 * of the process's RSS for a cache the operating system's file cache already provides.
 * 16MB took a process that opens the store from 373–384 MB to 248–261 MB and kept the
 * monthly report over a year of 100,000 incidents within 1.2–2.4 s (docs/report-memory.md).
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** Default PGlite data folder when neither url nor dataDir is given (relative to the cwd). */
export const DEFAULT_DATA_DIR = 'data/pglite';

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

export interface PostgresConnection {
  /** node-postgres configuration (the `schema` URL parameter removed, search_path set instead). */
  config: pg.PoolConfig;
  /** The `?schema=` of the URL, if any. */
  schema: string | undefined;
}

/**
 * Translates a Prisma-style PostgreSQL URL for node-postgres: `schema` is not a libpq
 * parameter, so it is removed from the URL and applied as the session's search_path
 * (merged into any `options` the URL already carries).
 */
export function parsePostgresUrl(url: string): PostgresConnection {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  if (schema === undefined) return { config: { connectionString: url }, schema };
  assertSchemaName(schema);
  const existing = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  const options = [existing, `-c search_path="${schema}"`].filter((o): o is string => !!o).join(' ');
  return { config: { connectionString: parsed.toString(), options }, schema };
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const log = options.log ?? (() => {});
  if (isPostgresUrl(options.url)) return openPostgres(options.url, options, log);
  return openPglite(options, log);
}

// ------------------------------------------------------------------ PGlite folder lock
// PGlite is PostgreSQL in this process, without a postmaster: two processes (say the bot and
// the `ssbtek` CLI) opening the same folder would each cache pages and silently corrupt it.
// A lock file turns that into a clear error. A lock left by a crashed process is taken over.

const LOCK_FILE = 'ssbtek-open.lock';
const heldLocks = new Set<string>();

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** The embedded store's folder is held by another live process. */
export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: { pid: number; host: string; since: string },
  ) {
    super(`PGlite data folder ${dir} is in use by process ${holder.pid} on ${holder.host} since ${holder.since}`);
    this.name = 'DataDirLockedError';
  }
}

/**
 * Whether `pid` is a running process. A zombie (killed, not yet reaped by its parent, as
 * right after `kill -9` under a shell or npm) is not: it can hold no database pages.
 */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true; // no /proc (not Linux): trust kill(0)
  }
}

export function lockDataDir(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  if (heldLocks.has(file)) {
    throw new DataDirLockedError(dir, { pid: process.pid, host: os.hostname(), since: 'now' });
  }
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      let other: LockInfo | undefined;
      try {
        other = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      } catch {
        other = undefined; // unreadable or half-written: treat as stale
      }
      const stale = other === undefined || (other.host === mine.host && (other.pid === process.pid || !processAlive(other.pid)));
      if (!stale) throw new DataDirLockedError(dir, other!);
      unlinkSync(file);
    }
  }
  heldLocks.add(file);
  return () => {
    heldLocks.delete(file);
    try {
      const current = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
      if (current.pid === mine.pid && current.since === mine.since) unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

async function openPglite(options: OpenDatabaseOptions, log: (msg: string) => void): Promise<Database> {
  // Loaded while PGlite starts (it compiles its WebAssembly meanwhile).
  const prismaForPglite = Promise.all([import('../generated/prisma/client.js'), import('pglite-prisma-adapter')]);
  prismaForPglite.catch(() => {});
  let pglite = options.pglite;
  const owned = pglite === undefined;
  let unlock = (): void => {};
  if (pglite === undefined) {
    if (options.url !== undefined && options.url !== '') {
      log(`url is not a postgres:// or postgresql:// URL; using embedded PGlite`);
    }
    const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
    const inMemory = dataDir.startsWith('memory://');
    const location = inMemory ? dataDir : path.resolve(dataDir);
    if (!inMemory) {
      mkdirSync(location, { recursive: true });
      unlock = lockDataDir(location);
    }
    const started = performance.now();
    try {
      const { PGlite } = await import('@electric-sql/pglite');
      const sharedBuffers = options.pgliteSharedBuffers ?? PGLITE_SHARED_BUFFERS;
      if (!/^\d{1,6}(kB|MB|GB)$/.test(sharedBuffers)) throw new Error(`pgliteSharedBuffers: "${sharedBuffers}" is not a size like 16MB`);
      pglite = await PGlite.create(location, { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffers}`] });
    } catch (error) {
      unlock();
      throw error;
    }
    log(`opened PGlite ${inMemory ? 'in memory' : `in ${location}`} in ${Math.round(performance.now() - started)} ms`);
  }
  const instance = pglite;
  try {
    await migrate(pgliteDriver(instance), { migrationsDir: options.migrationsDir, log });
    const [{ PrismaClient }, { PrismaPGlite }] = await prismaForPglite;
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(instance) });
    let closed = false;
    return {
      prisma,
      kind: 'pglite',
      async close() {
        if (closed) return;
        closed = true;
        try {
          await prisma.$disconnect();
          if (owned && !instance.closed) await instance.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    if (owned && !instance.closed) await instance.close().catch(() => {});
    unlock();
    throw error;
  }
}

async function openPostgres(url: string, options: OpenDatabaseOptions, log: (msg: string) => void): Promise<Database> {
  const { config, schema } = parsePostgresUrl(url);
  const driver = await connectPostgresDriver(config, schema);
  try {
    await migrate(driver, { migrationsDir: options.migrationsDir, log });
  } finally {
    await driver.close();
  }
  // The pool is created here (not inside the adapter) so that its figures can be read.
  const [{ default: pg }, { PrismaPg }, { PrismaClient }] = await Promise.all([
    import('pg'),
    import('@prisma/adapter-pg'),
    import('../generated/prisma/client.js'),
  ]);
  const pool = new pg.Pool(config);
  const adapter = new PrismaPg(pool, { ...(schema === undefined ? {} : { schema }), disposeExternalPool: true });
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  log(`connected to PostgreSQL${schema === undefined ? '' : ` (schema ${schema})`}`);
  return {
    prisma,
    kind: 'postgres',
    pool,
    async close() {
      if (closed) return;
      closed = true;
      // Disposes the adapter, which ends the pool; a client that never connected has not.
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    },
  };
}
