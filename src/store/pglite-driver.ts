// The SqlDriver over PGlite.
import type { PGlite } from '@electric-sql/pglite';
import type { SqlDriver } from './sql-driver.js';

const pgliteQueues = new WeakMap<PGlite, Promise<unknown>>();

/** SqlDriver over a PGlite instance (which is a single session). Does not own the instance. */
export function pgliteDriver(pglite: PGlite): SqlDriver {
  return {
    kind: 'pglite',
    exclusive<T>(fn: () => Promise<T>): Promise<T> {
      const previous = pgliteQueues.get(pglite) ?? Promise.resolve();
      const run = previous.then(fn, fn);
      pgliteQueues.set(
        pglite,
        run.catch(() => {}),
      );
      return run;
    },
    async exec(sql) {
      await pglite.exec(sql);
    },
    async query<Row extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await pglite.query<Row>(sql, [...params]);
      return result.rows;
    },
  };
}
