// The job queue: every message the bot owes someone is a row in `jobs`, written in the
// transaction of the change that made it owed, claimed by one process at a time under a
// lease, and ended as done, dropped or — after max_attempts — failed.
//
// Time is the DATABASE's: claims, leases, due times and backoff are computed with now() in
// SQL, so replicas with skewed clocks agree. A queue built with `clock` (tests, simulations)
// uses that instant instead, for every statement alike.
import { Prisma, type PrismaClient } from '../store/index.js';

export type JobStatus = 'pending' | 'done' | 'failed' | 'dropped';

/** What a job is (kind) and where it goes (destination + channel). */
/**
 * The key of a channel's pace and sender hold (job_channels): the platform — the part of the
 * destination after its last colon — and the channel. 'slack', 'routine:slack' and
 * 'report:slack' posting in one Slack channel share one pace, as Slack counts it.
 * (nextDueAt computes the same key in SQL.)
 */
export function paceKey(destination: string, channel: string | null): string {
  return `${destination.slice(destination.lastIndexOf(':') + 1)}:${channel ?? ''}`;
}

export interface JobInput {
  kind: string;
  destination: string;
  /** The platform channel it is posted in (pacing, digests); null when decided at delivery. */
  channel?: string | null;
  incidentId?: number | null;
  payload: Record<string, unknown>;
  /** Unique: a second enqueue with the same key changes nothing (or coalesces, see enqueueLatest). */
  dedupeKey: string;
  /** When it falls due (ms); default now (the queue's clock). */
  dueAt?: number;
  /** A card's incident revision; for enqueueLatest the newest wins. */
  revision?: number;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  destination: string;
  channel: string | null;
  incidentId: number | null;
  // biome-ignore lint/suspicious/noExplicitAny: a payload's shape depends on the job's kind; each handler reads its own
  payload: Record<string, any>;
  revision: number;
  dueAt: Date;
  /** This claim included (1 = first try). */
  attempts: number;
  maxAttempts: number;
  /** The claim took over an expired claim of another (or an earlier) holder: the job may have been sent. */
  takeover: boolean;
  createdAt: Date;
}

export interface JobFailure {
  /** A short code (Slack error code, HTTP status, error class) — never message text or personal data. */
  code: string;
  /** The platform said when to come back (429 Retry-After). */
  retryAfterMs?: number;
  /** Retrying cannot help (e.g. channel_not_found): fail now. */
  permanent?: boolean;
}

/** Counters the queue updates; the HTTP/metrics side implements them. All optional. */
export interface JobMetrics {
  claimed?(n: number, destination: string): void;
  completed?(kind: string, destination: string): void;
  failed?(kind: string, destination: string): void;
  retried?(kind: string, destination: string, code: string): void;
  dropped?(kind: string, reason: string): void;
  /** How late a delivery went out after its due time. */
  lateness?(ms: number, kind: string): void;
  /** Age of the oldest pending job (outbox lag), sampled each pass. */
  outboxAge?(ms: number): void;
  rateLimited?(destination: string, retryAfterMs: number): void;
}

export interface DeliveryProblem {
  jobId: number;
  kind: string;
  destination: string;
  channel: string | null;
  status: 'failed' | 'retrying';
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  dueAt: number;
}

export interface JobQueueOptions {
  prisma: PrismaClient;
  /** This process's name in claims. */
  owner: string;
  /** SSBTEK_JOB_MAX_ATTEMPTS. */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to backoffMaxMs. */
  backoffMs: number;
  backoffMaxMs: number;
  /** Tests/simulations: the instant to use instead of the database's now(). */
  clock?: (() => number) | undefined;
  metrics?: JobMetrics | undefined;
}

type Tx = Prisma.TransactionClient | PrismaClient;

/** What a process handles: a destination (every kind), or a destination and some kinds. */
export type Scope = string | { destination: string; kinds: readonly string[] | null };

/** The SQL condition selecting the jobs of `scopes` (column prefix `p`, e.g. "j."). */
function scopeSql(scopes: readonly Scope[], p = ''): Prisma.Sql {
  const parts = scopes.map((sc) => {
    const destination = typeof sc === 'string' ? sc : sc.destination;
    const kinds = typeof sc === 'string' ? null : sc.kinds;
    const d = Prisma.raw(`${p}destination`);
    const k = Prisma.raw(`${p}kind`);
    return kinds === null ? Prisma.sql`${d} = ${destination}` : Prisma.sql`(${d} = ${destination} AND ${k} = ANY(${[...kinds]}::text[]))`;
  });
  return parts.length ? Prisma.sql`(${Prisma.join(parts, ' OR ')})` : Prisma.sql`false`;
}

interface JobRow {
  id: number;
  kind: string;
  destination: string;
  channel: string | null;
  incident_id: number | null;
  // biome-ignore lint/suspicious/noExplicitAny: as ClaimedJob.payload
  payload: Record<string, any>;
  revision: number;
  due_at: Date;
  attempts: number;
  max_attempts: number;
  created_at: Date;
  prev: string | null;
}

export class JobQueue {
  readonly owner: string;
  readonly metrics: JobMetrics;

  constructor(private readonly options: JobQueueOptions) {
    this.owner = options.owner;
    this.metrics = options.metrics ?? {};
  }

  get usesDatabaseClock(): boolean {
    return this.options.clock === undefined;
  }

  /** The queue's "now" as SQL: now() on the database clock, or the injected instant. */
  nowSql(): Prisma.Sql {
    const clock = this.options.clock;
    return clock ? Prisma.sql`${new Date(clock()).toISOString()}::timestamptz` : Prisma.sql`now()`;
  }

  /** The queue's now in ms (one round trip on the database clock). */
  async now(tx: Tx = this.options.prisma): Promise<number> {
    if (this.options.clock) return this.options.clock();
    const [row] = await tx.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
    return new Date(row!.now).getTime();
  }

  private dueSql(dueAt: number | undefined): Prisma.Sql {
    return dueAt === undefined ? this.nowSql() : Prisma.sql`${new Date(dueAt).toISOString()}::timestamptz`;
  }

  /**
   * Adds jobs inside the caller's transaction; a job whose dedupe key exists is left as it
   * is. Returns how many were new.
   */
  async enqueue(tx: Tx, jobs: JobInput[]): Promise<number> {
    if (jobs.length === 0) return 0;
    // One statement for the lot (a fired batch writes hundreds): INSERT … SELECT FROM unnest.
    return tx.$executeRaw`
      INSERT INTO jobs (kind, destination, channel, incident_id, payload, revision, dedupe_key, status, due_at, max_attempts)
      SELECT t.kind, t.destination, t.channel, t.incident_id, t.payload::jsonb, t.revision, t.dedupe_key, 'pending', COALESCE(t.due_at, ${this.nowSql()}), t.max_attempts
      FROM unnest(${jobs.map((j) => j.kind)}::text[], ${jobs.map((j) => j.destination)}::text[], ${jobs.map((j) => j.channel ?? null)}::text[],
                  ${jobs.map((j) => j.incidentId ?? null)}::int[], ${jobs.map((j) => JSON.stringify(j.payload))}::text[], ${jobs.map((j) => j.revision ?? 0)}::int[],
                  ${jobs.map((j) => j.dedupeKey)}::text[], ${jobs.map((j) => (j.dueAt === undefined ? null : new Date(j.dueAt).toISOString()))}::timestamptz[],
                  ${jobs.map((j) => j.maxAttempts ?? this.options.maxAttempts)}::int[])
        AS t(kind, destination, channel, incident_id, payload, revision, dedupe_key, due_at, max_attempts)
      ORDER BY t.due_at NULLS FIRST
      ON CONFLICT (dedupe_key) DO NOTHING`;
  }

  /**
   * Coalescing enqueue (a card per incident and destination): one row per dedupe key; a
   * higher revision replaces the payload and makes it pending again (a failed card comes
   * back to life with the next change); a lower or equal revision changes nothing. A claim
   * in flight sees the new revision when it completes and runs again.
   */
  async enqueueLatest(tx: Tx, job: JobInput & { revision: number }): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO jobs (kind, destination, channel, incident_id, payload, revision, dedupe_key, status, due_at, max_attempts)
      VALUES (${job.kind}, ${job.destination}, ${job.channel ?? null}, ${job.incidentId ?? null}, ${JSON.stringify(job.payload)}::jsonb,
              ${job.revision}, ${job.dedupeKey}, 'pending', ${this.dueSql(job.dueAt)}, ${job.maxAttempts ?? this.options.maxAttempts})
      ON CONFLICT (dedupe_key) DO UPDATE SET
        revision = EXCLUDED.revision,
        payload = jobs.payload || EXCLUDED.payload,
        channel = COALESCE(jobs.channel, EXCLUDED.channel),
        due_at = CASE WHEN jobs.status = 'pending' THEN LEAST(jobs.due_at, EXCLUDED.due_at) ELSE EXCLUDED.due_at END,
        status = 'pending', attempts = 0, last_error = NULL, done_at = NULL
      WHERE EXCLUDED.revision > jobs.revision`;
  }

  /** Channels (of the destinations) with jobs due and not claimed by anyone alive, oldest first. */
  async dueChannels(destinations: readonly Scope[], limit = 100): Promise<Array<{ destination: string; channel: string | null }>> {
    if (destinations.length === 0) return [];
    const now = this.nowSql();
    const rows = await this.options.prisma.$queryRaw<Array<{ destination: string; channel: string | null }>>`
      SELECT destination, channel FROM jobs
      WHERE status = 'pending' AND ${scopeSql(destinations)} AND due_at <= ${now}
        AND (claimed_until IS NULL OR claimed_until < ${now})
      GROUP BY destination, channel
      ORDER BY min(due_at)
      LIMIT ${limit}`;
    return rows;
  }

  /**
   * Claims up to `limit` due jobs of one destination and channel for `leaseMs` on the
   * queue's clock. SKIP LOCKED: concurrent claimers never get the same row; an expired
   * claim is taken over (and flagged `takeover`). Each claim counts as an attempt.
   */
  async claim(destination: string, channel: string | null, limit: number, leaseMs: number, kinds: readonly string[] | null = null): Promise<ClaimedJob[]> {
    const now = this.nowSql();
    const rows = await this.options.prisma.$queryRaw<JobRow[]>`
      WITH picked AS (
        SELECT id, claimed_by AS prev FROM jobs
        WHERE status = 'pending' AND ${scopeSql([{ destination, kinds }])} AND channel IS NOT DISTINCT FROM ${channel}::text
          AND due_at <= ${now} AND (claimed_until IS NULL OR claimed_until < ${now})
        ORDER BY due_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE jobs j SET claimed_by = ${this.owner}, claimed_until = ${now} + ${leaseMs}::int * interval '1 millisecond', attempts = j.attempts + 1
      FROM picked WHERE j.id = picked.id
      RETURNING j.id, j.kind, j.destination, j.channel, j.incident_id, j.payload, j.revision, j.due_at, j.attempts, j.max_attempts, j.created_at, picked.prev`;
    if (rows.length) this.metrics.claimed?.(rows.length, destination);
    return rows
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        destination: r.destination,
        channel: r.channel,
        incidentId: r.incident_id,
        payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
        revision: r.revision,
        dueAt: new Date(r.due_at),
        attempts: r.attempts,
        maxAttempts: r.max_attempts,
        takeover: r.prev !== null,
        createdAt: new Date(r.created_at),
      }))
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id - b.id);
  }

  /**
   * Extends the lease of the jobs still claimed by this process and returns their ids: a
   * job missing from the answer was taken over (or ended) and must not be sent.
   */
  async renew(ids: number[], leaseMs: number): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const now = this.nowSql();
    const rows = await this.options.prisma.$queryRaw<Array<{ id: number }>>`
      UPDATE jobs SET claimed_until = ${now} + ${leaseMs}::int * interval '1 millisecond'
      WHERE id = ANY(${ids}::int[]) AND claimed_by = ${this.owner} AND status = 'pending'
      RETURNING id`;
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Marks a claimed job done. A card whose revision moved on while it was being sent goes
   * back to pending (unclaimed) to show the newer one. Returns the outcome; 'lost' when the
   * claim was no longer this process's.
   */
  async complete(job: Pick<ClaimedJob, 'id' | 'kind' | 'destination' | 'revision' | 'dueAt'>): Promise<'done' | 'again' | 'lost'> {
    const now = this.nowSql();
    const rows = await this.options.prisma.$queryRaw<Array<{ status: string; late_ms: number }>>`
      UPDATE jobs SET
        status = CASE WHEN revision = ${job.revision} THEN 'done' ELSE 'pending' END,
        done_at = CASE WHEN revision = ${job.revision} THEN ${now} ELSE NULL END,
        late_ms = CASE WHEN revision = ${job.revision} THEN GREATEST(0, (extract(epoch FROM (${now} - due_at)) * 1000)::int) ELSE NULL END,
        attempts = CASE WHEN revision = ${job.revision} THEN attempts ELSE 0 END,
        claimed_by = NULL, claimed_until = NULL, last_error = NULL
      WHERE id = ${job.id} AND claimed_by = ${this.owner} AND status = 'pending'
      RETURNING status, COALESCE(late_ms, 0) AS late_ms`;
    const row = rows[0];
    if (!row) return 'lost';
    if (row.status !== 'done') return 'again';
    this.metrics.completed?.(job.kind, job.destination);
    this.metrics.lateness?.(Number(row.late_ms), job.kind);
    return 'done';
  }

  /** Marks claimed jobs done in one statement (jobs whose revision does not move: reminders). Returns how many. */
  async completeMany(jobs: Array<Pick<ClaimedJob, 'id' | 'kind' | 'destination'>>): Promise<number> {
    if (jobs.length === 0) return 0;
    const now = this.nowSql();
    const rows = await this.options.prisma.$queryRaw<Array<{ kind: string; destination: string; late_ms: number }>>`
      UPDATE jobs SET status = 'done', done_at = ${now}, late_ms = GREATEST(0, (extract(epoch FROM (${now} - due_at)) * 1000)::int),
        claimed_by = NULL, claimed_until = NULL, last_error = NULL
      WHERE id = ANY(${jobs.map((j) => j.id)}::int[]) AND claimed_by = ${this.owner} AND status = 'pending'
      RETURNING kind, destination, late_ms`;
    for (const r of rows) {
      this.metrics.completed?.(r.kind, r.destination);
      this.metrics.lateness?.(Number(r.late_ms), r.kind);
    }
    return rows.length;
  }

  /**
   * A delivery attempt failed: back off (the platform's Retry-After, or exponential) or,
   * at max_attempts or for a permanent error, end in `failed`. Returns the outcome;
   * 'failed' is returned once, on the transition, so the caller logs it once.
   */
  async fail(job: Pick<ClaimedJob, 'id' | 'kind' | 'destination' | 'attempts'>, failure: JobFailure): Promise<'retry' | 'failed' | 'lost'> {
    const now = this.nowSql();
    const backoff = failure.retryAfterMs ?? this.backoffMs(job.attempts);
    const permanent = failure.permanent === true;
    const code = failure.code.slice(0, 200);
    const rows = await this.options.prisma.$queryRaw<Array<{ status: string }>>`
      UPDATE jobs SET
        status = CASE WHEN ${permanent} OR attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
        done_at = CASE WHEN ${permanent} OR attempts >= max_attempts THEN ${now} ELSE NULL END,
        due_at = CASE WHEN ${permanent} OR attempts >= max_attempts THEN due_at ELSE ${now} + ${Math.round(backoff)}::int * interval '1 millisecond' END,
        claimed_by = NULL, claimed_until = NULL, last_error = ${code}
      WHERE id = ${job.id} AND claimed_by = ${this.owner} AND status = 'pending'
      RETURNING status`;
    const row = rows[0];
    if (!row) return 'lost';
    if (row.status === 'failed') {
      this.metrics.failed?.(job.kind, job.destination);
      return 'failed';
    }
    this.metrics.retried?.(job.kind, job.destination, code);
    return 'retry';
  }

  /** Gives a claim back without counting the attempt (shutdown, a busy channel, rate limit before sending). */
  async release(ids: number[], delayMs = 0): Promise<void> {
    if (ids.length === 0) return;
    const now = this.nowSql();
    await this.options.prisma.$executeRaw`
      UPDATE jobs SET claimed_by = NULL, claimed_until = NULL, attempts = GREATEST(0, attempts - 1),
        due_at = CASE WHEN ${delayMs > 0} THEN GREATEST(due_at, ${now} + ${Math.round(delayMs)}::int * interval '1 millisecond') ELSE due_at END
      WHERE id = ANY(${ids}::int[]) AND claimed_by = ${this.owner} AND status = 'pending'`;
  }

  /** Ends a claimed job without sending it (superseded, no longer relevant, already delivered). */
  async drop(job: Pick<ClaimedJob, 'id' | 'kind'>, reason: string, status: 'dropped' | 'done' = 'dropped'): Promise<boolean> {
    const now = this.nowSql();
    const n = await this.options.prisma.$executeRaw`
      UPDATE jobs SET status = ${status}, done_at = ${now}, claimed_by = NULL, claimed_until = NULL, last_error = ${reason.slice(0, 200)}
      WHERE id = ${job.id} AND claimed_by = ${this.owner} AND status = 'pending'`;
    if (n === 1 && status === 'dropped') this.metrics.dropped?.(job.kind, reason);
    return n === 1;
  }

  /**
   * The earliest instant something of these destinations can be done: a pending job not
   * claimed by a live holder (a claim held by another — dead or alive — delays nothing
   * else), no earlier than its channel's next send slot. Null when nothing is pending.
   */
  async nextDueAt(destinations: readonly Scope[]): Promise<number | null> {
    if (destinations.length === 0) return null;
    const now = this.nowSql();
    if (!this.usesDatabaseClock) {
      const rows = await this.options.prisma.$queryRaw<Array<{ next: Date | null }>>`
        SELECT min(due_at) AS next FROM jobs
        WHERE status = 'pending' AND ${scopeSql(destinations)} AND (claimed_until IS NULL OR claimed_until < ${now})`;
      return rows[0]?.next ? new Date(rows[0].next).getTime() : null;
    }
    const rows = await this.options.prisma.$queryRaw<Array<{ next: Date | null }>>`
      SELECT min(GREATEST(j.due_at, COALESCE(c.next_send_at, j.due_at),
                 CASE WHEN c.held_until > now() AND c.held_by <> ${this.owner} THEN c.held_until ELSE j.due_at END)) AS next
      FROM jobs j LEFT JOIN job_channels c ON c.key = regexp_replace(j.destination, '^.*:', '') || ':' || COALESCE(j.channel, '')
      WHERE j.status = 'pending' AND ${scopeSql(destinations, 'j.')}
        AND (j.claimed_until IS NULL OR j.claimed_until < ${now})`;
    const next = rows[0]?.next;
    return next ? new Date(next).getTime() : null;
  }

  /** Age of the oldest due, unfinished job of these destinations (ms; 0 when none). */
  async oldestDueAge(destinations: readonly Scope[]): Promise<number> {
    if (destinations.length === 0) return 0;
    const now = this.nowSql();
    const rows = await this.options.prisma.$queryRaw<Array<{ age: number | null }>>`
      SELECT (extract(epoch FROM (${now} - min(due_at))) * 1000)::float8 AS age FROM jobs
      WHERE status = 'pending' AND ${scopeSql(destinations)} AND due_at <= ${now}`;
    return Math.max(0, Number(rows[0]?.age ?? 0));
  }

  // ------------------------------------------------------------------------ channels

  // Channel holds and pace are real time, so they always run on the database's clock (an
  // injected test clock stands still; Slack's one message per second does not).

  /**
   * Becomes the one sender of a channel (across replicas) for `leaseMs`, if its pace allows
   * a message now and nobody alive holds it. Returns false otherwise.
   */
  async holdChannel(key: string, leaseMs: number): Promise<boolean> {
    const now = Prisma.sql`now()`;
    const rows = await this.options.prisma.$queryRaw<Array<{ key: string }>>`
      INSERT INTO job_channels (key, next_send_at, held_by, held_until)
      VALUES (${key}, ${now}, ${this.owner}, ${now} + ${leaseMs}::int * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET held_by = EXCLUDED.held_by, held_until = EXCLUDED.held_until
      WHERE (job_channels.held_until IS NULL OR job_channels.held_until < ${now} OR job_channels.held_by = ${this.owner})
        AND job_channels.next_send_at <= ${now}
      RETURNING key`;
    return rows.length === 1;
  }

  async renewChannel(key: string, leaseMs: number): Promise<boolean> {
    const now = Prisma.sql`now()`;
    const n = await this.options.prisma.$executeRaw`
      UPDATE job_channels SET held_until = ${now} + ${leaseMs}::int * interval '1 millisecond' WHERE key = ${key} AND held_by = ${this.owner}`;
    return n === 1;
  }

  /** Lets the channel go; the next message may be sent `nextInMs` from now (pace or Retry-After). */
  async releaseChannel(key: string, nextInMs: number): Promise<void> {
    const now = Prisma.sql`now()`;
    await this.options.prisma.$executeRaw`
      UPDATE job_channels SET held_by = NULL, held_until = NULL,
        next_send_at = GREATEST(next_send_at, ${now} + ${Math.max(0, Math.round(nextInMs))}::int * interval '1 millisecond')
      WHERE key = ${key} AND held_by = ${this.owner}`;
  }

  // ------------------------------------------------------------------------ views

  /**
   * What could not be delivered for an incident: failed jobs, and pending ones already
   * retried (for `status`). Newest first.
   */
  async deliveryProblems(incidentId: number): Promise<DeliveryProblem[]> {
    const rows = await this.options.prisma.job.findMany({
      where: { incidentId, OR: [{ status: 'failed' }, { status: 'pending', lastError: { not: null } }] },
      orderBy: { id: 'desc' },
      take: 20,
    });
    return rows.map((r) => ({
      jobId: r.id,
      kind: r.kind,
      destination: r.destination,
      channel: r.channel,
      status: r.status === 'failed' ? ('failed' as const) : ('retrying' as const),
      attempts: r.attempts,
      maxAttempts: r.maxAttempts,
      lastError: r.lastError,
      dueAt: r.dueAt.getTime(),
    }));
  }

  /**
   * The queue's figures for /metrics, on the database clock: pending jobs due and not claimed,
   * jobs claimed now, failed jobs (current rows), by kind; and the age of the oldest due job.
   */
  async stats(): Promise<{ due: Record<string, number>; claimed: Record<string, number>; failed: Record<string, number>; outboxOldestAgeSeconds: number }> {
    const rows = await this.options.prisma.$queryRaw<Array<{ kind: string; due: number; claimed: number; failed: number; oldest: number | null }>>`
      SELECT kind,
             count(*) FILTER (WHERE status = 'pending' AND due_at <= now() AND (claimed_until IS NULL OR claimed_until < now()))::int AS due,
             count(*) FILTER (WHERE status = 'pending' AND claimed_until >= now())::int AS claimed,
             count(*) FILTER (WHERE status = 'failed')::int AS failed,
             extract(epoch FROM now() - min(due_at) FILTER (WHERE status = 'pending' AND due_at <= now()))::float8 AS oldest
      FROM jobs WHERE status IN ('pending', 'failed') GROUP BY kind`;
    const out = { due: {} as Record<string, number>, claimed: {} as Record<string, number>, failed: {} as Record<string, number>, outboxOldestAgeSeconds: 0 };
    for (const r of rows) {
      out.due[r.kind] = r.due;
      out.claimed[r.kind] = r.claimed;
      out.failed[r.kind] = r.failed;
      out.outboxOldestAgeSeconds = Math.max(out.outboxOldestAgeSeconds, r.oldest ?? 0);
    }
    return out;
  }

  /** Exponential backoff after the n-th attempt, with ±20 % jitter so replicas spread out. */
  backoffMs(attempt: number): number {
    const base = Math.min(this.options.backoffMaxMs, this.options.backoffMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
