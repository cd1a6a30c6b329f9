// Reads the facts a month's compliance figures need from the store and hands them to the
// pure arithmetic (domain/compliance.ts) and the report (domain/report.ts).
//
// One query per table, only the columns the figures use, instants as epoch milliseconds
// computed in SQL (no Date per value): incidents and cases received before the end of the
// period and not resolved before it began; outages of the year up to the period's end;
// service windows and approved extra opening hours; an open Påverkan-1 incident
// counts as an outage going on until it is resolved (then it is a row of its own). Works the
// same on PostgreSQL and PGlite.
//
// Memory (docs/report-memory.md): incidents and cases, the only tables with many rows,
// are read through a cursor each, PAGE_ROWS rows per FETCH, in one transaction, and
// each page is turned into facts before the next is fetched, so no result holds a year of
// rows (on PGlite a result passes through its WebAssembly heap, which never shrinks, and
// then through Prisma as JS objects). The open Påverkan-1 incidents come from the same
// pass over the incidents (they are among the rows read), not from a second scan.
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
  /** Rows per FETCH of the incidents and cases cursors (default PAGE_ROWS; tests use small pages). */
  pageRows?: number;
}

/** Rows per FETCH when incidents and cases are read: a page of rows is a few MB of JS objects. */
export const PAGE_ROWS = 5_000;

/**
 * The read transaction's limits. Generous: it only reads, and on PGlite it waits for the
 * queries before it (one session) and may read a year of rows on a slow machine.
 */
const READ_TRANSACTION = { maxWait: 60_000, timeout: 300_000 };

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
    const [{ cases, ongoing }, stored, windows, extraOpening] = await Promise.all([
      this.casesAndIncidents(from, to, agency),
      this.storedOutages(yearStart, to),
      this.windows(from, to),
      this.extraOpening(yearStart, to),
    ]);
    return { cases, outages: withOngoing(stored, ongoing), windows, extraOpening };
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

  /**
   * Incidents, then orders and problems, received before `to` and not resolved before
   * `from`, through cursors in one transaction (a page at a time); and the open Påverkan-1
   * incidents among them (received before `to`, not resolved), which are outages going on.
   */
  private async casesAndIncidents(from: number, to: number, agency: string | null): Promise<{ cases: CaseFact[]; ongoing: OngoingIncident[] }> {
    const cases: CaseFact[] = [];
    const ongoing: OngoingIncident[] = [];
    const byAgency = agency === null ? Prisma.empty : Prisma.sql`AND org_id = ${agency}`;
    const period = Prisma.sql`received_at < ${iso(to)}::timestamptz AND (resolved_at IS NULL OR resolved_at >= ${iso(from)}::timestamptz) ${byAgency}`;
    await this.deps.prisma.$transaction(async (tx) => {
      await this.eachRow<IncidentRow>(
        tx,
        'compliance_incidents',
        Prisma.sql`
          SELECT id, org_id, priority, security, title,
                 ${ms('received_at')} AS r, ${ms('response_due_at')} AS rd, ${ms('resolution_due_at')} AS sd,
                 ${ms('acknowledged_at')} AS a, ${ms('resolved_at')} AS s, ${ms('closed_at')} AS c,
                 (impact = 1 AND resolved_at IS NULL) AS down,
                 CASE WHEN impact = 1 AND resolved_at IS NULL THEN base_services END AS base_services
          FROM incidents
          WHERE ${period}`,
        (r) => {
          cases.push({
            ref: `INC-${r.id}`,
            kind: 'incident',
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
          });
          if (r.down) ongoing.push({ id: r.id, agency: r.org_id, baseServices: r.base_services ?? [], title: r.title, start: r.r });
        },
      );
      await this.eachRow<CaseRow>(
        tx,
        'compliance_cases',
        Prisma.sql`
          SELECT kind, number, org_id, order_type, priority, security, title, root_cause, action, linked_incidents,
                 ${ms('received_at')} AS r, ${ms('response_due_at')} AS rd, ${ms('resolution_due_at')} AS sd,
                 ${ms('acknowledged_at')} AS a, ${ms('resolved_at')} AS s, ${ms('closed_at')} AS c
          FROM cases
          WHERE ${period}`,
        (r) => {
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
          if (kind === 'order') cases.push({ ...base, kind: 'order', orderType: r.order_type as OrderType });
          else
            cases.push({
              ...base,
              kind: 'problem',
              priority: r.priority as Priority,
              rootCause: r.root_cause,
              action: r.action,
              linkedIncidents: (r.linked_incidents ?? []).map((id) => `INC-${id}`),
            });
        },
      );
    }, READ_TRANSACTION);
    return { cases, ongoing };
  }

  /** Runs `query` through a cursor in `tx` and hands each row to `each`, one page at a time. */
  private async eachRow<Row>(tx: Prisma.TransactionClient, cursor: string, query: Prisma.Sql, each: (row: Row) => void): Promise<void> {
    const pageRows = this.deps.pageRows ?? PAGE_ROWS;
    await tx.$executeRaw`DECLARE ${Prisma.raw(cursor)} NO SCROLL CURSOR FOR ${query}`;
    for (;;) {
      const page = await tx.$queryRaw<Row[]>`FETCH FORWARD ${Prisma.raw(String(pageRows))} FROM ${Prisma.raw(cursor)}`;
      for (const row of page) each(row);
      if (page.length < pageRows) break;
    }
    await tx.$executeRaw`CLOSE ${Prisma.raw(cursor)}`;
  }

  /** The outages table's rows of the period (every agency: the figures pick the ones that touch theirs). */
  private async storedOutages(from: number, to: number): Promise<OutageRow[]> {
    if (!(await this.hasTable('outages'))) return [];
    return this.deps.prisma.$queryRaw<OutageRow[]>`
      SELECT id, agencies, base_services, cause, action_plan, planned, kind, source_incident_id,
             ${ms('start_at')} AS st, ${ms('end_at')} AS en
      FROM outages
      WHERE start_at < ${iso(to)}::timestamptz AND end_at > ${iso(from)}::timestamptz`;
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

/** An open Påverkan-1 incident: an outage going on until it is resolved. */
interface OngoingIncident {
  id: number;
  agency: string;
  baseServices: string[];
  title: string;
  start: number;
}

/** The stored outages, then the open Påverkan-1 incidents not already recorded as one. */
function withOngoing(stored: OutageRow[], ongoing: OngoingIncident[]): OutageFact[] {
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
  for (const i of ongoing) {
    if (recorded.has(i.id)) continue;
    facts.push({
      ref: `INC-${i.id}`,
      start: i.start,
      end: null,
      agencies: [i.agency],
      baseServices: i.baseServices,
      cause: i.title,
      actionPlan: null,
      planned: false,
      state: 'down',
    });
  }
  return facts;
}

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
  /** Påverkan 1 and not resolved: an outage going on. */
  down: boolean;
  /** Only for those (null otherwise). */
  base_services: string[] | null;
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
