// Test databases for vitest: every test runs against both an in-memory PGlite and the local
// PostgreSQL server.
//
//   import { databases } from '../support/databases.js';
//   describe.each(databases)('$name', (target) => {
//     let db: Database;
//     beforeAll(async () => { db = await target.open(); });
//     afterAll(() => db.close());
//     ...
//   });
//
// Isolation:
//   * PGlite: every open() is a new in-memory instance (started from a cached copy of a freshly
//     initialised, empty data directory, which is ~4x faster than initdb).
//   * PostgreSQL: every open() gets its own schema `t_<random>` (Prisma's `?schema=` URL
//     parameter: @prisma/adapter-pg qualifies generated queries with it, and the pg sessions'
//     search_path is set to it, so migrations and raw SQL run there too). close() drops it.
//     Test files can therefore run in parallel against the same database.
//   * The server is `postgresql://postgres@127.0.0.1:5432/test`, or SSBTEK_TEST_PG_URL when set.
//     If it cannot be reached the tests FAIL (they are never skipped).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase, parsePostgresUrl, type Database } from '../../src/store/database.js';
import { connectPostgresDriver, pgliteDriver, type SqlDriver } from '../../src/store/migrate.js';

export const DEFAULT_TEST_PG_URL = 'postgresql://postgres@127.0.0.1:5432/test';

/** The PostgreSQL server used by tests (SSBTEK_TEST_PG_URL overrides the default). */
export function testPostgresUrl(): string {
  const fromEnv = process.env.SSBTEK_TEST_PG_URL;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv.trim() : DEFAULT_TEST_PG_URL;
}

export interface OpenTestDatabaseOptions {
  log?: (msg: string) => void;
  /** Override of the prisma/migrations folder. */
  migrationsDir?: string;
}

/** A fresh, isolated database with nothing migrated yet. */
export interface EmptyTestDatabase {
  readonly name: TestDatabaseName;
  /** Raw single-session driver on this database (for migrate(), status and catalog queries). */
  readonly driver: SqlDriver;
  /** PostgreSQL only: the isolated schema, as in `?schema=`. */
  readonly schema?: string;
  /** Opens a Database on this same database (applies pending migrations). */
  open(options?: OpenTestDatabaseOptions): Promise<Database>;
  /** Closes the driver and every Database opened here, and discards the database. */
  dispose(): Promise<void>;
}

export type TestDatabaseName = 'pglite' | 'postgres';

export interface TestDatabaseTarget {
  readonly name: TestDatabaseName;
  /** A fresh, isolated, migrated database; close() discards it. */
  open(options?: OpenTestDatabaseOptions): Promise<Database>;
  /** A fresh, isolated, empty database (see EmptyTestDatabase). */
  openEmpty(): Promise<EmptyTestDatabase>;
}

// Safety net: whatever a test file forgot to close is discarded when the file ends.
const live = new Set<EmptyTestDatabase>();
afterAll(async () => {
  const leftovers = [...live];
  live.clear();
  await Promise.allSettled(leftovers.map((db) => db.dispose()));
});

// ---------------------------------------------------------------------------------- PGlite

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version ?? 'unknown';
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

let emptyImage: Promise<Blob | undefined> | undefined;

/**
 * A tar image of a freshly initialised, empty PGlite data directory, cached in the OS temp
 * folder per PGlite version so that each test process skips initdb. Only the empty cluster is
 * cached (never migrated state), so it cannot go stale when migrations change.
 */
function emptyPgliteImage(): Promise<Blob | undefined> {
  emptyImage ??= (async () => {
    const file = path.join(os.tmpdir(), `ssbtek-pglite-empty-${pgliteVersion()}.tar`);
    if (existsSync(file)) return new Blob([readFileSync(file)]);
    const fresh = await PGlite.create('memory://');
    try {
      const image = await fresh.dumpDataDir('none');
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(tmp, Buffer.from(await image.arrayBuffer()));
      renameSync(tmp, file); // atomic: parallel test processes never read a partial image
      return image;
    } catch {
      return undefined;
    } finally {
      await fresh.close();
    }
  })();
  return emptyImage;
}

async function freshPglite(): Promise<PGlite> {
  const image = await emptyPgliteImage();
  if (image !== undefined) {
    try {
      return await PGlite.create({ loadDataDir: image });
    } catch {
      // A damaged cache file: fall back to initdb.
    }
  }
  return PGlite.create('memory://');
}

async function openEmptyPglite(): Promise<EmptyTestDatabase> {
  const pglite = await freshPglite();
  const opened: Database[] = [];
  const handle: EmptyTestDatabase = {
    name: 'pglite',
    driver: pgliteDriver(pglite),
    async open(options = {}) {
      const db = await openDatabase({ pglite, log: options.log, migrationsDir: options.migrationsDir });
      opened.push(db);
      return db;
    },
    async dispose() {
      live.delete(handle);
      await Promise.allSettled(opened.map((db) => db.close()));
      if (!pglite.closed) await pglite.close();
    },
  };
  live.add(handle);
  return handle;
}

// ------------------------------------------------------------------------------ PostgreSQL

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Runs fn on a short-lived admin connection to the test server; fails loudly if unreachable. */
async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = testPostgresUrl();
  const client = new pg.Client({ ...parsePostgresUrl(url).config, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The PostgreSQL test server is not reachable at ${redact(url)} (${reason}). ` +
        `Start it, or point SSBTEK_TEST_PG_URL at a reachable server. PostgreSQL tests are never skipped.`,
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function schemaUrl(schema: string): string {
  const url = new URL(testPostgresUrl());
  url.searchParams.set('schema', schema);
  return url.toString();
}

async function openEmptyPostgres(): Promise<EmptyTestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  // Reachability check first (a clear error), and make sure the name is free.
  await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
  const url = schemaUrl(schema);
  const driver = await connectPostgresDriver(parsePostgresUrl(url).config, schema);
  const opened: Database[] = [];
  let disposed = false;
  const handle: EmptyTestDatabase = {
    name: 'postgres',
    driver,
    schema,
    async open(options = {}) {
      const db = await openDatabase({ url, log: options.log, migrationsDir: options.migrationsDir });
      opened.push(db);
      return db;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      live.delete(handle);
      await Promise.allSettled([...opened.map((db) => db.close()), driver.close()]);
      await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
  live.add(handle);
  return handle;
}

// ---------------------------------------------------------------------------------- targets

function target(name: TestDatabaseName, openEmpty: () => Promise<EmptyTestDatabase>): TestDatabaseTarget {
  return {
    name,
    openEmpty,
    async open(options = {}) {
      const empty = await openEmpty();
      let db: Database;
      try {
        db = await empty.open(options);
      } catch (error) {
        await empty.dispose();
        throw error;
      }
      // close() of the returned Database discards the whole test database.
      return { ...db, close: () => empty.dispose() };
    },
  };
}

export const pgliteTarget: TestDatabaseTarget = target('pglite', openEmptyPglite);
export const postgresTarget: TestDatabaseTarget = target('postgres', openEmptyPostgres);

/** For `describe.each(databases)('$name', (target) => …)`. */
export const databases: readonly TestDatabaseTarget[] = [pgliteTarget, postgresTarget];
