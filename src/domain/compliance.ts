// Compliance arithmetic: where a month stands against the contract (4.3.1 incidents,
// 4.4.1 orders, 4.5.1 problems, 4.6 planned changes, 4.9.1 availability and
// reliability, 4.11 security), computed from plain facts the store holds.
//
// Pure: no clock of its own (`now` is passed in), no I/O. Months are calendar months in
// the contract's time zone (Europe/Stockholm), so an incident resolved 2026-10-31T23:30Z
// counts in November. Every case is judged by the deadlines stored with it, never by
// the targets in force today. The goals and limits come from the contract.
//
// Instants are epoch milliseconds; intervals are half-open [start, end). An event at
// instant t "has happened" in the month when monthStart <= t < asOf, where asOf is the
// end of the month or `now`, whichever comes first.
import { DateTime } from 'luxon';
import { ORDER_TYPES, PRIORITIES, type Contract, type OrderType, type Priority } from '../config/contract.js';
import type { BusinessCalendar } from './calendar.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export type CaseKind = 'incident' | 'order' | 'problem';

/** One incident, order or problem as the store records it. */
export interface CaseFact {
  readonly ref: string;
  readonly kind: CaseKind;
  readonly agency: string;
  /** Incidents and problems. */
  readonly priority?: Priority | null;
  /** Orders. */
  readonly orderType?: OrderType | null;
  readonly security?: boolean;
  readonly title?: string | null;
  readonly receivedAt: number;
  /** Null when the case's table has no response target (orders). */
  readonly responseDueAt: number | null;
  readonly resolutionDueAt: number;
  readonly acknowledgedAt: number | null;
  readonly resolvedAt: number | null;
  readonly closedAt: number | null;
  /** Problems: the root cause found and the action proposed (5.1), and the incidents they explain. */
  readonly rootCause?: string | null;
  readonly action?: string | null;
  readonly linkedIncidents?: readonly string[];
}

/**
 * A stop of the service. `agencies` empty = the whole flow (every agency). A
 * "disturbed" outage (answers from 3 or more agencies, 4.9.1) is listed but is neither
 * downtime nor an unplanned outage. `end` null = still going on.
 */
export interface OutageFact {
  readonly ref: string;
  readonly start: number;
  readonly end: number | null;
  readonly agencies: readonly string[];
  readonly baseServices: readonly string[];
  readonly cause: string | null;
  readonly actionPlan: string | null;
  readonly planned: boolean;
  readonly state?: 'down' | 'disturbed';
}

/** A planned change (service window). `agencies` empty or absent = every agency. */
export interface WindowFact {
  readonly ref: string;
  readonly start: number;
  readonly end: number;
  readonly status: string;
  readonly outcome: string | null;
  readonly title?: string | null;
  readonly agencies?: readonly string[];
}

/** Approved extra opening hours (4.1.2): opening time outside the weekly hours. */
export interface ExtraOpeningFact {
  readonly start: number;
  readonly end: number;
}

export interface ComplianceInput {
  /** "YYYY-MM", a calendar month in the contract's time zone. */
  readonly month: string;
  /** The present instant: a month not yet over is computed up to now. */
  readonly now: number;
  /** Only this agency's cases and the outages and windows that touch it. */
  readonly agency?: string | null;
  readonly cases: readonly CaseFact[];
  readonly outages: readonly OutageFact[];
  readonly windows?: readonly WindowFact[];
  readonly extraOpening?: readonly ExtraOpeningFact[];
}

/** Counts for one group of cases (a priority, an order type, or all of a kind). */
export interface CaseGroup {
  /** Received in the month. */
  received: number;
  /** Resolved in the month: the cases judged. */
  resolved: number;
  /** Resolved cases that had a response deadline. */
  responseTotal: number;
  responseMet: number;
  responseMissed: number;
  resolutionMet: number;
  resolutionMissed: number;
  /** Met / judged, or null when nothing was judged. */
  responseShare: number | null;
  resolutionShare: number | null;
  /** Share >= goal; null when nothing was judged. */
  responseGoalMet: boolean | null;
  resolutionGoalMet: boolean | null;
  /** Wall-clock minutes from receipt to work started / resolved, median over the resolved. */
  medianResponseMinutes: number | null;
  medianResolutionMinutes: number | null;
}

/** One case in a list (breaches, open at month end, security). Instants as `I`. */
export interface CaseLine<I = number> {
  ref: string;
  kind: CaseKind;
  agency: string;
  /** Priority, or the order type. */
  category: string;
  title: string | null;
  security: boolean;
  receivedAt: I;
  responseDueAt: I | null;
  workStartedAt: I | null;
  resolutionDueAt: I;
  resolvedAt: I | null;
  /** Response / resolution deadline missed (resolved cases) or already passed (open cases). */
  responseMissed: boolean;
  resolutionMissed: boolean;
}

export interface OpenAtMonthEnd<I = number> {
  count: number;
  /** Open cases with at least one deadline already passed. */
  pastDeadline: number;
  pastResponse: number;
  pastResolution: number;
  cases: CaseLine<I>[];
}

export interface ProblemLine<I = number> extends CaseLine<I> {
  rootCause: string | null;
  action: string | null;
  linkedIncidents: string[];
}

export interface KindSummary<G extends string, I = number> extends CaseGroup {
  goal: number;
  by: Record<G, CaseGroup>;
  breaches: CaseLine<I>[];
  openAtMonthEnd: OpenAtMonthEnd<I>;
}

export interface OutageLine<I = number> {
  ref: string;
  start: I;
  end: I | null;
  planned: boolean;
  state: 'down' | 'disturbed';
  agencies: string[];
  baseServices: string[];
  cause: string | null;
  actionPlan: string | null;
  /** Wall-clock length up to its end (or up to asOf while it goes on), minutes. */
  lengthMinutes: number;
  /** Opening time it took in this month (0 for planned and disturbed), minutes. */
  downtimeMinutes: number;
}

export interface WindowLine<I = number> {
  ref: string;
  title: string | null;
  start: I;
  end: I;
  status: string;
  outcome: string | null;
}

export interface Compliance<I = number> {
  month: string;
  timezone: string;
  agency: string | null;
  monthStart: I;
  monthEnd: I;
  /** The instant the figures describe: the month's end, or now while it runs. */
  asOf: I;
  /** True when the month is over. */
  complete: boolean;
  incidents: KindSummary<Priority, I>;
  orders: KindSummary<OrderType, I>;
  problems: KindSummary<Priority, I> & { list: ProblemLine<I>[] };
  changes: { count: number; windows: WindowLine<I>[] };
  availability: {
    openingMinutes: number;
    downtimeMinutes: number;
    availableMinutes: number;
    /** Available / opening, null when the month had no opening time. */
    share: number | null;
    goal: number;
    met: boolean | null;
    yearToDate: { openingMinutes: number; downtimeMinutes: number; maxDowntimeMinutes: number; met: boolean };
  };
  outages: {
    /** Unplanned outages that started this month (reliability, 4.9.1). */
    unplanned: number;
    unplannedYearToDate: number;
    maxPerMonth: number;
    maxPerYear: number;
    monthMet: boolean;
    yearMet: boolean;
    /** Every outage that overlaps the month, planned and disturbed ones included, by start. */
    list: OutageLine<I>[];
  };
  security: { count: number; incidents: CaseLine<I>[] };
}

/** Every figure of one month. */
export function computeCompliance(calendar: BusinessCalendar, input: ComplianceInput): Compliance {
  const contract = calendar.contract;
  const zone = contract.timezone;
  const { start: monthStart, end: monthEnd } = monthBounds(zone, input.month);
  const asOf = Math.max(monthStart, Math.min(monthEnd, input.now));
  const agency = input.agency ?? null;
  const mine = <T extends { agency: string }>(x: T) => agency === null || x.agency === agency;
  const touches = (agencies: readonly string[] | undefined) => agency === null || !agencies || agencies.length === 0 || agencies.includes(agency);

  const incidents = new KindAccumulator<Priority>(PRIORITIES, contract.goals.incidents);
  const orders = new KindAccumulator<OrderType>(ORDER_TYPES, contract.goals.orders);
  const problems = new KindAccumulator<Priority>(PRIORITIES, contract.goals.problems);
  const problemList: ProblemLine[] = [];
  const security: CaseLine[] = [];

  for (const c of input.cases) {
    if (c.receivedAt >= asOf || (c.resolvedAt !== null && c.resolvedAt < monthStart)) continue;
    if (!mine(c)) continue;
    const acc = c.kind === 'incident' ? incidents : c.kind === 'order' ? orders : problems;
    const group = categoryOf(c);
    if (c.receivedAt >= monthStart) acc.receive(group);
    const listed = c.kind === 'problem' || (c.kind === 'incident' && c.security === true);
    let line: CaseLine | null = null;
    if (c.resolvedAt !== null && c.resolvedAt < asOf) {
      // Resolved in the month: judged against its own deadlines.
      const started = workStarted(c);
      const responseMissed = c.responseDueAt !== null && (started === null || started > c.responseDueAt);
      const resolutionMissed = c.resolvedAt > c.resolutionDueAt;
      acc.resolve(group, c, started, responseMissed, resolutionMissed);
      if (responseMissed || resolutionMissed || listed) line = caseLine(c, group, started, c.resolvedAt, responseMissed, resolutionMissed);
      if (responseMissed || resolutionMissed) acc.breach(line!);
    } else {
      // Open at asOf: a deadline before asOf without its event has passed.
      const started = c.acknowledgedAt !== null && c.acknowledgedAt < asOf ? c.acknowledgedAt : null;
      const responseMissed = c.responseDueAt !== null && c.responseDueAt < asOf && (started === null || started > c.responseDueAt);
      line = caseLine(c, group, started, null, responseMissed, c.resolutionDueAt < asOf);
      acc.open(line);
    }
    if (line && c.kind === 'problem') {
      const problem = line as ProblemLine;
      problem.rootCause = c.rootCause ?? null;
      problem.action = c.action ?? null;
      problem.linkedIncidents = c.linkedIncidents ? [...c.linkedIncidents] : [];
      problemList.push(problem);
    }
    if (line && c.kind === 'incident' && c.security) security.push(line);
  }

  const extra = input.extraOpening ?? [];
  const yearStart = DateTime.fromMillis(monthStart, { zone }).startOf('year').toMillis();
  const monthOpening = openingIntervals(calendar, monthStart, asOf, extra);
  const yearOpening = openingIntervals(calendar, yearStart, asOf, extra);

  const outages = input.outages.filter((o) => touches(o.agencies));
  const down = outages.filter(isUnplannedDown);
  const downIntervals = (from: number, to: number) =>
    mergeIntervals(down.map((o) => [Math.max(o.start, from), Math.min(o.end ?? asOf, to)] as Interval).filter(([s, e]) => e > s));
  const monthDownMs = overlap(monthOpening, downIntervals(monthStart, asOf));
  const yearDownMs = overlap(yearOpening, downIntervals(yearStart, asOf));
  const monthOpeningMs = length(monthOpening);
  const { availability: limits } = contract;

  const outageLines: OutageLine[] = outages
    .filter((o) => o.start < asOf && (o.end === null || o.end > monthStart))
    .sort((a, b) => a.start - b.start || compareRefs(a.ref, b.ref))
    .map((o) => {
      const end = o.end ?? asOf;
      const clipped: Interval[] = [[Math.max(o.start, monthStart), Math.min(end, asOf)]];
      return {
        ref: o.ref,
        start: o.start,
        end: o.end,
        planned: o.planned,
        state: o.state ?? 'down',
        agencies: [...o.agencies],
        baseServices: [...o.baseServices],
        cause: o.cause,
        actionPlan: o.actionPlan,
        lengthMinutes: toMinutes(Math.max(0, end - o.start)),
        downtimeMinutes: isUnplannedDown(o) ? toMinutes(overlap(monthOpening, clipped)) : 0,
      };
    });
  const startedIn = (from: number) => down.filter((o) => o.start >= from && o.start < asOf).length;
  const unplanned = startedIn(monthStart);
  const unplannedYearToDate = startedIn(yearStart);

  const windows: WindowLine[] = (input.windows ?? [])
    .filter((w) => touches(w.agencies) && w.start < monthEnd && w.end > monthStart)
    .sort((a, b) => a.start - b.start || compareRefs(a.ref, b.ref))
    .map((w) => ({ ref: w.ref, title: w.title ?? null, start: w.start, end: w.end, status: w.status, outcome: w.outcome }));

  const share = monthOpeningMs > 0 ? (monthOpeningMs - monthDownMs) / monthOpeningMs : null;
  const maxYearMs = limits.maxDowntimeHoursPerYear * HOUR_MS;
  problemList.sort(byCase);
  security.sort(byCase);

  return {
    month: input.month,
    timezone: zone,
    agency,
    monthStart,
    monthEnd,
    asOf,
    complete: input.now >= monthEnd,
    incidents: incidents.summary(),
    orders: orders.summary(),
    problems: { ...problems.summary(), list: problemList },
    changes: { count: windows.length, windows },
    availability: {
      openingMinutes: toMinutes(monthOpeningMs),
      downtimeMinutes: toMinutes(monthDownMs),
      availableMinutes: toMinutes(monthOpeningMs) - toMinutes(monthDownMs),
      share,
      goal: limits.minShare,
      met: share === null ? null : atLeast(monthOpeningMs - monthDownMs, monthOpeningMs, limits.minShare),
      yearToDate: {
        openingMinutes: toMinutes(length(yearOpening)),
        downtimeMinutes: toMinutes(yearDownMs),
        maxDowntimeMinutes: toMinutes(maxYearMs),
        met: yearDownMs <= maxYearMs,
      },
    },
    outages: {
      unplanned,
      unplannedYearToDate,
      maxPerMonth: limits.maxUnplannedOutagesPerMonth,
      maxPerYear: limits.maxUnplannedOutagesPerYear,
      monthMet: unplanned <= limits.maxUnplannedOutagesPerMonth,
      yearMet: unplannedYearToDate <= limits.maxUnplannedOutagesPerYear,
      list: outageLines,
    },
    security: { count: security.length, incidents: security },
  };
}

/** One month's shares and counts, for the 12-month chart per goal. */
export interface MonthPoint {
  month: string;
  incidentsResponse: number | null;
  incidentsResolution: number | null;
  ordersResolution: number | null;
  problemsResponse: number | null;
  problemsResolution: number | null;
  availability: number | null;
  downtimeMinutes: number;
  unplannedOutages: number;
}

/** The figures of the `count` months ending with `lastMonth`, oldest first (the same facts for each). */
export function complianceSeries(calendar: BusinessCalendar, input: Omit<ComplianceInput, 'month'>, lastMonth: string, count = 12): MonthPoint[] {
  const points: MonthPoint[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const month = shiftMonth(lastMonth, -i);
    const c = computeCompliance(calendar, { ...input, month });
    points.push({
      month,
      incidentsResponse: c.incidents.responseShare,
      incidentsResolution: c.incidents.resolutionShare,
      ordersResolution: c.orders.resolutionShare,
      problemsResponse: c.problems.responseShare,
      problemsResolution: c.problems.resolutionShare,
      availability: c.availability.share,
      downtimeMinutes: c.availability.downtimeMinutes,
      unplannedOutages: c.outages.unplanned,
    });
  }
  return points;
}

/** The month's first instant and the next month's first instant, in `zone`. */
export function monthBounds(zone: string, month: string): { start: number; end: number } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, not "${month}"`);
  const start = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone });
  if (!start.isValid) throw new RangeError(`unknown time zone ${zone}`);
  return { start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

/** The month ("YYYY-MM") that instant `t` falls in, in `zone`. */
export function monthOf(zone: string, t: number): string {
  return DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM');
}

/** The month `delta` months from `month` (negative = earlier): shiftMonth("2026-01", -1) = "2025-12". */
export function shiftMonth(month: string, delta: number): string {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`month must be YYYY-MM, not "${month}"`);
  const index = Number(m[1]) * 12 + Number(m[2]) - 1 + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The goals and limits the figures are judged against (for texts and charts). */
export function complianceGoals(contract: Contract) {
  return { ...contract.goals, availability: contract.availability };
}

/**
 * `met` of `total` reaches `goal` (a share). Compared as met >= goal × total with a
 * tolerance for binary fractions, so 9 of 10 against 0.9 is exactly the goal.
 */
export function atLeast(met: number, total: number, goal: number): boolean {
  return met >= goal * total - 1e-9 * Math.max(1, total);
}

// ---------------------------------------------------------------------------------
// Cases

function categoryOf(c: CaseFact): string {
  const group = c.kind === 'order' ? c.orderType : c.priority;
  if (!group) throw new TypeError(`${c.kind} ${c.ref} has no ${c.kind === 'order' ? 'order type' : 'priority'}`);
  return group;
}

/** Work started: acknowledged, or resolved without an acknowledgement (the earlier of the two). */
function workStarted(c: CaseFact): number | null {
  if (c.acknowledgedAt === null) return c.resolvedAt;
  if (c.resolvedAt === null) return c.acknowledgedAt;
  return Math.min(c.acknowledgedAt, c.resolvedAt);
}

function caseLine(
  c: CaseFact,
  category: string,
  workStartedAt: number | null,
  resolvedAt: number | null,
  responseMissed: boolean,
  resolutionMissed: boolean,
): CaseLine {
  return {
    ref: c.ref,
    kind: c.kind,
    agency: c.agency,
    category,
    title: c.title ?? null,
    security: c.security ?? false,
    receivedAt: c.receivedAt,
    responseDueAt: c.responseDueAt,
    workStartedAt,
    resolutionDueAt: c.resolutionDueAt,
    resolvedAt,
    responseMissed,
    resolutionMissed,
  };
}

interface GroupAcc {
  received: number;
  resolved: number;
  responseTotal: number;
  responseMet: number;
  resolutionMet: number;
  responseMinutes: number[];
  resolutionMinutes: number[];
}

const newGroup = (): GroupAcc => ({ received: 0, resolved: 0, responseTotal: 0, responseMet: 0, resolutionMet: 0, responseMinutes: [], resolutionMinutes: [] });

class KindAccumulator<G extends string> {
  private readonly groups = new Map<string, GroupAcc>();
  private readonly breaches: CaseLine[] = [];
  private readonly openCases: CaseLine[] = [];

  constructor(
    private readonly names: readonly G[],
    private readonly goal: number,
  ) {
    for (const name of names) this.groups.set(name, newGroup());
  }

  receive(group: string): void {
    this.group(group).received++;
  }

  resolve(group: string, c: CaseFact, started: number | null, responseMissed: boolean, resolutionMissed: boolean): void {
    const g = this.group(group);
    g.resolved++;
    if (c.responseDueAt !== null) {
      g.responseTotal++;
      if (!responseMissed) g.responseMet++;
    }
    if (!resolutionMissed) g.resolutionMet++;
    if (started !== null) g.responseMinutes.push((started - c.receivedAt) / MINUTE_MS);
    g.resolutionMinutes.push((c.resolvedAt! - c.receivedAt) / MINUTE_MS);
  }

  breach(line: CaseLine): void {
    this.breaches.push(line);
  }

  open(line: CaseLine): void {
    this.openCases.push(line);
  }

  summary(): KindSummary<G> {
    const by = {} as Record<G, CaseGroup>;
    const all = newGroup();
    for (const name of this.names) {
      const g = this.groups.get(name)!;
      by[name] = this.finish(g);
      all.received += g.received;
      all.resolved += g.resolved;
      all.responseTotal += g.responseTotal;
      all.responseMet += g.responseMet;
      all.resolutionMet += g.resolutionMet;
      for (const m of g.responseMinutes) all.responseMinutes.push(m);
      for (const m of g.resolutionMinutes) all.resolutionMinutes.push(m);
    }
    const open = this.openCases.sort(byCase);
    return {
      ...this.finish(all),
      goal: this.goal,
      by,
      breaches: this.breaches.sort(byCase),
      openAtMonthEnd: {
        count: open.length,
        pastDeadline: open.filter((c) => c.responseMissed || c.resolutionMissed).length,
        pastResponse: open.filter((c) => c.responseMissed).length,
        pastResolution: open.filter((c) => c.resolutionMissed).length,
        cases: open,
      },
    };
  }

  private group(name: string): GroupAcc {
    const g = this.groups.get(name);
    if (!g) throw new TypeError(`unknown group "${name}" (expected one of ${this.names.join(', ')})`);
    return g;
  }

  private finish(g: GroupAcc): CaseGroup {
    const share = (met: number, total: number) => (total > 0 ? met / total : null);
    const goalMet = (met: number, total: number) => (total > 0 ? atLeast(met, total, this.goal) : null);
    return {
      received: g.received,
      resolved: g.resolved,
      responseTotal: g.responseTotal,
      responseMet: g.responseMet,
      responseMissed: g.responseTotal - g.responseMet,
      resolutionMet: g.resolutionMet,
      resolutionMissed: g.resolved - g.resolutionMet,
      responseShare: share(g.responseMet, g.responseTotal),
      resolutionShare: share(g.resolutionMet, g.resolved),
      responseGoalMet: goalMet(g.responseMet, g.responseTotal),
      resolutionGoalMet: goalMet(g.resolutionMet, g.resolved),
      medianResponseMinutes: median(g.responseMinutes),
      medianResolutionMinutes: median(g.resolutionMinutes),
    };
  }
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

function byCase(a: CaseLine, b: CaseLine): number {
  return a.receivedAt - b.receivedAt || compareRefs(a.ref, b.ref);
}

function compareRefs(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------
// Opening time and downtime

/** [start, end) in epoch ms. */
export type Interval = [number, number];

function isUnplannedDown(o: OutageFact): boolean {
  return !o.planned && (o.state ?? 'down') === 'down';
}

/** Opening time in [from, to): the weekly opening hours (holidays closed) plus approved extra hours, as disjoint sorted intervals. */
function openingIntervals(calendar: BusinessCalendar, from: number, to: number, extra: readonly ExtraOpeningFact[]): Interval[] {
  const out: Interval[] = [];
  if (to <= from) return out;
  const clock = calendar.opening;
  for (let day = clock.dayAt(from); day.startMs < to; day = clock.day(day.index + 1)) {
    if (day.openMs === null) continue;
    const s = Math.max(from, day.openMs);
    const e = Math.min(to, day.closeMs!);
    if (e > s) out.push([s, e]);
  }
  for (const x of extra) {
    const s = Math.max(from, x.start);
    const e = Math.min(to, x.end);
    if (e > s) out.push([s, e]);
  }
  return mergeIntervals(out);
}

/** Sorted, disjoint, with touching intervals merged. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  if (intervals.length < 2) return intervals;
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const first = sorted[0]!;
  const out: Interval[] = [[first[0], first[1]]];
  for (let i = 1; i < sorted.length; i++) {
    const last = out[out.length - 1]!;
    const [s, e] = sorted[i]!;
    if (s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Total length of the intersection of two sorted, disjoint lists. */
function overlap(a: Interval[], b: Interval[]): number {
  let total = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    const ai = a[i]!;
    const bj = b[j]!;
    const s = Math.max(ai[0], bj[0]);
    const e = Math.min(ai[1], bj[1]);
    if (e > s) total += e - s;
    if (ai[1] < bj[1]) i++;
    else j++;
  }
  return total;
}

function length(intervals: Interval[]): number {
  let total = 0;
  for (const [s, e] of intervals) total += e - s;
  return total;
}

/** Whole minutes, rounded to the nearest (facts are recorded to the minute). */
function toMinutes(ms: number): number {
  return Math.round(ms / MINUTE_MS);
}
