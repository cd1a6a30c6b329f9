// Incidents opened per second through the services (validation, deadlines, the
// incident, its event, audit entry and reminder rows in one transaction).
import { createApp } from '../src/app.js';
import { buildContract } from '../src/config/load.js';
import { benchDatabase, round } from './support.js';

const COUNT = Number(process.env.BENCH_STORE_COUNT ?? 1000);

export default {
  name: 'store',
  async run() {
    const results = [];
    for (const kind of ['pglite', 'postgres'] as const) {
      const db = await benchDatabase(kind);
      try {
        const app = await createApp({ contract: buildContract(), database: db });
        const actor = { id: 'bench', source: 'cli' as const };
        const base = Date.UTC(2026, 10, 9, 9, 0);
        for (let i = 0; i < 50; i++) await app.incidents.open({ impact: (i % 4) + 1, title: `warm-up ${i}` }, actor, base + i * 60_000);
        let started = performance.now();
        for (let i = 0; i < COUNT; i++)
          await app.incidents.open(
            { impact: (i % 4) + 1, title: `Bench ${i}`, agencyId: i % 7 === 0 ? 'transportstyrelsen' : 'skatteverket' },
            actor,
            base + i * 60_000,
          );
        const sequential = COUNT / ((performance.now() - started) / 1000);
        results.push({ metric: `incidents opened per second, sequential (${kind})`, value: round(sequential), unit: 'incidents/s' });
        if (kind === 'postgres') {
          started = performance.now();
          const workers = 8;
          await Promise.all(
            Array.from({ length: workers }, async (_, w) => {
              for (let i = w; i < COUNT; i += workers) await app.incidents.open({ impact: (i % 4) + 1, title: `Parallel ${i}` }, actor, base + i * 60_000);
            }),
          );
          results.push({
            metric: `incidents opened per second, 8 concurrent (${kind})`,
            value: round(COUNT / ((performance.now() - started) / 1000)),
            unit: 'incidents/s',
          });
        }
        await app.close();
      } finally {
        await db.close();
      }
    }
    return results;
  },
};
