// Outages as people record them (4.9): `outage` records an unplanned stop (start, end,
// affected base services, cause, action plan), "available with disturbance" (3 or more
// agencies still answering) is its own state and must name the incident it belongs to,
// and a Påverkan-1 incident becomes an outage by itself: while it is open the report
// counts it as an outage going on; when it is resolved a row [received, resolved) is
// written in the same transaction (editable afterwards); a reprioritisation away from
// Påverkan 1 removes that row again. Rows live in the information routine's `outages`
// table (src/services/outages.ts writes the overrun windows there).
import { DateTime } from 'luxon';
import type { Contract } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import type { Incident, Prisma, PrismaClient } from '../store/index.js';
import { CaseError, cleaner } from './cases.js';
import { outageRef } from './compliance.js';
import { actorId, type Actor, type ChangeKind } from './incidents.js';

export type RecordedKind = 'unplanned' | 'disturbed';

export interface OutageRecordInput {
  start: number;
  end: number;
  agencies?: string[];
  baseServices?: string[];
  cause: string;
  actionPlan?: string;
  kind?: RecordedKind;
  /** Required for 'disturbed' (4.9: available with disturbance is handled as an incident). */
  incidentId?: number | null;
}

export interface OutageEdit {
  start?: number;
  end?: number;
  baseServices?: string[];
  agencies?: string[];
  cause?: string;
  actionPlan?: string;
}

export interface OutageView {
  id: number;
  ref: string;
  start: number;
  end: number;
  agencies: string[];
  baseServices: string[];
  cause: string;
  actionPlan: string;
  planned: boolean;
  kind: string;
  incidentId: number | null;
  windowId: number | null;
}

export interface OutageLogDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
}

export class OutageLog {
  constructor(private readonly deps: OutageLogDeps) {}

  async record(input: OutageRecordInput, actor: Actor, now: number): Promise<OutageView> {
    const kind = input.kind ?? 'unplanned';
    const clean = cleaner(this.deps.contract.timezone, now);
    if (!(input.end > input.start)) throw new CaseError('cases.outage.endBeforeStart');
    if (input.start > now) throw new CaseError('cases.outage.future');
    const agencies = this.agencies(input.agencies ?? []);
    if (kind === 'disturbed' && !input.incidentId) throw new CaseError('cases.outage.disturbedNeedsIncident');
    if (input.incidentId) {
      const found = await this.deps.prisma.incident.findUnique({ where: { id: input.incidentId }, select: { id: true } });
      if (!found) throw new CaseError('cases.error.noIncident', { refs: `INC-${input.incidentId}` });
    }
    const cause = clean.text(input.cause);
    if (!cause) throw new CaseError('cases.outage.causeRequired');
    const row = await this.deps.prisma.$transaction(async (tx) => {
      const created = await tx.outage.create({
        data: {
          startAt: new Date(input.start),
          endAt: new Date(input.end),
          agencies,
          baseServices: (input.baseServices ?? []).map((s) => clean.text(s)).filter(Boolean),
          cause,
          actionPlan: clean.text(input.actionPlan ?? ''),
          planned: false,
          kind,
          sourceIncidentId: input.incidentId ?? null,
        },
      });
      await audit(tx, created.id, 'recorded', null, created, actor, now);
      return created;
    });
    return view(row);
  }

  async edit(id: number, edit: OutageEdit, actor: Actor, now: number): Promise<OutageView> {
    const clean = cleaner(this.deps.contract.timezone, now);
    const row = await this.deps.prisma.$transaction(async (tx) => {
      const current = await tx.outage.findUnique({ where: { id } });
      if (!current) throw new CaseError('cases.outage.notFound', { ref: outageRef(id) });
      const start = edit.start ?? current.startAt.getTime();
      const end = edit.end ?? current.endAt.getTime();
      if (!(end > start)) throw new CaseError('cases.outage.endBeforeStart');
      const updated = await tx.outage.update({
        where: { id },
        data: {
          startAt: new Date(start),
          endAt: new Date(end),
          ...(edit.agencies ? { agencies: this.agencies(edit.agencies) } : {}),
          ...(edit.baseServices ? { baseServices: edit.baseServices.map((s) => clean.text(s)).filter(Boolean) } : {}),
          ...(edit.cause !== undefined ? { cause: clean.text(edit.cause) } : {}),
          ...(edit.actionPlan !== undefined ? { actionPlan: clean.text(edit.actionPlan) } : {}),
        },
      });
      await audit(tx, id, 'edited', current, updated, actor, now);
      return updated;
    });
    return view(row);
  }

  async get(id: number): Promise<OutageView> {
    const row = await this.deps.prisma.outage.findUnique({ where: { id } });
    if (!row) throw new CaseError('cases.outage.notFound', { ref: outageRef(id) });
    return view(row);
  }

  /** Outages that overlap the month `month` (YYYY-MM), oldest first. */
  async list(from: number, to: number): Promise<OutageView[]> {
    const rows = await this.deps.prisma.outage.findMany({
      where: { startAt: { lt: new Date(to) }, endAt: { gt: new Date(from) } },
      orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(view);
  }

  /**
   * The incident change hook (in the change's transaction): a resolved Påverkan-1
   * incident writes its outage [received, resolved); resolving it again after a reopen
   * moves the end; a new Påverkan other than 1 removes the row.
   */
  readonly hook = async (tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, now: number, actor?: Actor): Promise<void> => {
    if (change !== 'resolved' && change !== 'reprioritised') return;
    const existing = await tx.outage.findFirst({ where: { sourceIncidentId: incident.id, kind: 'unplanned' }, orderBy: { id: 'asc' } });
    const who = actor ?? { id: 'system', source: 'cli' as const };
    if (incident.impact !== 1) {
      if (existing && change === 'reprioritised') {
        await tx.outage.delete({ where: { id: existing.id } });
        await audit(tx, existing.id, 'removed', existing, null, who, now);
      }
      return;
    }
    if (!incident.resolvedAt) return;
    if (existing) {
      if (existing.endAt.getTime() === incident.resolvedAt.getTime()) return;
      const updated = await tx.outage.update({ where: { id: existing.id }, data: { endAt: incident.resolvedAt } });
      await audit(tx, existing.id, 'edited', existing, updated, who, now);
      return;
    }
    if (!(incident.resolvedAt.getTime() > incident.receivedAt.getTime())) return;
    const created = await tx.outage.create({
      data: {
        startAt: incident.receivedAt,
        endAt: incident.resolvedAt,
        agencies: [incident.agencyId],
        baseServices: incident.baseServices,
        cause: incident.title,
        actionPlan: incident.resolutionNote ?? '',
        planned: false,
        kind: 'unplanned',
        sourceIncidentId: incident.id,
      },
    });
    await audit(tx, created.id, 'recorded', null, created, who, now);
  };

  private agencies(ids: string[]): string[] {
    for (const id of ids) {
      if (!this.deps.calendar.hasAgency(id))
        throw new CaseError('cases.error.agency', { org: id, known: this.deps.contract.agencies.map((a) => a.id).join(', ') });
    }
    return [...new Set(ids)];
  }
}

/** "2026-10-05T10:00+02:00", "2026-10-05 10:00" (contract time) → epoch ms; null otherwise. */
export function parseWhen(text: string, zone: string): number | null {
  const trimmed = text.trim();
  if (/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(trimmed)) {
    const t = DateTime.fromISO(trimmed.replace(' ', 'T'), { setZone: true });
    return t.isValid ? t.toMillis() : null;
  }
  const t = DateTime.fromFormat(trimmed.replace('T', ' '), trimmed.length > 16 ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm', { zone });
  return t.isValid ? t.toMillis() : null;
}

type OutageRowModel = Awaited<ReturnType<PrismaClient['outage']['create']>>;

function view(row: OutageRowModel): OutageView {
  return {
    id: row.id,
    ref: outageRef(row.id),
    start: row.startAt.getTime(),
    end: row.endAt.getTime(),
    agencies: row.agencies,
    baseServices: row.baseServices,
    cause: row.cause,
    actionPlan: row.actionPlan,
    planned: row.planned,
    kind: row.kind,
    incidentId: row.sourceIncidentId,
    windowId: row.sourceWindowId,
  };
}

async function audit(
  tx: Prisma.TransactionClient,
  id: number,
  action: string,
  before: OutageRowModel | null,
  after: OutageRowModel | null,
  actor: Actor,
  now: number,
): Promise<void> {
  const snap = (r: OutageRowModel | null) => (r ? (JSON.parse(JSON.stringify(r)) as Prisma.InputJsonValue) : undefined);
  await tx.auditEntry.create({
    data: { at: new Date(now), actor: actorId(actor), entityType: 'outage', entityId: outageRef(id), action, before: snap(before), after: snap(after) },
  });
}
