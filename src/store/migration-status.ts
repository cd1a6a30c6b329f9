// Which local migrations are applied, pending, failed, modified, and which applied ones are unknown here.
import { type LocalMigration, readLocalMigrations, scriptMatchesChecksum } from './migration-files.js';
import type { MigrateOptions } from './migration-options.js';
import { type MigrationRecord, readRecords } from './migration-records.js';
import type { SqlDriver } from './sql-driver.js';

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

export function computeStatus(local: LocalMigration[], records: MigrationRecord[]): MigrationStatus {
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
