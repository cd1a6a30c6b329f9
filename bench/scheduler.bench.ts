// Reminder timeliness through the job queue with 10,000 open incidents (every incident has
// its full ladder of pending reminder rows, about 17 each). Measured end to end — fired
// from the reminder rows, written as delivery jobs, claimed and delivered — on the
// database's clock:
//   * lateness: DUE reminders fall due over SPREAD_MS; on PostgreSQL three replicas (three
//     apps, each with its own connection pool and runner) share the work, on PGlite one;
//   * the burst (PostgreSQL): BURST reminders due at the same instant in one Slack channel,
//     three replicas with Slack against a fake that allows one message per second per
//     channel: how long until the last one is in Slack, and in how many messages;
//   * the cost of one pass with nothing due (the heartbeat).
import { createApp, type App } from '../src/app.js';
import { buildContract } from '../src/config/load.js';
import type { ClaimedJob } from '../src/jobs/queue.js';
import type { DeliveryContext, DeliveryHandler } from '../src/jobs/runner.js';
import { startSlack, type SlackHandle } from '../src/platforms/slack/index.js';
import { openDatabase, type Database } from '../src/store/index.js';
import { FakeSlack, SECRET } from '../test/support/fake-slack.js';
import { BENCH_PG_URL, benchDatabase, percentile, round } from './support.js';

const INCIDENTS = Number(process.env.BENCH_SCHEDULER_INCIDENTS ?? 10_000);
const DUE = Number(process.env.BENCH_SCHEDULER_DUE ?? 3_000);
const SPREAD_MS = Number(process.env.BENCH_SCHEDULER_SPREAD_MS ?? 20_000);
const BURST = Number(process.env.BENCH_SCHEDULER_BURST ?? 1_000);
const REPLICAS = 3;

/** A destination that records when each reminder job is delivered (no platform, no pace). */
class Recorder implements DeliveryHandler {
  readonly destination = 'bench';
  readonly paceMs = 0;
  readonly lateness: number[] = [];
  recording = true;
  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    const mine = await ctx.beforeSend(jobs.map((j) => j.id));
    const delivered = jobs.filter((j) => mine.has(j.id));
    const at = Date.now();
    if (this.recording) for (const job of delivered) if (job.kind === 'reminder') this.lateness.push(at - job.dueAt.getTime());
    await ctx.completeMany(delivered);
  }
}

async function openIncidents(app: App, n: number): Promise<number> {
  const actor = { id: 'bench', source: 'cli' as const };
  const started = performance.now();
  const now = Date.now();
  for (let i = 0; i < n; i++) await app.incidents.open({ impact: (i % 4) + 1, title: `Bench ${i}` }, actor, now);
  return (performance.now() - started) / 1000;
}

/** Moves `ids` to fall due from `firstDue` over `spread` ms (one statement). */
async function makeDue(db: Database, ids: number[], firstDue: number, spread: number): Promise<void> {
  const dues = ids.map((_, i) => new Date(firstDue + Math.floor((i * spread) / Math.max(1, ids.length))).toISOString());
  await db.prisma
    .$executeRaw`UPDATE reminders SET due_at = u.due_at FROM unnest(${ids}::int[], ${dues}::timestamptz[]) AS u(id, due_at) WHERE reminders.id = u.id`;
}

async function lateness(kind: 'postgres' | 'pglite') {
  const db = await benchDatabase(kind);
  const extra: Database[] = [];
  const apps: App[] = [];
  try {
    // No injected clock: the queue runs on the database's clock, as in production.
    const first = await createApp({ contract: buildContract(), database: db, schedulerOwner: `${kind}-1` });
    apps.push(first);
    const openSeconds = await openIncidents(first, INCIDENTS);
    const pendingRows = await db.prisma.reminder.count({ where: { status: 'pending' } });
    await first.jobs.outbox.register('bench', { incidentChannel: 'B0BENCH' }, 'bench');
    if (kind === 'postgres') {
      for (let i = 2; i <= REPLICAS; i++) {
        const url = new URL(BENCH_PG_URL);
        url.searchParams.set('schema', (await db.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`)[0]!.s);
        const other = await openDatabase({ url: url.toString() });
        extra.push(other);
        apps.push(await createApp({ contract: buildContract(), database: other, schedulerOwner: `${kind}-${i}` }));
      }
    }
    const recorder = new Recorder();
    for (const app of apps) app.jobs.runner.register(recorder);

    // Cost of one pass with nothing due (the heartbeat's price) over all those rows.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await first.jobs.runner.pass();
      idle.push(performance.now() - t);
    }
    idle.sort((a, b) => a - b);

    const wanted = await db.prisma.reminder.findMany({
      where: { status: 'pending', target: 'resolution' },
      distinct: ['incidentId'],
      take: DUE,
      select: { id: true },
    });
    const firstDue = (await first.jobs.queue.now()) + 1_000;
    await makeDue(
      db,
      wanted.map((w) => w.id),
      firstDue,
      SPREAD_MS,
    );
    for (const app of apps) app.scheduler.start(undefined, 5_000);
    const deadline = Date.now() + SPREAD_MS + 20_000;
    while (recorder.lateness.length < wanted.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    for (const app of apps) await app.scheduler.stop();
    recorder.recording = false;
    const late = [...recorder.lateness].sort((a, b) => a - b);
    const processes = apps.length;
    return [
      {
        metric: `open incidents (${kind})`,
        value: INCIDENTS,
        unit: 'incidents',
        goal: `${pendingRows} pending reminder rows, opened in ${round(openSeconds)} s`,
      },
      {
        metric: `reminders delivered of ${wanted.length} due over ${SPREAD_MS / 1000} s, ${processes} process${processes > 1 ? 'es' : ''} (${kind})`,
        value: late.length,
        unit: 'reminders',
      },
      { metric: `reminder lateness p50 (${kind}, ${processes}×)`, value: round(percentile(late, 50)), unit: 'ms' },
      { metric: `reminder lateness p99 (${kind}, ${processes}×)`, value: round(percentile(late, 99)), unit: 'ms', goal: '<= 1000' },
      { metric: `reminder lateness max (${kind}, ${processes}×)`, value: round(late.at(-1) ?? Number.NaN), unit: 'ms' },
      { metric: `scheduler pass, nothing due, p50 (${kind})`, value: round(percentile(idle, 50), 2), unit: 'ms' },
    ];
  } finally {
    for (const app of apps) await app.close();
    for (const other of extra) await other.close();
    await db.close();
  }
}

/** BURST reminders due at one instant in one Slack channel; three replicas with Slack. */
async function burst() {
  const db = await benchDatabase('postgres');
  const fake = await FakeSlack.start({ quiet: true, rateLimit: { perChannelPerSecond: 1 } });
  const extra: Database[] = [];
  const apps: App[] = [];
  const slacks: SlackHandle[] = [];
  try {
    const first = await createApp({ contract: buildContract(), database: db, schedulerOwner: 'burst-1' });
    apps.push(first);
    await openIncidents(first, BURST);
    const url = new URL(BENCH_PG_URL);
    url.searchParams.set('schema', (await db.prisma.$queryRaw<Array<{ s: string }>>`SELECT current_schema() AS s`)[0]!.s);
    for (let i = 2; i <= REPLICAS; i++) {
      const other = await openDatabase({ url: url.toString() });
      extra.push(other);
      apps.push(await createApp({ contract: buildContract(), database: other, schedulerOwner: `burst-${i}` }));
    }
    for (const app of apps)
      slacks.push(
        await startSlack(app, {
          botToken: 'xoxb-bench',
          signingSecret: SECRET,
          apiUrl: fake.apiUrl,
          port: 0,
          host: '127.0.0.1',
          retries: 0,
          lang: 'sv',
          incidentChannel: 'C0BURST',
        }),
      );
    const wanted = await db.prisma.reminder.findMany({
      where: { status: 'pending', target: 'resolution' },
      distinct: ['incidentId'],
      take: BURST,
      select: { id: true },
    });
    const due = (await first.jobs.queue.now()) + 1_500;
    await makeDue(
      db,
      wanted.map((w) => w.id),
      due,
      0,
    );
    for (const app of apps) app.scheduler.start(undefined, 1_000);
    const deadline = Date.now() + 60_000;
    const jobIds = () =>
      [...fake.messages.values()]
        .flat()
        .filter((m) => m.channel === 'C0BURST')
        .flatMap((m) =>
          String(m.metadata?.event_payload.job_ids ?? '')
            .split(',')
            .filter(Boolean)
            .map((id) => ({ id, at: m.at })),
        );
    while (jobIds().length < wanted.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const seen = jobIds();
    const last = Math.max(...seen.map((s) => s.at)) - due;
    const messages = (fake.messages.get('C0BURST') ?? []).length;
    const p50 = percentile(
      seen.map((s) => s.at - due).sort((a, b) => a - b),
      50,
    );
    return [
      {
        metric: `burst: ${wanted.length} reminders due at once in one channel, in Slack (3 replicas, 1 msg/s/channel)`,
        value: seen.length,
        unit: 'reminders',
        goal: `in ${messages} messages (digests), ${[...fake.rateLimited.values()].reduce((a, b) => a + b, 0)} × 429`,
      },
      { metric: 'burst: lateness p50', value: round(p50), unit: 'ms' },
      { metric: 'burst: last reminder in Slack after its due time', value: round(last), unit: 'ms', goal: '<= 5000' },
    ];
  } finally {
    for (const s of slacks) await s.stop();
    for (const app of apps) await app.close();
    for (const other of extra) await other.close();
    await fake.close();
    await db.close();
  }
}

export default {
  name: 'scheduler',
  async run() {
    const results = [];
    results.push(...(await lateness('postgres')));
    results.push(...(await lateness('pglite')));
    results.push(...(await burst()));
    return results;
  },
};
