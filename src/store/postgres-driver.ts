// The SqlDriver over node-postgres: one dedicated connection, optionally in a schema.
import type pg from 'pg';
import { type ClosableSqlDriver, quoteIdent } from './sql-driver.js';

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
