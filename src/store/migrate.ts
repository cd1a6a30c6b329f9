// Applies prisma/migrations/*/migration.sql through a plain SQL driver, recording them in
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so that a real Prisma CLI
// (wherever its native schema engine can be downloaded) later sees them as applied.
//
// Why: the Prisma 7 CLI needs a native schema engine for every `migrate` command, and that
// engine cannot be downloaded on this project's machines. The bot therefore migrates itself,
// before the Prisma client is built, through the minimal SqlDriver below (PGlite or pg).
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/** The minimal SQL surface the migrator needs; implemented for PGlite and for node-postgres. */
export interface SqlDriver {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Schema that migrations must run in, when it is not `public` (PostgreSQL `?schema=`).
   * The driver's session search_path must already point at it.
   */
  readonly schema?: string | undefined;
  /** Runs a script of one or more statements without parameters (simple query protocol). */
  exec(sql: string): Promise<void>;
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Optional in-process mutual exclusion for drivers whose session is shared (PGlite: every
   * driver over one instance is the same session, so the advisory lock cannot separate them).
   */
  exclusive?<T>(fn: () => Promise<T>): Promise<T>;
}

/** A driver that owns its connection. */
export interface ClosableSqlDriver extends SqlDriver {
  close(): Promise<void>;
}

/** One row of `_prisma_migrations`. */
export interface MigrationRecord {
  id: string;
  checksum: string;
  finishedAt: Date | null;
  migrationName: string;
  logs: string | null;
  rolledBackAt: Date | null;
  startedAt: Date;
  appliedStepsCount: number;
}

/** A migration folder on disk. */
export interface LocalMigration {
  name: string;
  /** Absolute path of its migration.sql. */
  file: string;
  script: string;
  /** sha256 hex of the file, as Prisma computes it. */
  checksum: string;
}

export interface MigrationStatus {
  /** Local migrations recorded as successfully applied, in name order. */
  applied: Array<LocalMigration & { record: MigrationRecord }>;
  /** Local migrations not yet applied (or only recorded as rolled back), in name order. */
  pending: LocalMigration[];
  /** Migrations with an unfinished, not rolled back record (a failed `prisma migrate deploy`). */
  failed: MigrationRecord[];
  /** Applied migrations whose migration.sql no longer matches the recorded checksum. */
  modified: Array<{ name: string; recorded: string; actual: string }>;
  /** Applied migrations that have no folder locally (e.g. a newer version of the bot ran). */
  unknown: MigrationRecord[];
}

export interface MigrateOptions {
  /** Folder holding `<name>/migration.sql`; defaults to the project's prisma/migrations. */
  migrationsDir?: string | undefined;
  log?: ((msg: string) => void) | undefined;
  /** How long to wait for another process's migration lock (default 60 s). */
  lockTimeoutMs?: number | undefined;
}

export interface MigrateResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
}

/**
 * Key of the session advisory lock Prisma Migrate takes (`SELECT pg_advisory_lock(72707369)`).
 * Using the same key makes this migrator and a real `prisma migrate deploy` exclude each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** prisma/migrations of this project, found relative to this module (not the cwd). */
export const defaultMigrationsDir = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Prisma's checksum: sha256 of the file's bytes, lowercase hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** Same tolerance as Prisma's schema engine: a checksum also matches after CRLF/LF conversion. */
function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const candidates = [script, script.replace(/\r\n/g, '\n'), script.replace(/\r?\n/g, '\r\n')];
  return candidates.some((candidate) => migrationChecksum(candidate) === checksum);
}

/** Reads `<dir>/<name>/migration.sql` for every sub-folder, sorted by name (Prisma's order). */
export function readLocalMigrations(migrationsDir: string = defaultMigrationsDir): LocalMigration[] {
  if (!existsSync(migrationsDir)) {
    throw new MigrationError(`Migrations folder not found: ${migrationsDir}`);
  }
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) return [];
      const script = readFileSync(file, 'utf8');
      return [{ name, file, script, checksum: migrationChecksum(script) }];
    });
}

// Exactly the table Prisma's schema engine creates for PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | string | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | string | null;
  started_at: Date | string;
  applied_steps_count: number;
}

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

async function migrationsTableExists(db: SqlDriver): Promise<boolean> {
  const rows = await db.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS "exists"`);
  return rows[0]?.exists === true;
}

async function readRecords(db: SqlDriver): Promise<MigrationRecord[]> {
  if (!(await migrationsTableExists(db))) return [];
  const rows = await db.query<MigrationRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.map((row) => ({
    id: row.id,
    checksum: row.checksum,
    finishedAt: row.finished_at === null ? null : toDate(row.finished_at),
    migrationName: row.migration_name,
    logs: row.logs,
    rolledBackAt: row.rolled_back_at === null ? null : toDate(row.rolled_back_at),
    startedAt: toDate(row.started_at),
    appliedStepsCount: Number(row.applied_steps_count),
  }));
}

function computeStatus(local: LocalMigration[], records: MigrationRecord[]): MigrationStatus {
  const status: MigrationStatus = { applied: [], pending: [], failed: [], modified: [], unknown: [] };
  const localNames = new Set(local.map((m) => m.name));
  for (const migration of local) {
    const mine = records.filter((r) => r.migrationName === migration.name && r.rolledBackAt === null);
    const done = mine.find((r) => r.finishedAt !== null);
    const failed = mine.filter((r) => r.finishedAt === null);
    status.failed.push(...failed);
    if (done) {
      status.applied.push({ ...migration, record: done });
      if (!scriptMatchesChecksum(migration.script, done.checksum)) {
        status.modified.push({ name: migration.name, recorded: done.checksum, actual: migration.checksum });
      }
    } else if (failed.length === 0) {
      status.pending.push(migration);
    }
  }
  for (const record of records) {
    if (!localNames.has(record.migrationName) && record.rolledBackAt === null) {
      if (record.finishedAt === null) status.failed.push(record);
      else status.unknown.push(record);
    }
  }
  return status;
}

/** Lists applied, pending, failed, modified and unknown migrations without changing anything. */
export async function migrationStatus(db: SqlDriver, options: MigrateOptions = {}): Promise<MigrationStatus> {
  return computeStatus(readLocalMigrations(options.migrationsDir), await readRecords(db));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Takes Prisma Migrate's session advisory lock (the driver must be a single connection, never a
 * pool), polling so that a stuck process yields a clear error instead of a hung start-up.
 */
async function acquireMigrationLock(db: SqlDriver, timeoutMs: number, log: (msg: string) => void): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let announced = false;
  for (;;) {
    const [row] = await db.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) AS locked`);
    if (row?.locked === true) return;
    if (performance.now() >= deadline) {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (pg_advisory_lock ${MIGRATION_LOCK_KEY}): ` +
          `another process is migrating this database, or a stuck session holds the lock (see pg_locks).`,
      );
    }
    if (!announced) {
      log('waiting for another process to finish migrating this database');
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Applies every pending migration in name order, each in its own transaction together with its
 * `_prisma_migrations` row, under Prisma Migrate's advisory lock. Throws (and changes nothing)
 * if an applied migration's file was modified or a failed migration is recorded.
 */
export async function migrate(db: SqlDriver, options: MigrateOptions = {}): Promise<MigrateResult> {
  return db.exclusive ? db.exclusive(() => migrateLocked(db, options)) : migrateLocked(db, options);
}

async function migrateLocked(db: SqlDriver, options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => {});
  const local = readLocalMigrations(options.migrationsDir);
  await acquireMigrationLock(db, options.lockTimeoutMs ?? 60_000, log);
  try {
    if (db.schema !== undefined) await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema)}`);
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const status = computeStatus(local, await readRecords(db));
    if (status.failed.length > 0) {
      const names = [...new Set(status.failed.map((r) => r.migrationName))].join(', ');
      throw new MigrationError(
        `Found failed migrations in the target database (${names}): they are recorded in _prisma_migrations as started ` +
          `but never finished. Inspect the database, then mark them with \`prisma migrate resolve --rolled-back <name>\` ` +
          `(or set rolled_back_at on their rows) before migrating again.`,
      );
    }
    if (status.modified.length > 0) {
      const details = status.modified.map((m) => `${m.name} (recorded checksum ${m.recorded}, file now ${m.actual})`).join('; ');
      throw new MigrationError(
        `Refusing to migrate: already applied migrations were modified after they were applied: ${details}. ` +
          `Never edit an applied migration; restore the original migration.sql and add a new migration instead.`,
      );
    }
    for (const record of status.unknown) {
      log(`warning: migration ${record.migrationName} is applied in the database but missing from ${options.migrationsDir ?? defaultMigrationsDir}`);
    }
    const applied: string[] = [];
    for (const migration of status.pending) {
      const started = performance.now();
      await db.exec('BEGIN');
      try {
        await db.exec(migration.script);
        await db.query(
          `INSERT INTO "_prisma_migrations"
             (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), migration.checksum, migration.name],
        );
        await db.exec('COMMIT');
      } catch (error) {
        await db.exec('ROLLBACK').catch(() => {});
        const message = error instanceof Error ? error.message : String(error);
        throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${message}`, { cause: error });
      }
      applied.push(migration.name);
      log(`applied migration ${migration.name} in ${Math.round(performance.now() - started)} ms`);
    }
    return { applied };
  } finally {
    await db.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`).catch(() => {});
  }
}

const pgliteQueues = new WeakMap<PGlite, Promise<unknown>>();

/** SqlDriver over a PGlite instance (which is a single session). Does not own the instance. */
export function pgliteDriver(pglite: PGlite): SqlDriver {
  return {
    kind: 'pglite',
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const previous = pgliteQueues.get(pglite) ?? Promise.resolve();
      const run = previous.then(fn, fn);
      pgliteQueues.set(
        pglite,
        run.catch(() => {}),
      );
      return run;
    },
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await pglite.query<Row>(sql, [...params]);
      return result.rows;
    },
  };
}

/** Validates a PostgreSQL schema name accepted by `?schema=`. */
export function assertSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(schema)) {
    throw new Error(`Unsupported PostgreSQL schema name ${JSON.stringify(schema)} (use letters, digits and _)`);
  }
}

/**
 * Opens a dedicated node-postgres connection (advisory locks are per session) whose
 * search_path is `schema` when given.
 */
export async function connectPostgresDriver(config: pg.ClientConfig, schema?: string): Promise<ClosableSqlDriver> {
  if (schema !== undefined) assertSchemaName(schema);
  // Loaded here, not at the top: commands that never open a store start without it.
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client(config);
  await client.connect();
  try {
    if (schema !== undefined) await client.query(`SET search_path TO ${quoteIdent(schema)}`);
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    kind: 'postgres',
    schema,
    async exec(sql) {
      await client.query(sql);
    },
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query<Row & pg.QueryResultRow>(sql, [...params]);
      return result.rows;
    },
    async close() {
      await client.end();
    },
  };
}
