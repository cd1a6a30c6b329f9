// Prisma Migrate's session advisory lock, which keeps two migrating processes apart.
import { MigrationError } from './migration-error.js';
import type { SqlDriver } from './sql-driver.js';

/**
 * Key of the session advisory lock Prisma Migrate takes (`SELECT pg_advisory_lock(72707369)`).
 * Using the same key makes this migrator and a real `prisma migrate deploy` exclude each other.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/**
 * Takes Prisma Migrate's session advisory lock (the driver must be a single connection, never a
 * pool), polling so that a stuck process yields a clear error instead of a hung start-up.
 */
export async function acquireMigrationLock(db: SqlDriver, timeoutMs: number, log: (msg: string) => void): Promise<void> {
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
