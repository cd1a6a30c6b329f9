// The incident lifecycle (4.3): open, acknowledge, resolve, reopen, reprioritise,
// close, note, and the views a person asks for. Which action is allowed in which status
// comes from the lifecycle table (domain/lifecycle.ts). Every method takes the time as
// input and does its writes in one transaction: the incident, its timeline event, the
// audit entry and whatever the change hooks add (reminders, chat deliveries) commit
// together or not at all.
import type { Contract } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { deadlinesFor } from '../domain/deadlines.js';
import { INITIAL_STATUS, isIncidentStatus, nextStatus, type LifecycleAction } from '../domain/lifecycle.js';
import { isLevel, priorityOf, suggestTiming, type Level, type TimingSuggestion } from '../domain/priority.js';
import type { Incident, Prisma, PrismaClient } from '../store/index.js';
import { ContractVersions } from './contract-versions.js';
import { UserError } from './errors.js';
import { actorId, cleaner } from './free-text.js';
import { sanitizeLine } from '../domain/text.js';
import {
  incidentRef,
  type Actor,
  type ChangeHook,
  type ChangeKind,
  type CommitListener,
  type IncidentStatus,
  type IncidentView,
  type OpenIncidentInput,
} from './incident-types.js';
import { incidentView } from './incident-view.js';

export * from './incident-types.js';
export { actorId } from './free-text.js';

export interface IncidentServiceDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
  hooks?: ChangeHook[];
  onListenerError?: (err: unknown) => void;
  /** Contract versions by which stored incidents are judged; built from contract+calendar when absent. */
  versions?: ContractVersions;
}

export class IncidentService {
  private readonly hooks: readonly ChangeHook[];
  private readonly listeners: CommitListener[] = [];
  /** The stored contract versions: every incident is judged by its own. */
  readonly versions: ContractVersions;

  constructor(private readonly deps: IncidentServiceDeps) {
    this.hooks = [...(deps.hooks ?? [])];
    this.versions = deps.versions ?? new ContractVersions({ contract: deps.contract, calendar: deps.calendar }, deps.prisma);
  }

  /**
   * Adds a listener told after each change commits. A listener's failure is its own:
   * it is reported to `onListenerError` and never undoes or fails the change.
   */
  onCommitted(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** The Tidpunkt the calendar suggests for an incident received at `at`. */
  suggestTiming(at: number): TimingSuggestion {
    return suggestTiming(this.deps.calendar, at);
  }

  async open(input: OpenIncidentInput, actor: Actor, now: number): Promise<IncidentView> {
    const { contract, calendar, prisma } = this.deps;
    const impact = requireLevel(input.impact, 'impact');
    const receivedAt = input.receivedAt ?? now;
    const suggestion = suggestTiming(calendar, receivedAt);
    const timing = input.timing === undefined ? suggestion.timing : requireLevel(input.timing, 'timing');
    const agencyId = input.agencyId?.trim() || contract.defaultAgency;
    if (!calendar.hasAgency(agencyId)) throw new UserError('agency.unknown', { org: agencyId, known: contract.agencies.map((a) => a.id).join(', ') });
    const clean = cleaner(contract.timezone, now);
    const title = clean.title(input.title);
    const description = clean.text(input.description ?? '');
    const priority = priorityOf(contract, impact, timing);
    const deadlines = deadlinesFor(calendar, { kind: 'incident', priority }, receivedAt, agencyId);

    if (input.idempotencyKey) {
      const existing = await prisma.incident.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
      if (existing) return this.view(existing, now);
    }
    try {
      const incident = await prisma.$transaction(async (tx) => {
        await this.versions.ensureCurrentStored(tx);
        const created = await tx.incident.create({
          data: {
            title,
            description,
            agencyId,
            baseServices: (input.baseServices ?? [])
              .map((s) => sanitizeLine(s))
              .filter(Boolean)
              .map(clean.title),
            impact,
            timing,
            suggestedTiming: suggestion.timing,
            priority,
            security: input.security ?? false,
            status: INITIAL_STATUS,
            reporter: actorId(actor),
            source: actor.source,
            receivedAt: new Date(receivedAt),
            responseDueAt: new Date(deadlines.response!),
            resolutionDueAt: new Date(deadlines.resolution),
            configVersion: contract.version,
            idempotencyKey: input.idempotencyKey ?? null,
          },
        });
        await this.record(tx, created, null, 'opened', actor, now, { impact, timing, suggestedTiming: suggestion.timing, priority });
        return created;
      });
      return await this.committed(incident, 'opened', actor, now, {});
    } catch (err) {
      // Two deliveries of the same request raced: the loser returns the winner's incident.
      if (input.idempotencyKey && isUniqueViolation(err)) {
        const existing = await prisma.incident.findUnique({ where: { idempotencyKey: input.idempotencyKey } });
        if (existing) return this.view(existing, now);
      }
      throw err;
    }
  }

  async acknowledge(id: number, actor: Actor, now: number): Promise<IncidentView> {
    return this.change(id, 'acknowledged', actor, now, (current) => ({
      status: allowed(current, 'ack'),
      acknowledgedAt: new Date(now),
      acknowledgedBy: actorId(actor),
    }));
  }

  /** Resolved = fixed and reported back to the reporter (5); the note says how. */
  async resolve(id: number, note: string, actor: Actor, now: number): Promise<IncidentView> {
    const text = cleaner(this.deps.contract.timezone, now).text(note);
    if (!text) throw new UserError('incident.noteRequired', { ref: incidentRef(id) });
    return this.change(
      id,
      'resolved',
      actor,
      now,
      (current) => {
        const status = allowed(current, 'resolve');
        // Resolving an unacknowledged incident also starts it: the response is met now.
        const ack = current.acknowledgedAt ? {} : { acknowledgedAt: new Date(now), acknowledgedBy: actorId(actor) };
        return { ...ack, status, resolvedAt: new Date(now), resolvedBy: actorId(actor), resolutionNote: text };
      },
      { note: text },
    );
  }

  /** Back to work after a resolution that did not hold; the original deadlines stand. */
  async reopen(id: number, reason: string, actor: Actor, now: number): Promise<IncidentView> {
    const text = cleaner(this.deps.contract.timezone, now).text(reason);
    return this.change(
      id,
      'reopened',
      actor,
      now,
      (current) => ({ status: allowed(current, 'reopen'), resolvedAt: null, resolvedBy: null, resolutionNote: null }),
      text ? { reason: text } : {},
    );
  }

  /** New Påverkan/Tidpunkt with a reason; deadlines are recomputed from the original receipt. */
  async reprioritise(id: number, change: { impact: number; timing: number }, reason: string, actor: Actor, now: number): Promise<IncidentView> {
    const impact = requireLevel(change.impact, 'impact');
    const timing = requireLevel(change.timing, 'timing');
    const text = cleaner(this.deps.contract.timezone, now).text(reason);
    if (!text) throw new UserError('incident.reasonRequired', { ref: incidentRef(id) });
    return this.change(
      id,
      'reprioritised',
      actor,
      now,
      (current) => {
        const status = allowed(current, 'priority');
        if (current.impact === impact && current.timing === timing) throw new UserError('incident.samePriority', { ref: incidentRef(id) });
        // The new deadlines come from the contract the incident was opened under, from the original receipt.
        const { contract, calendar } = this.versions.get(current.configVersion);
        const priority = priorityOf(contract, impact, timing);
        const deadlines = deadlinesFor(calendar, { kind: 'incident', priority }, current.receivedAt.getTime(), current.agencyId);
        return {
          status,
          impact,
          timing,
          priority,
          responseDueAt: new Date(deadlines.response!),
          resolutionDueAt: new Date(deadlines.resolution),
        };
      },
      { reason: text },
    );
  }

  /**
   * A line on the incident's timeline (and its chat thread) that changes no state: a
   * monitoring alert that fired again or cleared, a public notice, an operator's remark.
   * `data` is kept with the event (e.g. `{ source: 'alertmanager', status: 'resolved' }`).
   */
  async note(id: number, text: string, actor: Actor, now: number, data: Record<string, unknown> = {}): Promise<IncidentView> {
    const clean = cleaner(this.deps.contract.timezone, now).text(text);
    if (!clean) throw new UserError('incident.noteRequired', { ref: incidentRef(id) });
    return this.change(id, 'noted', actor, now, (current) => ({ status: allowed(current, 'note') }), { ...data, note: clean });
  }

  async close(id: number, actor: Actor, now: number): Promise<IncidentView> {
    return this.change(id, 'closed', actor, now, (current) => ({ status: allowed(current, 'close'), closedAt: new Date(now), closedBy: actorId(actor) }));
  }

  async get(id: number, now: number): Promise<IncidentView> {
    const incident = await this.deps.prisma.incident.findUnique({ where: { id } });
    if (!incident) throw new UserError('incident.notFound', { ref: incidentRef(id) });
    await this.versions.preload([incident.configVersion]);
    return this.view(incident, now);
  }

  /** Several incidents in one query, by id; ids that do not exist are absent. */
  async getMany(ids: number[], now: number): Promise<Map<number, IncidentView>> {
    const rows = await this.deps.prisma.incident.findMany({ where: { id: { in: [...new Set(ids)] } } });
    await this.versions.preload(rows.map((r) => r.configVersion));
    return new Map(rows.map((r) => [r.id, this.view(r, now)]));
  }

  /** Open and acknowledged incidents, the most urgent deadline first. */
  async listOpen(now: number): Promise<IncidentView[]> {
    const rows = await this.deps.prisma.incident.findMany({ where: { status: { in: ['open', 'acknowledged'] } }, orderBy: { id: 'asc' } });
    await this.versions.preload(rows.map((r) => r.configVersion));
    const views = rows.map((r) => this.view(r, now));
    const nextDue = (v: IncidentView) => (v.status === 'open' ? Math.min(v.response.due, v.resolution.due) : v.resolution.due);
    return views.sort((a, b) => nextDue(a) - nextDue(b) || a.id - b.id);
  }

  async timeline(id: number) {
    return this.deps.prisma.incidentEvent.findMany({ where: { incidentId: id }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
  }

  /**
   * Builds the status view: targets, time left on the support clock, broken or met, all by
   * the contract version the incident's deadlines came from (preload it first).
   */
  view(incident: Incident, now: number): IncidentView {
    return incidentView(incident, this.versions.get(incident.configVersion), now);
  }

  /**
   * Loads, checks and updates one incident under optimistic concurrency (revision),
   * with its event, audit entry and hooks, in one transaction.
   */
  private async change(
    id: number,
    kind: ChangeKind,
    actor: Actor,
    now: number,
    decide: (current: Incident) => Prisma.IncidentUpdateInput,
    eventData: Record<string, unknown> = {},
  ): Promise<IncidentView> {
    const updated = await this.deps.prisma.$transaction(async (tx) => {
      const current = await tx.incident.findUnique({ where: { id } });
      if (!current) throw new UserError('incident.notFound', { ref: incidentRef(id) });
      await this.versions.preload([current.configVersion], tx);
      const data = decide(current);
      const result = await tx.incident.updateMany({
        where: { id, revision: current.revision },
        data: { ...(data as Prisma.IncidentUpdateManyMutationInput), revision: { increment: 1 } },
      });
      if (result.count !== 1) throw new UserError('incident.conflict', { ref: incidentRef(id) });
      const after = (await tx.incident.findUnique({ where: { id } }))!;
      await this.record(tx, after, current, kind, actor, now, eventData);
      return after;
    });
    return this.committed(updated, kind, actor, now, eventData);
  }

  private async committed(incident: Incident, change: ChangeKind, actor: Actor, now: number, detail: Record<string, unknown>): Promise<IncidentView> {
    // The snapshot written in that transaction is now committed: no need to write it again.
    if (change === 'opened') this.versions.markCurrentStored();
    const view = this.view(incident, now);
    for (const listener of this.listeners) {
      try {
        await listener({ incident: view, change, actor, detail });
      } catch (err) {
        this.deps.onListenerError?.(err);
      }
    }
    return view;
  }

  private async record(
    tx: Prisma.TransactionClient,
    after: Incident,
    before: Incident | null,
    kind: ChangeKind,
    actor: Actor,
    now: number,
    data: Record<string, unknown>,
  ): Promise<void> {
    const at = new Date(now);
    await tx.incidentEvent.create({ data: { incidentId: after.id, at, actor: actorId(actor), type: kind, data: data as Prisma.InputJsonValue } });
    await tx.auditEntry.create({
      data: {
        at,
        actor: actorId(actor),
        entityType: 'incident',
        entityId: incidentRef(after.id),
        action: kind,
        before: before ? (snapshot(before) as Prisma.InputJsonValue) : undefined,
        after: snapshot(after) as Prisma.InputJsonValue,
      },
    });
    for (const hook of this.hooks) await hook(tx, after, kind, now, actor);
  }
}

function requireLevel(value: number, field: 'impact' | 'timing'): Level {
  if (!isLevel(value)) throw new UserError('level.invalid', { field, given: String(value) });
  return value;
}

/** The status `action` leads to from the incident's, by the lifecycle table; refused otherwise. */
function allowed(current: Incident, action: LifecycleAction): IncidentStatus {
  const next = isIncidentStatus(current.status) ? nextStatus(current.status, action) : null;
  if (!next) throw new UserError('incident.transition', { ref: incidentRef(current.id), status: current.status, action });
  return next;
}

/** The audited state of an incident: every field, instants as ISO strings. */
function snapshot(incident: Incident): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(incident)) {
    if (key === 'updatedAt' || key === 'createdAt') continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}
