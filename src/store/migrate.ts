// Applies prisma/migrations/*/migration.sql through a plain SQL driver, recording them in
// `_prisma_migrations` exactly as `prisma migrate deploy` does, so that a real Prisma CLI
// (wherever its native schema engine can be downloaded) later sees them as applied.
//
// Why: the Prisma 7 CLI needs a native schema engine for every `migrate` command, and that
// engine cannot be downloaded on this project's machines. The bot therefore migrates itself,
// before the Prisma client is built, through the minimal SqlDriver below (PGlite or pg).
//
// The pieces, one idea per file: sql-driver.ts (the SqlDriver surface), pglite-driver.ts and
// postgres-driver.ts (its two implementations), migration-files.ts (the folders on disk and their
// checksums), migration-records.ts (the `_prisma_migrations` table), migration-status.ts,
// migration-lock.ts (the advisory lock), migration-options.ts and migration-error.ts. This module
// applies the pending migrations and re-exports the public names of the pieces.
import { randomUUID } from 'node:crypto';
import { MigrationError } from './migration-error.js';
import { defaultMigrationsDir, readLocalMigrations } from './migration-files.js';
import { acquireMigrationLock, MIGRATION_LOCK_KEY } from './migration-lock.js';
import type { MigrateOptions } from './migration-options.js';
import { CREATE_MIGRATIONS_TABLE, readRecords } from './migration-records.js';
import { computeStatus } from './migration-status.js';
import { quoteIdent, type SqlDriver } from './sql-driver.js';

export { MigrationError } from './migration-error.js';
export { defaultMigrationsDir, type LocalMigration, migrationChecksum, readLocalMigrations } from './migration-files.js';
export { MIGRATION_LOCK_KEY } from './migration-lock.js';
export type { MigrateOptions } from './migration-options.js';
export type { MigrationRecord } from './migration-records.js';
export { type MigrationStatus, migrationStatus } from './migration-status.js';
export { pgliteDriver } from './pglite-driver.js';
export { assertSchemaName, connectPostgresDriver } from './postgres-driver.js';
export type { ClosableSqlDriver, SqlDriver } from './sql-driver.js';

export interface MigrateResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
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
