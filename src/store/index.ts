// Public API of the storage layer.
export {
  openDatabase,
  isPostgresUrl,
  parsePostgresUrl,
  DEFAULT_DATA_DIR,
  lockDataDir,
  DataDirLockedError,
  type Database,
  type DatabaseKind,
  type OpenDatabaseOptions,
  type PostgresConnection,
} from './database.js';
export {
  migrate,
  migrationStatus,
  readLocalMigrations,
  migrationChecksum,
  pgliteDriver,
  connectPostgresDriver,
  defaultMigrationsDir,
  MigrationError,
  MIGRATION_LOCK_KEY,
  type SqlDriver,
  type ClosableSqlDriver,
  type MigrationRecord,
  type LocalMigration,
  type MigrationStatus,
  type MigrateOptions,
  type MigrateResult,
} from './migrate.js';
export { PrismaClient, Prisma } from '../generated/prisma/client.js';
export type {
  Incident,
  IncidentEvent,
  AuditEntry,
  ConfigSnapshot,
  ChatReference,
  ProcessedDelivery,
  Reminder,
  Case,
} from '../generated/prisma/client.js';
