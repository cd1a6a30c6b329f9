// The calendar cannot hang: every search ahead is bounded by what the configuration
// allows, and a configuration that slipped past validation (built by hand, or a future
// bug) ends in a clear error instead of spinning at 100 % CPU.
import { describe, expect, it } from 'vitest';
import { LIMITS, type Contract } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BETWEEN_LIMIT_DAYS, BusinessCalendar, CalendarRangeError, scanLimitDays } from '../../src/domain/calendar.js';
import { at, local } from '../support/time.js';

const seed = buildContract();
/** A contract that never went through validation: the seed with some fields replaced. */
const unchecked = (changes: Partial<Contract>): Contract => ({ ...seed, ...changes }) as Contract;

describe('search bounds come from the configuration bounds', () => {
  it('a clock open five days a week searches at most 2 × 350 days + a year', () => {
    expect(scanLimitDays(5)).toBe(Math.ceil((LIMITS.supportWorkingDays * 7) / 5) * 2 + 366);
    expect(scanLimitDays(5)).toBe(1066);
  });
  it('a clock open one day a week may search longer, seven days a week shorter', () => {
    expect(scanLimitDays(1)).toBeGreaterThan(scanLimitDays(5));
    expect(scanLimitDays(7)).toBeLessThan(scanLimitDays(5));
  });
  it('the bound leaves room for the largest valid target on the slowest valid clock', () => {
    // 250 working days on a clock open only on Mondays, across every Swedish holiday.
    const mondays = new BusinessCalendar(buildContract({ supportHours: { days: [1] }, agencies: [{ id: 'a', name: 'A' }], defaultAgency: 'a', problemTargets: { low: { resolution: { amount: 250, unit: 'workingDays' } } } }));
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
