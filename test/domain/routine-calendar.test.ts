// Wall-clock arithmetic on the calendar's cached days (src/domain/routine-calendar.ts)
// agrees with luxon's own, DST nights included; one working day back lands in support hours.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { operatorSupportClock, shiftWallDays, subtractClockTime } from '../../src/domain/routine-calendar.js';
import { at, local } from '../support/time.js';

const calendar = new BusinessCalendar(buildContract());
const clock = calendar.opening;
const ZONE = 'Europe/Stockholm';

describe('the same wall time some days away', () => {
  it('agrees with luxon for any instant and any shift, across the DST nights', () => {
    const from = at('2026-01-01 00:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * 24 * 60 }), fc.integer({ min: -400, max: 400 }), (minutes, days) => {
        const t = from + minutes * 60_000;
        expect(shiftWallDays(clock, t, days)).toBe(DateTime.fromMillis(t, { zone: ZONE }).plus({ days }).toMillis());
      }),
      { numRuns: 2000 },
    );
  });
  it('one week before Sunday 4 April 2027 02:30 is 03:30 on the spring night (02:30 does not exist)', () => {
    expect(local(shiftWallDays(clock, at('2027-04-04 02:30'), -7))).toBe('Sun 2027-03-28 03:30');
  });
});

describe('support time backwards', () => {
  const support = operatorSupportClock(calendar);
  it('is the mirror of adding support time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }), fc.integer({ min: 1, max: 20 * 9 * 60 }), (minutes, amount) => {
        const t = at('2026-01-01 00:00') + minutes * 60_000;
        const back = subtractClockTime(support, t, amount * 60_000);
        expect(support.isOpen(back)).toBe(true);
        expect(support.between(back, t)).toBe(amount * 60_000);
      }),
      { numRuns: 1000 },
    );
  });
});
