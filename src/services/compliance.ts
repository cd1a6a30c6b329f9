// Reads the facts a month's compliance figures need from the store and hands them to the
// pure arithmetic (domain/compliance.ts) and the report (domain/report.ts).
//
// One query per table, only the columns the figures use, instants as epoch milliseconds
// computed in SQL (no Date per value): incidents and cases received before the end of the
// period and not resolved before it began; outages of the year up to the period's end;
// service windows and approved extra opening hours; an open Påverkan-1 incident
// counts as an outage going on until it is resolved (then it is a row of its own). Works the
// same on PostgreSQL and PGlite.
import type { Contract, OrderType, Priority } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import {
  complianceSeries,
  computeCompliance,
  monthBounds,
  monthOf,
  shiftMonth,
  type CaseFact,
  type Compliance,
  type ComplianceInput,
  type ExtraOpeningFact,
  type MonthPoint,
  type OutageFact,
  type WindowFact,
} from '../domain/compliance.js';
import { buildReport, type MonthlyReport } from '../domain/report.js';
import { DateTime } from 'luxon';
import { Prisma, type PrismaClient } from '../store/index.js';
import { caseRef, type CaseKindName } from './cases.js';

export interface ComplianceFacts {
  cases: CaseFact[];
  outages: OutageFact[];
  windows: WindowFact[];
  extraOpening: ExtraOpeningFact[];
}

export interface ComplianceReaderDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
}

/** The month before the one `now` is in ("the previous month" of the report on the 10th). */
export function previousMonth(zone: string, now: number): string {
  return shiftMonth(monthOf(zone, now), -1);
}

export class ComplianceReader {
  private readonly tables = new Map<string, boolean>();

  constructor(private readonly deps: ComplianceReaderDeps) {}

  /**
   * The facts for the months `first`..`last` (inclusive): cases that could be judged or
   * open in them, outages from 1 January of `first`'s year (year-to-date figures), windows
   * overlapping them, extra opening hours of those years.
   */
  async facts(first: string, last: string, agency: string | null = null): Promise<ComplianceFacts> {
    const zone = this.deps.contract.timezone;
    const from = monthBounds(zone, first).start;
    const to = monthBounds(zone, last).end;
    const yearStart = DateTime.fromMillis(from, { zone }).startOf('year').toMillis();
    const [incidents, cases, outages, windows, extraOpening] = await Promise.all([
      this.incidents(from, to, agency),
      this.cases(from, to, agency),
      this.outages(yearStart, to, agency),
      this.windows(from, to),
      this.extraOpening(yearStart, to),
    ]);
    return { cases: incidents.concat(cases), outages, windows, extraOpening };
  }

  /** One month's figures. */
  async compliance(month: string, now: number, agency: string | null = null): Promise<Compliance> {
    const facts = await this.facts(month, month, agency);
    return computeCompliance(this.deps.calendar, { month, now, agency, ...facts });
  }

  /** One month's report object (render it with reportToJson/Markdown/Csv). */
  async report(month: string, now: number, agency: string | null = null): Promise<MonthlyReport> {
    const figures = await this.compliance(month, now, agency);
    const agencyName = agency === null ? null : (this.deps.contract.agencies.find((a) => a.id === agency)?.name ?? agency);
    return buildReport(figures, { generatedAt: now, contractVersion: this.deps.contract.version, agencyName });
  }

  /** The month's report and the `count` months ending with it, for the chart: one read. */
  async reportWithSeries(month: string, now: number, agency: string | null = null, count = 12): Promise<{ report: MonthlyReport; series: MonthPoint[] }> {
    const facts = await this.facts(shiftMonth(month, -(count - 1)), month, agency);
    const input: Omit<ComplianceInput, 'month'> = { now, agency, ...facts };
    const figures = computeCompliance(this.deps.calendar, { ...input, month });
    const agencyName = agency === null ? null : (this.deps.contract.agencies.find((a) => a.id === agency)?.name ?? agency);
    const report = buildReport(figures, { generatedAt: now, contractVersion: this.deps.contract.version, agencyName });
    return { report, series: complianceSeries(this.deps.calendar, input, month, count) };
  }

  // ------------------------------------------------------------------------------ tables

  private async incidents(from: number, to: number, agency: string | null): Promise<CaseFact[]> {
    const rows = await this.deps.prisma.$queryRaw<IncidentRow[]>`
      SELECT id, org_id, priority, security, title,
             ${ms('received_at')} AS r, ${ms('response_due_at')} AS rd, ${ms('resolution_due_at')} AS sd,
             ${ms('acknowledged_at')} AS a, ${ms('resolved_at')} AS s, ${ms('closed_at')} AS c
      FROM incidents
      WHERE received_at < ${iso(to)}::timestamptz AND (resolved_at IS NULL OR resolved_at >= ${iso(from)}::timestamptz)
        ${agency === null ? Prisma.empty : Prisma.sql`AND org_id = ${agency}`}`;
    return rows.map((r) => ({
      ref: `INC-${r.id}`,
      kind: 'incident' as const,
      agency: r.org_id,
      priority: r.priority as Priority,
      security: r.security,
      title: r.title,
      receivedAt: r.r,
      responseDueAt: r.rd,
      resolutionDueAt: r.sd,
      acknowledgedAt: r.a,
      resolvedAt: r.s,
      closedAt: r.c,
    }));
  }

  private async cases(from: number, to: number, agency: string | null): Promise<CaseFact[]> {
    const rows = await this.deps.prisma.$queryRaw<CaseRow[]>`
      SELECT kind, number, org_id, order_type, priority, security, title, root_cause, action, linked_incidents,
             ${ms('received_at')} AS r, ${ms('response_due_at')} AS rd, ${ms('resolution_due_at')} AS sd,
             ${ms('acknowledged_at')} AS a, ${ms('resolved_at')} AS s, ${ms('closed_at')} AS c
      FROM cases
      WHERE received_at < ${iso(to)}::timestamptz AND (resolved_at IS NULL OR resolved_at >= ${iso(from)}::timestamptz)
        ${agency === null ? Prisma.empty : Prisma.sql`AND org_id = ${agency}`}`;
    return rows.map((r) => {
      const kind = r.kind as CaseKindName;
      const base = {
        ref: caseRef(kind, r.number),
        agency: r.org_id,
        security: r.security,
        title: r.title,
        receivedAt: r.r,
        responseDueAt: r.rd,
        resolutionDueAt: r.sd!,
        acknowledgedAt: r.a,
        resolvedAt: r.s,
        closedAt: r.c,
      };
      if (kind === 'order') return { ...base, kind: 'order' as const, orderType: r.order_type as OrderType };
      return {
        ...base,
        kind: 'problem' as const,
        priority: r.priority as Priority,
        rootCause: r.root_cause,
        action: r.action,
        linkedIncidents: (r.linked_incidents ?? []).map((id) => `INC-${id}`),
      };
    });
  }

  private async outages(from: number, to: number, agency: string | null): Promise<OutageFact[]> {
    const [stored, fromIncidents] = await Promise.all([
      (await this.hasTable('outages'))
        ? this.deps.prisma.$queryRaw<OutageRow[]>`
            SELECT id, agencies, base_services, cause, action_plan, planned, kind, source_incident_id,
                   ${ms('start_at')} AS st, ${ms('end_at')} AS en
            FROM outages
            WHERE start_at < ${iso(to)}::timestamptz AND end_at > ${iso(from)}::timestamptz`
        : Promise.resolve([] as OutageRow[]),
      // A Påverkan-1 incident still open is an outage going on (written as a row when resolved).
      this.deps.prisma.$queryRaw<Array<{ id: number; org_id: string; base_services: string[] | null; title: string; st: number }>>`
        SELECT id, org_id, base_services, title, ${ms('received_at')} AS st
        FROM incidents
        WHERE impact = 1 AND resolved_at IS NULL AND received_at < ${iso(to)}::timestamptz
          ${agency === null ? Prisma.empty : Prisma.sql`AND org_id = ${agency}`}`,
    ]);
    const recorded = new Set(stored.map((r) => r.source_incident_id).filter((id) => id !== null));
    const facts: OutageFact[] = stored.map((r) => ({
      ref: outageRef(r.id),
      start: r.st,
      end: r.en,
      agencies: r.agencies ?? [],
      baseServices: r.base_services ?? [],
      cause: r.cause || null,
      actionPlan: r.action_plan || null,
      planned: r.planned,
      state: r.kind === 'disturbed' ? ('disturbed' as const) : ('down' as const),
    }));
    for (const i of fromIncidents) {
      if (recorded.has(i.id)) continue;
      facts.push({
        ref: `INC-${i.id}`,
        start: i.st,
        end: null,
        agencies: [i.org_id],
        baseServices: i.base_services ?? [],
        cause: i.title,
        actionPlan: null,
        planned: false,
        state: 'down',
      });
    }
    return facts;
  }

  private async windows(from: number, to: number): Promise<WindowFact[]> {
    if (!(await this.hasTable('service_windows'))) return [];
    const rows = await this.deps.prisma.$queryRaw<WindowRow[]>`
      SELECT id, status, kind, description, agencies, ${ms('start_at')} AS st, ${ms('end_at')} AS en
      FROM service_windows
      WHERE start_at < ${iso(to)}::timestamptz AND end_at > ${iso(from)}::timestamptz`;
    return rows.map((r) => ({
      ref: `WIN-${r.id}`,
      start: r.st,
      end: r.en,
      status: r.status,
      // The outcome as the routine records it: done as planned, overran, or cancelled.
      outcome: r.status === 'done' || r.status === 'overrun' || r.status === 'cancelled' ? r.status : null,
      title: r.description || r.kind,
      agencies: r.agencies ?? [],
    }));
  }

  private async extraOpening(from: number, to: number): Promise<ExtraOpeningFact[]> {
    if (!(await this.hasTable('extra_hours_requests'))) return [];
    const rows = await this.deps.prisma.$queryRaw<Array<{ st: number; en: number }>>`
      SELECT ${ms('from_at')} AS st, ${ms('to_at')} AS en FROM extra_hours_requests
      WHERE status = 'approved' AND from_at < ${iso(to)}::timestamptz AND to_at > ${iso(from)}::timestamptz`;
    return rows.map((r) => ({ start: r.st, end: r.en }));
  }

  private async hasTable(name: string): Promise<boolean> {
    const known = this.tables.get(name);
    if (known !== undefined) return known;
    const rows = await this.deps.prisma.$queryRaw<Array<{ ok: boolean }>>`SELECT to_regclass(${name}) IS NOT NULL AS ok`;
    const ok = rows[0]?.ok === true;
    // A table that appears later (a migration applied by another replica) is looked for again.
    if (ok) this.tables.set(name, ok);
    return ok;
  }
}

/** An outage's id as people see it: AVB-<id> (avbrott). */
export const outageRef = (id: number) => `AVB-${id}`;

/** Epoch milliseconds of a timestamptz column as float8 (null stays null). */
function ms(column: string): Prisma.Sql {
  return Prisma.raw(`round(extract(epoch FROM ${column}) * 1000)::float8`);
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

interface IncidentRow {
  id: number;
  org_id: string;
  priority: string;
  security: boolean;
  title: string;
  r: number;
  rd: number | null;
  sd: number;
  a: number | null;
  s: number | null;
  c: number | null;
}

interface CaseRow {
  kind: string;
  number: number;
  org_id: string;
  order_type: string | null;
  priority: string | null;
  security: boolean;
  title: string;
  root_cause: string | null;
  action: string | null;
  linked_incidents: number[] | null;
  r: number;
  rd: number | null;
  sd: number | null;
  a: number | null;
  s: number | null;
  c: number | null;
}

interface OutageRow {
  id: number;
  source_incident_id: number | null;
  agencies: string[] | null;
  base_services: string[] | null;
  cause: string | null;
  action_plan: string | null;
  planned: boolean;
  kind: string | null;
  st: number;
  en: number | null;
}

interface WindowRow {
  id: number;
  status: string;
  kind: string;
  description: string;
  agencies: string[] | null;
  st: number;
  en: number;
}
