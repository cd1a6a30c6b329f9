// `ssbtek migrate [--status]`: applies the SQL migrations in prisma/migrations to the
// configured store (DATABASE_URL, else the embedded one in SSBTEK_DATA_DIR), the same
// way the bot does when it starts; `--status` only lists applied and pending ones.
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectPostgresDriver, isPostgresUrl, lockDataDir, migrate, migrationStatus, parsePostgresUrl, pgliteDriver, type SqlDriver } from '../store/index.js';
import type { Command } from './context.js';

export const migrateCommand: Command = {
  summary: 'cli.migrate.summary',
  usage: 'cli.migrate.usage',
  flags: ['status'],
  async run(ctx, args) {
    const url = ctx.io.env.DATABASE_URL?.trim() || undefined;
    const dataDir = resolve(ctx.io.env.SSBTEK_DATA_DIR?.trim() || 'data', 'pglite');
    let driver: SqlDriver;
    let close: () => Promise<void>;
    if (isPostgresUrl(url)) {
      const { config, schema } = parsePostgresUrl(url);
      const pg = await connectPostgresDriver(config, schema);
      driver = pg;
      close = () => pg.close();
    } else {
      mkdirSync(dataDir, { recursive: true });
      const unlock = lockDataDir(dataDir);
      const pglite = await PGlite.create(dataDir);
      driver = pgliteDriver(pglite);
      close = async () => {
        await pglite.close();
        unlock();
      };
    }
    const where = isPostgresUrl(url) ? ctx.tr.t('cli.migrate.postgres') : dataDir;
    try {
      if (args.flags.has('status')) {
        const status = await migrationStatus(driver);
        ctx.print(ctx.tr.t('cli.migrate.statusLine', { where, applied: status.applied.length, pending: status.pending.length }));
        for (const m of status.pending) ctx.print(`  ${ctx.tr.t('cli.migrate.pendingItem', { name: m.name })}`);
        return;
      }
      const result = await migrate(driver);
      ctx.print(
        result.applied.length
          ? ctx.tr.t('cli.migrate.applied', { where, count: result.applied.length, names: result.applied.join(', ') })
          : ctx.tr.t('cli.migrate.upToDate', { where }),
      );
    } finally {
      await close();
    }
  },
};
