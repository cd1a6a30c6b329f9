// The migration folders on disk (prisma/migrations/<name>/migration.sql) and their checksums.
//
// This module sits two folders deep (src/store/, dist/store/), like the CLI bundle
// (dist/bundle/cli.js): defaultMigrationsDir, resolved relative to it, stays right in all three.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from './migration-error.js';

/** A migration folder on disk. */
export interface LocalMigration {
  name: string;
  /** Absolute path of its migration.sql. */
  file: string;
  script: string;
  /** sha256 hex of the file, as Prisma computes it. */
  checksum: string;
}

/** prisma/migrations of this project, found relative to this module (not the cwd). */
export const defaultMigrationsDir = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/** Prisma's checksum: sha256 of the file's bytes, lowercase hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** Same tolerance as Prisma's schema engine: a checksum also matches after CRLF/LF conversion. */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
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
