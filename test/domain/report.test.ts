// The monthly report (5, 5.1) in its three formats and the chat headline: the JSON has
// the keys scripts rely on, the CSV parses back to the same figures, the Markdown has
// every section of 5.1, and the headline says which goals were met.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Priority } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { computeCompliance, type CaseFact, type OutageFact, type WindowFact } from '../../src/domain/compliance.js';
import { deadlinesFor } from '../../src/domain/deadlines.js';
import { buildReport, complianceHeadline, csvField, isoIn, reportToCsv, reportToJson, reportToMarkdown, type MonthlyReport } from '../../src/domain/report.js';
import { translator } from '../../src/i18n/index.js';
import { at } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const sv = translator('sv');
const en = translator('en');

let seq = 0;
function incident(priority: Priority, received: string, resolvedLateBy: number | null, more: Partial<CaseFact> = {}): CaseFact {
  const receivedAt = at(received);
  const d = deadlinesFor(calendar, { kind: 'incident', priority }, receivedAt, more.agency ?? 'forsakringskassan');
  return {
    ref: `INC-${++seq}`,
    kind: 'incident',
    agency: 'forsakringskassan',
    priority,
    security: false,
    title: null,
    receivedAt,
    responseDueAt: d.response,
    resolutionDueAt: d.resolution,
    acknowledgedAt: receivedAt + 60_000,
    resolvedAt: resolvedLateBy === null ? null : d.resolution + resolvedLateBy,
    closedAt: null,
    ...more,
  };
}

/** October 2026: 10 high incidents, 9 in time; a late critical one; an open medium; an order, a problem; two outages; a window. */
function october(): MonthlyReport {
  seq = 0;
  const cases: CaseFact[] = [
    ...Array.from({ length: 10 }, (_, i) => incident('high', `2026-10-${String(5 + i).padStart(2, '0')} 09:00`, i === 0 ? 1000 : -3_600_000)),
    incident('critical', '2026-10-20 10:00', 60_000, { security: true, title: 'Obehörig åtkomst, "SID"' }),
    incident('medium', '2026-10-29 10:00', null),
  ];
  const o = deadlinesFor(calendar, { kind: 'order', type: 'connection' }, at('2026-10-06 10:00'), 'csn');
  cases.push({
    ref: 'BES-1',
    kind: 'order',
    agency: 'csn',
    orderType: 'connection',
    receivedAt: at('2026-10-06 10:00'),
    responseDueAt: null,
    resolutionDueAt: o.resolution,
    acknowledgedAt: null,
    resolvedAt: at('2026-10-08 10:00'),
    closedAt: null,
  });
  const p = deadlinesFor(calendar, { kind: 'problem', priority: 'high' }, at('2026-10-02 10:00'), 'forsakringskassan');
  cases.push({
    ref: 'PRB-1',
    kind: 'problem',
    agency: 'forsakringskassan',
    priority: 'high',
    receivedAt: at('2026-10-02 10:00'),
    responseDueAt: p.response,
    resolutionDueAt: p.resolution,
    acknowledgedAt: at('2026-10-02 11:00'),
    resolvedAt: at('2026-10-16 10:00'),
    closedAt: null,
    rootCause: 'Certifikat, utgånget',
    action: 'Bevaka certifikat | larm',
    linkedIncidents: ['INC-1', 'INC-2'],
  });
  const outages: OutageFact[] = [
    {
      ref: 'AVB-1',
      start: at('2026-10-09 16:00'),
      end: at('2026-10-12 09:00'),
      agencies: [],
      baseServices: ['Inkomst', 'Bidrag'],
      cause: 'Nätverk, "brandvägg"\nandra raden',
      actionPlan: 'Ny regel',
      planned: false,
    },
    {
      ref: 'AVB-2',
      start: at('2026-10-17 20:00'),
      end: at('2026-10-17 22:00'),
      agencies: ['csn'],
      baseServices: [],
      cause: null,
      actionPlan: null,
      planned: true,
    },
  ];
  const windows: WindowFact[] = [
    { ref: 'FON-1', start: at('2026-10-17 20:00'), end: at('2026-10-17 22:00'), status: 'done', outcome: 'ok', title: 'Uppgradering' },
  ];
  const c = computeCompliance(calendar, { month: '2026-10', now: at('2026-11-10 07:00'), cases, outages, windows });
  return buildReport(c, { generatedAt: at('2026-11-10 07:00'), contractVersion: contract.version });
}

/** A small RFC 4180 reader, written for this test: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endField();
      rows.push(row);
      row = [];
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

describe('the report as JSON (for scripts and auditors)', () => {
  const json = JSON.parse(reportToJson(october()));

  it('has incidents.byPriority.<critical|high|medium|low>.{resolved,responseMet,resolutionMet}', () => {
    for (const p of ['critical', 'high', 'medium', 'low']) {
      for (const k of ['resolved', 'responseMet', 'resolutionMet']) expect(typeof json.incidents.byPriority[p][k], `${p}.${k}`).toBe('number');
    }
    expect(json.incidents.byPriority.high).toMatchObject({ resolved: 10, responseMet: 10, resolutionMet: 9, resolutionShare: 0.9, resolutionGoalMet: true });
    expect(json.incidents.byPriority.critical).toMatchObject({ resolved: 1, resolutionMet: 0, resolutionGoalMet: false });
  });

  it('has incidents.openAtMonthEnd with the open cases and how many are past a deadline', () => {
    expect(json.incidents.openAtMonthEnd).toMatchObject({ count: 1, pastDeadline: 0 });
    expect(json.incidents.openAtMonthEnd.cases[0]).toMatchObject({ category: 'medium', resolvedAt: null, receivedAt: '2026-10-29T10:00:00+01:00' });
  });

  it('has orders.{resolved,resolutionMet}, availability.{openingMinutes,downtimeMinutes,share} and outages.unplanned', () => {
    expect(json.orders).toMatchObject({ resolved: 1, resolutionMet: 1 });
    expect(json.orders.byType.connection.resolved).toBe(1);
    // 22 working days in October 2026; Friday 16:00 → Monday 09:00 costs 2 hours.
    expect(json.availability).toMatchObject({ openingMinutes: 22 * 9 * 60, downtimeMinutes: 120 });
    expect(json.availability.share).toBeCloseTo(1 - 120 / (22 * 9 * 60), 12);
    expect(json.outages.unplanned).toBe(1);
  });

  it('has problems with root cause and action, planned changes, and security', () => {
    expect(json.problems.list[0]).toMatchObject({ ref: 'PRB-1', rootCause: 'Certifikat, utgånget', linkedIncidents: ['INC-1', 'INC-2'] });
    expect(json.changes.windows[0]).toMatchObject({ ref: 'FON-1', status: 'done', outcome: 'ok', start: '2026-10-17T20:00:00+02:00' });
    expect(json.security.count).toBe(1);
    expect(json).toMatchObject({
      schema: 'ssbtek.report/1',
      month: '2026-10',
      complete: true,
      from: '2026-10-01T00:00:00+02:00',
      to: '2026-11-01T00:00:00+01:00',
    });
  });
});

describe('the report as CSV (RFC 4180, one long table)', () => {
  const report = october();
  const csv = reportToCsv(report, sv);
  const rows = parseCsv(csv);

  it('parses back: a header and five fields on every row, records ended by CRLF', () => {
    expect(rows[0]).toEqual(['avsnitt', 'grupp', 'ärende', 'fält', 'värde']);
    expect(rows.every((r) => r.length === 5)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('holds the same figures as the JSON', () => {
    const value = (section: string, group: string, ref: string, field: string) =>
      rows.filter((r) => r[0] === section && r[1] === group && r[2] === ref && r[3] === field).map((r) => r[4]);
    expect(value('incidents', 'byPriority.high', '', 'resolutionMet')).toEqual(['9']);
    expect(value('incidents', 'byPriority.high', '', 'resolutionShare')).toEqual(['0.9']);
    expect(value('availability', '', '', 'downtimeMinutes')).toEqual(['120']);
    expect(value('availability', 'yearToDate', '', 'maxDowntimeMinutes')).toEqual(['3720']);
    expect(value('outages', '', '', 'unplanned')).toEqual(['1']);
    expect(value('report', '', '', 'month')).toEqual(['2026-10']);
    expect(value('incidents', 'openAtMonthEnd', '', 'count')).toEqual(['1']);
  });

  it('quotes commas, quotes and line breaks, so a cause survives the round trip exactly', () => {
    const value = (ref: string, field: string) => rows.find((r) => r[0] === 'outages' && r[2] === ref && r[3] === field)?.[4];
    expect(value('AVB-1', 'cause')).toBe('Nätverk, "brandvägg"\nandra raden');
    expect(value('AVB-1', 'baseServices')).toBe('Inkomst; Bidrag');
    expect(rows.find((r) => r[0] === 'security' && r[3] === 'title')?.[4]).toBe('Obehörig åtkomst, "SID"');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('plain')).toBe('plain');
  });

  it('has one row per field of every listed case: each breach is there', () => {
    const breachRefs = new Set(rows.filter((r) => r[0] === 'incidents' && r[1] === 'breaches').map((r) => r[2]));
    expect([...breachRefs].sort()).toEqual(report.incidents.breaches.map((b) => b.ref).sort());
    expect(breachRefs.size).toBe(2);
  });
});

describe('the report as Markdown', () => {
  it.each([
    [
      'sv',
      sv,
      [
        '# Uppföljning av avtalet oktober 2026',
        '## Sammanfattning',
        '## Incidenter',
        '## Beställningar',
        '## Problem',
        '### Grundorsak och åtgärd',
        '## Planerade förändringar',
        '## Tillgänglighet och driftsäkerhet',
        '### Avbrott',
        '## Säkerhet',
      ],
    ],
    [
      'en',
      en,
      [
        '# Contract compliance October 2026',
        '## Summary',
        '## Incidents',
        '## Orders',
        '## Problems',
        '### Root cause and action',
        '## Planned changes',
        '## Availability and reliability',
        '### Outages',
        '## Security',
      ],
    ],
  ] as const)('%s: has a section for each area of 5.1', (_lang, tr, headings) => {
    const md = reportToMarkdown(october(), tr);
    const lines = md.split('\n');
    for (const h of headings) expect(lines).toContain(h);
  });

  it('the incident table has a row per priority, and the high row shows 9 of 10 at 90 % as met', () => {
    const md = reportToMarkdown(october(), en);
    expect(md).toMatch(/^\| High \| 10 \| 10 \| 10 \/ 10 \| 100 % ✅ \| 9 \/ 10 \| 90 % ✅ \|/m);
    expect(md).toMatch(/^\| Critical \| 1 \| 1 \| 1 \/ 1 \| 100 % ✅ \| 0 \/ 1 \| 0 % ❌ \|/m);
    // Medians: work started a minute after receipt; the late critical one took 23 hours and a minute (wall clock).
    expect(md).toMatch(/^\| High \|.*\| 1 min \| [^|]+ \|$/m);
    expect(md).toMatch(/^\| Critical \|.*\| 1 min \| 23 h 1 min \|$/m);
  });

  it('a pipe in a text does not break the table, and a line break is flattened', () => {
    const md = reportToMarkdown(october(), sv);
    expect(md).toContain('Bevaka certifikat \\| larm');
    expect(md).toContain('Nätverk, "brandvägg" andra raden');
  });

  it('the summary has one row per goal: measure, result, goal, met', () => {
    const md = reportToMarkdown(october(), en);
    expect(md).toContain('| Incidents, resolved in time | 81.8 % (9 of 11) | ≥ 90 % | ❌ |');
    expect(md).toContain('| Downtime so far this year | 2:00 | ≤ 62:00 | ✅ |');
  });

  it('availability is shown in hours:minutes and percent, reliability as a count against 4', () => {
    const md = reportToMarkdown(october(), sv);
    expect(md).toContain('| Otillgänglighet under öppettid | 2:00 |');
    expect(md).toContain('| Oplanerade avbrott i månaden | 1 | ≤ 4 | ✅ |');
    expect(md).toMatch(/\| Tillgänglighet \| 98,9 % \| ≥ 98 % \| ✅ \|/);
  });
});

describe('the compliance headline for chat', () => {
  it('names each goal met or missed with its share, and the breaches', () => {
    const text = complianceHeadline(october(), en);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Contract compliance October 2026');
    expect(lines).toContain('✅ Incidents, started in time: 100 % (11 of 11), goal ≥ 90 %');
    expect(lines).toContain('❌ Incidents, resolved in time: 81.8 % (9 of 11), goal ≥ 90 %');
    expect(lines).toContain('✅ Availability during opening hours: 98.9 %, down 2:00 of 198:00 opening time, goal ≥ 98 %');
    expect(lines).toContain('✅ Orders, delivered in time: 100 % (1 of 1), goal ≥ 90 %');
    expect(lines).toContain('✅ Unplanned outages this month: 1, goal ≤ 4');
    expect(text).toContain('Outside the targets (2): INC-1 (High, resolved late), INC-11 (Critical, resolved late)');
    expect(text).toContain('Security incidents: 1.');
  });

  it('in Swedish, with a decimal comma and the month in Swedish', () => {
    const text = complianceHeadline(october(), sv);
    expect(text.split('\n')[0]).toBe('Uppföljning av avtalet oktober 2026');
    expect(text).toContain('❌ Incidenter, åtgärdade i tid: 81,8 % (9 av 11), mål ≥ 90 %');
  });

  it('a month still running says so, and a goal with nothing to judge is neither met nor missed', () => {
    const c = computeCompliance(calendar, { month: '2026-11', now: at('2026-11-24 12:00'), agency: 'csn', cases: [], outages: [] });
    const text = complianceHeadline(buildReport(c, { generatedAt: at('2026-11-24 12:00'), contractVersion: 'x', agencyName: 'CSN' }), en);
    expect(text.split('\n')[0]).toBe('Contract compliance November 2026 – CSN, so far (to 2026-11-24 12:00)');
    expect(text).toContain('➖ Problems, resolved in time: nothing closed to judge, goal ≥ 90 %');
    expect(text).toContain('No case outside its targets.');
  });
});

describe('instants in the report', () => {
  it('are ISO 8601 in Stockholm time with the offset of the moment, as luxon writes them, across DST changes', () => {
    const dst = [Date.parse('2026-03-29T01:00:00Z'), Date.parse('2026-10-25T01:00:00Z')];
    const arb = fc.oneof(
      fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2029-01-01T00:00:00Z') }),
      fc.constantFrom(...dst).chain((t) => fc.integer({ min: t - 7_200_000, max: t + 7_200_000 })),
    );
    fc.assert(
      fc.property(arb, (t) => {
        expect(isoIn('Europe/Stockholm', t)).toBe(DateTime.fromMillis(t, { zone: 'Europe/Stockholm' }).toISO({ suppressMilliseconds: true }));
      }),
      { numRuns: 2000 },
    );
    expect(isoIn('Europe/Stockholm', Date.parse('2026-10-25T00:59:59Z'))).toBe('2026-10-25T02:59:59+02:00');
    expect(isoIn('Europe/Stockholm', Date.parse('2026-10-25T01:00:00Z'))).toBe('2026-10-25T02:00:00+01:00');
  });
});
