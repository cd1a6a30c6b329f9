// The compliance figures against a deliberately simple reference, over random histories.
//
// The reference shares nothing with src/domain/compliance.ts or the calendar but the
// time-zone database: local time comes from Intl.DateTimeFormat (not luxon), the Swedish
// closed days from the rules written out below (Easter by the anonymous Gregorian
// algorithm, not date-holidays), and availability is counted minute by minute: a minute
// is opening time when it is Mon–Fri 08:00–17:00 on a day that is not closed, or inside
// approved extra hours; it is down when any unplanned, not-disturbed outage that touches
// the agency covers it. Cases are judged one by one with if-statements.
//
// Every instant generated is on a whole minute, so the minute walk is exact.
// SSBTEK_PROPERTY_SCALE=10 multiplies numRuns for a deeper run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITIES, type Priority } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { computeCompliance, type CaseFact, type ExtraOpeningFact, type OutageFact } from '../../src/domain/compliance.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const SCALE = Number(process.env.SSBTEK_PROPERTY_SCALE ?? 1);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)) });

// ---------------------------------------------------------------------------------
// The reference.

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Stockholm',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  weekday: 'short',
});
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface Local {
  year: number;
  month: number;
  day: number;
  hour: number;
  weekday: number;
}
/** Stockholm local date and hour of the UTC hour starting at `h` (offsets are whole hours, so every minute in it shares them). */
const hourCache = new Map<number, Local>();
function localHour(h: number): Local {
  let l = hourCache.get(h);
  if (!l) {
    const p = Object.fromEntries(parts.formatToParts(new Date(h)).map((x) => [x.type, x.value]));
    l = { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), weekday: WEEKDAYS[p.weekday!]! };
    hourCache.set(h, l);
  }
  return l;
}
const localOf = (t: number) => localHour(t - (((t % HOUR) + HOUR) % HOUR));
const monthKey = (t: number) => {
  const l = localOf(t);
  return l.year * 100 + l.month;
};

function easter(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  return [Math.floor((h + l - 7 * m + 114) / 31), ((h + l - 7 * m + 114) % 31) + 1];
}
const key = (d: Date) => d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
const plus = (y: number, m: number, d: number, days: number) => new Date(Date.UTC(y, m - 1, d) + days * DAY);
/** The first date from (y, m, d) on that falls on JS weekday `wd` (0 = Sunday). */
const firstOn = (y: number, m: number, d: number, wd: number) => {
  for (let i = 0; ; i++) if (plus(y, m, d, i).getUTCDay() === wd) return plus(y, m, d, i);
};
const CLOSED = new Set<number>();
for (const y of [2025, 2026, 2027]) {
  const [em, ed] = easter(y);
  for (const d of [
    plus(y, 1, 1, 0), // nyårsdagen
    plus(y, 1, 6, 0), // trettondedag jul
    plus(y, em, ed, -2), // långfredagen
    plus(y, em, ed, 1), // annandag påsk
    plus(y, 5, 1, 0), // första maj
    plus(y, em, ed, 39), // Kristi himmelsfärdsdag
    plus(y, 6, 6, 0), // nationaldagen
    firstOn(y, 6, 19, 5), // midsommarafton
    plus(y, 12, 24, 0), // julafton
    plus(y, 12, 25, 0), // juldagen
    plus(y, 12, 26, 0), // annandag jul
    plus(y, 12, 31, 0), // nyårsafton
  ])
    CLOSED.add(key(d));
}

/** Is the minute starting at `t` within the weekly opening hours (Mon–Fri 08:00–17:00, closed days excluded)? */
function weeklyOpen(t: number): boolean {
  const l = localOf(t);
  return l.weekday <= 5 && l.hour >= 8 && l.hour < 17 && !CLOSED.has(l.year * 10_000 + l.month * 100 + l.day);
}

/** First instant of local month (y, m): walk back from a UTC guess hour by hour. */
function refMonthStart(y: number, m: number): number {
  let t = Date.UTC(y, m - 1, 1, 0);
  while (monthKey(t - HOUR) === y * 100 + m) t -= HOUR;
  while (monthKey(t) !== y * 100 + m) t += HOUR;
  return t;
}

interface History {
  month: [number, number];
  nowOffsetDays: number | null;
  agency: string | null;
  cases: CaseFact[];
  outages: OutageFact[];
  extra: ExtraOpeningFact[];
}

function reference(h: History) {
  const [y, m] = h.month;
  const start = refMonthStart(y, m);
  const end = m === 12 ? refMonthStart(y + 1, 1) : refMonthStart(y, m + 1);
  const yearStart = refMonthStart(y, 1);
  const asOf = h.nowOffsetDays === null ? end : Math.min(end, start + h.nowOffsetDays * DAY);

  // Availability, minute by minute.
  const touches = (o: OutageFact) => h.agency === null || o.agencies.length === 0 || o.agencies.includes(h.agency);
  const down = h.outages.filter((o) => !o.planned && o.state !== 'disturbed' && touches(o));
  let opening = 0;
  let downMonth = 0;
  let downYear = 0;
  for (let t = yearStart; t < asOf; t += MINUTE) {
    const open = weeklyOpen(t) || h.extra.some((x) => x.start <= t && t < x.end);
    if (!open) continue;
    const isDown = down.some((o) => o.start <= t && t < (o.end ?? asOf));
    if (t >= start) opening++;
    if (isDown && t >= start) downMonth++;
    if (isDown) downYear++;
  }
  const unplanned = down.filter((o) => o.start >= start && o.start < asOf).length;
  const unplannedYear = down.filter((o) => o.start >= yearStart && o.start < asOf).length;

  // Cases, one by one.
  const zero = () => ({ received: 0, resolved: 0, responseMet: 0, resolutionMet: 0 });
  const byPriority: Record<string, ReturnType<typeof zero>> = Object.fromEntries(PRIORITIES.map((p) => [p, zero()]));
  const all = zero();
  let open = 0;
  let pastDeadline = 0;
  let security = 0;
  for (const c of h.cases) {
    if (h.agency !== null && c.agency !== h.agency) continue;
    if (c.receivedAt >= asOf) continue;
    const g = byPriority[c.priority!]!;
    if (c.receivedAt >= start) {
      g.received++;
      all.received++;
    }
    const resolvedHere = c.resolvedAt !== null && c.resolvedAt < asOf && monthKey(c.resolvedAt) === y * 100 + m;
    const stillOpen = c.resolvedAt === null || c.resolvedAt >= asOf;
    if (resolvedHere) {
      g.resolved++;
      all.resolved++;
      let started = c.resolvedAt!;
      if (c.acknowledgedAt !== null && c.acknowledgedAt < started) started = c.acknowledgedAt;
      if (started <= c.responseDueAt!) {
        g.responseMet++;
        all.responseMet++;
      }
      if (c.resolvedAt! <= c.resolutionDueAt) {
        g.resolutionMet++;
        all.resolutionMet++;
      }
    }
    if (stillOpen) {
      open++;
      const acked = c.acknowledgedAt !== null && c.acknowledgedAt < asOf && c.acknowledgedAt <= c.responseDueAt!;
      if (c.resolutionDueAt < asOf || (c.responseDueAt! < asOf && !acked)) pastDeadline++;
    }
    if (c.security && (resolvedHere || stillOpen)) security++;
  }
  // Goal: met × 100 >= 90 × total, in whole numbers.
  const goalMet = (met: number, total: number) => (total === 0 ? null : met * 100 >= 90 * total);
  return {
    opening,
    downMonth,
    downYear,
    unplanned,
    unplannedYear,
    byPriority,
    all,
    open,
    pastDeadline,
    security,
    responseGoalMet: goalMet(all.responseMet, all.resolved),
    resolutionGoalMet: goalMet(all.resolutionMet, all.resolved),
    availabilityMet: opening === 0 ? null : (opening - downMonth) * 100 >= 98 * opening,
    monthMet: unplanned <= 4,
    yearMet: unplannedYear <= 12,
    ytdMet: downYear <= 62 * 60,
  };
}

// ---------------------------------------------------------------------------------
// Random histories: a month of 2026 (and January 2027), cases and outages around it.

const calendar = new BusinessCalendar(buildContract());
const AGENCIES = ['forsakringskassan', 'csn', 'transportstyrelsen'];
/** A whole minute between `fromDay` and `toDay` days after `base`. */
const minuteIn = (base: number, fromDay: number, toDay: number) => fc.integer({ min: fromDay * 24 * 60, max: toDay * 24 * 60 }).map((n) => base + n * MINUTE);

const caseArb = (i: number, base: number) =>
  fc
    .record({
      priority: fc.constantFrom<Priority>(...PRIORITIES),
      agency: fc.constantFrom(...AGENCIES),
      received: minuteIn(base, -45, 33),
      responseAfter: fc.integer({ min: 1, max: 5 * 24 * 60 }),
      resolutionAfter: fc.integer({ min: 1, max: 30 * 24 * 60 }),
      ack: fc.option(fc.integer({ min: -2, max: 6 * 24 * 60 }), { nil: null }),
      // resolved: none, on the resolution deadline ±1 minute, or anywhere within 40 days
      resolved: fc.oneof(
        fc.constant(null),
        fc.constantFrom(-1, 0, 1).map((d) => ({ nearDeadline: d })),
        fc.integer({ min: 0, max: 40 * 24 * 60 }),
      ),
      security: fc.boolean(),
    })
    .map((r): CaseFact => {
      const responseDueAt = r.received + r.responseAfter * MINUTE;
      const resolutionDueAt = r.received + r.resolutionAfter * MINUTE;
      let resolvedAt: number | null = null;
      if (typeof r.resolved === 'number') resolvedAt = r.received + r.resolved * MINUTE;
      else if (r.resolved) resolvedAt = Math.max(r.received, resolutionDueAt + r.resolved.nearDeadline * MINUTE);
      const ack = r.ack === null ? null : r.ack === -2 ? responseDueAt : r.ack === -1 ? responseDueAt + MINUTE : r.received + r.ack * MINUTE;
      return {
        ref: `INC-${i}`,
        kind: 'incident',
        agency: r.agency,
        priority: r.priority,
        security: r.security,
        receivedAt: r.received,
        responseDueAt,
        resolutionDueAt,
        acknowledgedAt: ack,
        resolvedAt,
        closedAt: null,
      };
    });

/** Outages starting between `fromDay` and `toDay` days after `base`, lasting a minute to `maxHours`. */
const outageArb = (base: number, fromDay: number, toDay: number, maxHours: number) =>
  fc
    .record({
      start: minuteIn(base, fromDay, toDay),
      length: fc.integer({ min: 1, max: maxHours * 60 }),
      open: fc.boolean(),
      agencies: fc.subarray(AGENCIES, { maxLength: 2 }),
      planned: fc.boolean(),
      disturbed: fc.boolean(),
    })
    .map(
      (o): OutageFact => ({
        ref: `AVB-${o.start}`,
        start: o.start,
        end: o.open ? null : o.start + o.length * MINUTE,
        agencies: o.agencies,
        baseServices: [],
        cause: null,
        actionPlan: null,
        planned: o.planned,
        state: o.disturbed ? 'disturbed' : 'down',
      }),
    );

const extraArb = (base: number) =>
  fc.record({ start: minuteIn(base, -5, 33), length: fc.integer({ min: 1, max: 12 * 60 }) }).map((x) => ({ start: x.start, end: x.start + x.length * MINUTE }));

const historyArb: fc.Arbitrary<History> = fc
  .record({
    month: fc.constantFrom<[number, number]>([2026, 1], [2026, 3], [2026, 4], [2026, 6], [2026, 10], [2026, 11], [2026, 12], [2027, 1]),
    nowOffsetDays: fc.option(fc.integer({ min: 0, max: 31 }), { nil: null, freq: 4 }),
    agency: fc.option(fc.constantFrom(...AGENCIES), { nil: null }),
    caseCount: fc.integer({ min: 0, max: 60 }),
  })
  .chain((h) => {
    const base = refMonthStart(h.month[0], h.month[1]);
    const yearDays = Math.round((base - refMonthStart(h.month[0], 1)) / DAY);
    return fc
      .record({
        cases: fc.tuple(...Array.from({ length: h.caseCount }, (_, i) => caseArb(i, base))),
        // Many short outages around the month (they overlap, cross its ends and weekends), a few long ones earlier in the year.
        near: fc.array(outageArb(base, -3, 33, 30), { maxLength: 20 }),
        earlier: fc.array(outageArb(base, -yearDays - 3, 0, 96), { maxLength: 12 }),
        extra: fc.array(extraArb(base), { maxLength: 3 }),
      })
      .map((r) => ({ month: h.month, nowOffsetDays: h.nowOffsetDays, agency: h.agency, cases: r.cases, outages: [...r.near, ...r.earlier], extra: r.extra }));
  });

function underTest(h: History) {
  const month = `${h.month[0]}-${String(h.month[1]).padStart(2, '0')}`;
  const monthStart = refMonthStart(h.month[0], h.month[1]);
  const now = h.nowOffsetDays === null ? Date.UTC(2030, 0, 1) : monthStart + h.nowOffsetDays * DAY;
  return computeCompliance(calendar, { month, now, agency: h.agency, cases: h.cases, outages: h.outages, extraOpening: h.extra });
}

describe('compliance figures equal a minute-by-minute, case-by-case reference', () => {
  it('incidents per priority: received, resolved, response met and resolution met in the month; open at its end', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const ref = reference(h);
        const got = underTest(h);
        for (const p of PRIORITIES) {
          const g = got.incidents.by[p];
          expect({ received: g.received, resolved: g.resolved, responseMet: g.responseMet, resolutionMet: g.resolutionMet }).toEqual(ref.byPriority[p]);
        }
        expect({
          received: got.incidents.received,
          resolved: got.incidents.resolved,
          responseMet: got.incidents.responseMet,
          resolutionMet: got.incidents.resolutionMet,
        }).toEqual(ref.all);
        expect(got.incidents.responseGoalMet).toBe(ref.responseGoalMet);
        expect(got.incidents.resolutionGoalMet).toBe(ref.resolutionGoalMet);
        expect(got.incidents.openAtMonthEnd.count).toBe(ref.open);
        expect(got.incidents.openAtMonthEnd.pastDeadline).toBe(ref.pastDeadline);
        expect(got.security.count).toBe(ref.security);
      }),
      runs(150),
    );
  });

  it('availability: opening minutes, downtime in opening hours this month and this year, unplanned outages', () => {
    fc.assert(
      fc.property(historyArb, (h) => {
        const ref = reference(h);
        const got = underTest(h);
        expect({
          opening: got.availability.openingMinutes,
          downMonth: got.availability.downtimeMinutes,
          downYear: got.availability.yearToDate.downtimeMinutes,
          unplanned: got.outages.unplanned,
          unplannedYear: got.outages.unplannedYearToDate,
          availabilityMet: got.availability.met,
          monthMet: got.outages.monthMet,
          yearMet: got.outages.yearMet,
          ytdMet: got.availability.yearToDate.met,
        }).toEqual({
          opening: ref.opening,
          downMonth: ref.downMonth,
          downYear: ref.downYear,
          unplanned: ref.unplanned,
          unplannedYear: ref.unplannedYear,
          availabilityMet: ref.availabilityMet,
          monthMet: ref.monthMet,
          yearMet: ref.yearMet,
          ytdMet: ref.ytdMet,
        });
      }),
      runs(60),
    );
  }, 120_000);
});
