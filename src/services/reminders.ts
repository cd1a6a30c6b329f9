// Reminder rows: the plan of each incident's, order's and problem's ladder, created or
// replaced in the same transaction as every change to it. When due, the scheduler fires them into delivery
// jobs (src/jobs) in one transaction and marks them sent. The store decides what is due;
// timers only wake the scheduler.
import type { Contract, Ladder, OrderType, Priority, Target } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { targetsFor, type CaseRef } from '../domain/deadlines.js';
import { ladderFor, pendingFrom, type PlannedReminder, type ReminderKind, type ReminderTarget } from '../domain/reminders.js';
import type { Case, Incident, Prisma, PrismaClient } from '../store/index.js';
import type { CaseChangeHook } from './cases.js';
import type { ContractVersions } from './contract-versions.js';
import { UserError } from './errors.js';
import { actorId, incidentRef, type Actor, type ChangeHook, type ChangeKind } from './incidents.js';

export interface ReminderRow {
  id: number;
  incidentId: number;
  target: ReminderTarget;
  kind: ReminderKind;
  seq: number;
  level: number;
  dueAt: Date;
  deadlineAt: Date;
}

export interface ReminderServiceDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
  /**
   * The stored contract versions: an incident's ladder follows the contract its deadlines
   * came from (who is pinged follows the configuration loaded now: people change).
   */
  versions?: ContractVersions;
}

/** Which targets still need reminding in a status. */
export function activeTargets(status: string): ReminderTarget[] {
  if (status === 'open') return ['response', 'resolution'];
  if (status === 'acknowledged') return ['resolution'];
  return [];
}

export class ReminderService {
  constructor(private readonly deps: ReminderServiceDeps) {}

  /** The change hook: replaces the incident's pending reminders with a fresh plan. */
  readonly planHook: ChangeHook = async (tx, incident, change, now) => {
    await this.replan(tx, incident, change, now);
  };

  /** The change hook of orders and problems (CaseService): the same plan, per case. */
  readonly caseHook: CaseChangeHook = async (tx, row, change, now) => {
    // The case's contract version is kept like an incident's, so a later contract does not
    // change its ladder (ON CONFLICT DO NOTHING: concurrent openings are fine).
    if (change === 'opened') await this.deps.versions?.ensureCurrentStored(tx);
    await this.deps.versions?.preload([row.configVersion], tx);
    await this.replanSubject(tx, { caseId: row.id }, row.status, this.planCase(row), change, now);
  };

  /**
   * The whole ladder of each target the incident's status still runs (pure; used by the hook
   * and tests). The hook keeps what is not yet due at the change (pendingFrom).
   */
  plan(
    incident: Pick<Incident, 'status' | 'priority' | 'agencyId' | 'receivedAt' | 'responseDueAt' | 'resolutionDueAt'> & { configVersion?: string },
  ): PlannedReminder[] {
    const priority = incident.priority as Priority;
    return this.ladders(incident, { kind: 'incident', priority }, (contract) => contract.reminders.incidents[priority]);
  }

  /**
   * An order's or a problem's ladders (pure): the order tables have only a resolution
   * target (4.4.1); problems both, per priority (4.5.1). Ladders from reminders.orders and
   * reminders.problems of the contract the case's deadlines came from.
   */
  planCase(
    c: Pick<Case, 'kind' | 'status' | 'orderType' | 'priority' | 'agencyId' | 'receivedAt' | 'responseDueAt' | 'resolutionDueAt'> & { configVersion?: string },
  ): PlannedReminder[] {
    if (c.kind === 'order') {
      const type = c.orderType as OrderType;
      return this.ladders(c, { kind: 'order', type }, (contract) => contract.reminders.orders[type]);
    }
    const priority = c.priority as Priority;
    return this.ladders(c, { kind: 'problem', priority }, (contract) => contract.reminders.problems[priority]);
  }

  private ladders(
    subject: { status: string; agencyId: string; receivedAt: Date; responseDueAt: Date | null; resolutionDueAt: Date; configVersion?: string },
    ref: CaseRef,
    laddersOf: (contract: Contract) => { response?: Ladder; resolution: Ladder },
  ): PlannedReminder[] {
    const { contract, calendar } = this.deps.versions && subject.configVersion ? this.deps.versions.get(subject.configVersion) : this.deps;
    const agencyId = calendar.hasAgency(subject.agencyId) ? subject.agencyId : contract.defaultAgency;
    const clock = calendar.supportClock(agencyId);
    const targets = targetsFor(contract, ref);
    const ladders = laddersOf(contract);
    const receivedAt = subject.receivedAt.getTime();
    const out: PlannedReminder[] = [];
    for (const target of activeTargets(subject.status)) {
      const spec: Target | null = target === 'response' ? targets.response : targets.resolution;
      const ladder = ladders[target];
      const due = target === 'response' ? subject.responseDueAt : subject.resolutionDueAt;
      // Orders have no response target: nothing to remind about.
      if (!spec || !ladder || !due) continue;
      // A wall-clock target counts from receipt; a support-clock one from the next opening.
      const clockStart = spec.clock === 'wall' ? receivedAt : clock.nextOpening(receivedAt);
      out.push(...ladderFor({ target, spec, ladder, clockStart, deadline: due.getTime(), clock, hold: contract.reminders.holdOutsideSupportHours }));
    }
    return out;
  }

  private async replan(tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, now: number): Promise<void> {
    await this.deps.versions?.preload([incident.configVersion], tx);
    await this.replanSubject(tx, { incidentId: incident.id }, incident.status, this.plan(incident), change, now);
  }

  /**
   * Replaces the subject's pending reminders with `planned` from `now` on: a new subject has
   * none yet; any other change deletes the pending ones and keeps what was already sent.
   */
  private async replanSubject(
    tx: Prisma.TransactionClient,
    subject: { incidentId: number } | { caseId: number },
    status: string,
    planned: PlannedReminder[],
    change: string,
    now: number,
  ): Promise<void> {
    const sentKeys = new Set<string>();
    if (change !== 'opened') {
      await tx.reminder.deleteMany({ where: { ...subject, status: 'pending' } });
      const sent = await tx.reminder.findMany({
        where: { ...subject, status: 'sent' },
        select: { target: true, kind: true, seq: true, deadlineAt: true },
      });
      for (const s of sent) sentKeys.add(key(s.target, s.kind, s.seq, s.deadlineAt.getTime()));
    }
    const rows: PlannedReminder[] = [];
    for (const target of activeTargets(status)) {
      rows.push(
        ...pendingFrom(
          planned.filter((r) => r.target === target && !sentKeys.has(key(r.target, r.kind, r.seq, r.deadlineAt))),
          now,
        ),
      );
    }
    if (rows.length === 0) return;
    const incidentId = 'incidentId' in subject ? subject.incidentId : null;
    const caseId = 'caseId' in subject ? subject.caseId : null;
    // One INSERT … SELECT unnest(…) statement: Prisma's createMany binds row by row and
    // costs about 1 ms per reminder, which made opening an incident three times slower.
    await tx.$executeRaw`
      INSERT INTO reminders (incident_id, case_id, target, kind, seq, level, due_at, deadline_at, status)
      SELECT ${incidentId}::int, ${caseId}::int, t.target, t.kind, t.seq, t.level, t.due_at, t.deadline_at, 'pending'
      FROM unnest(${rows.map((r) => r.target)}::text[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => r.seq)}::int[],
                  ${rows.map((r) => r.level)}::int[], ${rows.map((r) => new Date(r.dueAt).toISOString())}::timestamptz[],
                  ${rows.map((r) => new Date(r.deadlineAt).toISOString())}::timestamptz[])
        AS t(target, kind, seq, level, due_at, deadline_at)`;
  }

  /**
   * The earliest pending due time, to wake the scheduler then. Firing is one short
   * transaction (src/scheduler/reminders.ts), so a reminder row is never held by a lease.
   */
  async nextDueAt(): Promise<number | null> {
    const next = await this.deps.prisma.reminder.findFirst({ where: { status: 'pending' }, orderBy: { dueAt: 'asc' }, select: { dueAt: true } });
    return next ? next.dueAt.getTime() : null;
  }

  /**
   * "Remind me again in N minutes": the target's pending reminders before then are
   * dropped and one snooze reminder takes their place.
   */
  async snooze(incidentId: number, minutes: number, actor: Actor, now: number): Promise<{ target: ReminderTarget; until: number }> {
    const allowed = this.deps.contract.reminders.snoozeMinutes;
    if (!allowed.includes(minutes)) throw new UserError('reminder.snoozeMinutes', { given: minutes, allowed: allowed.join(', ') });
    return this.deps.prisma.$transaction(async (tx) => {
      const incident = await tx.incident.findUnique({ where: { id: incidentId } });
      if (!incident) throw new UserError('incident.notFound', { ref: incidentRef(incidentId) });
      const target = activeTargets(incident.status)[0];
      if (!target) throw new UserError('reminder.nothingToSnooze', { ref: incidentRef(incidentId) });
      const until = now + minutes * 60_000;
      await tx.reminder.updateMany({
        where: { incidentId, target, status: 'pending', dueAt: { lt: new Date(until) } },
        data: { status: 'dropped', dropReason: `snoozed by ${actorId(actor)}` },
      });
      const deadlineAt = target === 'response' ? incident.responseDueAt : incident.resolutionDueAt;
      const last = await tx.reminder.aggregate({ where: { incidentId, target, deadlineAt }, _max: { seq: true } });
      await tx.reminder.create({
        data: { incidentId, target, kind: 'snooze', seq: (last._max.seq ?? 0) + 1000, level: 0, dueAt: new Date(until), deadlineAt, status: 'pending' },
      });
      const who = actorId(actor);
      const detail = { target, minutes, until: new Date(until).toISOString() };
      // On the incident's timeline as well as in the audit: a snooze is something a person did.
      await tx.incidentEvent.create({ data: { incidentId, at: new Date(now), actor: who, type: 'snoozed', data: detail } });
      await tx.auditEntry.create({
        data: { at: new Date(now), actor: who, entityType: 'incident', entityId: incidentRef(incidentId), action: 'snoozed', after: detail },
      });
      return { target, until };
    });
  }
}

function key(target: string, kind: string, seq: number, deadline: number): string {
  return `${target}/${kind}/${seq}/${deadline}`;
}
