// Service windows (UC 4.6.1, 4.6.3, 4.6.4): all plannable work outside opening hours,
// announced at least 4 weeks ahead unless it is a release or an emergency change.
// All instants are Stockholm local time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { routineRules } from '../../src/config/routine.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { checkWindow, noticeDeadline, overlapWarnings, overrunUnavailability, type WindowInput } from '../../src/domain/windows.js';
import { at, local } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const rules = routineRules(contract);

/** Published on Friday 29 January 2027 at 10:00 unless said otherwise. */
const PUBLISHED = at('2027-01-29 10:00');

function check(start: string, end: string, extra: Partial<WindowInput> = {}, published = PUBLISHED, r = rules) {
  return checkWindow({ start: at(start), end: at(end), ...extra }, published, calendar, r);
}
const rulesOf = (c: ReturnType<typeof check>) => c.problems.map((p) => p.rule);

describe('a window outside opening hours with four weeks of notice is accepted', () => {
  it('a window Saturday 02:00–06:00 four weeks and a day ahead is accepted', () => {
    const c = check('2027-02-27 02:00', '2027-02-27 06:00');
    expect(c).toEqual({ ok: true, problems: [], kind: 'normal', suggestedStart: null });
  });
  it('a window starting exactly four weeks after publication is accepted', () => {
    expect(check('2027-02-26 17:00', '2027-02-26 20:00', {}, at('2027-01-29 17:00')).ok).toBe(true);
  });
  it('four weeks are counted in local time across the change to summer time', () => {
    // Published Saturday 6 March 2027 01:00 CET; four weeks later is 3 April 01:00 CEST (671 hours).
    const published = at('2027-03-06 01:00');
    expect(local(noticeDeadline(published, calendar, rules))).toBe('Sat 2027-04-03 01:00');
    expect(check('2027-04-03 01:00', '2027-04-03 05:00', {}, published).ok).toBe(true);
    expect(rulesOf(check('2027-04-03 00:59', '2027-04-03 05:00', {}, published))).toEqual(['notice']);
  });
  it('a window on a weekday evening, 17:00–23:00, is accepted', () => {
    expect(check('2027-03-03 17:00', '2027-03-03 23:00').ok).toBe(true);
  });
  it('a window that ends exactly at 08:00 on a Monday is accepted (opening hours begin at 08:00)', () => {
    expect(check('2027-03-01 05:00', '2027-03-01 08:00').ok).toBe(true);
  });
  it('a window over a whole weekend, Friday 17:00 to Monday 08:00, is accepted', () => {
    expect(check('2027-03-05 17:00', '2027-03-08 08:00').ok).toBe(true);
  });
});

describe('opening hours (4.1.1, 4.6.1): any minute inside them is refused', () => {
  it('a window that ends 08:30 on a Monday is refused (opening hours)', () => {
    const c = check('2027-03-01 05:00', '2027-03-01 08:30');
    expect(c.ok).toBe(false);
    expect(c.problems).toEqual([{ rule: 'opening-hours', params: { from: at('2027-03-01 08:00'), to: at('2027-03-01 08:30'), minutes: 30 } }]);
  });
  it('a window that starts 16:59 on a weekday is refused for one minute', () => {
    const c = check('2027-03-03 16:59', '2027-03-03 20:00');
    expect(c.problems).toEqual([{ rule: 'opening-hours', params: { from: at('2027-03-03 16:59'), to: at('2027-03-03 17:00'), minutes: 1 } }]);
  });
  it('a window through two working days names the first stretch and counts all the minutes', () => {
    const c = check('2027-03-02 12:00', '2027-03-03 09:00');
    expect(c.problems).toEqual([{ rule: 'opening-hours', params: { from: at('2027-03-02 12:00'), to: at('2027-03-02 17:00'), minutes: 6 * 60 } }]);
  });
  it('the refusal suggests the earliest start for a window of the same length', () => {
    // 3.5 hours, at least four weeks after Friday 29 Jan 10:00: Friday 26 Feb 17:00.
    expect(local(check('2027-03-01 05:00', '2027-03-01 08:30').suggestedStart)).toBe('Fri 2027-02-26 17:00');
  });
  it('a window longer than the night is suggested for the weekend', () => {
    // 20 hours fits no weekday night (15 h): Friday 17:00 after a notice that ends Friday 10:00,
    // or at once when the notice ends on a Saturday morning.
    expect(local(check('2027-03-02 17:00', '2027-03-03 13:00').suggestedStart)).toBe('Fri 2027-02-26 17:00');
    expect(local(check('2027-03-02 17:00', '2027-03-03 13:00', {}, at('2027-01-30 10:00')).suggestedStart)).toBe('Sat 2027-02-27 10:00');
    // 70 hours do not fit an ordinary weekend (63 h): the Easter weekend, Thursday 17:00 to Tuesday 08:00.
    expect(local(check('2027-03-02 17:00', '2027-03-05 15:00').suggestedStart)).toBe('Thu 2027-03-25 17:00');
  });
  it('a window longer than any closed stretch gets no suggestion', () => {
    expect(check('2027-03-01 00:00', '2027-03-15 00:00').suggestedStart).toBeNull();
  });
  it('an approved extension (4.1.2) may overlap opening hours', () => {
    expect(check('2027-03-01 05:00', '2027-03-01 10:00', { approvedExtension: true }).ok).toBe(true);
  });
  it('an emergency change still may not be planned into opening hours (acute work there is an incident)', () => {
    expect(rulesOf(check('2027-02-03 12:00', '2027-02-03 13:00', { emergency: true }))).toEqual(['opening-hours']);
  });
});

describe('holidays are closed all day, so work may happen then', () => {
  it('a Friday-before-midsommar window treats midsommarafton as closed: daytime on midsommarafton is fine', () => {
    expect(check('2027-06-25 10:00', '2027-06-25 14:00').ok).toBe(true);
  });
  it('the same hours on the Friday before are refused', () => {
    expect(rulesOf(check('2027-06-18 10:00', '2027-06-18 14:00'))).toEqual(['opening-hours']);
  });
  it('a long window from Thursday 17:00 over midsommar to Monday 08:00 is accepted', () => {
    expect(check('2027-06-24 17:00', '2027-06-28 08:00').ok).toBe(true);
  });
  it('Kristi himmelfärds dag (a Thursday) is closed; the Friday after it is open', () => {
    expect(check('2027-05-06 09:00', '2027-05-06 15:00').ok).toBe(true);
    expect(rulesOf(check('2027-05-07 09:00', '2027-05-07 15:00'))).toEqual(['opening-hours']);
  });
});

describe('notice (4.6.4): four weeks before a planned change outside the releases', () => {
  it('a window three weeks ahead is refused (notice)', () => {
    const c = check('2027-02-20 02:00', '2027-02-20 06:00');
    expect(c.ok).toBe(false);
    expect(c.kind).toBe('normal');
    expect(c.problems).toEqual([{ rule: 'notice', params: { weeks: 4, earliestStart: at('2027-02-26 10:00'), notARelease: false, releases: '' } }]);
    expect(local(c.suggestedStart)).toBe('Fri 2027-02-26 17:00');
  });
  it('the same window is accepted when it is a release (no release dates configured: the declaration counts)', () => {
    expect(check('2027-02-20 02:00', '2027-02-20 06:00', { release: true })).toEqual({ ok: true, problems: [], kind: 'release', suggestedStart: null });
  });
  it('with release dates configured, a release on one of them is accepted', () => {
    const r = routineRules(buildContract({ routine: { releases: ['2027-02-20', { from: '2027-04-10', to: '2027-04-11' }] } }));
    expect(check('2027-02-20 02:00', '2027-02-20 06:00', { release: true }, PUBLISHED, r).kind).toBe('release');
    expect(check('2027-04-11 02:00', '2027-04-11 06:00', { release: true }, at('2027-03-25 10:00'), r).ok).toBe(true);
  });
  it('with release dates configured, a "release" on another date needs the notice like any change', () => {
    const r = routineRules(buildContract({ routine: { releases: ['2027-03-13', { from: '2027-04-10', to: '2027-04-11' }] } }));
    const c = check('2027-02-20 02:00', '2027-02-20 06:00', { release: true }, PUBLISHED, r);
    expect(c.kind).toBe('normal');
    expect(c.problems).toEqual([
      { rule: 'notice', params: { weeks: 4, earliestStart: at('2027-02-26 10:00'), notARelease: true, releases: '2027-03-13, 2027-04-10–2027-04-11' } },
    ]);
  });
  it('a window on a release date that is not declared a release needs the notice', () => {
    const r = routineRules(buildContract({ routine: { releases: ['2027-02-20'] } }));
    expect(rulesOf(check('2027-02-20 02:00', '2027-02-20 06:00', {}, PUBLISHED, r))).toEqual(['notice']);
  });
  it('an emergency change (4.6.3) needs no notice and is recorded as one', () => {
    expect(check('2027-01-29 20:00', '2027-01-29 22:00', { emergency: true })).toEqual({ ok: true, problems: [], kind: 'emergency', suggestedStart: null });
  });
  it('the notice follows the configuration: two weeks accept the three-week window', () => {
    const r = routineRules(buildContract({ notice: { plannedChangeWeeks: 2 } }));
    expect(check('2027-02-20 02:00', '2027-02-20 06:00', {}, PUBLISHED, r).ok).toBe(true);
  });
});

describe('order and the past', () => {
  it('a window whose end is before its start is refused (order), with no suggestion', () => {
    const c = check('2027-03-06 06:00', '2027-03-06 02:00');
    expect(c.problems).toEqual([{ rule: 'order', params: { start: at('2027-03-06 06:00'), end: at('2027-03-06 02:00') } }]);
    expect(c.suggestedStart).toBeNull();
  });
  it('a window that ends when it starts is refused (order)', () => {
    expect(rulesOf(check('2027-03-06 02:00', '2027-03-06 02:00'))).toEqual(['order']);
  });
  it('a window that started in the past is refused (past), not for notice', () => {
    const c = check('2027-01-29 02:00', '2027-01-29 06:00');
    expect(c.problems).toEqual([{ rule: 'past', params: { start: at('2027-01-29 02:00'), at: PUBLISHED } }]);
    expect(local(c.suggestedStart)).toBe('Fri 2027-02-26 17:00');
  });
  it('an emergency in the past is refused too, and offered the next closed stretch', () => {
    const c = check('2027-01-29 02:00', '2027-01-29 06:00', { emergency: true });
    expect(rulesOf(c)).toEqual(['past']);
    expect(local(c.suggestedStart)).toBe('Fri 2027-01-29 17:00');
  });
  it('every broken rule is named at once', () => {
    expect(rulesOf(check('2027-01-28 09:00', '2027-01-28 08:00'))).toEqual(['order', 'past']);
    expect(rulesOf(check('2027-02-01 07:00', '2027-02-01 09:00'))).toEqual(['opening-hours', 'notice']);
  });
});

describe('the suggested start is what the rules accept, and nothing earlier is', () => {
  const minute = 60_000;
  const base = at('2027-01-04 00:00');
  it('for any window and publication time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 24 * 60 }),
        fc.integer({ min: -10 * 24 * 60, max: 60 * 24 * 60 }),
        fc.integer({ min: 1, max: 70 * 60 }),
        fc.constantFrom<Partial<WindowInput>>({}, { release: true }, { emergency: true }),
        (publishedMin, offsetMin, lengthMin, kind) => {
          const published = base + publishedMin * minute;
          const start = published + offsetMin * minute;
          const c = checkWindow({ start, end: start + lengthMin * minute, ...kind }, published, calendar, rules);
          if (c.ok || c.suggestedStart === null) return;
          const s = c.suggestedStart;
          expect(checkWindow({ start: s, end: s + lengthMin * minute, ...kind }, published, calendar, rules).ok).toBe(true);
          expect(checkWindow({ start: s - minute, end: s - minute + lengthMin * minute, ...kind }, published, calendar, rules).ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('overlapping windows on the same services are a warning, not a refusal', () => {
  const planned = [
    { id: 'WIN-1', start: at('2027-03-06 01:00'), end: at('2027-03-06 04:00'), services: ['skatteverket', 'csn'] },
    { id: 'WIN-2', start: at('2027-03-06 03:00'), end: at('2027-03-06 05:00'), services: ['transportstyrelsen'] },
    { id: 'WIN-3', start: at('2027-03-06 05:00'), end: at('2027-03-06 07:00'), services: ['csn'] },
    { id: 'WIN-4', start: at('2027-03-06 00:00'), end: at('2027-03-06 02:30'), services: [] },
  ];
  it('names each window that shares a service and the common time', () => {
    const w = { start: at('2027-03-06 02:00'), end: at('2027-03-06 05:00'), services: ['csn'] };
    expect(overlapWarnings(w, planned)).toEqual([
      { id: 'WIN-1', from: at('2027-03-06 02:00'), to: at('2027-03-06 04:00'), services: ['csn'] },
      { id: 'WIN-4', from: at('2027-03-06 02:00'), to: at('2027-03-06 02:30'), services: [] },
    ]);
  });
  it('a window that only touches another (ends when it starts) does not overlap', () => {
    expect(overlapWarnings({ start: at('2027-03-06 04:00'), end: at('2027-03-06 05:00'), services: ['csn'] }, planned)).toEqual([]);
  });
  it('a window on the whole flow overlaps every window at the same time', () => {
    expect(overlapWarnings({ start: at('2027-03-06 03:30'), end: at('2027-03-06 06:00'), services: [] }, planned).map((o) => o.id)).toEqual([
      'WIN-1',
      'WIN-2',
      'WIN-3',
    ]);
  });
  it('a window is not warned about itself when it is moved', () => {
    expect(overlapWarnings({ id: 'WIN-1', start: at('2027-03-06 01:30'), end: at('2027-03-06 02:00'), services: ['csn'] }, planned).map((o) => o.id)).toEqual([
      'WIN-4',
    ]);
  });
});

describe('an overrun not announced by the routine counts as unavailability (4.6.1)', () => {
  const end = at('2027-03-01 06:00'); // a window Sunday night that should end Monday 06:00
  const overrun = (actualEnd: string, extensions: Array<{ announcedAt: string; newEnd: string }> = []) =>
    overrunUnavailability(
      end,
      at(actualEnd),
      extensions.map((e) => ({ announcedAt: at(e.announcedAt), newEnd: at(e.newEnd) })),
      calendar,
    ).map((u) => `${local(u.from)}–${local(u.to).slice(-5)} ${u.minutes} min`);
  it('an overrun into Monday 08:00–08:40 records 40 minutes of unavailability', () => {
    expect(overrun('2027-03-01 08:40')).toEqual(['Mon 2027-03-01 08:00–08:40 40 min']);
  });
  it('an overrun that ends before opening costs nothing', () => {
    expect(overrun('2027-03-01 07:59')).toEqual([]);
  });
  it('an extension announced before the end covers the overrun', () => {
    expect(overrun('2027-03-01 08:40', [{ announcedAt: '2027-03-01 05:30', newEnd: '2027-03-01 09:00' }])).toEqual([]);
  });
  it('an extension announced after the end does not: the time past the announced end counts', () => {
    expect(overrun('2027-03-01 08:40', [{ announcedAt: '2027-03-01 06:10', newEnd: '2027-03-01 09:00' }])).toEqual(['Mon 2027-03-01 08:00–08:40 40 min']);
  });
  it('an overrun past an extension in force counts from the extended end', () => {
    expect(overrun('2027-03-01 09:15', [{ announcedAt: '2027-03-01 05:30', newEnd: '2027-03-01 09:00' }])).toEqual(['Mon 2027-03-01 09:00–09:15 15 min']);
  });
  it('an overrun through a whole day and into the next counts each stretch of opening hours', () => {
    expect(overrun('2027-03-02 10:00')).toEqual(['Mon 2027-03-01 08:00–17:00 540 min', 'Tue 2027-03-02 08:00–10:00 120 min']);
  });
});
