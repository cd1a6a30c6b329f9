// The business calendar against a deliberately simple reference, on random instants
// from 2025 to 2030.
//
// The reference walks minute by minute in Stockholm local time (luxon, one DateTime per
// minute) and counts a minute when its weekday is Monday–Friday, its time of day is in
// [open, close) and its date is not a closed Swedish holiday. The holidays come from
// the rules written out below (Easter by the anonymous Gregorian algorithm), not from
// date-holidays, so the two sides share nothing but the time-zone database.
//
// Runs: SSBTEK_PROPERTY_SCALE=10 multiplies every numRuns below (for a deeper run).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Priority } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar, type BusinessClock } from '../../src/domain/calendar.js';
import { deadlinesFor, dueAt } from '../../src/domain/deadlines.js';

const ZONE = 'Europe/Stockholm';
const MINUTE = 60_000;
const DAY = 86_400_000;
const SCALE = Number(process.env.SSBTEK_PROPERTY_SCALE ?? 1);
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n * SCALE)) });
/** The reference walks are slow (luxon per minute): give scaled runs the time they need. */
const WALK_TIMEOUT = 30_000 * Math.max(1, SCALE);

// ---------------------------------------------------------------------------------
// The reference calendar.

/** Easter Sunday (anonymous Gregorian algorithm, "Meeus/Jones/Butcher"): [month, day]. */
function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

/** Plain date arithmetic on the proleptic calendar (UTC, no zones involved). */
const dateKey = (y: number, m: number, d: number) => y * 10_000 + m * 100 + d;
function shift(y: number, m: number, d: number, days: number): [number, number, number] {
  const x = new Date(Date.UTC(y, m - 1, d) + days * DAY);
  return [x.getUTCFullYear(), x.getUTCMonth() + 1, x.getUTCDate()];
}
/** ISO weekday (1 = Monday) of a date. */
const weekdayOf = (y: number, m: number, d: number) => ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
/** The date in [from, from + 6] of June/October/November… that falls on `weekday`. */
function weekdayBetween(y: number, m: number, from: number, weekday: number): [number, number, number] {
  for (let i = 0; i < 7; i++) {
    const [yy, mm, dd] = shift(y, m, from, i);
    if (weekdayOf(yy, mm, dd) === weekday) return [yy, mm, dd];
  }
  throw new Error('unreachable');
}

/** The Swedish closed dates of a year: public holidays plus midsommar-, jul- and nyårsafton. */
function closedDates(year: number): Array<[string, [number, number, number]]> {
  const [em, ed] = easterSunday(year);
  return [
    ['nyårsdagen', [year, 1, 1]],
    ['trettondedag jul', [year, 1, 6]],
    ['långfredagen', shift(year, em, ed, -2)],
    ['påskdagen', [year, em, ed]],
    ['annandag påsk', shift(year, em, ed, 1)],
    ['första maj', [year, 5, 1]],
    ['Kristi himmelsfärdsdag', shift(year, em, ed, 39)],
    ['nationaldagen', [year, 6, 6]],
    ['midsommarafton', weekdayBetween(year, 6, 19, 5)],
    ['midsommardagen', weekdayBetween(year, 6, 20, 6)],
    ['alla helgons dag', weekdayBetween(year, 10, 31, 6)],
    ['julafton', [year, 12, 24]],
    ['juldagen', [year, 12, 25]],
    ['annandag jul', [year, 12, 26]],
    ['nyårsafton', [year, 12, 31]],
  ];
}

// 2024 and 2031 too: walks start up to 2030-12-31 and may run a few days past it.
const YEARS = [2024, 2025, 2026, 2027, 2028, 2029, 2030, 2031];
const CLOSED = new Set(YEARS.flatMap((y) => closedDates(y).map(([, [yy, mm, dd]]) => dateKey(yy, mm, dd))));

interface Hours {
  readonly open: number; // minutes after local midnight
  readonly close: number;
}
const FULL: Hours = { open: 8 * 60, close: 17 * 60 }; // 4.1.1, 4.2.1
const TRANSPORTSTYRELSEN: Hours = { open: 8 * 60, close: 16 * 60 + 30 }; // 4.2.1

/** The reference: is the minute starting at `t` a support minute? */
function refOpen(t: number, hours: Hours): boolean {
  const local = DateTime.fromMillis(t, { zone: ZONE });
  if (local.weekday > 5) return false;
  if (CLOSED.has(dateKey(local.year, local.month, local.day))) return false;
  const minute = local.hour * 60 + local.minute;
  return minute >= hours.open && minute < hours.close;
}

/** deadline[k] = the instant when k support minutes have run from `t` (k = 1 … count). */
function refDeadlines(t: number, count: number, hours: Hours): number[] {
  const deadlines = [t];
  for (let m = t; deadlines.length <= count; m += MINUTE) if (refOpen(m, hours)) deadlines.push(m + MINUTE);
  return deadlines;
}

// ---------------------------------------------------------------------------------
// The system under test and the instants to try.

const calendar = new BusinessCalendar(buildContract());
const CLOCKS: Array<[string, BusinessClock, Hours]> = [
  ['support 08:00–17:00 (Försäkringskassan)', calendar.supportClock('forsakringskassan'), FULL],
  ['support 08:00–16:30 (Transportstyrelsen)', calendar.supportClock('transportstyrelsen'), TRANSPORTSTYRELSEN],
];

const FROM = Date.UTC(2024, 11, 31, 23, 0); // 2025-01-01 00:00 Stockholm
const TO = Date.UTC(2030, 11, 30, 23, 0); // 2030-12-31 00:00 Stockholm

/** Last Sunday of a month: the DST changes (March, October). */
function lastSunday(y: number, m: number): [number, number, number] {
  const [ly, lm, ld] = shift(y, m + 1, 1, -1);
  return shift(ly, lm, ld, -(weekdayOf(ly, lm, ld) % 7));
}
/** Dates where mistakes hide: every closed day, DST changes, month ends. */
const SPECIAL: Array<[number, number, number]> = [2025, 2026, 2027, 2028, 2029, 2030].flatMap((y) => [
  ...closedDates(y).map(([, date]) => date),
  lastSunday(y, 3),
  lastSunday(y, 10),
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => shift(y, m + 1, 1, -1)),
]);
const DST_DAYS = [2025, 2026, 2027, 2028, 2029, 2030].flatMap((y) => [lastSunday(y, 3), lastSunday(y, 10)]);

/** A whole minute near a date: from three days before its midnight to three days after. */
const nearDate = (dates: Array<[number, number, number]>, spreadDays = 3) =>
  fc
    .tuple(fc.constantFrom(...dates), fc.integer({ min: -spreadDays * 1440, max: spreadDays * 1440 }))
    .map(([[y, m, d], minutes]) => Date.UTC(y, m - 1, d) - 3_600_000 + minutes * MINUTE);
const uniformMinute = fc.integer({ min: FROM / MINUTE, max: TO / MINUTE }).map((m) => m * MINUTE);
/** Half uniform over 2025–2030, half near a holiday, DST change or month end. */
const minuteInstant = fc.oneof(uniformMinute, nearDate(SPECIAL));
/** Any millisecond, for the properties that need no reference. */
const anyInstant = fc.oneof(
  fc.integer({ min: FROM, max: TO }),
  nearDate(SPECIAL).chain((t) => fc.integer({ min: t, max: t + MINUTE - 1 })),
);

// ---------------------------------------------------------------------------------

describe('the reference holidays are right (so that the properties mean something)', () => {
  it('Easter by the anonymous Gregorian algorithm', () => {
    const easter = [2025, 2026, 2027, 2028, 2029, 2030].map((y) => easterSunday(y).join('-'));
    expect(easter).toEqual(['4-20', '4-5', '3-28', '4-16', '4-1', '4-21']);
  });
  it('midsommar and alla helgons dag', () => {
    const find = (y: number, name: string) =>
      closedDates(y)
        .find(([n]) => n === name)![1]
        .join('-');
    expect([2025, 2026, 2027].map((y) => find(y, 'midsommarafton'))).toEqual(['2025-6-20', '2026-6-19', '2027-6-25']);
    expect([2025, 2026, 2027].map((y) => find(y, 'alla helgons dag'))).toEqual(['2025-11-1', '2026-10-31', '2027-11-6']);
    expect(find(2026, 'Kristi himmelsfärdsdag')).toBe('2026-5-14');
  });
  it('DST changes on the last Sundays of March and October', () => {
    expect(lastSunday(2026, 3).join('-')).toBe('2026-3-29');
    expect(lastSunday(2026, 10).join('-')).toBe('2026-10-25');
  });
});

describe('every date 2025–2030: a working day exactly when the reference says so', () => {
  it.each(CLOCKS)('%s', (_name, clock) => {
    const wrong: string[] = [];
    for (let [y, m, d] = [2025, 1, 1]; y <= 2030; [y, m, d] = shift(y, m, d, 1)) {
      const noon = DateTime.fromObject({ year: y, month: m, day: d, hour: 12 }, { zone: ZONE }).toMillis();
      const expected = weekdayOf(y, m, d) <= 5 && !CLOSED.has(dateKey(y, m, d));
      if (clock.isWorkingDay(noon) !== expected) wrong.push(`${y}-${m}-${d}: calendar ${!expected}, reference ${expected}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe.each(CLOCKS)('%s against the minute-by-minute reference', (_name, clock, hours) => {
  const workingDay = hours.close - hours.open;

  it(
    '(1) add(t, k minutes) is the reference deadline, for every k up to a random count ≤ 3 working days',
    () => {
      fc.assert(
        fc.property(minuteInstant, fc.integer({ min: 1, max: 3 * workingDay }), (t, count) => {
          const expected = refDeadlines(t, count, hours);
          for (let k = 1; k <= count; k++) {
            const got = clock.add(t, k * MINUTE);
            if (got !== expected[k]) {
              expect.fail(`add(${new Date(t).toISOString()}, ${k} min) = ${new Date(got).toISOString()}, reference ${new Date(expected[k]!).toISOString()}`);
            }
          }
        }),
        runs(40),
      );
    },
    WALK_TIMEOUT,
  );

  it(
    '(4) nextOpening(t) is open, and no earlier minute from t is',
    () => {
      fc.assert(
        fc.property(minuteInstant, (t) => {
          const next = clock.nextOpening(t);
          expect(next).toBeGreaterThanOrEqual(t);
          expect(clock.isOpen(next)).toBe(true);
          expect(refOpen(next, hours)).toBe(true);
          for (let m = t; m < next; m += MINUTE)
            if (refOpen(m, hours)) expect.fail(`${new Date(m).toISOString()} is open, before nextOpening ${new Date(next).toISOString()}`);
        }),
        runs(50),
      );
    },
    WALK_TIMEOUT,
  );

  it('isOpen(t) is the reference', () => {
    fc.assert(
      fc.property(minuteInstant, fc.integer({ min: 0, max: MINUTE - 1 }), (t, ms) => {
        expect(clock.isOpen(t + ms)).toBe(refOpen(t, hours));
      }),
      runs(1000),
    );
  });
});

describe.each(CLOCKS)('%s: algebra of add and between', (_name, clock, hours) => {
  const upTo3Days = fc.integer({ min: 0, max: 3 * (hours.close - hours.open) * MINUTE });

  it('(2) between(t, add(t, d)) === d', () => {
    fc.assert(
      fc.property(anyInstant, upTo3Days, (t, d) => {
        expect(clock.between(t, clock.add(t, d))).toBe(d);
      }),
      runs(1000),
    );
  });

  it('(3) add is monotonic in d: d1 < d2 ⇒ add(t, d1) < add(t, d2)', () => {
    fc.assert(
      fc.property(anyInstant, upTo3Days, upTo3Days, (t, a, b) => {
        fc.pre(a !== b);
        const [d1, d2] = a < b ? [a, b] : [b, a];
        expect(clock.add(t, d1)).toBeLessThan(clock.add(t, d2));
      }),
      runs(1000),
    );
  });
});

describe('(5) calendar-day targets keep the local time of day across DST', () => {
  const local = (t: number) => DateTime.fromMillis(t, { zone: ZONE });
  const nearDst = nearDate(DST_DAYS, 10);

  it.each(CLOCKS)('on the support clock (%s): n days after the clock starts, same local time', (_name, clock) => {
    fc.assert(
      fc.property(fc.oneof(nearDst, uniformMinute), fc.integer({ min: 1, max: 14 }), (t, n) => {
        const start = local(clock.nextOpening(t));
        const due = local(dueAt(clock, { amount: n, unit: 'calendarDays', clock: 'support' }, t));
        const [y, m, d] = shift(start.year, start.month, start.day, n);
        expect([due.year, due.month, due.day, due.hour, due.minute]).toEqual([y, m, d, start.hour, start.minute]);
      }),
      runs(300),
    );
  });

  it('on the wall clock: n days after receipt, same local time (times that exist every day)', () => {
    const clock = CLOCKS[0]![1];
    fc.assert(
      fc.property(fc.oneof(nearDst, uniformMinute), fc.integer({ min: 1, max: 14 }), (t, n) => {
        const start = local(t);
        fc.pre(start.hour !== 2); // 02:00–03:00 is missing or doubled on DST days
        const due = local(dueAt(clock, { amount: n, unit: 'calendarDays', clock: 'wall' }, t));
        const [y, m, d] = shift(start.year, start.month, start.day, n);
        expect([due.year, due.month, due.day, due.hour, due.minute]).toEqual([y, m, d, start.hour, start.minute]);
      }),
      runs(300),
    );
  });
});

describe('deadlinesFor: the response deadline is never after the resolution deadline', () => {
  const priorities: Priority[] = ['critical', 'high', 'medium', 'low'];
  it.each(['incident', 'problem'] as const)('for every %s priority, both agencies', (kind) => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom('forsakringskassan', 'transportstyrelsen'), (t, org) => {
        for (const priority of priorities) {
          const d = deadlinesFor(calendar, { kind, priority }, t, org);
          expect(d.response).not.toBeNull();
          expect(d.response!).toBeLessThanOrEqual(d.resolution);
          expect(d.clockStart).toBeLessThanOrEqual(d.response!);
        }
      }),
      runs(500),
    );
  });
});
