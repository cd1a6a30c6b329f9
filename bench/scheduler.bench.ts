// Reminder timeliness with 10,000 open incidents: every incident has its full ladder
// of pending reminder rows in the store (about 25 each); on top of that, a batch of
// reminders falls due over the next seconds of real time. The scheduler runs as in
// production (node-schedule wake-ups plus a heartbeat) and a sink records how late
// each reminder went out. Also: the cost of one scheduler pass.
import { createApp } from '../src/app.js';
import { buildContract } from '../src/config/load.js';
import type { ReminderMessage } from '../src/scheduler/reminders.js';
import { benchDatabase, percentile, round } from './support.js';

const INCIDENTS = Number(process.env.BENCH_SCHEDULER_INCIDENTS ?? 10_000);
const DUE = Number(process.env.BENCH_SCHEDULER_DUE ?? 3_000);
const SPREAD_MS = Number(process.env.BENCH_SCHEDULER_SPREAD_MS ?? 20_000);

export default {
  name: 'scheduler',
  async run() {
    const results = [];
    for (const kind of ['postgres', 'pglite'] as const) {
      const db = await benchDatabase(kind);
      try {
        const now = Date.now();
        const app = await createApp({ contract: buildContract(), database: db, now: Date.now });
        const actor = { id: 'bench', source: 'cli' as const };
        // Open incidents "received" a little in the past so their ladders lie ahead.
        let started = performance.now();
        const ids: number[] = [];
        for (let i = 0; i < INCIDENTS; i++) ids.push((await app.incidents.open({ impact: (i % 4) + 1, title: `Bench ${i}` }, actor, now)).id);
        const openSeconds = (performance.now() - started) / 1000;
        const pendingRows = await db.prisma.reminder.count({ where: { status: 'pending' } });
        const wanted = await db.prisma.reminder.findMany({ where: { status: 'pending', target: 'resolution' }, distinct: ['incidentId'], take: DUE, select: { id: true } });

        // Cost of one pass with nothing due (the heartbeat's price) over all those rows.
        const idle: number[] = [];
        for (let i = 0; i < 20; i++) {
          const t = performance.now();
          await app.scheduler.tick(Date.now() - 60_000);
          idle.push(performance.now() - t);
        }
        idle.sort((a, b) => a - b);

        // Reminders falling due over the next SPREAD_MS (one statement, so none is late
        // before the scheduler even starts).
        const firstDue = Date.now() + 1_000;
        const dues = wanted.map((_, i) => new Date(firstDue + Math.floor((i * SPREAD_MS) / wanted.length)).toISOString());
        await db.prisma.$executeRaw`UPDATE reminders SET due_at = u.due_at FROM unnest(${wanted.map((w) => w.id)}::int[], ${dues}::timestamptz[]) AS u(id, due_at) WHERE reminders.id = u.id`;

        const lateness: number[] = [];
        let recording = true;
        app.sinks.push({ name: 'bench', deliver: async (m: ReminderMessage) => void (recording && lateness.push(Date.now() - m.reminder.dueAt.getTime())) });
        app.scheduler.start(Date.now, 5_000);
        const deadline = firstDue + SPREAD_MS + 15_000;
        while (lateness.length < wanted.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        await app.scheduler.stop();
        recording = false;
        lateness.sort((a, b) => a - b);

        // Cost of one pass that sends 200 due reminders.
        const batch = await db.prisma.reminder.findMany({ where: { status: 'pending', target: 'resolution' }, distinct: ['incidentId'], take: 200, select: { id: true } });
        const past = new Date(Date.now() - 1000);
        await db.prisma.reminder.updateMany({ where: { id: { in: batch.map((b) => b.id) } }, data: { dueAt: past } });
        started = performance.now();
        const pass = await app.scheduler.tick(Date.now());
        const passMs = performance.now() - started;

        results.push(
          { metric: `open incidents (${kind})`, value: INCIDENTS, unit: 'incidents', goal: `${pendingRows} pending reminder rows, opened in ${round(openSeconds)} s` },
          { metric: `reminders sent of ${wanted.length} due (${kind})`, value: lateness.length, unit: 'reminders' },
          { metric: `reminder lateness p50 (${kind})`, value: round(percentile(lateness, 50)), unit: 'ms' },
          { metric: `reminder lateness p99 (${kind})`, value: round(percentile(lateness, 99)), unit: 'ms', goal: '≤ 1000 ms' },
          { metric: `reminder lateness max (${kind})`, value: round(lateness.at(-1) ?? Number.NaN), unit: 'ms' },
          { metric: `scheduler pass, nothing due, p50 (${kind})`, value: round(percentile(idle, 50), 2), unit: 'ms' },
          { metric: `scheduler pass sending ${pass.sent} reminders (${kind})`, value: round(passMs), unit: 'ms', goal: `${round(passMs / Math.max(1, pass.sent), 2)} ms per reminder` },
        );
        await app.close();
      } finally {
        await db.close();
      }
    }
    return results;
  },
};
