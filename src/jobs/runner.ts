// The job runner: wakes at the next due time (a timer computed on the database clock) and
// on a heartbeat (work written by other processes), runs its sources (reminder firing),
// then delivers what is due channel by channel. One process at a time sends in a channel
// (a lease in job_channels), at the channel's pace, so three replicas together still send
// one message per second per Slack channel; a 429 stops the channel for its Retry-After.
import { randomUUID } from 'node:crypto';
import { paceKey, type ClaimedJob, type JobFailure, type JobQueue, type Scope } from './queue.js';

export interface RunnerLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

/** Work that turns into jobs when due (reminder ladders); run at the start of each pass. */
export interface JobSource {
  readonly name: string;
  run(): Promise<void>;
  /** When the source next has something to do (the queue's clock, ms), or null. */
  nextDueAt(): Promise<number | null>;
}

/** What a handler uses while it holds a channel. */
export interface DeliveryContext {
  readonly destination: string;
  readonly channel: string | null;
  /**
   * Call before each message: waits for the channel's pace, renews the claims and the
   * channel, and returns which of `ids` are still this process's — send only for those.
   */
  beforeSend(ids: number[]): Promise<Set<number>>;
  /** Call after each message the platform accepted (starts the pace interval). */
  sent(): void;
  complete(job: ClaimedJob): Promise<'done' | 'again' | 'lost'>;
  /** Completes jobs that carry no revision to coalesce (reminders in a digest) in one statement. */
  completeMany(jobs: ClaimedJob[]): Promise<number>;
  fail(job: ClaimedJob, failure: JobFailure): Promise<'retry' | 'failed' | 'lost'>;
  drop(job: ClaimedJob, reason: string, status?: 'dropped' | 'done'): Promise<boolean>;
  /** The platform asked to slow down: the channel (and this batch's unsent jobs) wait this long. */
  rateLimited(retryAfterMs: number): void;
  /** True after rateLimited: send nothing more in this batch. */
  readonly stopped: boolean;
}

/**
 * Delivers jobs of one destination (a platform), a channel's batch at a time. Several
 * handlers may share a destination, each for its `kinds` (one without kinds takes the rest).
 */
export interface DeliveryHandler {
  readonly destination: string;
  /** The job kinds it delivers; absent = every kind of its destination no other handler names. */
  readonly kinds?: readonly string[];
  /** Time between two messages in one channel. */
  readonly paceMs: number;
  deliver(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void>;
  /** Maps an error thrown by the platform to a job failure. */
  classify?(err: unknown): JobFailure;
}

export interface JobRunnerOptions {
  queue: JobQueue;
  log: RunnerLog;
  leaseMs: number;
  batch: number;
  /** Channels worked at once by one process. */
  concurrency?: number;
}

export interface PassResult {
  delivered: number;
  failed: number;
  dropped: number;
  retried: number;
  /** Channels with due work that another process holds or whose pace did not allow a message yet. */
  busy: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class JobRunner {
  readonly id = randomUUID().slice(0, 8);
  private readonly handlers = new Map<string, DeliveryHandler[]>();
  private readonly sources: JobSource[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private againFull = false;
  private started = false;
  private closed = false;
  private lastPassAt = 0;
  private readonly inFlight = new Set<number>();
  /** Pace keys this process is working now. */
  private readonly working = new Set<string>();

  constructor(private readonly options: JobRunnerOptions) {}

  get queue(): JobQueue {
    return this.options.queue;
  }

  /** Destinations this process delivers to. */
  get destinations(): string[] {
    return [...this.handlers.keys()];
  }

  /** What this process handles: per destination, every kind or the kinds its handlers name. */
  get scopes(): Scope[] {
    return [...this.handlers].map(([destination, list]) => ({ destination, kinds: kindsOf(list) }));
  }

  /** When the last pass finished (Date.now ms; 0 = never) — for readiness checks. */
  get lastPass(): number {
    return this.lastPassAt;
  }

  get isStarted(): boolean {
    return this.started;
  }

  register(handler: DeliveryHandler): () => void {
    const list = this.handlers.get(handler.destination) ?? [];
    // A second handler for the same kinds (or a second catch-all) replaces the first.
    const same = (h: DeliveryHandler) =>
      (h.kinds === undefined && handler.kinds === undefined) ||
      (h.kinds !== undefined && handler.kinds !== undefined && h.kinds.join() === handler.kinds.join());
    this.handlers.set(handler.destination, [...list.filter((h) => !same(h)), handler]);
    return () => {
      const now = (this.handlers.get(handler.destination) ?? []).filter((h) => h !== handler);
      if (now.length) this.handlers.set(handler.destination, now);
      else this.handlers.delete(handler.destination);
    };
  }

  addSource(source: JobSource): void {
    this.sources.push(source);
  }

  /** Starts waking on its own: at the next due time and every `pollMs`. */
  start(pollMs = 5_000): void {
    if (this.closed) return;
    this.started = true;
    this.heartbeat = setInterval(() => this.wake(), pollMs);
    this.heartbeat.unref();
    this.wake();
  }

  /**
   * Runs a pass soon (coalescing overlapping wake-ups). Before start() it only delivers
   * what is due (a change was just written); after start() it also runs the sources.
   */
  wake(): void {
    if (this.closed) return;
    if (this.started) this.againFull = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const full = this.againFull;
        this.againFull = false;
        try {
          const result = await this.pass(full);
          if (this.started) await this.arm();
          // Not started (deliveries on commit only): come back for a channel that was busy.
          else if (result.busy > 0 && !this.retryTimer) {
            this.retryTimer = setTimeout(() => {
              this.retryTimer = null;
              this.wake();
            }, 100);
            this.retryTimer.unref();
          }
        } catch (err) {
          this.options.log.error('job runner: a pass failed', err);
        }
      } while (this.again && !this.closed);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Waits for passes in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Delivers until nothing of this process's destinations is due (tests and shutdown
   * flushes); gives up after `timeoutMs`.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.idle();
      if (this.closed) return;
      await this.deliverDue();
      const channels = await this.options.queue.dueChannels(this.scopes, 1);
      if (channels.length === 0 || Date.now() > end) return;
      await sleep(20);
    }
  }

  /** Stops waking; finishes the pass in progress (claims not finished are released). */
  async stop(): Promise<void> {
    this.closed = true;
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.timer = null;
    this.retryTimer = null;
    this.heartbeat = null;
    await this.idle();
  }

  /** One pass: sources (when `full`), then deliveries. */
  async pass(full = true): Promise<PassResult> {
    if (full) for (const source of this.sources) await source.run();
    const result = await this.deliverDue();
    this.lastPassAt = Date.now();
    return result;
  }

  /** Delivers every due job of the registered destinations, each channel by its one holder. */
  async deliverDue(): Promise<PassResult> {
    const result: PassResult = { delivered: 0, failed: 0, dropped: 0, retried: 0, busy: 0 };
    const { queue } = this.options;
    const scopes = this.scopes;
    if (scopes.length === 0) return result;
    queue.metrics.outboxAge?.(await queue.oldestDueAge(scopes));
    const channels = await queue.dueChannels(scopes);
    const concurrency = this.options.concurrency ?? 8;
    for (let i = 0; i < channels.length; i += concurrency) {
      await Promise.all(channels.slice(i, i + concurrency).map((c) => this.workChannel(c.destination, c.channel, result)));
    }
    return result;
  }

  private async workChannel(destination: string, channel: string | null, result: PassResult): Promise<void> {
    // One pace per platform channel, whichever destination (incidents, routine, report) posts
    // there: across processes the channel hold decides; in this one, a key already being
    // worked (for another destination) waits for the next pass.
    const key = paceKey(destination, channel);
    if (this.working.has(key)) {
      result.busy++;
      return;
    }
    this.working.add(key);
    try {
      await this.workHeldChannel(destination, channel, key, result);
    } finally {
      this.working.delete(key);
    }
  }

  private async workHeldChannel(destination: string, channel: string | null, key: string, result: PassResult): Promise<void> {
    const handlers = this.handlers.get(destination);
    if (!handlers?.length) return;
    const { queue, log } = this.options;
    const kinds = kindsOf(handlers);
    // One channel, one pace: the strictest of the handlers that post there.
    const pace = Math.max(...handlers.map((h) => h.paceMs));
    const baseLease = this.options.leaseMs;
    // The channel hold is short and renewed before every message: a sender that dies blocks
    // its channel for a couple of seconds, not for a whole claim's lease.
    const holdLease = Math.max(2_500, 2 * pace + 500);
    if (!(await queue.holdChannel(key, holdLease))) {
      result.busy++;
      return;
    }
    let lastSent = -Infinity;
    let waitAfter = 0;
    try {
      for (let rounds = 0; rounds < 50 && !this.closed; rounds++) {
        // Wait for the pace before claiming, so the message takes everything due by then.
        const gap = lastSent + pace - performance.now();
        if (gap > 0) await sleep(gap);
        // Every claim of the batch is renewed before each message, so a lease needs to cover
        // one message (its pace and the call) plus the base margin, however long the batch.
        const lease = baseLease + 2 * pace;
        if (!(await queue.renewChannel(key, holdLease))) break;
        const jobs = await queue.claim(destination, channel, this.options.batch, lease, kinds);
        const claimedAt = performance.now();
        if (jobs.length === 0) break;
        for (const j of jobs) this.inFlight.add(j.id);
        const open = new Set(jobs.map((j) => j.id));
        let stopped = false;
        let retryAfter = 0;
        let firstSend = true;
        const ctx: DeliveryContext = {
          destination,
          channel,
          get stopped() {
            return stopped;
          },
          beforeSend: async (ids) => {
            if (stopped) return new Set();
            const wait = lastSent + pace - performance.now();
            if (!firstSend && wait > 0) await sleep(wait);
            firstSend = false;
            await queue.renewChannel(key, holdLease);
            const mine = await queue.renew([...open], lease);
            return new Set(ids.filter((id) => mine.has(id)));
          },
          sent: () => {
            lastSent = performance.now();
          },
          complete: async (job) => {
            open.delete(job.id);
            const outcome = await queue.complete(job);
            if (outcome === 'done') {
              result.delivered++;
              // One line per job: its id, kind, where, outcome and how long since it was claimed.
              log.info(`job ${job.id} (${job.kind} to ${destination}) done in ${Math.round(performance.now() - claimedAt)} ms`);
            }
            return outcome;
          },
          completeMany: async (done) => {
            for (const job of done) open.delete(job.id);
            const n = await queue.completeMany(done);
            result.delivered += n;
            if (done.length)
              log.info(
                `jobs ${done.map((j) => j.id).join(', ')} (${done[0]!.kind} to ${destination}, one message) done in ${Math.round(performance.now() - claimedAt)} ms`,
              );
            return n;
          },
          fail: async (job, failure) => {
            open.delete(job.id);
            const outcome = await queue.fail(job, failure);
            if (outcome === 'failed') {
              result.failed++;
              log.error(
                `job ${job.id} (${job.kind} to ${destination}${job.incidentId ? ` for INC-${job.incidentId}` : ''}) failed after ${job.attempts} attempts: ${failure.code}`,
              );
            } else if (outcome === 'retry') {
              result.retried++;
              log.warn(`job ${job.id} (${job.kind} to ${destination}) attempt ${job.attempts} failed (${failure.code}); retrying`);
            }
            return outcome;
          },
          drop: async (job, reason, status = 'dropped') => {
            open.delete(job.id);
            const ok = await queue.drop(job, reason, status);
            if (ok && status === 'dropped') result.dropped++;
            return ok;
          },
          rateLimited: (ms) => {
            stopped = true;
            retryAfter = Math.max(retryAfter, ms);
            queue.metrics.rateLimited?.(destination, ms);
          },
        };
        let current: DeliveryHandler = handlers[0]!;
        try {
          for (const [handler, mine] of dispatch(handlers, jobs)) {
            if (stopped) break;
            current = handler;
            await handler.deliver(mine, ctx);
          }
        } catch (err) {
          const failure = current.classify?.(err) ?? { code: errorCode(err) };
          // A rate limit is the channel's, not the jobs': they wait (released below) without using an attempt.
          if (failure.retryAfterMs !== undefined) ctx.rateLimited(failure.retryAfterMs);
          else for (const job of jobs.filter((j) => open.has(j.id))) await ctx.fail(job, failure);
        } finally {
          for (const j of jobs) this.inFlight.delete(j.id);
        }
        // What the handler left untouched (a rate limit, a shutdown) goes back without an
        // attempt; the channel's next send slot (below) holds it back for Retry-After.
        await queue.release([...open]);
        if (stopped) {
          waitAfter = retryAfter;
          break;
        }
      }
    } finally {
      const sinceLast = performance.now() - lastSent;
      await queue
        .releaseChannel(key, Math.max(waitAfter, pace - sinceLast))
        .catch((err: unknown) => log.warn(`job runner: could not release channel ${key} (${errorCode(err)})`));
    }
  }

  /** Re-arms the timer for the next due instant, measured on the queue's clock. */
  private async arm(): Promise<void> {
    const { queue } = this.options;
    const candidates = await Promise.all([queue.nextDueAt(this.scopes), ...this.sources.map((s) => s.nextDueAt())]);
    const next = candidates.filter((c): c is number => c !== null).reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!Number.isFinite(next) || !this.started) return;
    const delay = Math.min(2 ** 31 - 1, Math.max(5, next - (await queue.now())));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }
}

/** The kinds a destination's handlers take; null when one of them takes every kind. */
function kindsOf(handlers: readonly DeliveryHandler[]): string[] | null {
  if (handlers.some((h) => h.kinds === undefined)) return null;
  return [...new Set(handlers.flatMap((h) => [...(h.kinds ?? [])]))];
}

/** Each job to the handler naming its kind, else to the catch-all; in the batch's order per handler. */
function dispatch(handlers: readonly DeliveryHandler[], jobs: ClaimedJob[]): Map<DeliveryHandler, ClaimedJob[]> {
  const out = new Map<DeliveryHandler, ClaimedJob[]>();
  const fallback = handlers.find((h) => h.kinds === undefined);
  for (const job of jobs) {
    const handler = handlers.find((h) => h.kinds?.includes(job.kind)) ?? fallback;
    if (!handler) continue; // not claimable here (the claim filters kinds); left for release
    out.set(handler, [...(out.get(handler) ?? []), job]);
  }
  return out;
}

/** A short, PII-free description of an error: its code, or its class. */
/** How a chat platform delivers an incident's jobs (see deliverIncidentJobs). */
export interface IncidentJobDelivery {
  card(job: ClaimedJob, ctx: DeliveryContext): Promise<void>;
  thread(job: ClaimedJob, ctx: DeliveryContext): Promise<void>;
  /** A card or thread job whose send threw: retry, fail or pause the channel. */
  failed(job: ClaimedJob, err: unknown, ctx: DeliveryContext): Promise<void>;
  /**
   * The claimed reminders together: the incidents' (`reminder`) and the orders' and
   * problems' (`case-reminder`), so a burst can be one digest. Called when either has any.
   */
  reminders(jobs: ClaimedJob[], ctx: DeliveryContext, caseJobs: ClaimedJob[]): Promise<void>;
}

/**
 * The delivery every chat platform makes of an incident's jobs: cards and thread lines one
 * by one in the order claimed, then the reminders (incidents', orders' and problems')
 * together; a job of another kind is dropped.
 */
export async function deliverIncidentJobs(jobs: ClaimedJob[], ctx: DeliveryContext, platform: IncidentJobDelivery): Promise<void> {
  const reminders = jobs.filter((j) => j.kind === 'reminder');
  const caseReminders = jobs.filter((j) => j.kind === 'case-reminder');
  for (const job of jobs) {
    if (ctx.stopped) return;
    if (job.kind === 'reminder' || job.kind === 'case-reminder') continue;
    try {
      if (job.kind === 'card') await platform.card(job, ctx);
      else if (job.kind === 'thread') await platform.thread(job, ctx);
      else await ctx.drop(job, `unknown job kind ${job.kind}`);
    } catch (err) {
      await platform.failed(job, err, ctx);
    }
  }
  if ((reminders.length || caseReminders.length) && !ctx.stopped) await platform.reminders(reminders, ctx, caseReminders);
}

export function errorCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown; name?: unknown };
    if (typeof e.data?.error === 'string') return e.data.error;
    if (typeof e.statusCode === 'number') return `http_${e.statusCode}`;
    if (typeof e.code === 'string') return e.code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'error';
}
