// The options of migrate() and migrationStatus().

export interface MigrateOptions {
  /** Folder holding `<name>/migration.sql`; defaults to the project's prisma/migrations. */
  migrationsDir?: string | undefined;
  log?: ((msg: string) => void) | undefined;
  /** How long to wait for another process's migration lock (default 60 s). */
  lockTimeoutMs?: number | undefined;
}
