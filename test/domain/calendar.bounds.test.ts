// The calendar cannot hang: every search ahead is bounded by what the configuration
// allows, and a configuration that slipped past validation (built by hand, or a future
// bug) ends in a clear error instead of spinning at 100 % CPU.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIMITS, type Contract } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BETWEEN_LIMIT_DAYS, BusinessCalendar, CalendarRangeError, scanLimitDays } from '../../src/domain/calendar.js';
import { deadlinesFor, dueAt } from '../../src/domain/deadlines.js';
import { at, local } from '../support/time.js';

const seed = buildContract();
/** A contract that never went through validation: the seed with some fields replaced. */
const unchecked = (changes: Partial<Contract>): Contract => ({ ...seed, ...changes }) as Contract;

describe('search bounds come from the configuration bounds', () => {
  it('a clock open five days a week searches at most 2 × 350 days + a year', () => {
    expect(scanLimitDays(5)).toBe(Math.ceil((LIMITS.supportWorkingDays * 7) / 5) * 2 + 366);
    expect(scanLimitDays(5)).toBe(1066);
  });
  it('each extra closed date the configuration lists widens the bound by up to a week', () => {
    expect(scanLimitDays(1, 100) - scanLimitDays(1)).toBe(100 * 7 * 2);
  });
  it('a clock open one day a week may search longer, seven days a week shorter', () => {
    expect(scanLimitDays(1)).toBeGreaterThan(scanLimitDays(5));
    expect(scanLimitDays(7)).toBeLessThan(scanLimitDays(5));
  });
  it('the bound leaves room for the largest valid target on the slowest valid clock', () => {
    // 250 working days on a clock open only on Mondays, across every Swedish holiday.
    const mondays = new BusinessCalendar(
      buildContract({
        supportHours: { days: [1] },
        agencies: [{ id: 'a', name: 'A' }],
        defaultAgency: 'a',
        problemTargets: { low: { resolution: { amount: 250, unit: 'workingDays' } } },
      }),
    );
    const clock = mondays.supportClock('a');
    const due = clock.add(at('2027-01-04 08:00'), 250 * clock.workingDayMs);
    expect(local(due)).toMatch(/^Mon 2031-/);
  });
});

describe('a configuration that slipped through ends in an error, never a hang', () => {
  it('a clock with no open day a week: the next opening is refused with the date it searched from', () => {
    const never = new BusinessCalendar(unchecked({ supportHours: { ...seed.supportHours, days: [] } }));
    const clock = never.supportClock('forsakringskassan');
    expect(() => clock.nextOpening(at('2026-11-24 10:00'))).toThrow(CalendarRangeError);
    expect(() => clock.nextOpening(at('2026-11-24 10:00'))).toThrow(/next opening from 2026-11-24 found no end within 3866 days/);
    expect(() => clock.add(at('2026-11-24 10:00'), 60_000)).toThrow(CalendarRangeError);
    expect(() => clock.addWorkingDaysWall(at('2026-11-24 10:00'), 2)).toThrow(CalendarRangeError);
  });

  it('ten million working days of support time are refused after the bound, not counted for minutes', () => {
    const clock = new BusinessCalendar(seed).supportClock('forsakringskassan');
    expect(() => clock.add(at('2026-11-24 10:00'), 10_000_000 * clock.workingDayMs)).toThrow(CalendarRangeError);
    expect(() => clock.addWorkingDaysWall(at('2026-11-24 10:00'), 10_000_000)).toThrow(CalendarRangeError);
  });

  it('1e308 minutes is not a number of milliseconds the clock can add', () => {
    const clock = new BusinessCalendar(seed).supportClock('forsakringskassan');
    expect(() => clock.add(at('2026-11-24 10:00'), 1e308 * 60_000)).toThrow(RangeError);
    expect(() => clock.addWorkingDaysWall(at('2026-11-24 10:00'), Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('an unknown time zone (Europe/Stokholm, Mars/Olympus) is refused when the calendar is made', () => {
    expect(() => new BusinessCalendar(unchecked({ timezone: 'Europe/Stokholm' }))).toThrow(/unknown time zone "Europe\/Stokholm"/);
    expect(() => new BusinessCalendar(unchecked({ timezone: 'Mars/Olympus' }))).toThrow(RangeError);
  });

  it('counting clock time over more than a century is refused; a decade is counted', () => {
    const clock = new BusinessCalendar(seed).supportClock('forsakringskassan');
    const from = at('2026-01-01 00:00');
    expect(() => clock.between(from, from + (BETWEEN_LIMIT_DAYS + 1) * 86_400_000)).toThrow(CalendarRangeError);
    expect(() => clock.between(from + (BETWEEN_LIMIT_DAYS + 1) * 86_400_000, from)).toThrow(CalendarRangeError);
    expect(clock.between(from, at('2036-01-01 00:00'))).toBeGreaterThan(0);
  });

  it('an instant that is not a number is refused', () => {
    const clock = new BusinessCalendar(seed).supportClock('forsakringskassan');
    expect(() => clock.nextOpening(Number.NaN)).toThrow(RangeError);
    expect(() => clock.between(0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

// Any configuration that passes validation gives every deadline, and the right amount of
// clock time: random support hours, weekdays, holiday rules, extra closed dates and the
// largest target that configuration allows, from random instants.
const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
const DAY = 86_400_000;
const FROM = Date.UTC(2027, 0, 1);

const validConfig = fc
  .record({
    open: fc.integer({ min: 0, max: 23 * 60 }),
    length: fc.integer({ min: 1, max: 12 * 60 }),
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    halfDays: fc.boolean(),
    closedTypes: fc.subarray(['public', 'bank', 'optional', 'observance']),
    extraClosed: fc.uniqueArray(fc.integer({ min: 0, max: 3 * 365 }), { maxLength: 120 }),
    unit: fc.constantFrom('minutes' as const, 'hours' as const, 'workingDays' as const),
    share: fc.double({ min: 0.001, max: 1, noNaN: true }),
    start: fc.integer({ min: 0, max: 2 * 365 * DAY }),
  })
  .map((r) => {
    const close = Math.min(r.open + r.length, 24 * 60 - 1);
    const dayMinutes = close - r.open;
    const reach = LIMITS.supportWorkingDays * dayMinutes; // minutes of support time
    const max =
      r.unit === 'workingDays'
        ? LIMITS.target.workingDays
        : r.unit === 'hours'
          ? Math.floor(Math.min(reach, LIMITS.target.minutes) / 60)
          : Math.min(reach, LIMITS.target.minutes);
    const amount = Math.max(1, Math.round(max * r.share));
    return { ...r, close, amount, dates: r.extraClosed.map((d) => new Date(FROM + d * DAY).toISOString().slice(0, 10)) };
  })
  .filter((r) => r.close > r.open);

/** Ladders without lead times, repeats or escalation spans: within reach of any support day. */
const noSpans = { warnBefore: [], repeatEvery: null, escalateAfter: null };
const shortLadders = Object.fromEntries(['critical', 'high', 'medium', 'low'].map((p) => [p, { response: noSpans, resolution: noSpans }]));

describe('every valid configuration gives every deadline', () => {
  it('the largest targets a random valid configuration allows end, with exactly that much clock time', () => {
    fc.assert(
      fc.property(validConfig, (r) => {
        const contract = buildContract({
          supportHours: { days: r.days, open: hhmm(r.open), close: hhmm(r.close) },
          openingHours: { days: r.days, open: hhmm(r.open), close: hhmm(r.close) },
          agencies: [{ id: 'a', name: 'A' }],
          defaultAgency: 'a',
          holidays: { halfDays: { enabled: r.halfDays }, closedTypes: r.closedTypes, extraClosed: r.dates },
          problemTargets: { low: { resolution: { amount: r.amount, unit: r.unit } } },
          // Reminder ladders in the seed are fitted to 9-hour days; keep them within reach of a short day.
          reminders: {
            incidents: shortLadders,
            problems: shortLadders,
            orders: { connection: { resolution: noSpans }, question: { resolution: noSpans } },
          },
          incidentTargets: {
            critical: { response: { amount: 1 }, resolution: { amount: 1 } },
            high: { response: { amount: 1 } },
            medium: { response: { amount: 1 } },
            low: { response: { amount: 1 } },
          },
        });
        const calendar = new BusinessCalendar(contract);
        const clock = calendar.supportClock('a');
        const start = FROM + r.start;
        const d = deadlinesFor(calendar, { kind: 'problem', priority: 'low' }, start, 'a');
        const target = contract.problemTargets.low.resolution;
        const ms = r.unit === 'workingDays' ? r.amount * clock.workingDayMs : r.amount * (r.unit === 'hours' ? 3_600_000 : 60_000);
        expect(d.resolution).toBe(dueAt(clock, target, start));
        expect(clock.between(clock.nextOpening(start), d.resolution)).toBe(ms);
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
