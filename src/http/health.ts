// GET /livez and GET /readyz.
//
// /livez: 200 whenever the process answers HTTP at all (a liveness probe restarts a
// process that no longer does; it must not depend on the database, or a database outage
// would restart every replica).
//
// /readyz: 200 when this replica can do its work, 503 with every failing reason otherwise:
//   * database  — answers `SELECT 1` within 1 s,
//   * scheduler — its last completed pass is recent (not older than N poll intervals),
//   * platform:<name> — each configured chat platform is reachable (checks are cached
//     briefly, so probes do not spend the platform's rate limits),
//   * shutdown  — the process has not begun to stop (load balancers drain it first).
import type { ServerResponse } from 'node:http';
import { sendJson, type HttpServer } from './server.js';

export interface PlatformCheck {
  /** "slack", "teams", … (reported as platform:<name>). */
  name: string;
  /** Resolves when the platform answers; throws (or rejects) with the reason otherwise. */
  check(): Promise<void>;
}

export interface HealthOptions {
  /** Runs `SELECT 1` (or equivalent) on the store; rejects when it fails. See databasePing(). */
  ping(timeoutMs: number): Promise<void>;
  /** Time the database has to answer. Default 1000 ms. */
  databaseTimeoutMs?: number;
  /** When the job scheduler last completed a pass (epoch ms); undefined = none yet. Omit when this process runs no scheduler. */
  lastPassAt?: () => number | undefined;
  /** The scheduler's poll interval (SSBTEK_SCHEDULER_POLL_MS). Default 5000. */
  pollIntervalMs?: number;
  /** A pass older than this many poll intervals is stale. Default 3. */
  staleAfterPolls?: number;
  platforms?: readonly PlatformCheck[];
  /** Time a platform has to answer. Default 2000 ms. */
  platformTimeoutMs?: number;
  /** How long a platform's good answer is reused. Default 30 s (a bad one: 5 s). */
  platformCacheMs?: number;
  now?: () => number;
}

export interface CheckResult {
  ok: boolean;
  /** Why it failed (absent when ok). */
  reason?: string;
  /** How long the check took. */
  ms?: number;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

export interface Health {
  /** Runs every check once. */
  readiness(): Promise<Readiness>;
  /** From now on /readyz answers 503 "shutting down" (call first thing on SIGTERM). */
  markShuttingDown(): void;
  /** A chat platform started after the server was built adds its check. */
  addPlatform(check: PlatformCheck): void;
}

const REASON_MAX = 160;

/** A short, single-line reason from an error (never a stack). */
function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ` : '';
  const line = `${code}${message.split('\n', 1)[0]}`.trim() || 'failed';
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX)}…` : line;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A ping for HealthOptions.ping on the bot's Database (PGlite or PostgreSQL, through Prisma). */
export function databasePing(database: { prisma: { $queryRawUnsafe(sql: string): Promise<unknown> } }): (timeoutMs: number) => Promise<void> {
  return async (timeoutMs) => {
    await withTimeout(database.prisma.$queryRawUnsafe('SELECT 1'), timeoutMs, 'the database');
  };
}

export function createHealth(options: HealthOptions): Health {
  const now = options.now ?? Date.now;
  const dbTimeout = options.databaseTimeoutMs ?? 1_000;
  const poll = options.pollIntervalMs ?? 5_000;
  const staleMs = poll * (options.staleAfterPolls ?? 3);
  const platformTimeout = options.platformTimeoutMs ?? 2_000;
  const goodFor = options.platformCacheMs ?? 30_000;
  const badFor = Math.min(goodFor, 5_000);
  const cache = new Map<string, { at: number; result: CheckResult; pending?: Promise<CheckResult> }>();
  let shuttingDown = false;
  const platforms: PlatformCheck[] = [...(options.platforms ?? [])];

  const timed = async (work: () => Promise<string | undefined>): Promise<CheckResult> => {
    const started = performance.now();
    try {
      const failure = await work();
      const ms = Math.round(performance.now() - started);
      return failure === undefined ? { ok: true, ms } : { ok: false, reason: failure, ms };
    } catch (err) {
      return { ok: false, reason: reasonOf(err), ms: Math.round(performance.now() - started) };
    }
  };

  const database = () =>
    timed(async () => {
      await withTimeout(options.ping(dbTimeout), dbTimeout, 'the database');
      return undefined;
    });

  const scheduler = (lastPassAt: () => number | undefined) =>
    timed(async () => {
      const at = lastPassAt();
      if (at === undefined) return 'the scheduler has not completed a pass yet';
      const age = now() - at;
      return age > staleMs ? `the scheduler's last pass was ${Math.round(age / 1000)} s ago (limit ${Math.round(staleMs / 1000)} s)` : undefined;
    });

  const platform = (p: PlatformCheck): Promise<CheckResult> => {
    const t = now();
    const cached = cache.get(p.name);
    if (cached?.pending) return cached.pending;
    if (cached && t - cached.at < (cached.result.ok ? goodFor : badFor)) return Promise.resolve(cached.result);
    const pending = timed(async () => {
      await withTimeout(p.check(), platformTimeout, p.name);
      return undefined;
    }).then((result) => {
      cache.set(p.name, { at: now(), result });
      return result;
    });
    cache.set(p.name, { at: cached?.at ?? 0, result: cached?.result ?? { ok: false }, pending });
    return pending;
  };

  return {
    markShuttingDown() {
      shuttingDown = true;
    },
    addPlatform(check) {
      platforms.push(check);
    },
    async readiness() {
      const entries: Array<[string, Promise<CheckResult>]> = [['database', database()]];
      if (options.lastPassAt) entries.push(['scheduler', scheduler(options.lastPassAt)]);
      for (const p of platforms) entries.push([`platform:${p.name}`, platform(p)]);
      const checks: Record<string, CheckResult> = {};
      if (shuttingDown) checks.shutdown = { ok: false, reason: 'the process is shutting down' };
      for (const [name, result] of entries) checks[name] = await result;
      return { ready: Object.values(checks).every((c) => c.ok), checks };
    },
  };
}

/**
 * Adds GET /livez and GET /readyz to `server`. /readyz answers
 * `{"status":"ready"|"not ready","checks":{"database":{"ok":true,"ms":2},…},"failing":["…reason"]}`.
 */
export function mountHealth(server: HttpServer, options: HealthOptions): Health {
  const health = createHealth(options);
  const started = Date.now();
  server.route('GET', '/livez', (_req, res: ServerResponse) =>
    sendJson(res, 200, { status: 'live', uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
  );
  server.route(
    'GET',
    '/readyz',
    async (_req, res: ServerResponse) => {
      const { ready, checks } = await health.readiness();
      const failing = Object.entries(checks)
        .filter(([, c]) => !c.ok)
        .map(([name, c]) => `${name}: ${c.reason ?? 'failed'}`);
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', checks, ...(failing.length ? { failing } : {}) });
    },
    // Longer than any single check's own timeout, so the answer is always the checks' verdict.
    { timeoutMs: Math.max(options.databaseTimeoutMs ?? 1_000, options.platformTimeoutMs ?? 2_000) + 2_000 },
  );
  return health;
}
