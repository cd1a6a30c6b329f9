// The incident lifecycle (4.3): open, acknowledge, resolve, reopen, reprioritise,
// close, and the views a person asks for. Every method takes the time as input and
// does its writes in one transaction: the incident, its timeline event, the audit
// entry and whatever the change hooks add (reminders) commit together or not at all.
import type { Contract, Priority, Target } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { deadlinesFor, targetsFor, timeLeft } from '../domain/deadlines.js';
import { DateTime } from 'luxon';
import { maskPersonalNumbers } from '../domain/pii.js';
import { sanitizeInput, sanitizeLine, textLength } from '../domain/text.js';
import { isLevel, priorityOf, suggestTiming, type Level, type TimingSuggestion } from '../domain/priority.js';
import type { Incident, Prisma, PrismaClient } from '../store/index.js';
import { ContractVersions } from './contract-versions.js';
import { UserError } from './errors.js';

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export const SOURCES = ['console', 'slack', 'teams', 'cli', 'monitoring'] as const;
export type Source = (typeof SOURCES)[number];

export const TITLE_MAX = 150;
export const TEXT_MAX = 3000;

/** Who acts: a platform user id, shown and audited as is. */
export interface Actor {
  id: string;
  name?: string;
  source: Source;
}

export interface OpenIncidentInput {
  impact: number;
  /** Tidpunkt; the suggestion for the receipt instant when omitted. */
  timing?: number;
  title: string;
  orgId?: string;
  baseServices?: string[];
  description?: string;
  security?: boolean;
  /** When the incident was received; defaults to `now`. */
  receivedAt?: number;
  /** A platform delivery id: a retried delivery returns the first incident. */
  idempotencyKey?: string;
}

export type ChangeKind = 'opened' | 'acknowledged' | 'resolved' | 'reopened' | 'reprioritised' | 'closed' | 'noted';

/** Runs inside the change's transaction (reminders are written this way). */
export type ChangeHook = (tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, now: number, actor: Actor) => Promise<void>;

/** Told after a change has committed (chat messages are updated this way). */
export interface CommittedChange {
  incident: IncidentView;
  change: ChangeKind;
  actor: Actor;
  /** The event's text data: a reason or a resolution note. */
  detail: Record<string, unknown>;
}
export type CommitListener = (change: CommittedChange) => void | Promise<void>;

/** One target's state, as the status and list views show it. */
export interface TargetState {
  target: Target;
  due: number;
  /** Time left as the target counts it (support clock unless wall/calendar days); negative when overdue. */
  left: number;
  /** When the target was met (ack for response, resolve for resolution), else null. */
  metAt: number | null;
  state: 'running' | 'met' | 'missed' | 'broken';
}

export interface IncidentView {
  id: number;
  ref: string;
  title: string;
  description: string;
  orgId: string;
  orgName: string;
  baseServices: string[];
  impact: Level;
  timing: Level;
  suggestedTiming: Level;
  priority: Priority;
  security: boolean;
  status: IncidentStatus;
  reporter: string;
  receivedAt: number;
  response: TargetState;
  resolution: TargetState;
  configVersion: string;
  resolutionNote: string | null;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  revision: number;
}

export const incidentRef = (id: number) => `INC-${id}`;

/** Parses "INC-12", "inc-12" or "12"; throws a UserError otherwise. */
export function parseIncidentRef(text: string | undefined): number {
  const m = /^(?:INC-?)?(\d{1,9})$/i.exec((text ?? '').trim());
  if (!m) throw new UserError('incident.badId', { given: text ?? '' });
  return Number(m[1]);
}

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
    const orgId = input.orgId?.trim() || contract.defaultAgency;
    if (!calendar.hasAgency(orgId)) throw new UserError('agency.unknown', { org: orgId, known: contract.agencies.map((a) => a.id).join(', ') });
    const clean = cleaner(contract.timezone, now);
    const title = clean.title(input.title);
    const description = clean.text(input.description ?? '');
    const priority = priorityOf(contract, impact, timing);
    const deadlines = deadlinesFor(calendar, { kind: 'incident', priority }, receivedAt, orgId);

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
            orgId,
            baseServices: (input.baseServices ?? []).map((s) => sanitizeLine(s)).filter(Boolean).map(clean.title),
            impact,
            timing,
            suggestedTiming: suggestion.timing,
            priority,
            security: input.security ?? false,
            status: 'open',
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
    return this.change(id, 'acknowledged', actor, now, (current) => {
      if (current.status !== 'open') throw transition(current, 'ack');
      return { status: 'acknowledged', acknowledgedAt: new Date(now), acknowledgedBy: actorId(actor) };
    });
  }

  /** Resolved = fixed and reported back to the reporter (5); the note says how. */
  async resolve(id: number, note: string, actor: Actor, now: number): Promise<IncidentView> {
    const text = cleaner(this.deps.contract.timezone, now).text(note);
    if (!text) throw new UserError('incident.noteRequired', { ref: incidentRef(id) });
    return this.change(id, 'resolved', actor, now, (current) => {
      if (current.status !== 'open' && current.status !== 'acknowledged') throw transition(current, 'resolve');
      // Resolving an unacknowledged incident also starts it: the response is met now.
      const ack = current.acknowledgedAt ? {} : { acknowledgedAt: new Date(now), acknowledgedBy: actorId(actor) };
      return { ...ack, status: 'resolved', resolvedAt: new Date(now), resolvedBy: actorId(actor), resolutionNote: text };
    }, { note: text });
  }

  /** Back to work after a resolution that did not hold; the original deadlines stand. */
  async reopen(id: number, reason: string, actor: Actor, now: number): Promise<IncidentView> {
    const text = cleaner(this.deps.contract.timezone, now).text(reason);
    return this.change(id, 'reopened', actor, now, (current) => {
      if (current.status !== 'resolved') throw transition(current, 'reopen');
      return { status: current.acknowledgedAt ? 'acknowledged' : 'open', resolvedAt: null, resolvedBy: null, resolutionNote: null };
    }, text ? { reason: text } : {});
  }

  /** New Påverkan/Tidpunkt with a reason; deadlines are recomputed from the original receipt. */
  async reprioritise(id: number, change: { impact: number; timing: number }, reason: string, actor: Actor, now: number): Promise<IncidentView> {
    const impact = requireLevel(change.impact, 'impact');
    const timing = requireLevel(change.timing, 'timing');
    const text = cleaner(this.deps.contract.timezone, now).text(reason);
    if (!text) throw new UserError('incident.reasonRequired', { ref: incidentRef(id) });
    return this.change(id, 'reprioritised', actor, now, (current) => {
      if (current.status === 'closed') throw transition(current, 'priority');
      if (current.impact === impact && current.timing === timing) throw new UserError('incident.samePriority', { ref: incidentRef(id) });
      // The new deadlines come from the contract the incident was opened under, from the original receipt.
      const { contract, calendar } = this.versions.get(current.configVersion);
      const priority = priorityOf(contract, impact, timing);
      const deadlines = deadlinesFor(calendar, { kind: 'incident', priority }, current.receivedAt.getTime(), current.orgId);
      return {
        impact,
        timing,
        priority,
        responseDueAt: new Date(deadlines.response!),
        resolutionDueAt: new Date(deadlines.resolution),
      };
    }, { reason: text });
  }

  /**
   * A line on the incident's timeline (and its chat thread) that changes no state: a
   * monitoring alert that fired again or cleared, a public notice, an operator's remark.
   * `data` is kept with the event (e.g. `{ source: 'alertmanager', status: 'resolved' }`).
   */
  async note(id: number, text: string, actor: Actor, now: number, data: Record<string, unknown> = {}): Promise<IncidentView> {
    const clean = cleaner(this.deps.contract.timezone, now).text(text);
    if (!clean) throw new UserError('incident.noteRequired', { ref: incidentRef(id) });
    return this.change(id, 'noted', actor, now, () => ({}), { ...data, note: clean });
  }

  async close(id: number, actor: Actor, now: number): Promise<IncidentView> {
    return this.change(id, 'closed', actor, now, (current) => {
      if (current.status !== 'resolved') throw transition(current, 'close');
      return { status: 'closed', closedAt: new Date(now), closedBy: actorId(actor) };
    });
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
    const { calendar, contract } = this.versions.get(incident.configVersion);
    const priority = incident.priority as Priority;
    const pair = targetsFor(contract, { kind: 'incident', priority });
    const clock = calendar.hasAgency(incident.orgId) ? calendar.supportClock(incident.orgId) : calendar.supportClock(contract.defaultAgency);
    const state = (target: Target, due: Date, metAt: Date | null): TargetState => {
      const dueMs = due.getTime();
      const met = metAt?.getTime() ?? null;
      if (met !== null) return { target, due: dueMs, left: 0, metAt: met, state: met <= dueMs ? 'met' : 'missed' };
      const left = timeLeft(clock, target, now, dueMs);
      return { target, due: dueMs, left, metAt: null, state: now > dueMs ? 'broken' : 'running' };
    };
    return {
      id: incident.id,
      ref: incidentRef(incident.id),
      title: incident.title,
      description: incident.description,
      orgId: incident.orgId,
      orgName: contract.agencies.find((a) => a.id === incident.orgId)?.name ?? incident.orgId,
      baseServices: incident.baseServices,
      impact: incident.impact as Level,
      timing: incident.timing as Level,
      suggestedTiming: incident.suggestedTiming as Level,
      priority,
      security: incident.security,
      status: incident.status as IncidentStatus,
      reporter: incident.reporter,
      receivedAt: incident.receivedAt.getTime(),
      response: state(pair.response!, incident.responseDueAt, incident.acknowledgedAt),
      resolution: state(pair.resolution, incident.resolutionDueAt, incident.resolvedAt),
      configVersion: incident.configVersion,
      resolutionNote: incident.resolutionNote,
      acknowledgedBy: incident.acknowledgedBy,
      resolvedBy: incident.resolvedBy,
      revision: incident.revision,
    };
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
      const result = await tx.incident.updateMany({ where: { id, revision: current.revision }, data: { ...(data as Prisma.IncidentUpdateManyMutationInput), revision: { increment: 1 } } });
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

/** An actor as stored and audited: never a personnummer, whatever a platform or SSBTEK_USER said. */
export function actorId(actor: Actor): string {
  return maskPersonalNumbers(sanitizeLine(actor.id), { strict: true }).text;
}

function requireLevel(value: number, field: 'impact' | 'timing'): Level {
  if (!isLevel(value)) throw new UserError('level.invalid', { field, given: String(value) });
  return value;
}

/**
 * Free text as it is stored: control, escape and bidi-override characters and NUL removed
 * (they could drive an operator's terminal or fail in PostgreSQL), personnummer masked
 * (judged against today's date in the contract's zone), and within its limit in
 * user-perceived characters (an emoji is one).
 */
function cleaner(zone: string, now: number) {
  const today = DateTime.fromMillis(now, { zone }).toISODate() ?? undefined;
  const mask = (text: string) => maskPersonalNumbers(text, { today }).text;
  return {
    title(text: string): string {
      const cleaned = mask(sanitizeLine(text ?? ''));
      if (!cleaned) throw new UserError('incident.titleRequired');
      const length = textLength(cleaned);
      if (length > TITLE_MAX) throw new UserError('incident.titleTooLong', { max: TITLE_MAX, length });
      return cleaned;
    },
    text(text: string): string {
      const cleaned = mask(sanitizeInput(text ?? '').trim());
      const length = textLength(cleaned);
      if (length > TEXT_MAX) throw new UserError('incident.textTooLong', { max: TEXT_MAX, length });
      return cleaned;
    },
  };
}

function transition(current: Incident, action: string): UserError {
  return new UserError('incident.transition', { ref: incidentRef(current.id), status: current.status, action });
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
