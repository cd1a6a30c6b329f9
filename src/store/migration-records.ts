// The `_prisma_migrations` table: created and read exactly as Prisma's schema engine does.
import type { SqlDriver } from './sql-driver.js';

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

// Exactly the table Prisma's schema engine creates for PostgreSQL.
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
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

export async function readRecords(db: SqlDriver): Promise<MigrationRecord[]> {
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
