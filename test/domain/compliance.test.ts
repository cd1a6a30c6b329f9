// Where a month stands against the contract (4.3.1, 4.4.1, 4.5.1, 4.6, 4.9.1, 4.11, 5.1),
// written the way the contract reads. All instants are Stockholm local time unless an
// ISO string with Z says otherwise.
import { describe, expect, it } from 'vitest';
import type { Priority } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import {
  atLeast,
  complianceSeries,
  computeCompliance,
  monthBounds,
  monthOf,
  shiftMonth,
  type CaseFact,
  type ComplianceInput,
  type OutageFact,
} from '../../src/domain/compliance.js';
import { deadlinesFor } from '../../src/domain/deadlines.js';
import { at } from '../support/time.js';

const calendar = new BusinessCalendar(buildContract());
const AFTER = at('2027-03-01 00:00'); // "now": every month below is over
const SECOND = 1000;

let seq = 0;
/** An incident with the deadlines the contract gives it at receipt. */
function incident(
  priority: Priority,
  received: string,
  events: { ack?: string | number; resolved?: string | number; agency?: string; security?: boolean; ref?: string } = {},
): CaseFact {
  const agency = events.agency ?? 'forsakringskassan';
  const receivedAt = at(received);
  const d = deadlinesFor(calendar, { kind: 'incident', priority }, receivedAt, agency);
  const instant = (v: string | number | undefined) => (v === undefined ? null : typeof v === 'number' ? v : at(v));
  return {
    ref: events.ref ?? `INC-${++seq}`,
    kind: 'incident',
    agency,
    priority,
    security: events.security ?? false,
    receivedAt,
    responseDueAt: d.response,
    resolutionDueAt: d.resolution,
    acknowledgedAt: instant(events.ack),
    resolvedAt: instant(events.resolved),
    closedAt: null,
  };
}

function outage(start: string, end: string | null, more: Partial<OutageFact> = {}): OutageFact {
  return {
    ref: `AVB-${++seq}`,
    start: at(start),
    end: end === null ? null : at(end),
    agencies: [],
    baseServices: [],
    cause: 'okänd',
    actionPlan: null,
    planned: false,
    ...more,
  };
}

function month(m: string, facts: Partial<ComplianceInput> = {}, cal = calendar) {
  return computeCompliance(cal, { month: m, now: AFTER, cases: [], outages: [], ...facts });
}

describe('incident targets (4.3.1): each incident judged by its own deadlines', () => {
  it('an incident resolved exactly at its resolution deadline has met it', () => {
    const c = incident('critical', '2026-11-24 09:00');
    const r = month('2026-11', { cases: [{ ...c, acknowledgedAt: c.receivedAt, resolvedAt: c.resolutionDueAt }] });
    expect(r.incidents.by.critical).toMatchObject({ resolved: 1, resolutionMet: 1, resolutionMissed: 0 });
  });

  it('an incident resolved one second after its resolution deadline has missed it', () => {
    const c = incident('critical', '2026-11-24 09:00');
    const r = month('2026-11', { cases: [{ ...c, acknowledgedAt: c.receivedAt, resolvedAt: c.resolutionDueAt + SECOND }] });
    expect(r.incidents.by.critical).toMatchObject({ resolved: 1, resolutionMet: 0, resolutionMissed: 1, responseMet: 1 });
    expect(r.incidents.breaches.map((b) => [b.ref, b.responseMissed, b.resolutionMissed])).toEqual([[c.ref, false, true]]);
  });

  it('a Kritisk incident received 09:00 and acknowledged 09:31 has missed its 30-minute response', () => {
    const r = month('2026-11', { cases: [incident('critical', '2026-11-24 09:00', { ack: '2026-11-24 09:31', resolved: '2026-11-24 10:00' })] });
    expect(r.incidents.by.critical).toMatchObject({ responseTotal: 1, responseMet: 0, responseMissed: 1, resolutionMet: 1 });
  });

  it('an incident resolved within the response time without being acknowledged has met its response', () => {
    const r = month('2026-11', { cases: [incident('critical', '2026-11-24 09:00', { resolved: '2026-11-24 09:20' })] });
    expect(r.incidents.by.critical).toMatchObject({ responseMet: 1, resolutionMet: 1 });
  });

  it('an incident is judged by the deadlines stored with it, not by the targets in force today', () => {
    const c = incident('low', '2026-11-02 09:00', { ack: '2026-11-02 10:00', resolved: '2026-11-20 09:00' });
    // Stored under an older contract version whose low target was longer:
    const stored = { ...c, resolutionDueAt: at('2026-11-30 17:00') };
    expect(month('2026-11', { cases: [c] }).incidents.by.low.resolutionMet).toBe(0);
    expect(month('2026-11', { cases: [stored] }).incidents.by.low.resolutionMet).toBe(1);
  });

  it('an incident opened on 31 October and resolved on 2 November counts in November, and is open at October’s end', () => {
    const c = incident('medium', '2026-10-31 10:00', { ack: '2026-10-31 10:05', resolved: '2026-11-02 11:00' });
    const november = month('2026-11', { cases: [c] });
    const october = month('2026-10', { cases: [c] });
    expect(november.incidents.by.medium).toMatchObject({ received: 0, resolved: 1 });
    expect(october.incidents.by.medium).toMatchObject({ received: 1, resolved: 0 });
    expect(october.incidents.openAtMonthEnd.cases.map((x) => x.ref)).toEqual([c.ref]);
    expect(november.incidents.openAtMonthEnd.count).toBe(0);
  });

  it('months run on Stockholm time: resolved 2026-10-31T23:30Z is 1 November 00:30 local and counts in November', () => {
    const resolved = Date.parse('2026-10-31T23:30:00Z');
    const c = incident('low', '2026-10-30 09:00', { ack: '2026-10-30 09:05', resolved });
    expect(monthOf('Europe/Stockholm', resolved)).toBe('2026-11');
    expect(month('2026-10', { cases: [c] }).incidents.resolved).toBe(0);
    expect(month('2026-11', { cases: [c] }).incidents.resolved).toBe(1);
  });

  it('9 of 10 incidents resolved in time is exactly the 90 % goal: met', () => {
    const cases = Array.from({ length: 10 }, (_, i) => {
      const c = incident('high', `2026-11-${String(2 + i).padStart(2, '0')} 09:00`, { ack: `2026-11-${String(2 + i).padStart(2, '0')} 09:10` });
      return { ...c, resolvedAt: i === 0 ? c.resolutionDueAt + SECOND : c.resolutionDueAt - 60 * SECOND };
    });
    const r = month('2026-11', { cases });
    expect(r.incidents.by.high).toMatchObject({ resolved: 10, resolutionMet: 9, resolutionShare: 0.9, resolutionGoalMet: true });
    expect(r.incidents).toMatchObject({ resolutionShare: 0.9, resolutionGoalMet: true, goal: 0.9 });
  });

  it('8 of 10 is below the goal: missed, overall and for the priority', () => {
    const cases = Array.from({ length: 10 }, (_, i) => {
      const c = incident('medium', '2026-11-03 09:00', { ack: '2026-11-03 09:10' });
      return { ...c, resolvedAt: i < 2 ? c.resolutionDueAt + SECOND : c.resolutionDueAt };
    });
    const r = month('2026-11', { cases });
    expect(r.incidents.by.medium.resolutionGoalMet).toBe(false);
    expect(r.incidents.resolutionGoalMet).toBe(false);
    expect(r.incidents.by.critical.resolutionGoalMet).toBeNull(); // nothing judged
  });

  it('the goal is read from the configuration: at 80 %, 8 of 10 is met', () => {
    const lenient = new BusinessCalendar(buildContract({ goals: { incidents: 0.8 } }));
    const cases = Array.from({ length: 10 }, (_, i) => {
      const c = incident('medium', '2026-11-03 09:00', { ack: '2026-11-03 09:10' });
      return { ...c, resolvedAt: i < 2 ? c.resolutionDueAt + SECOND : c.resolutionDueAt };
    });
    expect(month('2026-11', { cases }, lenient).incidents).toMatchObject({ goal: 0.8, resolutionGoalMet: true });
  });

  it('incidents still open at the month’s end are listed apart, with how many are already past a deadline', () => {
    const cases = [
      incident('critical', '2026-11-30 09:00'), // neither acknowledged nor resolved: response (09:30) and resolution (17:00) passed
      incident('low', '2026-11-30 09:00', { ack: '2026-11-30 09:10' }), // within both
      incident('high', '2026-11-26 09:00', { ack: '2026-11-26 09:30' }), // 2 working days: due Fri 27 17:00, passed
      incident('medium', '2026-12-01 09:00'), // received after the month: not there
    ];
    const open = month('2026-11', { cases }).incidents.openAtMonthEnd;
    expect(open).toMatchObject({ count: 3, pastDeadline: 2, pastResponse: 1, pastResolution: 2 });
    expect(open.cases.map((c) => c.category)).toEqual(['high', 'critical', 'low']);
  });

  it('a month still running is computed up to now: a deadline later today is not yet passed', () => {
    const c = incident('critical', '2026-11-24 09:00', { ack: '2026-11-24 09:05' });
    const r = computeCompliance(calendar, { month: '2026-11', now: at('2026-11-24 12:00'), cases: [c], outages: [] });
    expect(r.complete).toBe(false);
    expect(r.incidents.openAtMonthEnd).toMatchObject({ count: 1, pastDeadline: 0 });
  });

  it('only the named agency’s incidents count when an agency is asked for', () => {
    const cases = [
      incident('high', '2026-11-02 09:00', { resolved: '2026-11-02 09:30' }),
      incident('high', '2026-11-02 09:00', { resolved: '2026-11-02 09:30', agency: 'csn' }),
    ];
    expect(month('2026-11', { cases, agency: 'csn' }).incidents.resolved).toBe(1);
    expect(month('2026-11', { cases }).incidents.resolved).toBe(2);
  });
});

describe('orders (4.4.1) and problems (4.5.1) against their own tables', () => {
  it('a question order done within 2 working days meets its target; a connection order late by a minute does not', () => {
    const order = (type: 'connection' | 'question', received: string, late: boolean): CaseFact => {
      const d = deadlinesFor(calendar, { kind: 'order', type }, at(received), 'csn');
      return {
        ref: `BES-${++seq}`,
        kind: 'order',
        agency: 'csn',
        orderType: type,
        receivedAt: at(received),
        responseDueAt: null,
        resolutionDueAt: d.resolution,
        acknowledgedAt: null,
        resolvedAt: d.resolution + (late ? 60_000 : -60_000),
        closedAt: null,
      };
    };
    const r = month('2026-11', { cases: [order('question', '2026-11-02 10:00', false), order('connection', '2026-11-02 10:00', true)] });
    expect(r.orders).toMatchObject({ resolved: 2, resolutionMet: 1, responseTotal: 0, responseShare: null, resolutionShare: 0.5, resolutionGoalMet: false });
    expect(r.orders.by.question.resolutionMet).toBe(1);
    expect(r.orders.by.connection.resolutionMissed).toBe(1);
  });

  it('a problem is listed with its root cause, proposed action and the incidents it explains', () => {
    const d = deadlinesFor(calendar, { kind: 'problem', priority: 'high' }, at('2026-11-02 10:00'), 'skatteverket');
    const problem: CaseFact = {
      ref: 'PRB-1',
      kind: 'problem',
      agency: 'skatteverket',
      priority: 'high',
      receivedAt: at('2026-11-02 10:00'),
      responseDueAt: d.response!,
      resolutionDueAt: d.resolution,
      acknowledgedAt: at('2026-11-03 10:00'),
      resolvedAt: at('2026-11-10 10:00'),
      closedAt: null,
      rootCause: 'Certifikat gick ut',
      action: 'Bevakning av certifikat',
      linkedIncidents: ['INC-7', 'INC-9'],
    };
    const r = month('2026-11', { cases: [problem] });
    expect(r.problems.by.high).toMatchObject({ resolved: 1, responseMet: 1, resolutionMet: 1 });
    expect(r.problems.list).toEqual([
      expect.objectContaining({ ref: 'PRB-1', rootCause: 'Certifikat gick ut', action: 'Bevakning av certifikat', linkedIncidents: ['INC-7', 'INC-9'] }),
    ]);
  });
});

describe('availability during opening hours (4.9.1)', () => {
  it('an outage from Friday 16:00 to Monday 09:00 costs 2 hours of opening time', () => {
    const r = month('2026-11', { outages: [outage('2026-11-13 16:00', '2026-11-16 09:00')] });
    expect(r.availability.downtimeMinutes).toBe(120);
    expect(r.outages.list[0]!.lengthMinutes).toBe(65 * 60);
  });

  it('November 2026 has 21 working days of 9 opening hours', () => {
    expect(month('2026-11').availability.openingMinutes).toBe(21 * 9 * 60);
  });

  it('a holiday is not opening time: December 2026 loses julafton, juldagen and nyårsafton, and an outage on juldagen costs nothing', () => {
    const r = month('2026-12', { outages: [outage('2026-12-25 10:00', '2026-12-25 12:00')] });
    expect(r.availability.openingMinutes).toBe(20 * 9 * 60);
    expect(r.availability.downtimeMinutes).toBe(0);
    expect(r.outages.unplanned).toBe(1); // it is still an unplanned outage (reliability)
  });

  it('approved extra opening hours count as opening time, and an outage during them as downtime', () => {
    const extraOpening = [{ start: at('2026-11-28 09:00'), end: at('2026-11-28 13:00') }]; // a Saturday
    const r = month('2026-11', { extraOpening, outages: [outage('2026-11-28 12:00', '2026-11-28 14:00')] });
    expect(r.availability.openingMinutes).toBe(21 * 9 * 60 + 240);
    expect(r.availability.downtimeMinutes).toBe(60);
  });

  it('overlapping outages are not counted twice, and planned work or a disturbance is not downtime', () => {
    const r = month('2026-11', {
      outages: [
        outage('2026-11-03 09:00', '2026-11-03 11:00'),
        outage('2026-11-03 10:00', '2026-11-03 12:00'),
        outage('2026-11-04 09:00', '2026-11-04 10:00', { planned: true }),
        outage('2026-11-05 09:00', '2026-11-05 10:00', { state: 'disturbed' }),
      ],
    });
    expect(r.availability.downtimeMinutes).toBe(180);
    expect(r.outages.unplanned).toBe(2);
    expect(r.outages.list.map((o) => o.downtimeMinutes)).toEqual([120, 120, 0, 0]);
  });

  it('2 % of opening time down is exactly 98 %: met; one minute more is missed', () => {
    const opening = 21 * 9 * 60; // 11,340 minutes in November 2026
    const allowed = opening * 0.02; // 226.8 minutes
    const start = at('2026-11-03 08:00');
    const down = (minutes: number): OutageFact => ({ ...outage('2026-11-03 08:00', null), end: start + minutes * 60_000 });
    const exactly = month('2026-11', { outages: [down(allowed)] });
    expect(exactly.availability.share).toBeCloseTo(0.98, 12);
    expect(exactly.availability.met).toBe(true);
    expect(month('2026-11', { outages: [down(allowed + 1)] }).availability.met).toBe(false);
  });

  it('an outage still going on at the month’s end counts up to the month’s end', () => {
    const r = month('2026-11', { outages: [outage('2026-11-30 16:00', null)] });
    expect(r.availability.downtimeMinutes).toBe(60);
  });

  it('year-to-date downtime is measured against 62 hours', () => {
    // Seven whole opening days (63 h) down in 2026 before December.
    const days = ['2026-02-03', '2026-03-03', '2026-04-07', '2026-05-05', '2026-06-02', '2026-09-01', '2026-10-06'];
    const outages = days.map((d) => outage(`${d} 08:00`, `${d} 17:00`));
    expect(month('2026-12', { outages }).availability.yearToDate).toMatchObject({ downtimeMinutes: 63 * 60, maxDowntimeMinutes: 62 * 60, met: false });
    expect(month('2026-12', { outages: outages.slice(1) }).availability.yearToDate.met).toBe(true);
    // A new year starts afresh:
    expect(month('2027-01', { outages }).availability.yearToDate.downtimeMinutes).toBe(0);
  });
});

describe('reliability (4.9.1): at most 4 unplanned outages a month and 12 a year', () => {
  const fiveIn = (m: string) => [3, 4, 5, 6, 9].map((d) => outage(`${m}-${String(d).padStart(2, '0')} 10:00`, `${m}-${String(d).padStart(2, '0')} 10:05`));

  it('a month with four unplanned outages meets reliability', () => {
    expect(month('2026-11', { outages: fiveIn('2026-11').slice(0, 4) }).outages).toMatchObject({ unplanned: 4, monthMet: true });
  });

  it('a month with five unplanned outages misses reliability', () => {
    expect(month('2026-11', { outages: fiveIn('2026-11') }).outages).toMatchObject({ unplanned: 5, maxPerMonth: 4, monthMet: false });
  });

  it('planned outages do not count against reliability', () => {
    const outages = [...fiveIn('2026-11').slice(0, 4), outage('2026-11-10 18:00', '2026-11-10 20:00', { planned: true })];
    expect(month('2026-11', { outages }).outages).toMatchObject({ unplanned: 4, monthMet: true });
  });

  it('thirteen unplanned outages in the year miss the yearly limit of 12', () => {
    const outages = [...fiveIn('2026-03'), ...fiveIn('2026-06'), ...fiveIn('2026-09').slice(0, 3)];
    const r = month('2026-09', { outages });
    expect(r.outages).toMatchObject({ unplanned: 3, unplannedYearToDate: 13, maxPerYear: 12, yearMet: false, monthMet: true });
  });

  it('an outage that crosses the month’s end counts in the month it started', () => {
    const o = outage('2026-10-30 16:00', '2026-11-02 09:00');
    expect(month('2026-10', { outages: [o] }).outages.unplanned).toBe(1);
    expect(month('2026-11', { outages: [o] }).outages.unplanned).toBe(0);
    expect(month('2026-11', { outages: [o] }).availability.downtimeMinutes).toBe(60);
  });

  it('an outage of another agency does not count when one agency is asked for; a whole-flow outage does', () => {
    const outages = [outage('2026-11-03 10:00', '2026-11-03 11:00', { agencies: ['csn'] }), outage('2026-11-04 10:00', '2026-11-04 11:00')];
    expect(month('2026-11', { outages, agency: 'skatteverket' }).outages.unplanned).toBe(1);
    expect(month('2026-11', { outages, agency: 'csn' }).outages.unplanned).toBe(2);
  });
});

describe('planned changes (4.6) and security (4.11)', () => {
  it('each service window of the month is listed with its status and outcome', () => {
    const windows = [
      { ref: 'FON-2', start: at('2026-11-21 18:00'), end: at('2026-11-21 22:00'), status: 'done', outcome: 'ok' },
      { ref: 'FON-1', start: at('2026-11-07 18:00'), end: at('2026-11-07 20:00'), status: 'done', outcome: 'overrun' },
      { ref: 'FON-3', start: at('2026-12-05 18:00'), end: at('2026-12-05 20:00'), status: 'planned', outcome: null },
    ];
    const r = month('2026-11', { windows });
    expect(r.changes.windows.map((w) => [w.ref, w.status, w.outcome])).toEqual([
      ['FON-1', 'done', 'overrun'],
      ['FON-2', 'done', 'ok'],
    ]);
  });

  it('security incidents are counted and listed: resolved in the month or still open', () => {
    const cases = [
      incident('high', '2026-11-03 09:00', { security: true, ack: '2026-11-03 09:10', resolved: '2026-11-03 15:00' }),
      incident('medium', '2026-11-27 09:00', { security: true }),
      incident('medium', '2026-10-05 09:00', { security: true, resolved: '2026-10-06 09:00' }), // October's
      incident('low', '2026-11-05 09:00', { resolved: '2026-11-05 10:00' }),
    ];
    const r = month('2026-11', { cases });
    expect(r.security.count).toBe(2);
    expect(r.security.incidents.map((c) => [c.category, c.resolvedAt === null])).toEqual([
      ['high', false],
      ['medium', true],
    ]);
  });
});

describe('months', () => {
  it('the 12-month series ends with the month asked for and holds each month’s own figures', () => {
    const outages = [outage('2026-03-03 10:00', '2026-03-03 11:00'), outage('2026-11-03 10:00', '2026-11-03 10:30')];
    const cases = [incident('critical', '2026-11-24 09:00', { ack: '2026-11-24 09:40', resolved: '2026-11-24 10:00' })];
    const series = complianceSeries(calendar, { now: AFTER, cases, outages }, '2026-11');
    expect(series.map((p) => p.month)).toEqual([
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
      '2026-11',
    ]);
    expect(series[3]).toMatchObject({ month: '2026-03', downtimeMinutes: 60, unplannedOutages: 1, incidentsResolution: null });
    expect(series[11]).toMatchObject({ downtimeMinutes: 30, unplannedOutages: 1, incidentsResponse: 0, incidentsResolution: 1 });
  });

  it('October 2026 in Stockholm runs from 1 October 00:00 (+02:00) to 1 November 00:00 (+01:00)', () => {
    expect(monthBounds('Europe/Stockholm', '2026-10')).toEqual({ start: Date.parse('2026-09-30T22:00:00Z'), end: Date.parse('2026-10-31T23:00:00Z') });
  });
  it('the month before January is December of the year before', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-11', 2)).toBe('2027-01');
  });
  it('a month that is not YYYY-MM is refused', () => {
    expect(() => monthBounds('Europe/Stockholm', '2026-13')).toThrow(RangeError);
  });
  it('a share compares met against goal × total: 2 of 3 does not reach 90 %, 27 of 30 does', () => {
    expect(atLeast(2, 3, 0.9)).toBe(false);
    expect(atLeast(27, 30, 0.9)).toBe(true);
    expect(atLeast(62, 70, 0.9)).toBe(false);
    expect(atLeast(63, 70, 0.9)).toBe(true);
  });
});
