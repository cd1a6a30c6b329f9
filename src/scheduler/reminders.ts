// The reminder scheduler: fires due reminders into delivery jobs. One short transaction per
// batch locks the due reminder rows (SKIP LOCKED, on the queue's clock — the database's in
// production), drops the rungs a later one supersedes and the ones that no longer apply,
// marks the rest sent and writes one delivery job per destination and place. Nothing is
// sent inside that transaction, so it needs no lease: the platform work is the job queue's
// (src/jobs), with its leases, retries, pacing and digests.
//
// In-process sinks (the terminal, tests, the bench) are told after the commit; they are
// local observers, at most once. Chat platforms are destinations and get jobs.
import { randomUUID } from 'node:crypto';
import type { Contacts, Contract } from '../config/contract.js';
import { contactsFor, latestDue, type ReminderKind, type ReminderTarget } from '../domain/reminders.js';
import type { JobRunner, JobSource, PassResult } from '../jobs/runner.js';
import type { JobInput, JobQueue } from '../jobs/queue.js';
import { cardKey, type Outbox } from '../jobs/outbox.js';
import type { CaseService } from '../services/cases.js';
import type { IncidentService, IncidentView } from '../services/incidents.js';
import { activeTargets, type ReminderRow, type ReminderService } from '../services/reminders.js';
import { Prisma, type PrismaClient } from '../store/index.js';
import { fireCaseBatch, markFired, type CaseReminderMessage } from './case-reminders.js';

/** What a platform is given to say. */
export interface ReminderMessage {
  reminder: ReminderRow;
  incident: IncidentView;
  /** Contacts to ping (breach and later); null for a warning in the incident's thread. */
  contacts: Contacts | null;
  /** How late it goes out (ms after it was due), and whether that counts as late. */
  lateBy: number;
  late: boolean;
  snoozeMinutes: number[];
}

/** A local observer of fired reminders (terminal, tests). */
export interface ReminderSink {
  readonly name: string;
  deliver(message: ReminderMessage): Promise<void>;
  /** An order's or a problem's reminder (src/scheduler/case-reminders.ts). */
  deliverCase?(message: CaseReminderMessage): Promise<void>;
}

export interface SchedulerLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

/** The payload of a reminder delivery job. */
export interface ReminderJobPayload {
  reminderId: number;
  target: ReminderTarget;
  kind: ReminderKind;
  seq: number;
  level: number;
  dueAt: string;
  deadlineAt: string;
  /** 'thread': the incident's thread (or its channel); 'channel': an escalation channel. */
  place: 'thread' | 'channel';
}

/**
 * What a platform says for a fired reminder: the reminder, its incident, whom to ping (level
 * 1 or 2; none for a level-0 warning in the thread), and how late it goes out at `at`.
 */
export function reminderMessageOf(
  contract: Contract,
  incidentId: number,
  p: ReminderJobPayload,
  incident: IncidentView,
  at: number,
  lateAfterMs = 60_000,
): ReminderMessage {
  const dueAt = new Date(p.dueAt);
  const lateBy = Math.max(0, at - dueAt.getTime());
  return {
    reminder: { id: p.reminderId, incidentId, target: p.target, kind: p.kind, seq: p.seq, level: p.level, dueAt, deadlineAt: new Date(p.deadlineAt) },
    incident,
    contacts: p.level === 0 ? null : contactsFor(contract, incident.agencyId, incident.priority, p.level >= 2 ? 2 : 1),
    lateBy,
    late: lateBy > lateAfterMs,
    snoozeMinutes: [...contract.reminders.snoozeMinutes],
  };
}

export interface ReminderSchedulerOptions {
  prisma: PrismaClient;
  reminders: ReminderService;
  incidents: IncidentService;
  /** Orders and problems: their reminders fire in the same pass. */
  cases: CaseService;
  contract: Contract;
  sinks: ReminderSink[];
  log: SchedulerLog;
  queue: JobQueue;
  runner: JobRunner;
  outbox: Outbox;
  /** Reminders fired per transaction. */
  batchSize?: number;
  /** A reminder sent this long after its due time is marked late. */
  lateAfterMs?: number;
}

export interface TickResult {
  /** Reminders fired (handed to the destinations and sinks). */
  sent: number;
  /** Superseded or no longer relevant. */
  dropped: number;
  /** Deliveries that failed in this pass (and will be retried, or ended failed). */
  failed: number;
  /** Deliveries completed in this pass. */
  delivered: number;
  /** Lateness (ms) of each reminder fired in this pass. */
  lateness: number[];
}

interface DueRow {
  id: number;
  incident_id: number;
  target: string;
  kind: string;
  seq: number;
  level: number;
  due_at: Date;
  deadline_at: Date;
}

export class ReminderScheduler implements JobSource {
  readonly name = 'reminders';
  readonly owner: string;
  private readonly batchSize: number;
  private readonly lateAfterMs: number;
  private last: TickResult = emptyResult();

  constructor(private readonly options: ReminderSchedulerOptions) {
    this.owner = options.queue.owner ?? `bot-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 200;
    this.lateAfterMs = options.lateAfterMs ?? 60_000;
    options.runner.addSource(this);
  }

  get runner(): JobRunner {
    return this.options.runner;
  }

  /**
   * One pass at `now`: fire everything due, then deliver what this process's destinations
   * have due. `now` is for tests with an injected clock (it must equal that clock); in
   * production the database's clock decides.
   */
  async tick(now?: number): Promise<TickResult> {
    const result = await this.fire(now);
    // Deliver what is due now, waiting for busy channels' pace (up to a few seconds).
    const end = Date.now() + 5_000;
    for (;;) {
      const pass: PassResult = await this.options.runner.deliverDue();
      result.delivered += pass.delivered;
      result.failed += pass.failed + pass.retried;
      if (pass.busy === 0 || Date.now() > end) return result;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** JobSource: fires due reminders (the runner's pass). */
  async run(): Promise<void> {
    this.last = await this.fire();
  }

  /** The last pass's firing result (for logs and metrics). */
  get lastResult(): TickResult {
    return this.last;
  }

  async nextDueAt(): Promise<number | null> {
    return this.options.reminders.nextDueAt();
  }

  /** Fires every due reminder, a batch per transaction, until none is due: incidents', then orders' and problems'. */
  async fire(now?: number): Promise<TickResult> {
    const result = emptyResult();
    // A batch smaller than the limit has caught up; what falls due meanwhile is the next
    // pass's (deliveries must not wait behind a firing loop that chases the clock).
    while ((await this.fireBatch(now, result)) >= this.batchSize);
    while ((await this.fireCases(now, result)) >= this.batchSize);
    return result;
  }

  private async fireCases(nowArg: number | undefined, result: TickResult): Promise<number> {
    const { prisma, queue, outbox, cases, contract, log } = this.options;
    const nowSql = nowArg === undefined ? queue.nowSql() : Prisma.sql`${new Date(nowArg).toISOString()}::timestamptz`;
    const now = nowArg ?? (await queue.now());
    const batch = await fireCaseBatch({ prisma, queue, outbox, cases, contract, batchSize: this.batchSize, lateAfterMs: this.lateAfterMs, log }, nowSql, now);
    result.sent += batch.sent;
    result.dropped += batch.dropped;
    result.lateness.push(...batch.lateness);
    for (const message of batch.fired) {
      for (const sink of this.options.sinks) {
        if (!sink.deliverCase) continue;
        try {
          await sink.deliverCase(message);
        } catch (err) {
          log.error(`reminder ${message.reminder.id} for ${message.subject.ref} could not be shown on ${sink.name}`, err);
        }
      }
    }
    return batch.rows;
  }

  private async fireBatch(nowArg: number | undefined, result: TickResult): Promise<number> {
    const { prisma, queue, incidents, contract, outbox, log } = this.options;
    const nowSql = nowArg === undefined ? queue.nowSql() : Prisma.sql`${new Date(nowArg).toISOString()}::timestamptz`;
    const now = nowArg ?? (await queue.now());
    // The incidents of what is due, read before the transaction (PGlite has one session).
    const peek = await prisma.$queryRaw<Array<{ incident_id: number }>>`
      SELECT DISTINCT incident_id FROM reminders WHERE status = 'pending' AND incident_id IS NOT NULL AND due_at <= ${nowSql} LIMIT ${this.batchSize}`;
    if (peek.length === 0) return 0;
    const views = await incidents.getMany(
      peek.map((p) => p.incident_id),
      now,
    );
    const destinations = await outbox.destinations();
    const fired: ReminderMessage[] = [];
    const rows = await prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<DueRow[]>`
        SELECT id, incident_id, target, kind, seq, level, due_at, deadline_at FROM reminders
        WHERE status = 'pending' AND due_at <= ${nowSql} AND incident_id = ANY(${peek.map((p) => p.incident_id)}::int[])
        ORDER BY due_at, id
        LIMIT ${this.batchSize}
        FOR UPDATE SKIP LOCKED`;
      // After downtime several rungs of one ladder may be due at once: only the latest is said.
      const rungs = latestDue(due.map(toRow), (r) => `${r.incidentId}/${r.target}`);
      // Where each incident lives on each destination, in two queries per destination.
      const incidentIds = [...new Set(due.map((r) => r.incident_id))];
      const places = new Map<string, { refs: Map<number, string>; cards: Map<number, string> }>();
      for (const destination of destinations.keys()) {
        const refRows = await tx.chatReference.findMany({
          where: { incidentId: { in: incidentIds }, platform: destination },
          orderBy: { id: 'desc' },
          select: { incidentId: true, channelId: true },
        });
        const cardRows = await tx.job.findMany({
          where: { dedupeKey: { in: incidentIds.map((id) => cardKey(destination, id)) } },
          select: { incidentId: true, channel: true },
        });
        places.set(destination, {
          refs: new Map(refRows.map((r) => [r.incidentId!, r.channelId])),
          cards: new Map(cardRows.filter((c) => c.channel).map((c) => [c.incidentId!, c.channel!])),
        });
      }
      const drops: Array<{ id: number; reason: string }> = [];
      const sent: Array<{ id: number; late: number }> = [];
      const jobs: JobInput[] = [];
      for (const older of rungs.superseded) drops.push({ id: older.id, reason: 'superseded by a later reminder' });
      for (const latest of rungs.latest) {
        const incident = views.get(latest.incidentId);
        if (!incident) {
          drops.push({ id: latest.id, reason: 'incident gone' });
          continue;
        }
        const stillActive = activeTargets(incident.status).includes(latest.target) && targetDeadline(incident, latest.target) === latest.deadlineAt.getTime();
        if (!stillActive) {
          drops.push({ id: latest.id, reason: `no longer relevant (${incident.status})` });
          continue;
        }
        const lateBy = Math.max(0, now - latest.dueAt.getTime());
        sent.push({ id: latest.id, late: lateBy });
        const contacts = latest.level === 0 ? null : contactsFor(contract, incident.agencyId, incident.priority, latest.level >= 2 ? 2 : 1);
        fired.push({ reminder: latest, incident, contacts, lateBy, late: lateBy > this.lateAfterMs, snoozeMinutes: [...contract.reminders.snoozeMinutes] });
        for (const destination of destinations.keys()) {
          const known = places.get(destination)!;
          const threadChannel = known.refs.get(incident.id) ?? known.cards.get(incident.id) ?? destinations.get(destination)?.incidentChannel ?? null;
          const base = {
            reminderId: latest.id,
            target: latest.target,
            kind: latest.kind,
            seq: latest.seq,
            level: latest.level,
            dueAt: latest.dueAt.toISOString(),
            deadlineAt: latest.deadlineAt.toISOString(),
          };
          const job = (place: 'thread' | 'channel', channel: string) => ({
            kind: 'reminder',
            destination,
            channel,
            incidentId: incident.id,
            payload: { ...base, place } satisfies ReminderJobPayload,
            dedupeKey: `reminder:${destination}:${latest.id}:${place === 'thread' ? 'thread' : channel}`,
            dueAt: latest.dueAt.getTime(),
            revision: latest.seq,
          });
          if (threadChannel) jobs.push(job('thread', threadChannel));
          const escalation = destination === 'slack' ? contacts?.slack.channel : undefined;
          if (escalation && escalation !== threadChannel) jobs.push(job('channel', escalation));
          if (!threadChannel && !escalation) log.info(`reminder ${latest.id} about ${incident.ref}: no ${destination} channel is known; not posted there`);
        }
      }
      await markFired(tx, nowSql, drops, sent);
      // A newer rung makes the older ones of the same target still waiting to go out pointless.
      if (fired.length) {
        await tx.$executeRaw`
          UPDATE jobs SET status = 'dropped', done_at = ${nowSql}, last_error = 'superseded by a later reminder'
          FROM unnest(${fired.map((m) => m.incident.id)}::int[], ${fired.map((m) => m.reminder.target)}::text[], ${fired.map((m) => m.reminder.dueAt.toISOString())}::timestamptz[]) AS f(incident_id, target, due_at)
          WHERE jobs.kind = 'reminder' AND jobs.incident_id = f.incident_id AND jobs.status = 'pending' AND jobs.claimed_by IS NULL
            AND jobs.payload->>'target' = f.target AND jobs.due_at < f.due_at`;
      }
      await queue.enqueue(tx, jobs);
      result.dropped += drops.length;
      result.sent += sent.length;
      result.lateness.push(...sent.map((s) => s.late));
      return due.length;
    });
    for (const message of fired) {
      for (const sink of this.options.sinks) {
        try {
          await sink.deliver(message);
        } catch (err) {
          log.error(`reminder ${message.reminder.id} for ${message.incident.ref} could not be shown on ${sink.name}`, err);
        }
      }
    }
    return rows;
  }

  /** Starts waking on its own (the job runner): at the next due time and every `pollMs`. The clock argument is kept for callers; the queue's clock decides. */
  start(_clock?: () => number, pollMs = 5_000): void {
    this.options.runner.start(pollMs);
  }

  wake(): void {
    this.options.runner.wake();
  }

  async idle(): Promise<void> {
    await this.options.runner.idle();
  }

  async stop(): Promise<void> {
    await this.options.runner.stop();
  }
}

function emptyResult(): TickResult {
  return { sent: 0, dropped: 0, failed: 0, delivered: 0, lateness: [] };
}

function toRow(r: DueRow): ReminderRow {
  return {
    id: r.id,
    incidentId: r.incident_id,
    target: r.target as ReminderTarget,
    kind: r.kind as ReminderKind,
    seq: r.seq,
    level: r.level,
    dueAt: new Date(r.due_at),
    deadlineAt: new Date(r.deadline_at),
  };
}

export function targetDeadline(incident: IncidentView, target: ReminderTarget): number {
  return target === 'response' ? incident.response.due : incident.resolution.due;
}
