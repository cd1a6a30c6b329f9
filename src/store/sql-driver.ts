// The minimal SQL surface the migrator runs on (PGlite or pg), and identifier quoting for it.

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

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
