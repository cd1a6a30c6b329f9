// Extra opening hours (4.1.2): decided at the operator's meeting on Thursdays 13:00,
// requested at least 2 weeks before that meeting, material by 09:00 on the meeting day.
// All instants are Stockholm local time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { routineRules } from '../../src/config/routine.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { checkExtraHours, decisionMeetingFor } from '../../src/domain/extra-hours.js';
import { at, local } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const rules = routineRules(contract);

function check(from: string, to: string, requested: string, r = rules) {
  const c = checkExtraHours({ from: at(from), to: at(to) }, at(requested), calendar, r);
  return { ok: c.ok, meeting: local(c.meeting), requestBy: local(c.requestBy), materialBy: local(c.materialBy), earliestPossible: local(c.earliestPossible) };
}

describe('the decision meeting, the request deadline and the material deadline', () => {
  it('extra hours on Saturday 13 March 2027 are decided Thursday 11 March 13:00; request by 25 February 13:00, material by 11 March 09:00', () => {
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-02-20 10:00')).toEqual({
      ok: true,
      meeting: 'Thu 2027-03-11 13:00',
      requestBy: 'Thu 2027-02-25 13:00',
      materialBy: 'Thu 2027-03-11 09:00',
      earliestPossible: 'none',
    });
  });
  it('extra hours on a Thursday evening are decided at 13:00 the same day', () => {
    expect(check('2027-03-11 17:00', '2027-03-11 20:00', '2027-02-20 10:00').meeting).toBe('Thu 2027-03-11 13:00');
  });
  it('extra hours on a Thursday morning before opening are decided the Thursday before', () => {
    expect(check('2027-03-11 06:00', '2027-03-11 08:00', '2027-02-20 10:00').meeting).toBe('Thu 2027-03-04 13:00');
  });
  it('no meeting is held on Kristi himmelfärds dag (a Thursday): hours on the Saturday after are decided the Thursday before', () => {
    expect(check('2027-05-08 09:00', '2027-05-08 13:00', '2027-04-10 10:00')).toEqual({
      ok: true,
      meeting: 'Thu 2027-04-29 13:00',
      requestBy: 'Thu 2027-04-15 13:00',
      materialBy: 'Thu 2027-04-29 09:00',
      earliestPossible: 'none',
    });
  });
  it('a meeting right after the change to summer time keeps 13:00, and its deadline is 13:00 winter time', () => {
    expect(check('2027-04-03 09:00', '2027-04-03 12:00', '2027-03-01 10:00')).toMatchObject({
      meeting: 'Thu 2027-04-01 13:00',
      requestBy: 'Thu 2027-03-18 13:00',
    });
  });
});

describe('a request after its deadline is refused with the earliest date that can still be requested', () => {
  it('extra hours requested 13 days before the meeting are refused with the next possible date', () => {
    // Meeting Thursday 11 March 13:00; 13 days before is Friday 26 February 13:00.
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-02-26 13:00')).toEqual({
      ok: false,
      meeting: 'Thu 2027-03-11 13:00',
      requestBy: 'Thu 2027-02-25 13:00',
      materialBy: 'Thu 2027-03-11 09:00',
      // The first meeting still two weeks ahead is Thursday 18 March; extra hours can start when the service closes that day.
      earliestPossible: 'Thu 2027-03-18 17:00',
    });
  });
  it('requested exactly 14 days before the meeting is in time; one minute later is not', () => {
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-02-25 13:00').ok).toBe(true);
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-02-25 13:01').ok).toBe(false);
  });
  it('requested on a Thursday morning, that Thursday two weeks ahead still counts', () => {
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-02-25 14:00').earliestPossible).toBe('Thu 2027-03-18 17:00');
    expect(check('2027-03-06 09:00', '2027-03-06 13:00', '2027-02-25 12:00').earliestPossible).toBe('Thu 2027-03-11 17:00');
  });
  it('the earliest possible date skips a meeting that is not held (Kristi himmelfärds dag)', () => {
    expect(check('2027-05-08 09:00', '2027-05-08 13:00', '2027-04-16 10:00')).toMatchObject({ ok: false, earliestPossible: 'Thu 2027-05-13 17:00' });
  });
  it('hours already past are too late too', () => {
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-03-20 10:00')).toMatchObject({ ok: false, earliestPossible: 'Thu 2027-04-08 17:00' });
  });
});

describe('the meeting and the notice are configuration', () => {
  it('a meeting on Tuesdays 10:00, material by 08:00, requests three weeks ahead', () => {
    const r = routineRules(buildContract({ notice: { extraOpeningRequestWeeks: 3, decisionMeeting: { weekday: 2, time: '10:00', materialBy: '08:00' } } }));
    expect(check('2027-03-13 09:00', '2027-03-13 13:00', '2027-02-20 10:00', r)).toEqual({
      ok: false,
      meeting: 'Tue 2027-03-09 10:00',
      requestBy: 'Tue 2027-02-16 10:00',
      materialBy: 'Tue 2027-03-09 08:00',
      earliestPossible: 'Tue 2027-03-16 17:00',
    });
  });
});

describe('what is offered can be requested', () => {
  it('for any request time, extra hours from the earliest possible instant are in time', () => {
    const base = at('2026-12-01 00:00');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * 365 * 24 * 60 }), (minutes) => {
        const requested = base + minutes * 60_000;
        const late = checkExtraHours({ from: requested, to: requested + 3_600_000 }, requested, calendar, rules);
        expect(late.ok).toBe(false);
        const e = late.earliestPossible!;
        const c = checkExtraHours({ from: e, to: e + 3_600_000 }, requested, calendar, rules);
        expect(c.ok).toBe(true);
        expect(c.earliestPossible).toBeNull();
        expect(calendar.opening.isOpen(e)).toBe(false);
        expect(c.meeting).toBe(decisionMeetingFor(e, calendar, rules));
      }),
      { numRuns: 300 },
    );
  });
});
