// The monthly report (5, 5.1): the month's compliance figures as one JSON-ready object,
// and its renderings: Markdown for people, CSV for spreadsheets, JSON for scripts, and
// the short headline a chat answer gives ("each goal met or missed, and the breaches").
//
// Pure: the figures come from computeCompliance (compliance.ts), texts from the
// Translator passed in (locales/<lang>/report.json), instants are written in the
// contract's time zone. The JSON shape is documented in docs/compliance.md; scripts
// depend on it, so a field is added, never renamed.
import { DateTime } from 'luxon';
import { ORDER_TYPES, PRIORITIES, type OrderType, type Priority } from '../config/contract.js';
import type { Translator } from '../i18n/index.js';
import type { CaseGroup, CaseLine, Compliance, KindSummary, OpenAtMonthEnd, OutageLine, ProblemLine, WindowLine } from './compliance.js';

/** Identifies the JSON layout; bumped only if a field must change meaning. */
export const REPORT_SCHEMA = 'ssbtek.report/1';

type Iso = string;

interface KindReport extends CaseGroup {
  goal: number;
  breaches: CaseLine<Iso>[];
  openAtMonthEnd: OpenAtMonthEnd<Iso>;
}

export interface MonthlyReport {
  schema: typeof REPORT_SCHEMA;
  month: string;
  timezone: string;
  agency: string | null;
  agencyName: string | null;
  from: Iso;
  to: Iso;
  asOf: Iso;
  complete: boolean;
  generatedAt: Iso;
  contractVersion: string;
  incidents: KindReport & { byPriority: Record<Priority, CaseGroup> };
  orders: KindReport & { byType: Record<OrderType, CaseGroup> };
  problems: KindReport & { byPriority: Record<Priority, CaseGroup>; list: ProblemLine<Iso>[] };
  changes: { count: number; windows: WindowLine<Iso>[] };
  availability: Compliance['availability'];
  outages: Omit<Compliance['outages'], 'list'> & { list: OutageLine<Iso>[] };
  security: { count: number; incidents: CaseLine<Iso>[] };
}

export interface ReportMeta {
  /** When the report is made (epoch ms). */
  generatedAt: number;
  contractVersion: string;
  /** The agency's display name when the report is for one agency. */
  agencyName?: string | null;
}

/** The report object for one month's figures. */
export function buildReport(c: Compliance, meta: ReportMeta): MonthlyReport {
  const zone = c.timezone;
  const iso = (t: number) => isoIn(zone, t);
  const isoOrNull = (t: number | null) => (t === null ? null : iso(t));
  const line = (l: CaseLine): CaseLine<Iso> => ({
    ...l,
    receivedAt: iso(l.receivedAt),
    responseDueAt: isoOrNull(l.responseDueAt),
    workStartedAt: isoOrNull(l.workStartedAt),
    resolutionDueAt: iso(l.resolutionDueAt),
    resolvedAt: isoOrNull(l.resolvedAt),
  });
  const kind = <G extends string>(k: KindSummary<G>): KindReport => {
    const { by: _by, breaches, openAtMonthEnd, ...figures } = k;
    return { ...figures, breaches: breaches.map(line), openAtMonthEnd: { ...openAtMonthEnd, cases: openAtMonthEnd.cases.map(line) } };
  };
  return {
    schema: REPORT_SCHEMA,
    month: c.month,
    timezone: zone,
    agency: c.agency,
    agencyName: meta.agencyName ?? null,
    from: iso(c.monthStart),
    to: iso(c.monthEnd),
    asOf: iso(c.asOf),
    complete: c.complete,
    generatedAt: iso(meta.generatedAt),
    contractVersion: meta.contractVersion,
    incidents: { ...kind(c.incidents), byPriority: c.incidents.by },
    orders: { ...kind(c.orders), byType: c.orders.by },
    problems: { ...kind(c.problems), byPriority: c.problems.by, list: c.problems.list.map((p) => ({ ...p, ...line(p) })) },
    changes: { count: c.changes.count, windows: c.changes.windows.map((w) => ({ ...w, start: iso(w.start), end: iso(w.end) })) },
    availability: c.availability,
    outages: { ...c.outages, list: c.outages.list.map((o) => ({ ...o, start: iso(o.start), end: isoOrNull(o.end) })) },
    security: { count: c.security.count, incidents: c.security.incidents.map(line) },
  };
}

/** The report as JSON (two-space indented, newline-terminated). */
export function reportToJson(report: MonthlyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------
// Headline

export interface HeadlineItem {
  /** Stable id: incidents.response, incidents.resolution, orders.resolution, problems.response, problems.resolution, availability, downtimeYear, outagesMonth, outagesYear. */
  id: string;
  /** null when there was nothing to judge. */
  met: boolean | null;
  /** The measure's name, e.g. "Incidents, resolved in time". */
  label: string;
  /** The result alone, e.g. "90 % (9 of 10)". */
  result: string;
  /** The goal alone, e.g. "≥ 90 %", "≤ 62:00", "≤ 4". */
  goal: string;
  /** The whole line: label, result and goal. */
  text: string;
}

/** Each goal with its result, in the order the contract lists them. */
export function headlineItems(report: MonthlyReport, tr: Translator): HeadlineItem[] {
  const f = formatter(tr);
  const items: HeadlineItem[] = [];
  const t = (key: string, vars?: Record<string, string | number>) => tr.t(`report.${key}`, vars);
  const add = (id: string, labelKey: string, met: boolean | null, result: string, goal: string) => {
    const label = t(`goal.${labelKey}`);
    items.push({ id, met, label, result, goal, text: t('headline.line', { label, result, goal }) });
  };
  const share = (id: string, labelKey: string, met: number, total: number, value: number | null, goal: number, ok: boolean | null) =>
    add(
      id,
      labelKey,
      ok,
      value === null ? t('headline.nothing') : t('headline.share', { value: f.percent(value), met: f.int(met), total: f.int(total) }),
      t('headline.atLeast', { goal: f.percent(goal) }),
    );
  const { incidents: i, orders: o, problems: p, availability: a, outages: out } = report;
  share('incidents.response', 'incidentsResponse', i.responseMet, i.responseTotal, i.responseShare, i.goal, i.responseGoalMet);
  share('incidents.resolution', 'incidentsResolution', i.resolutionMet, i.resolved, i.resolutionShare, i.goal, i.resolutionGoalMet);
  share('orders.resolution', 'ordersResolution', o.resolutionMet, o.resolved, o.resolutionShare, o.goal, o.resolutionGoalMet);
  share('problems.response', 'problemsResponse', p.responseMet, p.responseTotal, p.responseShare, p.goal, p.responseGoalMet);
  share('problems.resolution', 'problemsResolution', p.resolutionMet, p.resolved, p.resolutionShare, p.goal, p.resolutionGoalMet);
  add(
    'availability',
    'availability',
    a.met,
    a.share === null
      ? t('headline.noOpening')
      : t('headline.availability', { value: f.percent(a.share), down: f.hm(a.downtimeMinutes), opening: f.hm(a.openingMinutes) }),
    t('headline.atLeast', { goal: f.percent(a.goal) }),
  );
  add(
    'downtimeYear',
    'downtimeYear',
    a.yearToDate.met,
    f.hm(a.yearToDate.downtimeMinutes),
    t('headline.atMost', { max: f.hm(a.yearToDate.maxDowntimeMinutes) }),
  );
  add('outagesMonth', 'outagesMonth', out.monthMet, f.int(out.unplanned), t('headline.atMost', { max: f.int(out.maxPerMonth) }));
  add('outagesYear', 'outagesYear', out.yearMet, f.int(out.unplannedYearToDate), t('headline.atMost', { max: f.int(out.maxPerYear) }));
  return items;
}

/** How many breaches the headline names before "and n more". */
const HEADLINE_BREACHES = 8;

/** The chat answer to "where do we stand": each goal met or missed with its share, then the breaches. */
export function complianceHeadline(report: MonthlyReport, tr: Translator): string {
  const f = formatter(tr);
  const lines = [title(report, tr, f)];
  for (const item of headlineItems(report, tr))
    lines.push(`${tr.t(item.met === null ? 'report.mark.none' : item.met ? 'report.mark.met' : 'report.mark.missed')} ${item.text}`);

  const breaches = [...report.incidents.breaches, ...report.orders.breaches, ...report.problems.breaches];
  if (breaches.length === 0) lines.push(tr.t('report.headline.noBreaches'));
  else {
    const named = breaches
      .slice(0, HEADLINE_BREACHES)
      .map((b) => tr.t('report.headline.breach', { ref: b.ref, category: categoryName(tr, b.kind, b.category), missed: missedText(tr, b) }));
    const more = breaches.length - named.length;
    lines.push(
      tr.t('report.headline.breaches', { count: breaches.length, list: named.join(', ') + (more > 0 ? tr.t('report.headline.more', { count: more }) : '') }),
    );
  }
  const open = report.incidents.openAtMonthEnd;
  if (open.count > 0)
    lines.push(tr.t(report.complete ? 'report.headline.openAtEnd' : 'report.headline.openNow', { count: open.count, past: open.pastDeadline }));
  if (report.security.count > 0) lines.push(tr.t('report.headline.security', { count: report.security.count }));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------
// Markdown

/** The full report for people: one section per area of 5.1, tables in GitHub-flavoured Markdown. */
export function reportToMarkdown(report: MonthlyReport, tr: Translator): string {
  const f = formatter(tr);
  const t = (key: string, vars?: Record<string, string | number>) => tr.t(`report.${key}`, vars);
  const out: string[] = [];
  const table = (head: string[], rows: Array<Array<string | number>>) => {
    if (rows.length === 0) return void out.push(`_${t('md.none')}_`, '');
    out.push(`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
    for (const r of rows) out.push(`| ${r.map((c) => mdCell(String(c))).join(' | ')} |`);
    out.push('');
  };
  const mark = (met: boolean | null) => t(met === null ? 'mark.none' : met ? 'mark.met' : 'mark.missed');

  out.push(`# ${title(report, tr, f)}`, '');
  out.push(
    t('md.meta', { from: f.instant(report.from), to: f.instant(report.to), generated: f.instant(report.generatedAt), version: report.contractVersion }),
    '',
  );
  if (!report.complete) out.push(`> ${t('md.incomplete', { asOf: f.instant(report.asOf) })}`, '');

  out.push(`## ${t('md.summary')}`, '');
  table(
    [t('col.measure'), t('col.result'), t('col.goal'), t('col.met')],
    headlineItems(report, tr).map((i) => [i.label, i.result, i.goal, mark(i.met)]),
  );

  const groupHead = [
    t('col.group'),
    t('col.receivedCount'),
    t('col.resolved'),
    t('col.responseMet'),
    t('col.responseShare'),
    t('col.resolutionMet'),
    t('col.resolutionShare'),
    t('col.medianResponse'),
    t('col.medianResolution'),
  ];
  const groupRow = (name: string, g: CaseGroup) => [
    name,
    f.int(g.received),
    f.int(g.resolved),
    g.responseTotal ? `${f.int(g.responseMet)} / ${f.int(g.responseTotal)}` : '–',
    g.responseShare === null ? '–' : `${f.percent(g.responseShare)} ${mark(g.responseGoalMet)}`,
    g.resolved ? `${f.int(g.resolutionMet)} / ${f.int(g.resolved)}` : '–',
    g.resolutionShare === null ? '–' : `${f.percent(g.resolutionShare)} ${mark(g.resolutionGoalMet)}`,
    g.medianResponseMinutes === null ? '–' : f.duration(g.medianResponseMinutes),
    g.medianResolutionMinutes === null ? '–' : f.duration(g.medianResolutionMinutes),
  ];
  const caseHead = [
    t('col.ref'),
    t('col.agency'),
    t('col.category'),
    t('col.received'),
    t('col.responseDue'),
    t('col.workStarted'),
    t('col.resolutionDue'),
    t('col.resolvedAt'),
    t('col.missed'),
  ];
  const caseRow = (c: CaseLine<Iso>) => [
    c.ref + (c.security ? ` ${t('md.securityMark')}` : ''),
    c.agency,
    categoryName(tr, c.kind, c.category),
    f.instant(c.receivedAt),
    f.instantOrDash(c.responseDueAt),
    f.instantOrDash(c.workStartedAt),
    f.instant(c.resolutionDueAt),
    f.instantOrDash(c.resolvedAt),
    missedText(tr, c),
  ];
  const kindSection = (heading: string, k: KindReport, groups: Array<[string, CaseGroup]>) => {
    out.push(`## ${heading}`, '', t('md.goalLine', { goal: f.percent(k.goal) }), '');
    table(groupHead, [...groups.map(([name, g]) => groupRow(name, g)), groupRow(t('md.total'), k)]);
    out.push(`### ${t('md.breaches', { count: k.breaches.length })}`, '');
    table(caseHead, k.breaches.map(caseRow));
    out.push(`### ${t(report.complete ? 'md.openAtEnd' : 'md.openNow', { count: k.openAtMonthEnd.count, past: k.openAtMonthEnd.pastDeadline })}`, '');
    table(caseHead, k.openAtMonthEnd.cases.map(caseRow));
  };
  kindSection(
    t('md.incidents'),
    report.incidents,
    PRIORITIES.map((p) => [categoryName(tr, 'incident', p), report.incidents.byPriority[p]]),
  );
  kindSection(
    t('md.orders'),
    report.orders,
    ORDER_TYPES.map((o) => [categoryName(tr, 'order', o), report.orders.byType[o]]),
  );
  kindSection(
    t('md.problems'),
    report.problems,
    PRIORITIES.map((p) => [categoryName(tr, 'problem', p), report.problems.byPriority[p]]),
  );
  out.push(`### ${t('md.rootCauses')}`, '');
  table(
    [t('col.ref'), t('col.category'), t('col.resolvedAt'), t('col.rootCause'), t('col.action'), t('col.linked')],
    report.problems.list.map((p) => [
      p.ref,
      categoryName(tr, 'problem', p.category),
      f.instantOrDash(p.resolvedAt),
      p.rootCause ?? '–',
      p.action ?? '–',
      p.linkedIncidents.join(', ') || '–',
    ]),
  );

  out.push(`## ${t('md.changes')}`, '');
  table(
    [t('col.ref'), t('col.title'), t('col.start'), t('col.end'), t('col.status'), t('col.outcome')],
    report.changes.windows.map((w) => [
      w.ref,
      w.title ?? '–',
      f.instant(w.start),
      f.instant(w.end),
      optionalText(tr, 'windowStatus', w.status),
      w.outcome === null ? '–' : optionalText(tr, 'windowOutcome', w.outcome),
    ]),
  );

  const a = report.availability;
  const o = report.outages;
  out.push(`## ${t('md.availability')}`, '');
  table(
    [t('col.measure'), t('col.value'), t('col.goal'), t('col.met')],
    [
      [t('md.openingTime'), f.hm(a.openingMinutes), '', ''],
      [t('md.downtime'), f.hm(a.downtimeMinutes), '', ''],
      [t('md.availableTime'), f.hm(a.availableMinutes), '', ''],
      [t('md.availabilityShare'), a.share === null ? '–' : f.percent(a.share), t('headline.atLeast', { goal: f.percent(a.goal) }), mark(a.met)],
      [t('md.downtimeYear'), f.hm(a.yearToDate.downtimeMinutes), t('headline.atMost', { max: f.hm(a.yearToDate.maxDowntimeMinutes) }), mark(a.yearToDate.met)],
      [t('md.outagesMonth'), f.int(o.unplanned), t('headline.atMost', { max: f.int(o.maxPerMonth) }), mark(o.monthMet)],
      [t('md.outagesYear'), f.int(o.unplannedYearToDate), t('headline.atMost', { max: f.int(o.maxPerYear) }), mark(o.yearMet)],
    ],
  );
  out.push(`### ${t('md.outages')}`, '');
  table(
    [t('col.ref'), t('col.kind'), t('col.start'), t('col.end'), t('col.length'), t('col.downtime'), t('col.baseServices'), t('col.cause'), t('col.actionPlan')],
    o.list.map((x) => [
      x.ref,
      t(x.planned ? 'outageKind.planned' : x.state === 'disturbed' ? 'outageKind.disturbed' : 'outageKind.unplanned'),
      f.instant(x.start),
      x.end === null ? t('md.ongoing') : f.instant(x.end),
      f.hm(x.lengthMinutes),
      f.hm(x.downtimeMinutes),
      x.baseServices.join(', ') || (x.agencies.length ? x.agencies.join(', ') : t('md.wholeFlow')),
      x.cause ?? '–',
      x.actionPlan ?? '–',
    ]),
  );

  out.push(`## ${t('md.security')}`, '', t('md.securityCount', { count: report.security.count }), '');
  table(caseHead, report.security.incidents.map(caseRow));
  return `${out.join('\n').trimEnd()}\n`;
}

// ---------------------------------------------------------------------------------
// CSV

/**
 * The report as one CSV table in a long ("tidy") layout, RFC 4180 (CRLF, fields quoted
 * when they hold a comma, quote or line break). Columns: section, group, ref, field,
 * value. Every scalar of the JSON is one row: `section` is its top-level key, `group`
 * the path of objects in between (e.g. "byPriority.critical", "openAtMonthEnd"), `ref`
 * the case, outage or window a list item is about, `field` the JSON key. Values are
 * machine-readable: numbers with a dot, true/false, instants ISO 8601 with offset, an
 * empty field for null, lists of names joined with "; ".
 */
export function reportToCsv(report: MonthlyReport, tr: Translator): string {
  const rows: string[][] = [['section', 'group', 'ref', 'field', 'value'].map((c) => tr.t(`report.csv.${c}`))];
  const walk = (section: string, group: string, ref: string, node: Record<string, unknown>) => {
    for (const [field, value] of Object.entries(node)) {
      const path = group ? `${group}.${field}` : field;
      if (Array.isArray(value) && !NAME_LISTS.has(field)) {
        for (const item of value as Array<Record<string, unknown>>) walk(section, path, String(item.ref ?? ''), item);
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        walk(section, path, ref, value as Record<string, unknown>);
      } else {
        rows.push([section, group, ref, field, csvValue(value)]);
      }
    }
  };
  for (const [section, value] of Object.entries(report)) {
    if (value !== null && typeof value === 'object') walk(section, '', '', value as Record<string, unknown>);
    else rows.push(['report', '', '', section, csvValue(value)]);
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** Fields that hold a list of names (one CSV value), not a list of items (rows). */
const NAME_LISTS = new Set(['agencies', 'baseServices', 'linkedIncidents']);

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join('; ');
  return String(value);
}

/** RFC 4180: quote a field holding a comma, a quote or a line break; double the quotes inside. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

// ---------------------------------------------------------------------------------
// Helpers

/** Offsets (minutes) per zone and UTC hour: zones change offset only on whole hours here. */
const offsets = new Map<string, Map<number, number>>();

/** ISO 8601 in `zone` with its offset, seconds always, milliseconds when not zero: "2026-10-05T10:00:00+02:00". */
export function isoIn(zone: string, t: number): string {
  let byHour = offsets.get(zone);
  if (!byHour) {
    byHour = new Map();
    offsets.set(zone, byHour);
  }
  const hour = Math.floor(t / 3_600_000);
  let offset = byHour.get(hour);
  if (offset === undefined) {
    offset = DateTime.fromMillis(t, { zone }).offset;
    // Only cache when the whole hour has one offset (true for every zone with whole-hour changes).
    if (DateTime.fromMillis(hour * 3_600_000, { zone }).offset === offset && DateTime.fromMillis(hour * 3_600_000 + 3_599_999, { zone }).offset === offset)
      byHour.set(hour, offset);
  }
  const local = new Date(t + offset * 60_000).toISOString(); // "2026-10-05T08:00:00.000Z" shifted to local
  const ms = local.slice(19, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local.slice(0, 19)}${ms === '.000' ? '' : ms}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** "2026-10-05T10:00:00+02:00" → "2026-10-05 10:00": the local time the ISO string already holds. */
function localMinute(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

interface Formatter {
  int(n: number): string;
  percent(share: number): string;
  hm(minutes: number): string;
  duration(minutes: number): string;
  instant(iso: string): string;
  instantOrDash(iso: string | null): string;
  monthName(month: string, zone: string): string;
}

function formatter(tr: Translator): Formatter {
  const locale = tr.lang === 'sv' ? 'sv-SE' : 'en-GB';
  const ints = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const noDecimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const hm = (minutes: number) => {
    const m = Math.round(minutes);
    return tr.t('report.format.hm', { h: Math.floor(m / 60), mm: String(m % 60).padStart(2, '0') });
  };
  return {
    int: (n) => ints.format(n),
    // Rounded down, so a share just below the goal never shows as the goal itself.
    percent: (share) => {
      const tenths = Math.floor(share * 1000 + 1e-6);
      return tr.t('report.format.percent', { value: (tenths % 10 === 0 ? noDecimal : oneDecimal).format(tenths / 10) });
    },
    hm,
    duration: (minutes) => {
      const m = Math.round(minutes);
      if (m < 60) return tr.t('report.format.minutes', { m });
      if (m < 24 * 60) return tr.t('report.format.hoursMinutes', { h: Math.floor(m / 60), m: m % 60 });
      return tr.t('report.format.days', { n: oneDecimal.format(minutes / (24 * 60)) });
    },
    instant: localMinute,
    instantOrDash: (iso) => (iso === null ? '–' : localMinute(iso)),
    monthName: (month, zone) => DateTime.fromFormat(month, 'yyyy-MM', { zone }).setLocale(locale).toFormat('LLLL yyyy'),
  };
}

function title(report: MonthlyReport, tr: Translator, f: Formatter): string {
  const month = f.monthName(report.month, report.timezone);
  const agency = report.agency === null ? '' : tr.t('report.title.agency', { agency: report.agencyName ?? report.agency });
  return tr.t(report.complete ? 'report.title.complete' : 'report.title.running', { month, agency, asOf: f.instant(report.asOf) });
}

function categoryName(tr: Translator, kind: string, category: string): string {
  return optionalText(tr, kind === 'order' ? 'orderType' : 'priority', category);
}

/** The translated name when the catalogue has one, else the value itself. */
function optionalText(tr: Translator, group: string, value: string): string {
  const key = `report.${group}.${value}`;
  return tr.has(key) ? tr.t(key) : value;
}

function missedText(tr: Translator, c: CaseLine<Iso>): string {
  if (c.responseMissed && c.resolutionMissed) return tr.t('report.missed.both');
  if (c.responseMissed) return tr.t('report.missed.response');
  if (c.resolutionMissed) return tr.t('report.missed.resolution');
  return tr.t('report.missed.none');
}

/** A Markdown table cell: pipes escaped, line breaks flattened. */
function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
