// The announcement ladder of a service window (4.6.1, 6): published, 4 weeks before,
// 1 week before, 1 working day before, 1 hour before, at start, at end. All instants
// are Stockholm local time.
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { routineRules, stepId, type LadderStep } from '../../src/config/routine.js';
import { announcementSchedule } from '../../src/domain/announcements.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { at, local } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const rules = routineRules(contract);

function ladder(start: string, end: string, published: string, r = rules) {
  return announcementSchedule({ start: at(start), end: at(end) }, at(published), calendar, r).map((a) => `${a.step} ${local(a.at)}`);
}
const HOUR = 3_600_000;

describe('the default ladder', () => {
  it('a window Saturday 02:00–06:00 published five weeks ahead hears every step', () => {
    expect(ladder('2027-03-06 02:00', '2027-03-06 06:00', '2027-01-29 10:00')).toEqual([
      'published Fri 2027-01-29 10:00',
      'before-4-weeks Sat 2027-02-06 02:00',
      'before-1-weeks Sat 2027-02-27 02:00',
      'before-1-workingDays Fri 2027-03-05 08:00',
      'before-1-hours Sat 2027-03-06 01:00',
      'start Sat 2027-03-06 02:00',
      'end Sat 2027-03-06 06:00',
    ]);
  });
  it('each step has a stable name: the key for "each party hears each step once"', () => {
    expect(rules.ladder.map(stepId)).toEqual(['published', 'before-4-weeks', 'before-1-weeks', 'before-1-workingDays', 'before-1-hours', 'start', 'end']);
  });
});

describe('steps already past at publication are skipped, never sent late', () => {
  it('a release published two weeks ahead skips the 4-week step', () => {
    expect(ladder('2027-03-06 02:00', '2027-03-06 06:00', '2027-02-20 11:00')).toEqual([
      'published Sat 2027-02-20 11:00',
      'before-1-weeks Sat 2027-02-27 02:00',
      'before-1-workingDays Fri 2027-03-05 08:00',
      'before-1-hours Sat 2027-03-06 01:00',
      'start Sat 2027-03-06 02:00',
      'end Sat 2027-03-06 06:00',
    ]);
  });
  it('an emergency change published 30 minutes before its start hears only publication, start and end', () => {
    expect(ladder('2027-03-03 20:00', '2027-03-03 22:00', '2027-03-03 19:30')).toEqual([
      'published Wed 2027-03-03 19:30',
      'start Wed 2027-03-03 20:00',
      'end Wed 2027-03-03 22:00',
    ]);
  });
  it('a step due at the very instant of publication is said by the publication', () => {
    expect(ladder('2027-03-06 02:00', '2027-03-06 06:00', '2027-02-27 02:00')).toEqual([
      'published Sat 2027-02-27 02:00',
      'before-1-workingDays Fri 2027-03-05 08:00',
      'before-1-hours Sat 2027-03-06 01:00',
      'start Sat 2027-03-06 02:00',
      'end Sat 2027-03-06 06:00',
    ]);
  });
});

describe('the ladder across a DST change keeps wall times', () => {
  it('a window on Sunday 28 March 2027 at 04:00 summer time: 1 and 4 weeks before are at 04:00 winter time', () => {
    const steps = announcementSchedule({ start: at('2027-03-28 04:00'), end: at('2027-03-28 06:00') }, at('2027-01-29 10:00'), calendar, rules);
    const byStep = Object.fromEntries(steps.map((a) => [a.step, a.at]));
    expect(local(byStep['before-1-weeks']!)).toBe('Sun 2027-03-21 04:00');
    expect(local(byStep['before-4-weeks']!)).toBe('Sun 2027-02-28 04:00');
    // Same wall time, so one hour less than a week has passed.
    expect(at('2027-03-28 04:00') - byStep['before-1-weeks']!).toBe(7 * 24 * HOUR - HOUR);
  });
  it('a window that starts at 01:00, just before the clocks go forward, keeps 01:00 too', () => {
    expect(ladder('2027-03-28 01:00', '2027-03-28 05:00', '2027-01-29 10:00').slice(1, 3)).toEqual([
      'before-4-weeks Sun 2027-02-28 01:00',
      'before-1-weeks Sun 2027-03-21 01:00',
    ]);
  });
  it('the night the clocks go back: one week before Sunday 25 October 2026 04:00 is 04:00 summer time (169 hours)', () => {
    const steps = announcementSchedule({ start: at('2026-10-25 04:00'), end: at('2026-10-25 06:00') }, at('2026-09-01 10:00'), calendar, rules);
    const week = steps.find((a) => a.step === 'before-1-weeks')!.at;
    expect(local(week)).toBe('Sun 2026-10-18 04:00');
    expect(at('2026-10-25 04:00') - week).toBe(7 * 24 * HOUR + HOUR);
  });
  it('a week-before step whose wall time does not exist (02:30 on the spring night) moves to 03:30', () => {
    expect(ladder('2027-04-04 02:30', '2027-04-04 05:00', '2027-01-29 10:00')[2]).toBe('before-1-weeks Sun 2027-03-28 03:30');
  });
  it('"1 hour before" is elapsed time: one hour before 03:30 on the spring night is 01:30', () => {
    expect(ladder('2027-03-28 03:30', '2027-03-28 05:00', '2027-01-29 10:00')[4]).toBe('before-1-hours Sun 2027-03-28 01:30');
  });
});

describe('"1 working day before" runs on the support calendar', () => {
  const workingDay = (start: string) =>
    ladder(start, start.replace(/\d\d:\d\d$/, '23:59'), '2027-01-04 10:00').find((s) => s.startsWith('before-1-workingDays'));
  it('before Monday 06:00 it is Friday 08:00: the start of the last working day before', () => {
    expect(workingDay('2027-03-08 06:00')).toBe('before-1-workingDays Fri 2027-03-05 08:00');
  });
  it('before a weekday evening at 18:00 it is 08:00 the same day', () => {
    expect(workingDay('2027-03-09 18:00')).toBe('before-1-workingDays Tue 2027-03-09 08:00');
  });
  it('before a window at noon on a Sunday in Easter it skips långfredagen: Thursday 08:00', () => {
    expect(workingDay('2027-03-28 12:00')).toBe('before-1-workingDays Thu 2027-03-25 08:00');
  });
  it('midsommarafton is no working day: before Saturday 26 June 2027 it is Thursday 08:00', () => {
    expect(workingDay('2027-06-26 02:00')).toBe('before-1-workingDays Thu 2027-06-24 08:00');
  });
});

describe('the ladder is configuration', () => {
  const custom = (announcements: LadderStep[]) => routineRules(buildContract({ routine: { announcements } }));
  it('days, two working days and 15 minutes before, in any order in the file', () => {
    const r = custom([
      { at: 'end' },
      { at: 'before', amount: 15, unit: 'minutes' },
      { at: 'before', amount: 2, unit: 'workingDays' },
      { at: 'before', amount: 3, unit: 'days' },
      { at: 'published' },
    ]);
    expect(ladder('2027-03-06 02:00', '2027-03-06 06:00', '2027-01-29 10:00', r)).toEqual([
      'published Fri 2027-01-29 10:00',
      'before-3-days Wed 2027-03-03 02:00',
      'before-2-workingDays Thu 2027-03-04 08:00',
      'before-15-minutes Sat 2027-03-06 01:45',
      'end Sat 2027-03-06 06:00',
    ]);
  });
  it('without a publication step, a step due at the publication instant is kept', () => {
    const r = custom([{ at: 'before', amount: 1, unit: 'weeks' }, { at: 'start' }]);
    expect(ladder('2027-03-06 02:00', '2027-03-06 06:00', '2027-02-27 02:00', r)).toEqual([
      'before-1-weeks Sat 2027-02-27 02:00',
      'start Sat 2027-03-06 02:00',
    ]);
  });
  it('the same step twice is refused when the configuration is loaded', () => {
    expect(() => custom([{ at: 'start' }, { at: 'start' }])).toThrow(/routine\.announcements\b.*each step may appear only once/);
  });
});
