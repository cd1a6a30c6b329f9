// The error the migrator throws for a migration it cannot or will not apply.

export class MigrationError extends Error {
  override name = 'MigrationError';
}
