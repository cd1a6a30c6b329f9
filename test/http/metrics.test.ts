// GET /metrics in Prometheus text format, parsed with a Prometheus text-format parser:
// the named families are there, with the values the bot's modules reported.
import { PGlite } from '@electric-sql/pglite';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/http/server.js';
import { createMetrics, errorCode, openIncidentsByPriority, poolStatsOf, type Metrics } from '../../src/observability/metrics.js';
import { openDatabase, type Database } from '../../src/store/index.js';
import { postgresTarget } from '../support/databases.js';

interface Family {
  name: string;
  help: string;
  type: string;
  metrics: Array<{ value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }>;
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

async function scrape(metrics: Metrics): Promise<{ families: Map<string, Family>; contentType: string | null; status: number }> {
  const server = new HttpServer({ onResponse: metrics.httpResponse });
  metrics.mount(server);
  servers.push(server);
  const url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  const families = new Map((parsePrometheusTextFormat(text) as Family[]).map((f) => [f.name, f]));
  return { families, contentType: res.headers.get('content-type'), status: res.status };
}

function value(f: Family | undefined, labels: Record<string, string> = {}): number | undefined {
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m?.value === undefined ? undefined : Number(m.value);
}

describe('/metrics', () => {
  let pglite: PGlite;
  let db: Database;
  beforeAll(async () => {
    pglite = await PGlite.create('memory://');
    db = await openDatabase({ pglite });
    const base = {
      agencyId: 'x',
      impact: 1,
      timing: 1,
      suggestedTiming: 1,
      status: 'open',
      reporter: 'u',
      source: 'console',
      receivedAt: new Date(),
      responseDueAt: new Date(),
      resolutionDueAt: new Date(),
      configVersion: 'v',
    };
    await db.prisma.incident.createMany({
      data: [
        { ...base, title: 'a', priority: 'critical' },
        { ...base, title: 'b', priority: 'critical', status: 'acknowledged' },
        { ...base, title: 'c', priority: 'low' },
        { ...base, title: 'd', priority: 'high', status: 'resolved' },
      ],
    });
  });
  afterAll(async () => {
    await db.close();
    await pglite.close();
  });

  it('is Prometheus text with every family the operations team relies on', async () => {
    const metrics = createMetrics({
      openIncidents: openIncidentsByPriority(db.prisma),
      jobStats: async () => ({ due: { reminder: 4, 'chat.card': 1 }, claimed: { reminder: 2 }, failed: { 'chat.thread': 1 }, outboxOldestAgeSeconds: 12.5 }),
      poolStats: () => ({ total: 5, idle: 3, waiting: 0 }),
      version: '0.1.0',
    });
    metrics.commandHandled('incident', 'ok', 42);
    metrics.commandHandled('resolve', 'user_error', 5);
    metrics.commandHandled('resolve', 'user_error', 7);
    metrics.fault('command');
    metrics.reminderSent(130);
    metrics.reminderSent(3_000);
    metrics.platformCall('slack', 'chat.postMessage', 80);
    metrics.platformCall('slack', 'chat.postMessage', 20, 'ratelimited');
    metrics.jobFinished('chat.thread', 'failed', 15);
    metrics.schedulerPass(Date.parse('2026-03-03T09:00:00Z'));

    const { families, contentType, status } = await scrape(metrics);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    for (const name of [
      'ssbtek_commands_total',
      'ssbtek_command_duration_seconds',
      'ssbtek_faults_total',
      'ssbtek_incidents_open',
      'ssbtek_jobs_due',
      'ssbtek_jobs_claimed',
      'ssbtek_jobs_failed',
      'ssbtek_jobs_failed_total',
      'ssbtek_outbox_oldest_age_seconds',
      'ssbtek_reminder_lateness_seconds',
      'ssbtek_platform_call_duration_seconds',
      'ssbtek_platform_call_errors_total',
      'ssbtek_db_pool_connections',
      'ssbtek_scheduler_last_pass_timestamp_seconds',
      'ssbtek_build_info',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(families.has(name), name).toBe(true);
    }

    expect(families.get('ssbtek_commands_total')!.type).toBe('COUNTER');
    expect(value(families.get('ssbtek_commands_total'), { kind: 'resolve', outcome: 'user_error' })).toBe(2);
    expect(value(families.get('ssbtek_faults_total'), { area: 'command' })).toBe(1);

    // Counted in the store: open + acknowledged, every priority present.
    const open = families.get('ssbtek_incidents_open')!;
    expect(open.type).toBe('GAUGE');
    expect(value(open, { priority: 'critical' })).toBe(2);
    expect(value(open, { priority: 'low' })).toBe(1);
    expect(value(open, { priority: 'high' })).toBe(0);
    expect(value(open, { priority: 'medium' })).toBe(0);

    expect(value(families.get('ssbtek_jobs_due'), { kind: 'reminder' })).toBe(4);
    expect(value(families.get('ssbtek_jobs_claimed'), { kind: 'reminder' })).toBe(2);
    expect(value(families.get('ssbtek_jobs_failed'), { kind: 'chat.thread' })).toBe(1);
    expect(value(families.get('ssbtek_jobs_failed_total'), { kind: 'chat.thread' })).toBe(1);
    expect(value(families.get('ssbtek_outbox_oldest_age_seconds'))).toBe(12.5);

    const lateness = families.get('ssbtek_reminder_lateness_seconds')!;
    expect(lateness.type).toBe('HISTOGRAM');
    // (This parser merges labelled histogram series into one and drops _count: +Inf is the count.)
    expect(lateness.metrics[0]!.buckets?.['+Inf']).toBe('2');
    expect(lateness.metrics[0]!.buckets?.['0.25']).toBe('1');
    expect(lateness.metrics[0]!.buckets?.['5']).toBe('2');

    expect(families.get('ssbtek_platform_call_duration_seconds')!.metrics[0]!.buckets?.['+Inf']).toBe('2');
    expect(value(families.get('ssbtek_platform_call_errors_total'), { error: 'ratelimited' })).toBe(1);
    expect(value(families.get('ssbtek_db_pool_connections'), { state: 'idle' })).toBe(3);
    expect(value(families.get('ssbtek_scheduler_last_pass_timestamp_seconds'))).toBe(Date.parse('2026-03-03T09:00:00Z') / 1000);
    expect(value(families.get('ssbtek_build_info'), { version: '0.1.0' })).toBe(1);
  });

  it("counts the HTTP server's own requests by route, not by raw path", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    await scrape(metrics);
    const { families } = await scrape(metrics);
    expect(value(families.get('ssbtek_http_requests_total'), { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('a store that does not answer does not hang the scrape: the miss is counted', async () => {
    const metrics = createMetrics({ defaultMetrics: false, collectTimeoutMs: 100, openIncidents: () => new Promise(() => {}) });
    const started = Date.now();
    const { families, status } = await scrape(metrics);
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(value(families.get('ssbtek_metrics_collect_errors_total'), { source: 'incidents' })).toBe(1);
  });

  it('two bots in one process keep separate registries', async () => {
    const a = createMetrics({ defaultMetrics: false });
    const b = createMetrics({ defaultMetrics: false });
    a.fault('x');
    expect(await b.text()).not.toMatch(/ssbtek_faults_total\{area="x"\}/);
    expect(await a.text()).toMatch(/ssbtek_faults_total\{area="x"\} 1/);
  });

  it('a platform error is labelled with its short code, never its message', () => {
    expect(
      errorCode(
        Object.assign(new Error('An API error occurred: channel_not_found'), { code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } }),
      ),
    ).toBe('channel_not_found');
    expect(errorCode(Object.assign(new Error('A rate limit was exceeded'), { code: 'slack_webapi_rate_limited_error' }))).toBe('ratelimited');
    expect(errorCode(new Error('boom'))).toBe('error');
  });

  it('on PostgreSQL the pool under Prisma is reported: total, idle and waiting connections', async () => {
    const pgdb = await postgresTarget.open();
    try {
      await Promise.all([1, 2, 3].map(() => pgdb.prisma.$queryRawUnsafe('SELECT 1 AS one FROM pg_sleep(0.05)')));
      const { families } = await scrape(createMetrics({ defaultMetrics: false, poolStats: poolStatsOf(pgdb) }));
      const pool = families.get('ssbtek_db_pool_connections');
      expect(value(pool, { state: 'total' })).toBeGreaterThanOrEqual(1);
      expect(value(pool, { state: 'idle' })).toBe(value(pool, { state: 'total' }));
      expect(value(pool, { state: 'waiting' })).toBe(0);
    } finally {
      await pgdb.close();
    }
    // PGlite has no pool: the family is there, without samples.
    const { families } = await scrape(createMetrics({ defaultMetrics: false, poolStats: poolStatsOf(db) }));
    expect(value(families.get('ssbtek_db_pool_connections'), { state: 'total' })).toBeUndefined();
  });
});
