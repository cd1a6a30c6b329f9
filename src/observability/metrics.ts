// The bot's Prometheus metrics (prom-client), on its own Registry (never the global
// one, so tests and several bots in one process do not share counters), served as
// text at GET /metrics.
//
// Other modules call the typed methods of `Metrics` (commandHandled, fault,
// reminderSent, platformCall, jobFinished …); numbers that live in the store (open
// incidents, jobs due/claimed/failed, the outbox's oldest row) are read by callbacks
// when Prometheus scrapes, each bounded by a timeout so a slow or unreachable
// database never hangs the scrape (the last good value stays, and
// ssbtek_metrics_collect_errors_total counts the miss).
import type { ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PRIORITIES } from '../config/contract.js';
import type { HttpRequest, HttpServer } from '../http/server.js';

export type CommandOutcome = 'ok' | 'user_error' | 'denied' | 'fault';

/** What the job module reports when asked (one scrape = one call). */
export interface JobStats {
  /** Pending jobs whose due time has passed, by kind. */
  due: Record<string, number>;
  /** Jobs claimed by some process right now, by kind. */
  claimed: Record<string, number>;
  /** Jobs that ended in `failed`, by kind (current rows, not a rate). */
  failed: Record<string, number>;
  /** Age in seconds of the oldest chat delivery not yet delivered (0 when none). */
  outboxOldestAgeSeconds: number;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface MetricsOptions {
  /** Process and Node.js metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
  /** Open incidents (open + acknowledged) by priority; see openIncidentsByPriority(). */
  openIncidents?: () => Promise<Partial<Record<string, number>>>;
  /** The job queue's figures; the job module may also register later with setJobStats(). */
  jobStats?: () => Promise<JobStats>;
  /** The pg pool's connections, where the store has one. */
  poolStats?: () => PoolStats | undefined;
  /** When the job scheduler last finished a pass (epoch ms), for ssbtek_scheduler_last_pass_timestamp_seconds. */
  lastPassAt?: () => number | undefined;
  /** How long a store callback may take during a scrape. Default 1 s. */
  collectTimeoutMs?: number;
  /** Version label of ssbtek_build_info. */
  version?: string;
}

const SECONDS = 1_000;

/** Wall-clock seconds of lateness: from 50 ms to 10 minutes. */
const LATENESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];
/** Call and command durations: 5 ms to 30 s. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export class Metrics {
  /** The registry every ssbtek metric is in (prom-client's global registry is not used). */
  readonly registry = new Registry();
  private jobSource: (() => Promise<JobStats>) | undefined;
  private readonly collectTimeoutMs: number;

  private readonly commands: Counter<'kind' | 'outcome'>;
  private readonly commandSeconds: Histogram<'kind'>;
  private readonly faults: Counter<'area'>;
  private readonly collectErrors: Counter<'source'>;
  private readonly jobsFinished: Counter<'kind' | 'outcome'>;
  private readonly jobsFailedTotal: Counter<'kind'>;
  private readonly jobSeconds: Histogram<'kind'>;
  private readonly lateness: Histogram<'kind'>;
  private readonly platformSeconds: Histogram<'platform' | 'method'>;
  private readonly platformErrors: Counter<'platform' | 'method' | 'error'>;
  private readonly platformRateLimited: Counter<'platform' | 'method'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpSeconds: Histogram<'method' | 'route'>;
  private readonly schedulerPasses: Counter;
  private readonly alertsIn: Counter<'source'>;
  private readonly alertsMatch: Counter;
  private readonly alertsGroup: Counter<'outcome'>;
  private readonly alertsReject: Counter<'reason'>;
  private lastPass: number | undefined;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.collectTimeoutMs = options.collectTimeoutMs ?? 1_000;
    this.jobSource = options.jobStats;
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    new Gauge({ name: 'ssbtek_build_info', help: 'Always 1; the labels name the running build.', labelNames: ['version', 'node'], registers }).set(
      { version: options.version ?? 'unknown', node: process.version },
      1,
    );

    this.commands = new Counter({
      name: 'ssbtek_commands_total',
      help: 'Chat and terminal commands handled, by command and outcome (ok, user_error, denied, fault).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.commandSeconds = new Histogram({
      name: 'ssbtek_command_duration_seconds',
      help: 'Time from a command received to its reply.',
      labelNames: ['kind'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.faults = new Counter({ name: 'ssbtek_faults_total', help: 'Unexpected faults (logged, shown to nobody), by area.', labelNames: ['area'], registers });
    // Reads of the store running in this scrape: the error counter waits for them, so a
    // miss shows in the same scrape.
    const reading = new Set<Promise<unknown>>();
    this.collectErrors = new Counter({
      name: 'ssbtek_metrics_collect_errors_total',
      help: 'Scrapes in which a figure from the store could not be read in time.',
      labelNames: ['source'],
      registers,
      async collect() {
        // The other metrics start their reads in the same scrape, after this one is asked.
        await new Promise((resolve) => setImmediate(resolve));
        await Promise.allSettled([...reading]);
      },
    });

    const collectTimeout = this.collectTimeoutMs;
    const collectErrors = this.collectErrors;
    const guarded = <T>(source: string, read: () => Promise<T>): Promise<T | undefined> => {
      const p = withTimeout(Promise.resolve().then(read), collectTimeout).catch(() => {
        collectErrors.inc({ source });
        return undefined;
      });
      reading.add(p);
      void p.finally(() => reading.delete(p));
      return p;
    };

    const openIncidents = options.openIncidents;
    new Gauge({
      name: 'ssbtek_incidents_open',
      help: 'Incidents open or acknowledged, by priority.',
      labelNames: ['priority'],
      registers,
      async collect() {
        if (!openIncidents) return;
        const counts = await guarded('incidents', openIncidents);
        if (!counts) return;
        for (const p of new Set([...PRIORITIES, ...Object.keys(counts)])) this.set({ priority: p }, counts[p] ?? 0);
      },
    });

    // One read of the job module per scrape feeds four gauges.
    let jobRead: Promise<JobStats | undefined> | undefined;
    const readJobs = (): Promise<JobStats | undefined> => {
      const source = this.jobSource;
      if (!source) return Promise.resolve(undefined);
      jobRead ??= guarded('jobs', source).finally(() => setTimeout(() => (jobRead = undefined), 0));
      return jobRead;
    };
    const jobGauge = (name: string, help: string, pick: (s: JobStats) => Record<string, number>) =>
      new Gauge({
        name,
        help,
        labelNames: ['kind'],
        registers,
        async collect() {
          const stats = await readJobs();
          if (!stats) return;
          this.reset();
          for (const [kind, n] of Object.entries(pick(stats))) this.set({ kind }, n);
        },
      });
    jobGauge('ssbtek_jobs_due', 'Pending jobs whose due time has passed, by kind.', (s) => s.due);
    jobGauge('ssbtek_jobs_claimed', 'Jobs claimed by a process right now, by kind.', (s) => s.claimed);
    jobGauge('ssbtek_jobs_failed', 'Jobs in the failed state (attempts exhausted), by kind.', (s) => s.failed);
    new Gauge({
      name: 'ssbtek_outbox_oldest_age_seconds',
      help: 'Age of the oldest chat delivery not yet delivered (0 when the outbox is empty).',
      registers,
      async collect() {
        const stats = await readJobs();
        if (stats) this.set(stats.outboxOldestAgeSeconds);
      },
    });
    this.jobsFinished = new Counter({
      name: 'ssbtek_job_attempts_total',
      help: 'Job attempts, by kind and outcome (done, retry, failed, released).',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.jobsFailedTotal = new Counter({
      name: 'ssbtek_jobs_failed_total',
      help: 'Jobs that ended in the failed state, by kind.',
      labelNames: ['kind'],
      registers,
    });
    this.jobSeconds = new Histogram({
      name: 'ssbtek_job_duration_seconds',
      help: 'Time one job attempt took, by kind.',
      labelNames: ['kind'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.lateness = new Histogram({
      name: 'ssbtek_reminder_lateness_seconds',
      help: 'How long after its due time a reminder (or other timed job) was delivered.',
      labelNames: ['kind'],
      buckets: LATENESS_BUCKETS,
      registers,
    });

    this.platformSeconds = new Histogram({
      name: 'ssbtek_platform_call_duration_seconds',
      help: 'Calls to chat platforms (Slack Web API, Teams), by platform and method.',
      labelNames: ['platform', 'method'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.platformErrors = new Counter({
      name: 'ssbtek_platform_call_errors_total',
      help: 'Failed calls to chat platforms, by platform, method and error code.',
      labelNames: ['platform', 'method', 'error'],
      registers,
    });
    this.platformRateLimited = new Counter({
      name: 'ssbtek_platform_rate_limited_total',
      help: 'Calls answered with a rate limit (HTTP 429), by platform and method.',
      labelNames: ['platform', 'method'],
      registers,
    });

    this.httpRequests = new Counter({
      name: 'ssbtek_http_requests_total',
      help: "Requests to the bot's HTTP server, by method, route and status.",
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpSeconds = new Histogram({
      name: 'ssbtek_http_request_duration_seconds',
      help: "Time the bot's HTTP server took to answer, by method and route.",
      labelNames: ['method', 'route'],
      buckets: DURATION_BUCKETS,
      registers,
    });

    this.alertsIn = new Counter({
      name: 'ssbtek_alerts_received_total',
      help: 'Monitoring alerts received on /webhooks/*, by intake (alertmanager, generic).',
      labelNames: ['source'],
      registers,
    });
    this.alertsMatch = new Counter({ name: 'ssbtek_alerts_matched_total', help: 'Monitoring alerts a mapping rule matched.', registers });
    this.alertsGroup = new Counter({
      name: 'ssbtek_alerts_grouped_total',
      help: 'Monitoring alerts by what their group did: opened, joined, refired, cleared, unchanged, unmatched, ignored.',
      labelNames: ['outcome'],
      registers,
    });
    this.alertsReject = new Counter({
      name: 'ssbtek_alerts_rejected_total',
      help: 'Refused alert deliveries (requests: unauthorized, invalid, rate_limited, refused) and unmatched alerts, by reason.',
      labelNames: ['reason'],
      registers,
    });

    this.schedulerPasses = new Counter({ name: 'ssbtek_scheduler_passes_total', help: 'Passes of the job scheduler.', registers });
    const lastPassAt = options.lastPassAt ?? (() => this.lastPass);
    new Gauge({
      name: 'ssbtek_scheduler_last_pass_timestamp_seconds',
      help: 'When the job scheduler last finished a pass (Unix time).',
      registers,
      collect() {
        const at = lastPassAt();
        if (at !== undefined) this.set(at / SECONDS);
      },
    });

    const poolStats = options.poolStats;
    new Gauge({
      name: 'ssbtek_db_pool_connections',
      help: 'PostgreSQL pool connections: total, idle, and requests waiting for one.',
      labelNames: ['state'],
      registers,
      collect() {
        const stats = poolStats?.();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
  }

  /** One command handled: its name (never its text), the outcome and how long it took. */
  commandHandled(kind: string, outcome: CommandOutcome, ms: number): void {
    this.commands.inc({ kind, outcome });
    this.commandSeconds.observe({ kind }, ms / SECONDS);
  }

  /** An unexpected fault in `area` (e.g. "command", "scheduler", "slack", "http"). */
  fault(area: string): void {
    this.faults.inc({ area });
  }

  /** Lets the job module supply its figures after the metrics were created. */
  setJobStats(source: () => Promise<JobStats>): void {
    this.jobSource = source;
  }

  /** One job attempt finished. `outcome` failed = attempts exhausted (also counted in ssbtek_jobs_failed_total). */
  jobFinished(kind: string, outcome: 'done' | 'retry' | 'failed' | 'released', ms: number): void {
    this.jobsFinished.inc({ kind, outcome });
    this.jobSeconds.observe({ kind }, ms / SECONDS);
    if (outcome === 'failed') this.jobsFailedTotal.inc({ kind });
  }

  /** A job attempt's outcome when its duration is not known (the queue reports outcomes, the runner durations). */
  jobCounted(kind: string, outcome: 'done' | 'retry' | 'failed' | 'released'): void {
    this.jobsFinished.inc({ kind, outcome });
    if (outcome === 'failed') this.jobsFailedTotal.inc({ kind });
  }

  /** A reminder (or another timed job of `kind`) reached its destination `latenessMs` after its due time. */
  reminderSent(latenessMs: number, kind = 'reminder'): void {
    this.lateness.observe({ kind }, Math.max(0, latenessMs) / SECONDS);
  }

  /** The scheduler finished a pass at `at` (epoch ms). */
  schedulerPass(at: number): void {
    this.lastPass = at;
    this.schedulerPasses.inc();
  }

  /**
   * One call to a chat platform. `error` is the platform's error code ("ratelimited",
   * "channel_not_found", "timeout", …) when it failed; "ratelimited" is also counted apart.
   */
  platformCall(platform: string, method: string, ms: number, error?: string): void {
    this.platformSeconds.observe({ platform, method }, ms / SECONDS);
    if (error !== undefined) {
      this.platformErrors.inc({ platform, method, error });
      if (error === 'ratelimited' || error === '429') this.platformRateLimited.inc({ platform, method });
    }
  }

  /** Times `call` as platformCall(platform, method, …); the error code is `code`/`data.error` of what it throws. */
  async timePlatformCall<T>(platform: string, method: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      this.platformCall(platform, method, performance.now() - started);
      return result;
    } catch (err) {
      this.platformCall(platform, method, performance.now() - started, errorCode(err));
      throw err;
    }
  }

  /** Monitoring alerts (src/services/alerts.ts): `n` alerts received from an intake. */
  alertsReceived(source: string, n: number): void {
    this.alertsIn.inc({ source }, n);
  }

  alertsMatched(n: number): void {
    this.alertsMatch.inc(n);
  }

  alertsGrouped(outcome: string, n: number): void {
    this.alertsGroup.inc({ outcome }, n);
  }

  alertsRejected(reason: string, n: number): void {
    this.alertsReject.inc({ reason }, n);
  }

  /** For HttpServer's onResponse option. */
  readonly httpResponse = (info: { method: string; route: string; status: number; ms: number }): void => {
    this.httpRequests.inc({ method: info.method, route: info.route, status: String(info.status) });
    this.httpSeconds.observe({ method: info.method, route: info.route }, info.ms / SECONDS);
  };

  /** The exposition text (Prometheus text format 0.0.4). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Adds GET /metrics to `server`. */
  mount(server: HttpServer, path = '/metrics'): void {
    server.route('GET', path, (_req: HttpRequest, res: ServerResponse) => this.serve(res));
  }

  private async serve(res: ServerResponse): Promise<void> {
    const text = await this.text();
    res.writeHead(200, { 'content-type': this.contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
    res.end(text);
  }
}

export function createMetrics(options?: MetricsOptions): Metrics {
  return new Metrics(options);
}

/** The short, bounded error code of a failed platform call (never its message). */
export function errorCode(err: unknown): string {
  const e = err as { data?: { error?: unknown }; code?: unknown; statusCode?: unknown } | null;
  const raw = e?.data?.error ?? e?.code ?? e?.statusCode ?? 'error';
  const code = String(raw)
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '_')
    .slice(0, 40);
  return code === 'slack_webapi_rate_limited_error' || code === 'slack_webapi_rate_limited' ? 'ratelimited' : code || 'error';
}

/** The store query behind ssbtek_incidents_open, for MetricsOptions.openIncidents. */
export function openIncidentsByPriority(prisma: {
  incident: {
    groupBy(args: {
      by: ['priority'];
      where: { status: { in: string[] } };
      _count: { _all: true };
    }): Promise<Array<{ priority: string; _count: { _all: number } }>>;
  };
}): () => Promise<Record<string, number>> {
  return async () => {
    const rows = await prisma.incident.groupBy({ by: ['priority'], where: { status: { in: ['open', 'acknowledged'] } }, _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.priority, r._count._all]));
  };
}

/** MetricsOptions.poolStats for the bot's Database: the pg pool's figures on PostgreSQL, nothing on PGlite. */
export function poolStatsOf(database: { pool?: { totalCount: number; idleCount: number; waitingCount: number } }): () => PoolStats | undefined {
  return () => (database.pool ? { total: database.pool.totalCount, idle: database.pool.idleCount, waiting: database.pool.waitingCount } : undefined);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}
