// Reminder rows: the plan of each incident's ladder, created or replaced in the same
// transaction as every incident change. When due, the scheduler fires them into delivery
// jobs (src/jobs) in one transaction and marks them sent. The store decides what is due;
// timers only wake the scheduler.
import type { Contract, Priority, Target } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { targetsFor } from '../domain/deadlines.js';
import { ladderFor, pendingFrom, type PlannedReminder, type ReminderKind, type ReminderTarget } from '../domain/reminders.js';
import type { Incident, Prisma, PrismaClient } from '../store/index.js';
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

  /**
   * The whole ladder of each target the incident's status still runs (pure; used by the hook
   * and tests). The hook keeps what is not yet due at the change (pendingFrom).
   */
  plan(
    incident: Pick<Incident, 'status' | 'priority' | 'agencyId' | 'receivedAt' | 'responseDueAt' | 'resolutionDueAt'> & { configVersion?: string },
  ): PlannedReminder[] {
    const { contract, calendar } = this.deps.versions && incident.configVersion ? this.deps.versions.get(incident.configVersion) : this.deps;
    const priority = incident.priority as Priority;
    const clock = calendar.supportClock(incident.agencyId);
    const targets = targetsFor(contract, { kind: 'incident', priority });
    const ladders = contract.reminders.incidents[priority];
    const receivedAt = incident.receivedAt.getTime();
    const out: PlannedReminder[] = [];
    for (const target of activeTargets(incident.status)) {
      const spec: Target = target === 'response' ? targets.response! : targets.resolution;
      // A wall-clock target counts from receipt; a support-clock one from the next opening.
      const clockStart = spec.clock === 'wall' ? receivedAt : clock.nextOpening(receivedAt);
      const deadline = (target === 'response' ? incident.responseDueAt : incident.resolutionDueAt).getTime();
      out.push(...ladderFor({ target, spec, ladder: ladders[target], clockStart, deadline, clock, hold: contract.reminders.holdOutsideSupportHours }));
    }
    return out;
  }

  private async replan(tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, now: number): Promise<void> {
    // A new incident has no reminders yet; any other change replaces the pending ones.
    const sentKeys = new Set<string>();
    if (change !== 'opened') {
      await tx.reminder.deleteMany({ where: { incidentId: incident.id, status: 'pending' } });
      const sent = await tx.reminder.findMany({
        where: { incidentId: incident.id, status: 'sent' },
        select: { target: true, kind: true, seq: true, deadlineAt: true },
      });
      for (const s of sent) sentKeys.add(key(s.target, s.kind, s.seq, s.deadlineAt.getTime()));
    }
    await this.deps.versions?.preload([incident.configVersion], tx);
    const planned = this.plan(incident);
    const rows: PlannedReminder[] = [];
    for (const target of activeTargets(incident.status)) {
      rows.push(
        ...pendingFrom(
          planned.filter((r) => r.target === target && !sentKeys.has(key(r.target, r.kind, r.seq, r.deadlineAt))),
          now,
        ),
      );
    }
    if (rows.length === 0) return;
    // One INSERT … SELECT unnest(…) statement: Prisma's createMany binds row by row and
    // costs about 1 ms per reminder, which made opening an incident three times slower.
    await tx.$executeRaw`
      INSERT INTO reminders (incident_id, target, kind, seq, level, due_at, deadline_at, status)
      SELECT ${incident.id}, t.target, t.kind, t.seq, t.level, t.due_at, t.deadline_at, 'pending'
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
