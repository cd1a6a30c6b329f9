// Orders (beställningar, 4.4) and problems (4.5) as cases beside incidents: their own
// ids (BES-n, PRB-n), deadlines from the contract's order and problem tables, the same
// lifecycle as incidents where it applies (acknowledge, resolve, reopen, close), and for
// problems the incidents they explain, the root cause and the proposed action (5.1).
//
// Stored in one `cases` table (kind = 'order' | 'problem'): both kinds share every
// lifecycle column and the monthly report reads them in one query. The number is per
// kind (BES-1 and PRB-1 both exist), allocated as max + 1 under a per-kind advisory lock
// and a unique (kind, number) constraint.
//
// Every change is written with an audit entry in one transaction; the time is passed in.
import { ORDER_TYPES, type Contract, type OrderType, type Priority } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { deadlinesFor, targetsFor, timeLeft } from '../domain/deadlines.js';
import { isLevel, priorityOf, type Level } from '../domain/priority.js';
import type { Case } from '../generated/prisma/client.js';
import type { Prisma, PrismaClient } from '../store/index.js';
import { cleaner as freeText } from './free-text.js';
import type { TargetState } from './incident-types.js';
import { actorId, type Actor } from './incidents.js';

export type CaseKindName = 'order' | 'problem';
export type CaseStatus = 'open' | 'acknowledged' | 'resolved' | 'closed';
export type CaseAction = 'ack' | 'resolve' | 'reopen' | 'close' | 'link' | 'rootCause' | 'action';

export const CASE_PREFIX: Record<CaseKindName, string> = { order: 'BES', problem: 'PRB' };

/** An error a person can act on; `key` is a text in locales/<lang>/cases.json. */
export class CaseError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${key} ${JSON.stringify(params)}`);
    this.name = 'CaseError';
  }
}

export const isCaseError = (e: unknown): e is CaseError => e instanceof CaseError;

export interface CaseView {
  id: number;
  kind: CaseKindName;
  number: number;
  ref: string;
  title: string;
  description: string;
  agencyId: string;
  orderType: OrderType | null;
  impact: Level | null;
  timing: Level | null;
  priority: Priority | null;
  security: boolean;
  status: CaseStatus;
  receivedAt: number;
  responseDueAt: number | null;
  resolutionDueAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  resolutionNote: string | null;
  rootCause: string | null;
  action: string | null;
  linkedIncidents: number[];
  configVersion: string;
  revision: number;
}

export interface OpenOrderInput {
  type: OrderType;
  title: string;
  agencyId?: string;
  description?: string;
  receivedAt?: number;
  idempotencyKey?: string;
}

export interface OpenProblemInput {
  impact: number;
  timing: number;
  title: string;
  agencyId?: string;
  description?: string;
  security?: boolean;
  linkedIncidents?: number[];
  receivedAt?: number;
  idempotencyKey?: string;
}

/** A case as imported from history: every instant given, deadlines computed from the contract. */
export interface ImportedCase {
  kind: CaseKindName;
  ref: string;
  agencyId: string;
  orderType?: OrderType;
  impact?: Level;
  timing?: Level;
  title: string;
  security: boolean;
  receivedAt: number;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
}

const TRANSITIONS: Record<CaseStatus, Partial<Record<CaseAction, CaseStatus>>> = {
  open: { ack: 'acknowledged', resolve: 'resolved', link: 'open', rootCause: 'open', action: 'open' },
  acknowledged: { resolve: 'resolved', link: 'acknowledged', rootCause: 'acknowledged', action: 'acknowledged' },
  resolved: { reopen: 'acknowledged', close: 'closed', link: 'resolved', rootCause: 'resolved', action: 'resolved' },
  closed: {},
};

/** The actions allowed on a case in `status`. */
export function caseActions(status: CaseStatus): CaseAction[] {
  return Object.keys(TRANSITIONS[status]) as CaseAction[];
}

export function caseRef(kind: CaseKindName, number: number): string {
  return `${CASE_PREFIX[kind]}-${number}`;
}

/** "BES-3", "bes3", "PRB-12" → kind and number; null otherwise. */
export function parseCaseRef(text: string | undefined): { kind: CaseKindName; number: number } | null {
  const m = /^(BES|PRB)-?(\d{1,9})$/i.exec((text ?? '').trim());
  if (!m) return null;
  return { kind: m[1]!.toUpperCase() === 'BES' ? 'order' : 'problem', number: Number(m[2]) };
}

export function isOrderType(value: string): value is OrderType {
  return (ORDER_TYPES as readonly string[]).includes(value);
}

/** What a change hook is told: the case was opened, or an action was taken on it. */
export type CaseChange = 'opened' | CaseAction;

/**
 * Runs inside the transaction of every case change, after the row is written (the
 * reminder plan: services/reminders.ts). A hook that throws rolls the change back.
 */
export type CaseChangeHook = (tx: Prisma.TransactionClient, row: Case, change: CaseChange, now: number) => Promise<void>;

export interface CaseServiceDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
  hooks?: CaseChangeHook[];
}

const ATTEMPTS = 5;

export class CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  async openOrder(input: OpenOrderInput, actor: Actor, now: number): Promise<CaseView> {
    if (!isOrderType(input.type)) throw new CaseError('cases.error.orderType', { given: String(input.type), allowed: ORDER_TYPES.join(', ') });
    const receivedAt = input.receivedAt ?? now;
    const agencyId = this.agency(input.agencyId);
    const due = deadlinesFor(this.deps.calendar, { kind: 'order', type: input.type }, receivedAt, agencyId);
    const clean = cleaner(this.deps.contract.timezone, now);
    return this.create(
      'order',
      {
        title: clean.title(input.title),
        description: clean.text(input.description ?? ''),
        agencyId,
        orderType: input.type,
        receivedAt: new Date(receivedAt),
        responseDueAt: due.response === null ? null : new Date(due.response),
        resolutionDueAt: new Date(due.resolution),
      },
      actor,
      now,
      input.idempotencyKey,
    );
  }

  async openProblem(input: OpenProblemInput, actor: Actor, now: number): Promise<CaseView> {
    const impact = level(input.impact, 'impact');
    const timing = level(input.timing, 'timing');
    const priority = priorityOf(this.deps.contract, impact, timing);
    const receivedAt = input.receivedAt ?? now;
    const agencyId = this.agency(input.agencyId);
    const due = deadlinesFor(this.deps.calendar, { kind: 'problem', priority }, receivedAt, agencyId);
    const clean = cleaner(this.deps.contract.timezone, now);
    const linked = await this.checkIncidents(input.linkedIncidents ?? []);
    return this.create(
      'problem',
      {
        title: clean.title(input.title),
        description: clean.text(input.description ?? ''),
        agencyId,
        impact,
        timing,
        priority,
        security: input.security ?? false,
        receivedAt: new Date(receivedAt),
        responseDueAt: due.response === null ? null : new Date(due.response),
        resolutionDueAt: new Date(due.resolution),
        linkedIncidents: linked,
      },
      actor,
      now,
      input.idempotencyKey,
    );
  }

  /**
   * History: a case with all its instants, under `import:<kind>:<ref>`. Returns false when
   * that ref was imported before (nothing changes). Runs inside the caller's transaction.
   */
  async importCase(tx: Prisma.TransactionClient, c: ImportedCase, actor: Actor, now: number, number: number): Promise<void> {
    const ref =
      c.kind === 'order'
        ? ({ kind: 'order', type: c.orderType! } as const)
        : ({ kind: 'problem', priority: priorityOf(this.deps.contract, c.impact!, c.timing!) } as const);
    const due = deadlinesFor(this.deps.calendar, ref, c.receivedAt, c.agencyId);
    const status: CaseStatus = c.closedAt !== null ? 'closed' : c.resolvedAt !== null ? 'resolved' : c.acknowledgedAt !== null ? 'acknowledged' : 'open';
    const who = actorId(actor);
    await tx.case.create({
      data: {
        kind: c.kind,
        number,
        title: c.title,
        agencyId: c.agencyId,
        orderType: c.orderType ?? null,
        impact: c.impact ?? null,
        timing: c.timing ?? null,
        priority: ref.kind === 'problem' ? ref.priority : null,
        security: c.security,
        status,
        reporter: who,
        source: actor.source,
        receivedAt: new Date(c.receivedAt),
        responseDueAt: due.response === null ? null : new Date(due.response),
        resolutionDueAt: new Date(due.resolution),
        configVersion: this.deps.contract.version,
        acknowledgedAt: c.acknowledgedAt === null ? null : new Date(c.acknowledgedAt),
        resolvedAt: c.resolvedAt === null ? null : new Date(c.resolvedAt),
        closedAt: c.closedAt === null ? null : new Date(c.closedAt),
        idempotencyKey: importKey(c.kind, c.ref),
        createdAt: new Date(now),
      },
    });
  }

  async acknowledge(kind: CaseKindName, number: number, actor: Actor, now: number): Promise<CaseView> {
    return this.change(kind, number, 'ack', actor, now, () => ({ acknowledgedAt: new Date(now), acknowledgedBy: actorId(actor) }));
  }

  async resolve(kind: CaseKindName, number: number, note: string, actor: Actor, now: number): Promise<CaseView> {
    const text = cleaner(this.deps.contract.timezone, now).text(note);
    if (!text) throw new CaseError('cases.error.noteRequired', { ref: caseRef(kind, number) });
    return this.change(kind, number, 'resolve', actor, now, (current) => ({
      ...(current.acknowledgedAt ? {} : { acknowledgedAt: new Date(now), acknowledgedBy: actorId(actor) }),
      resolvedAt: new Date(now),
      resolvedBy: actorId(actor),
      resolutionNote: text,
    }));
  }

  async reopen(kind: CaseKindName, number: number, actor: Actor, now: number): Promise<CaseView> {
    return this.change(kind, number, 'reopen', actor, now, () => ({ resolvedAt: null, resolvedBy: null, resolutionNote: null }));
  }

  async close(kind: CaseKindName, number: number, actor: Actor, now: number): Promise<CaseView> {
    return this.change(kind, number, 'close', actor, now, () => ({ closedAt: new Date(now), closedBy: actorId(actor) }));
  }

  /** Links a problem to the incidents it explains (added to those already linked). */
  async link(number: number, incidentIds: number[], actor: Actor, now: number): Promise<CaseView> {
    const ids = await this.checkIncidents(incidentIds);
    return this.change('problem', number, 'link', actor, now, (current) => ({
      linkedIncidents: [...new Set([...current.linkedIncidents, ...ids])].sort((a, b) => a - b),
    }));
  }

  /** Records a problem's root cause (5.1). */
  async setRootCause(number: number, text: string, actor: Actor, now: number): Promise<CaseView> {
    const clean = this.required(text, now, 'problem', number);
    return this.change('problem', number, 'rootCause', actor, now, () => ({ rootCause: clean }));
  }

  /** Records the action a problem's analysis proposes (5.1). */
  async setAction(number: number, text: string, actor: Actor, now: number): Promise<CaseView> {
    const clean = this.required(text, now, 'problem', number);
    return this.change('problem', number, 'action', actor, now, () => ({ action: clean }));
  }

  async get(kind: CaseKindName, number: number): Promise<CaseView> {
    const row = await this.deps.prisma.case.findUnique({ where: { kind_number: { kind, number } } });
    if (!row) throw new CaseError('cases.error.notFound', { ref: caseRef(kind, number) });
    return view(row);
  }

  /** Cases by row id (the reminders' subjects); missing ids are left out. */
  async getMany(ids: number[]): Promise<Map<number, CaseView>> {
    if (ids.length === 0) return new Map();
    const rows = await this.deps.prisma.case.findMany({ where: { id: { in: [...new Set(ids)] } } });
    return new Map(rows.map((r) => [r.id, view(r)]));
  }

  /**
   * One target of a case as it stands at `now`: its deadline, the time left as the
   * contract's table counts it (support clock, wall clock or calendar days), met or broken.
   */
  targetState(c: CaseView, which: 'response' | 'resolution', now: number): TargetState | null {
    const pair = targetsFor(
      this.deps.contract,
      c.kind === 'order' ? { kind: 'order', type: c.orderType ?? 'connection' } : { kind: 'problem', priority: c.priority ?? 'low' },
    );
    const target = which === 'response' ? pair.response : pair.resolution;
    const due = which === 'response' ? c.responseDueAt : c.resolutionDueAt;
    if (!target || due === null) return null;
    const metAt = which === 'response' ? c.acknowledgedAt : c.resolvedAt;
    if (metAt !== null) return { target, due, left: 0, metAt, state: metAt <= due ? 'met' : 'missed' };
    const agency = this.deps.calendar.hasAgency(c.agencyId) ? c.agencyId : this.deps.contract.defaultAgency;
    return { target, due, left: timeLeft(this.deps.calendar.supportClock(agency), target, now, due), metAt: null, state: now > due ? 'broken' : 'running' };
  }

  /** Open and acknowledged cases of a kind, the nearest resolution deadline first. */
  async listOpen(kind: CaseKindName): Promise<CaseView[]> {
    const rows = await this.deps.prisma.case.findMany({
      where: { kind, status: { in: ['open', 'acknowledged'] } },
      orderBy: [{ resolutionDueAt: 'asc' }, { number: 'asc' }],
    });
    return rows.map(view);
  }

  /**
   * The next free number of a kind (inside a transaction). A transaction-scoped advisory
   * lock per kind makes concurrent openings take turns here (max + 1 alone lost the race
   * five times in a row with 30 openings at once on PostgreSQL); the unique (kind, number)
   * constraint still guards it.
   */
  async nextNumber(tx: Prisma.TransactionClient, kind: CaseKindName): Promise<number> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ssbtek:cases:${kind}`}))`;
    const top = await tx.case.aggregate({ where: { kind }, _max: { number: true } });
    return (top._max.number ?? 0) + 1;
  }

  // ------------------------------------------------------------------------------ helpers

  private agency(given: string | undefined): string {
    const agencyId = given?.trim() || this.deps.contract.defaultAgency;
    if (!this.deps.calendar.hasAgency(agencyId))
      throw new CaseError('cases.error.agency', { org: agencyId, known: this.deps.contract.agencies.map((a) => a.id).join(', ') });
    return agencyId;
  }

  private required(text: string, now: number, kind: CaseKindName, number: number): string {
    const clean = cleaner(this.deps.contract.timezone, now).text(text);
    if (!clean) throw new CaseError('cases.error.textRequired', { ref: caseRef(kind, number) });
    return clean;
  }

  private async checkIncidents(ids: number[]): Promise<number[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const found = await this.deps.prisma.incident.findMany({ where: { id: { in: unique } }, select: { id: true } });
    const known = new Set(found.map((f) => f.id));
    const missing = unique.filter((id) => !known.has(id));
    if (missing.length) throw new CaseError('cases.error.noIncident', { refs: missing.map((id) => `INC-${id}`).join(', ') });
    return unique.sort((a, b) => a - b);
  }

  private async create(
    kind: CaseKindName,
    data: Omit<Prisma.CaseUncheckedCreateInput, 'kind' | 'number' | 'status' | 'reporter' | 'source' | 'configVersion'>,
    actor: Actor,
    now: number,
    idempotencyKey?: string,
  ): Promise<CaseView> {
    const { prisma } = this.deps;
    if (idempotencyKey) {
      const existing = await prisma.case.findUnique({ where: { idempotencyKey } });
      if (existing) return view(existing);
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const row = await prisma.$transaction(async (tx) => {
          const number = await this.nextNumber(tx, kind);
          const created = await tx.case.create({
            data: {
              ...data,
              kind,
              number,
              status: 'open',
              reporter: actorId(actor),
              source: actor.source,
              configVersion: this.deps.contract.version,
              idempotencyKey: idempotencyKey ?? null,
            },
          });
          await audit(tx, created, null, 'opened', actor, now);
          for (const hook of this.deps.hooks ?? []) await hook(tx, created, 'opened', now);
          return created;
        });
        return view(row);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        if (idempotencyKey) {
          const existing = await prisma.case.findUnique({ where: { idempotencyKey } });
          if (existing) return view(existing);
        }
        if (attempt >= ATTEMPTS) throw err;
      }
    }
  }

  private async change(
    kind: CaseKindName,
    number: number,
    action: CaseAction,
    actor: Actor,
    now: number,
    decide: (current: Case) => Prisma.CaseUpdateManyMutationInput,
  ): Promise<CaseView> {
    const row = await this.deps.prisma.$transaction(async (tx) => {
      const current = await tx.case.findUnique({ where: { kind_number: { kind, number } } });
      if (!current) throw new CaseError('cases.error.notFound', { ref: caseRef(kind, number) });
      const next = TRANSITIONS[current.status as CaseStatus]?.[action];
      if (!next) throw new CaseError('cases.error.transition', { ref: caseRef(kind, number), status: current.status, action });
      const result = await tx.case.updateMany({
        where: { id: current.id, revision: current.revision },
        data: { ...decide(current), status: next, revision: { increment: 1 } },
      });
      if (result.count !== 1) throw new CaseError('cases.error.conflict', { ref: caseRef(kind, number) });
      const after = (await tx.case.findUnique({ where: { id: current.id } }))!;
      await audit(tx, after, current, action, actor, now);
      for (const hook of this.deps.hooks ?? []) await hook(tx, after, action, now);
      return after;
    });
    return view(row);
  }
}

export const importKey = (kind: string, ref: string) => `import:${kind}:${ref}`;

export function view(row: Case): CaseView {
  const kind = row.kind as CaseKindName;
  return {
    id: row.id,
    kind,
    number: row.number,
    ref: caseRef(kind, row.number),
    title: row.title,
    description: row.description,
    agencyId: row.agencyId,
    orderType: (row.orderType as OrderType | null) ?? null,
    impact: (row.impact as Level | null) ?? null,
    timing: (row.timing as Level | null) ?? null,
    priority: (row.priority as Priority | null) ?? null,
    security: row.security,
    status: row.status as CaseStatus,
    receivedAt: row.receivedAt.getTime(),
    responseDueAt: row.responseDueAt?.getTime() ?? null,
    resolutionDueAt: row.resolutionDueAt.getTime(),
    acknowledgedAt: row.acknowledgedAt?.getTime() ?? null,
    resolvedAt: row.resolvedAt?.getTime() ?? null,
    closedAt: row.closedAt?.getTime() ?? null,
    resolutionNote: row.resolutionNote,
    rootCause: row.rootCause,
    action: row.action,
    linkedIncidents: row.linkedIncidents,
    configVersion: row.configVersion,
    revision: row.revision,
  };
}

async function audit(tx: Prisma.TransactionClient, after: Case, before: Case | null, action: string, actor: Actor, now: number): Promise<void> {
  await tx.auditEntry.create({
    data: {
      at: new Date(now),
      actor: actorId(actor),
      entityType: after.kind,
      entityId: caseRef(after.kind as CaseKindName, after.number),
      action,
      before: before ? (snapshot(before) as Prisma.InputJsonValue) : undefined,
      after: snapshot(after) as Prisma.InputJsonValue,
    },
  });
}

function snapshot(row: Case): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'updatedAt' || key === 'createdAt') continue;
    out[key] = value instanceof Date ? value.toISOString() : value;
  }
  return out;
}

function level(value: number, field: 'impact' | 'timing'): Level {
  if (!isLevel(value)) throw new CaseError('cases.error.level', { field, given: String(value) });
  return value;
}

/** Free text as stored (services/free-text.ts), refused with the cases' own messages. */
export function cleaner(zone: string, now: number) {
  return freeText(zone, now, (problem, params) => new CaseError(`cases.error.${problem}`, params));
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'P2002';
}
