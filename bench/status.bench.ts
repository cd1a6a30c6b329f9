// The public status page under load (issue 13): GET /status at a steady 200 requests per
// second (open loop: a request every 5 ms whatever the answers do) against a store with
// 1,000 service windows and 100,000 incidents (plus disturbance notices and outages),
// on PGlite and on PostgreSQL, through the bot's HTTP server.
//
//   build:           one summary from the store (the queries + the 90 days + rendering)
//   p50/p99 steady:  latency with nothing changing (a cached page)
//   p99 changing:    latency while the store changes every second (each change rebuilds
//                    the summary and re-renders the page)
//   304:             a revalidation with If-None-Match
//
// The load generator runs in the same process as the server (one event loop for both),
// so the numbers include the client's own work.
import { Agent, request } from 'node:http';
import { buildContract } from '../src/config/load.js';
import { BusinessCalendar } from '../src/domain/calendar.js';
import { HttpServer } from '../src/http/server.js';
import { mountStatus } from '../src/web/http.js';
import { createStatus } from '../src/web/index.js';
import type { BenchResult } from './run.js';
import { benchDatabase, percentile, round } from './support.js';

export const name = 'status';

const INCIDENTS = Number(process.env.BENCH_STATUS_INCIDENTS ?? 100_000);
const WINDOWS = Number(process.env.BENCH_STATUS_WINDOWS ?? 1_000);
const RATE = Number(process.env.BENCH_STATUS_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_STATUS_SECONDS ?? 10);

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const kind of ['pglite', 'postgres'] as const) results.push(...(await runOn(kind)));
  return results;
}

async function runOn(kind: 'pglite' | 'postgres'): Promise<BenchResult[]> {
  const db = await benchDatabase(kind);
  const contract = buildContract();
  const calendar = new BusinessCalendar(contract);
  const now = Date.now();
  try {
    await fill(db.prisma, now);
    const listeners: Array<() => void> = [];
    const status = createStatus({ database: db, contract, calendar, now: Date.now, incidents: { onCommitted: (l) => listeners.push(l) } });
    let started = performance.now();
    await status.summary.current();
    const buildMs = performance.now() - started;

    const server = new HttpServer();
    mountStatus(server, { summary: status.summary });
    const port = await server.listen(0, '127.0.0.1');
    // Idle sockets are closed by the client before the server's keep-alive timeout (5 s), so no request races a closing socket.
    const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 });
    const get = (headers: Record<string, string> = {}) =>
      new Promise<{ ms: number; status: number; etag: string }>((resolve, reject) => {
        const t0 = performance.now();
        const req = request({ host: '127.0.0.1', port, path: '/status', agent, headers: { 'accept-encoding': 'gzip', ...headers } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, etag: String(res.headers.etag ?? '') }));
        });
        req.on('error', reject);
        req.end();
      });
    const warm = await get();
    for (let i = 0; i < 200; i++) await get();

    /** Open loop at RATE requests per second for SECONDS; `tick` runs once a second. */
    const load = async (tick?: (second: number) => Promise<void>) => {
      const latencies: number[] = [];
      const failures: number[] = [];
      const total = RATE * SECONDS;
      const interval = 1000 / RATE;
      const t0 = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = t0 + i * interval;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        if (tick && i % RATE === 0) void tick(i / RATE);
        pending.push(
          get().then(
            (r) => {
              if (r.status === 200) latencies.push(r.ms);
              else {
                failures.push(r.status);
                process.stderr.write(`status bench: HTTP ${r.status}\n`);
              }
            },
            (err: NodeJS.ErrnoException) => {
              failures.push(0);
              process.stderr.write(`status bench: request failed: ${err.code ?? err.message}\n`);
            },
          ),
        );
      }
      await Promise.all(pending);
      const achieved = total / ((performance.now() - t0) / 1000);
      latencies.sort((a, b) => a - b);
      return { latencies, failures, achieved };
    };

    const steady = await load();
    let changes = 0;
    const changing = await load(async (second) => {
      // A new disturbance update committed, and the hooks told: the next request rebuilds.
      await db.prisma.disturbanceNotice.create({
        data: { incidentId: 1, seq: 1000 + second, kind: 'update', publicText: `Läget kl. ${second}`, author: 'bench', at: new Date() },
      });
      for (const l of listeners) l();
      changes++;
    });
    started = performance.now();
    const revalidations: number[] = [];
    for (let i = 0; i < 500; i++) {
      const r = await get({ 'if-none-match': (await get()).etag });
      if (r.status === 304) revalidations.push(r.ms);
    }
    revalidations.sort((a, b) => a - b);
    agent.destroy();
    await server.close();
    void warm;
    const page = await status.summary.current();
    return [
      { metric: `summary build from the store (${WINDOWS} windows, ${INCIDENTS} incidents) (${kind})`, value: round(buildMs), unit: 'ms' },
      { metric: `GET /status p50 at ${RATE}/s, nothing changing (${kind})`, value: round(percentile(steady.latencies, 50), 2), unit: 'ms' },
      { metric: `GET /status p99 at ${RATE}/s, nothing changing (${kind})`, value: round(percentile(steady.latencies, 99), 2), unit: 'ms', goal: '<= 50' },
      {
        metric: `GET /status p99 at ${RATE}/s, a change every second (${changes} rebuilds) (${kind})`,
        value: round(percentile(changing.latencies, 99), 2),
        unit: 'ms',
        goal: '<= 250',
      },
      { metric: `GET /status max at ${RATE}/s, a change every second (${kind})`, value: round(changing.latencies.at(-1) ?? Number.NaN, 1), unit: 'ms' },
      { metric: `requests per second achieved (steady) (${kind})`, value: round(steady.achieved), unit: 'req/s', goal: `>= ${Math.floor(RATE * 0.95)}` },
      { metric: `failed requests (both runs) (${kind})`, value: steady.failures.length + changing.failures.length, unit: 'requests', goal: '<= 0' },
      { metric: `revalidation (If-None-Match → 304) p99 (${kind})`, value: round(percentile(revalidations, 99), 2), unit: 'ms' },
      { metric: `windows on the page / in the calendar (${kind})`, value: page.calendar.length, unit: 'windows' },
    ];
  } finally {
    await db.close();
  }
}

/** 100,000 incidents over the last year (200 serious ones with public notices and their all-clear, one still open), 1,000 windows, 200 outages. */
export async function fill(prisma: Awaited<ReturnType<typeof benchDatabase>>['prisma'], now: number): Promise<void> {
  const DAY = 86_400_000;
  const from = new Date(now - 365 * DAY);
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO incidents (title, org_id, impact, timing, suggested_timing, priority, status, reporter, source,
                           received_at, response_due_at, resolution_due_at, config_version, updated_at, resolved_at)
    SELECT 'Bench incident ' || g, (ARRAY['forsakringskassan','skatteverket','csn','arbetsformedlingen','pensionsmyndigheten','transportstyrelsen','a-kassorna'])[1 + g % 7],
           1 + g % 4, 1 + g % 4, 1 + g % 4, (ARRAY['critical','high','medium','low'])[1 + g % 4],
           'closed', 'bench', 'cli',
           $1::timestamptz + (g * interval '5 minutes'), $1::timestamptz + (g * interval '5 minutes') + interval '1 hour',
           $1::timestamptz + (g * interval '5 minutes') + interval '2 days', 'bench', now(),
           $1::timestamptz + (g * interval '5 minutes') + interval '3 hours'
    FROM generate_series(1, ${INCIDENTS}) g`,
    from,
  );
  await prisma.$executeRawUnsafe(`
    INSERT INTO disturbance_notices (incident_id, seq, kind, public_text, author, at)
    SELECT i.id, s, CASE WHEN s = 1 THEN 'notice' WHEN s = 3 AND i.id <> 1 THEN 'all-clear' ELSE 'update' END, 'Svaren dröjer (' || i.id || ', ' || s || ').', 'bench', i.received_at + s * interval '10 minutes'
    FROM incidents i, generate_series(1, 3) s WHERE i.id % 500 = 0 OR i.id = 1`);
  await prisma.$executeRawUnsafe(`UPDATE incidents SET status = 'open', resolved_at = NULL WHERE id = 1`);
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO service_windows (start_at, end_at, planned_end_at, services, agencies, description, public_text, kind, status, owner, owner_source, published_at, updated_at)
    SELECT s, s + interval '4 hours', s + interval '4 hours', ARRAY['Bastjänst ' || (g % 5)], ARRAY[(ARRAY['forsakringskassan','skatteverket','csn'])[1 + g % 3]],
           'internal', 'Planerat underhåll ' || g || '.', 'normal', CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'planned' END, 'bench', 'cli', now(), now()
    FROM (SELECT g, date_trunc('day', $1::timestamptz) + (g * interval '1 day') / 3 + interval '1 hour' AS s FROM generate_series(1, ${WINDOWS}) g) w`,
    new Date(now - 90 * DAY),
  );
  await prisma.$executeRawUnsafe(
    `
    INSERT INTO outages (start_at, end_at, kind, cause)
    SELECT $1::timestamptz + g * interval '1 day 7 hours', $1::timestamptz + g * interval '1 day 7 hours' + interval '35 minutes', 'unplanned', 'bench'
    FROM generate_series(1, 200) g`,
    from,
  );
}
