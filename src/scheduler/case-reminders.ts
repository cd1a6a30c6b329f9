// Reminders about orders (BES-n) and problems (PRB-n): the same rows, ladders and firing
// as the incidents' (src/scheduler/reminders.ts), with two differences. A case has no card
// and no thread, so its reminders go to each platform's incident channel (and, from the
// breach on, to the escalation contacts' channel); and the contacts are the agency's
// (orders have no priority; problems use the priority's contacts like incidents).
//
// One short transaction per batch locks the due rows (SKIP LOCKED, on the queue's clock),
// drops superseded and no-longer-relevant rungs, marks the rest sent and writes one
// `case-reminder` job per destination and channel. The platforms deliver them
// (Slack: platforms/slack/case-reminders.ts; Teams: the Teams announcer).
import type { Contacts, Contract } from '../config/contract.js';
import { contactsFor, latestDue, type ReminderKind, type ReminderTarget } from '../domain/reminders.js';
import type { ClaimedJob, JobInput, JobQueue } from '../jobs/queue.js';
import type { DeliveryContext } from '../jobs/runner.js';
import type { Outbox } from '../jobs/outbox.js';
import type { CaseService, CaseView } from '../services/cases.js';
import type { TargetState } from '../services/incident-types.js';
import { activeTargets } from '../services/reminders.js';
import type { Prisma, PrismaClient } from '../store/index.js';

/** The job kind of a case reminder. */
export const CASE_REMINDER_JOB = 'case-reminder';

/** The payload of a case reminder delivery job. */
export interface CaseReminderJobPayload {
  reminderId: number;
  caseId: number;
  target: ReminderTarget;
  kind: ReminderKind;
  seq: number;
  level: number;
  dueAt: string;
  deadlineAt: string;
}

/** What a surface is given to say about a case's deadline. */
export interface CaseReminderMessage {
  reminder: { id: number; caseId: number; target: ReminderTarget; kind: ReminderKind; seq: number; level: number; dueAt: number; deadlineAt: number };
  subject: CaseView;
  /** The target as it stands when the message goes out. */
  state: TargetState;
  /** Contacts to ping (breach and later); null for a warning. */
  contacts: Contacts | null;
  lateBy: number;
  late: boolean;
}

/** A case's contacts at a level: a problem's priority's, an order's agency default. */
export function caseContacts(contract: Contract, c: CaseView, level: number): Contacts | null {
  if (level === 0) return null;
  return contactsFor(contract, c.agencyId, c.priority, level >= 2 ? 2 : 1);
}

/** Why a case reminder must not go out (any more), or null. */
export function staleCaseReminder(c: CaseView | undefined, p: Pick<CaseReminderJobPayload, 'target' | 'kind' | 'deadlineAt'>, at: number): string | null {
  if (!c) return 'case gone';
  const due = p.target === 'response' ? c.responseDueAt : c.resolutionDueAt;
  if (!activeTargets(c.status).includes(p.target) || due !== new Date(p.deadlineAt).getTime()) return `no longer relevant (${c.status})`;
  if (p.kind === 'warning' && at > new Date(p.deadlineAt).getTime()) return 'deadline passed before the warning went out';
  return null;
}

/** The message for a case reminder job at `at` (null when the target has no deadline). */
export function caseReminderMessageOf(
  contract: Contract,
  cases: CaseService,
  p: CaseReminderJobPayload,
  c: CaseView,
  at: number,
  lateAfterMs = 60_000,
): CaseReminderMessage | null {
  const state = cases.targetState(c, p.target, at);
  if (!state) return null;
  const dueAt = new Date(p.dueAt).getTime();
  const lateBy = Math.max(0, at - dueAt);
  return {
    reminder: {
      id: p.reminderId,
      caseId: p.caseId,
      target: p.target,
      kind: p.kind,
      seq: p.seq,
      level: p.level,
      dueAt,
      deadlineAt: new Date(p.deadlineAt).getTime(),
    },
    subject: c,
    state,
    contacts: caseContacts(contract, c, p.level),
    lateBy,
    late: lateBy > lateAfterMs,
  };
}

export interface CaseReminderFiringDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  outbox: Outbox;
  cases: CaseService;
  contract: Contract;
  batchSize: number;
  lateAfterMs: number;
  log: { info(msg: string): void };
}

interface DueRow {
  id: number;
  case_id: number;
  target: string;
  kind: string;
  seq: number;
  level: number;
  due_at: Date;
  deadline_at: Date;
}

export interface CaseFiringResult {
  /** Rows locked in this batch (a full batch means: look again). */
  rows: number;
  sent: number;
  dropped: number;
  lateness: number[];
  /** For the in-process sinks, after the commit. */
  fired: CaseReminderMessage[];
}

/** Fires one batch of due case reminders at `nowSql` (`now` in ms for the messages). */
export async function fireCaseBatch(deps: CaseReminderFiringDeps, nowSql: Prisma.Sql, now: number): Promise<CaseFiringResult> {
  const { prisma, queue, outbox, cases, contract, batchSize, log } = deps;
  const result: CaseFiringResult = { rows: 0, sent: 0, dropped: 0, lateness: [], fired: [] };
  // The cases of what is due, read before the transaction (PGlite has one session).
  const peek = await prisma.$queryRaw<Array<{ case_id: number }>>`
    SELECT DISTINCT case_id FROM reminders WHERE status = 'pending' AND case_id IS NOT NULL AND due_at <= ${nowSql} LIMIT ${batchSize}`;
  if (peek.length === 0) return result;
  const ids = peek.map((p) => p.case_id);
  const views = await cases.getMany(ids);
  const destinations = await outbox.destinations();
  await prisma.$transaction(async (tx) => {
    const due = await tx.$queryRaw<DueRow[]>`
      SELECT id, case_id, target, kind, seq, level, due_at, deadline_at FROM reminders
      WHERE status = 'pending' AND due_at <= ${nowSql} AND case_id = ANY(${ids}::int[])
      ORDER BY due_at, id
      LIMIT ${batchSize}
      FOR UPDATE SKIP LOCKED`;
    result.rows = due.length;
    // Several rungs of one ladder due at once (after downtime): only the latest is said.
    const rungs = latestDue(due, (r) => `${r.case_id}/${r.target}`);
    const drops: Array<{ id: number; reason: string }> = [];
    const sent: Array<{ id: number; late: number }> = [];
    const jobs: JobInput[] = [];
    for (const older of rungs.superseded) drops.push({ id: older.id, reason: 'superseded by a later reminder' });
    for (const latest of rungs.latest) {
      const c = views.get(latest.case_id);
      const payload: CaseReminderJobPayload = {
        reminderId: latest.id,
        caseId: latest.case_id,
        target: latest.target as ReminderTarget,
        kind: latest.kind as ReminderKind,
        seq: latest.seq,
        level: latest.level,
        dueAt: new Date(latest.due_at).toISOString(),
        deadlineAt: new Date(latest.deadline_at).toISOString(),
      };
      // A warning whose deadline has passed is still fired: the breach rung follows it anyway
      // and the delivery drops a stale warning; here only a case that moved on is dropped.
      const stale = staleCaseReminder(c, { ...payload, kind: 'breach' }, now);
      const message = c && !stale ? caseReminderMessageOf(contract, cases, payload, c, now, deps.lateAfterMs) : null;
      if (!c || stale || !message) {
        drops.push({ id: latest.id, reason: stale ?? 'no deadline for this target' });
        continue;
      }
      sent.push({ id: latest.id, late: message.lateBy });
      result.fired.push(message);
      for (const [destination, settings] of destinations) {
        const escalation = destination === 'slack' ? message.contacts?.slack.channel : destination === 'teams' ? message.contacts?.teams.channel : undefined;
        const channels = [...new Set([settings.incidentChannel, escalation].filter((x): x is string => Boolean(x)))];
        if (channels.length === 0) log.info(`reminder ${latest.id} about ${c.ref}: no ${destination} channel is known; not posted there`);
        for (const channel of channels)
          jobs.push({
            kind: CASE_REMINDER_JOB,
            destination,
            channel,
            payload: payload as unknown as Record<string, unknown>,
            dedupeKey: `case-reminder:${destination}:${latest.id}:${channel}`,
            dueAt: new Date(latest.due_at).getTime(),
            revision: latest.seq,
          });
      }
    }
    await markFired(tx, nowSql, drops, sent);
    // A newer rung makes the older ones of the same case and target still waiting to go out pointless.
    if (result.fired.length) {
      await tx.$executeRaw`
        UPDATE jobs SET status = 'dropped', done_at = ${nowSql}, last_error = 'superseded by a later reminder'
        FROM unnest(${result.fired.map((m) => String(m.reminder.caseId))}::text[], ${result.fired.map((m) => m.reminder.target)}::text[], ${result.fired.map((m) => new Date(m.reminder.dueAt).toISOString())}::timestamptz[]) AS f(case_id, target, due_at)
        WHERE jobs.kind = ${CASE_REMINDER_JOB} AND jobs.status = 'pending' AND jobs.claimed_by IS NULL
          AND jobs.payload->>'caseId' = f.case_id AND jobs.payload->>'target' = f.target AND jobs.due_at < f.due_at`;
    }
    await queue.enqueue(tx, jobs);
    result.dropped = drops.length;
    result.sent = sent.length;
    result.lateness = sent.map((s) => s.late);
  });
  return result;
}

/** Marks a firing's reminder rows: the dropped ones with their reason, the sent ones with how late they went out. */
export async function markFired(
  tx: Prisma.TransactionClient,
  nowSql: Prisma.Sql,
  drops: Array<{ id: number; reason: string }>,
  sent: Array<{ id: number; late: number }>,
): Promise<void> {
  if (drops.length) {
    await tx.$executeRaw`
      UPDATE reminders SET status = 'dropped', drop_reason = d.reason
      FROM unnest(${drops.map((d) => d.id)}::int[], ${drops.map((d) => d.reason)}::text[]) AS d(id, reason) WHERE reminders.id = d.id`;
  }
  if (sent.length) {
    await tx.$executeRaw`
      UPDATE reminders SET status = 'sent', sent_at = ${nowSql}, late_ms = u.late
      FROM unnest(${sent.map((s) => s.id)}::int[], ${sent.map((s) => clampMs(s.late))}::int[]) AS u(id, late)
      WHERE reminders.id = u.id`;
  }
}

/**
 * The case reminders of a claimed batch that are still worth saying, with their messages;
 * the others are dropped on the way (the case moved on, or a warning after its deadline).
 */
export async function readyCaseReminders(
  jobs: ClaimedJob[],
  ctx: DeliveryContext,
  deps: { cases: CaseService; contract: Contract; at: number; lateAfterMs?: number },
): Promise<Array<{ job: ClaimedJob; message: CaseReminderMessage }>> {
  const views = await deps.cases.getMany(jobs.map((j) => (j.payload as CaseReminderJobPayload).caseId));
  const ready: Array<{ job: ClaimedJob; message: CaseReminderMessage }> = [];
  for (const job of jobs) {
    const p = job.payload as CaseReminderJobPayload;
    const c = views.get(p.caseId);
    const stale = staleCaseReminder(c, p, deps.at);
    const message = c && !stale ? caseReminderMessageOf(deps.contract, deps.cases, p, c, deps.at, deps.lateAfterMs) : null;
    if (message) ready.push({ job, message });
    else await ctx.drop(job, stale ?? 'no deadline for this target');
  }
  return ready;
}

/** A lateness in ms as the int column holds it (about 24.8 days at most). */
export function clampMs(ms: number): number {
  return Math.min(2_147_483_647, Math.max(0, Math.round(ms)));
}
