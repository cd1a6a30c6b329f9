// The contract's deadlines, written the way the contract reads (4.2.1, 4.3.1, 4.4.1,
// 4.5.1). All instants are Stockholm local time.
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { deadlinesFor, dueAt, type CaseRef } from '../../src/domain/deadlines.js';
import type { Priority } from '../../src/config/contract.js';
import { at, local } from '../support/time.js';

const calendar = new BusinessCalendar(buildContract());

function incident(priority: Priority, received: string, org = 'forsakringskassan') {
  const d = deadlinesFor(calendar, { kind: 'incident', priority }, at(received), org);
  return { response: local(d.response), resolution: local(d.resolution) };
}

describe('support hours (4.2.1): the clock runs Mon–Fri 08:00–17:00', () => {
  it('a Kritisk incident received at 07:30 must be answered by 08:30: the clock starts at opening', () => {
    expect(incident('critical', '2026-11-24 07:30').response).toBe('Tue 2026-11-24 08:30');
  });
  it('a Kritisk incident received at 08:00 must be answered by 08:30', () => {
    expect(incident('critical', '2026-11-24 08:00').response).toBe('Tue 2026-11-24 08:30');
  });
  it('a Kritisk incident received at 16:59 has 1 minute that day and 29 the next', () => {
    expect(incident('critical', '2026-11-24 16:59').response).toBe('Wed 2026-11-25 08:29');
  });
  it('a Kritisk incident received at 17:00 is outside support hours: answered by 08:30 the next day', () => {
    expect(incident('critical', '2026-11-24 17:00').response).toBe('Wed 2026-11-25 08:30');
  });
  it('a Kritisk incident received at 16:30 is due exactly at closing time and stays on that day', () => {
    expect(incident('critical', '2026-11-24 16:30').response).toBe('Tue 2026-11-24 17:00');
  });
  it('a Medel incident received at 09:00 must be answered by 17:00 the same day, not 08:00 the next', () => {
    expect(incident('medium', '2026-11-24 09:00').response).toBe('Tue 2026-11-24 17:00');
  });
  it('a Kritisk incident opened Friday 16:45 must be answered by Monday 08:15 and resolved by Monday 15:45', () => {
    expect(incident('critical', '2026-11-27 16:45')).toEqual({ response: 'Mon 2026-11-30 08:15', resolution: 'Mon 2026-11-30 15:45' });
  });
  it('an incident received on a Saturday starts its clock on Monday 08:00; 2 working days end Tuesday at closing', () => {
    expect(incident('high', '2026-11-28 11:00')).toEqual({ response: 'Mon 2026-11-30 09:00', resolution: 'Tue 2026-12-01 17:00' });
  });
  it('counts to the second, not to the minute', () => {
    expect(incident('critical', '2026-11-24 10:00:30').response).toBe('Tue 2026-11-24 10:30:30');
  });
});

describe('Transportstyrelsen has support Mon–Fri 08:00–16:30', () => {
  it('a Kritisk incident received at 16:30 is outside its support hours: answered by 08:30 the next day', () => {
    expect(incident('critical', '2026-11-24 16:30', 'transportstyrelsen').response).toBe('Wed 2026-11-25 08:30');
  });
  it('a Kritisk incident received at 16:15 has 15 minutes that day and 15 the next', () => {
    expect(incident('critical', '2026-11-24 16:15', 'transportstyrelsen').response).toBe('Wed 2026-11-25 08:15');
  });
  it('a working day is 8.5 hours: Hög received Tuesday 16:00 is resolved by Thursday 16:00', () => {
    // 0.5 h Tue + 8.5 h Wed + 8 h Thu = 17 h = 2 × 8.5 h
    expect(incident('high', '2026-11-24 16:00', 'transportstyrelsen').resolution).toBe('Thu 2026-11-26 16:00');
  });
  it('a Medel incident received at 09:00 is answered by 08:30 the next day (8 support hours)', () => {
    expect(incident('medium', '2026-11-24 09:00', 'transportstyrelsen').response).toBe('Wed 2026-11-25 08:30');
  });
});

describe('holidays (röda dagar) and closed eves stop the clock', () => {
  it('Easter: Kritisk received Maundy Thursday 16:45 is answered Tuesday after Easter 08:15', () => {
    expect(incident('critical', '2026-04-02 16:45').response).toBe('Tue 2026-04-07 08:15');
  });
  it('Easter: Hög received Maundy Thursday 10:00 is resolved the next Wednesday 10:00', () => {
    expect(incident('high', '2026-04-02 10:00').resolution).toBe('Wed 2026-04-08 10:00');
  });
  it('Kristi himmelsfärd: received Wednesday 16:45, answered on the Friday between (klämdag) 08:15', () => {
    expect(incident('critical', '2026-05-13 16:45').response).toBe('Fri 2026-05-15 08:15');
  });
  it('midsommar: received Thursday 16:45, midsommarafton is closed, answered Monday 08:15', () => {
    expect(incident('critical', '2026-06-18 16:45').response).toBe('Mon 2026-06-22 08:15');
  });
  it('Christmas: received 23 December 16:45, julafton to annandag closed, answered 28 December 08:15', () => {
    expect(incident('critical', '2026-12-23 16:45').response).toBe('Mon 2026-12-28 08:15');
  });
  it('New Year: received 30 December 16:45, nyårsafton and nyårsdagen closed, answered 4 January 08:15', () => {
    expect(incident('critical', '2026-12-30 16:45').response).toBe('Mon 2027-01-04 08:15');
  });
  it('a Låg incident across the year end skips every closed day: resolved 5 January', () => {
    expect(incident('low', '2026-12-21 10:00').resolution).toBe('Tue 2027-01-05 10:00');
  });
  it('an incident received on julafton itself starts its clock on the next open day', () => {
    expect(incident('critical', '2026-12-24 10:00').response).toBe('Mon 2026-12-28 08:30');
  });
});

describe('DST never moves a deadline', () => {
  it('spring forward (29 March 2026): Friday 16:45 Kritisk is due Monday 08:15 summer time', () => {
    const d = deadlinesFor(calendar, { kind: 'incident', priority: 'critical' }, at('2026-03-27 16:45'), 'forsakringskassan');
    expect(local(d.response)).toBe('Mon 2026-03-30 08:15');
    expect(new Date(d.response!).toISOString()).toBe('2026-03-30T06:15:00.000Z');
  });
  it('fall back (25 October 2026): Friday 16:45 Kritisk is due Monday 08:15 winter time', () => {
    const d = deadlinesFor(calendar, { kind: 'incident', priority: 'critical' }, at('2026-10-23 16:45'), 'forsakringskassan');
    expect(local(d.response)).toBe('Mon 2026-10-26 08:15');
    expect(new Date(d.response!).toISOString()).toBe('2026-10-26T07:15:00.000Z');
  });
  it('a critical problem (6 calendar days) received before the spring change keeps its local hour', () => {
    const d = deadlinesFor(calendar, { kind: 'problem', priority: 'critical' }, at('2026-03-25 10:00'), 'forsakringskassan');
    expect(local(d.resolution)).toBe('Tue 2026-03-31 10:00');
  });
  it('a critical problem received before the autumn change keeps its local hour', () => {
    const d = deadlinesFor(calendar, { kind: 'problem', priority: 'critical' }, at('2026-10-21 10:00'), 'forsakringskassan');
    expect(local(d.resolution)).toBe('Tue 2026-10-27 10:00');
  });
});

describe('month and year ends', () => {
  it('Medel received the last day of November is resolved 5 working days later in December', () => {
    expect(incident('medium', '2026-11-30 10:00').resolution).toBe('Mon 2026-12-07 10:00');
  });
  it('Hög received 31 January (a Sunday in 2027) starts on Monday 1 February', () => {
    expect(incident('high', '2027-01-31 12:00')).toEqual({ response: 'Mon 2027-02-01 09:00', resolution: 'Tue 2027-02-02 17:00' });
  });
});

// Every target of every table, from one receipt: Monday 9 November 2026 10:00.
describe('every target of every table, received Monday 2026-11-09 10:00', () => {
  const cases: Array<[string, CaseRef, string, string]> = [
    ['incident Kritisk: 30 min / 8 hours', { kind: 'incident', priority: 'critical' }, 'Mon 2026-11-09 10:30', 'Tue 2026-11-10 09:00'],
    ['incident Hög: 60 min / 2 working days', { kind: 'incident', priority: 'high' }, 'Mon 2026-11-09 11:00', 'Wed 2026-11-11 10:00'],
    ['incident Medel: 8 hours / 5 working days', { kind: 'incident', priority: 'medium' }, 'Tue 2026-11-10 09:00', 'Mon 2026-11-16 10:00'],
    ['incident Låg: 24 hours / 7 working days', { kind: 'incident', priority: 'low' }, 'Wed 2026-11-11 16:00', 'Wed 2026-11-18 10:00'],
    ['problem Kritisk: 1 working day / 6 days', { kind: 'problem', priority: 'critical' }, 'Tue 2026-11-10 10:00', 'Sun 2026-11-15 10:00'],
    ['problem Hög: 3 / 15 working days', { kind: 'problem', priority: 'high' }, 'Thu 2026-11-12 10:00', 'Mon 2026-11-30 10:00'],
    ['problem Medel: 4 / 25 working days', { kind: 'problem', priority: 'medium' }, 'Fri 2026-11-13 10:00', 'Mon 2026-12-14 10:00'],
    ['problem Låg: 10 / 60 working days', { kind: 'problem', priority: 'low' }, 'Mon 2026-11-23 10:00', 'Mon 2027-02-08 10:00'],
    ['order connection: N/A / 5 working days', { kind: 'order', type: 'connection' }, 'none', 'Mon 2026-11-16 10:00'],
    ['order question: N/A / 2 working days', { kind: 'order', type: 'question' }, 'none', 'Wed 2026-11-11 10:00'],
  ];
  it.each(cases)('%s', (_name, ref, response, resolution) => {
    const d = deadlinesFor(calendar, ref, at('2026-11-09 10:00'), 'forsakringskassan');
    expect({ response: local(d.response), resolution: local(d.resolution) }).toEqual({ response, resolution });
  });
});

describe('the clock model is configuration', () => {
  it('a wall-clock response target runs through the evening', () => {
    const wall = new BusinessCalendar(buildContract({ incidentTargets: { critical: { response: { clock: 'wall' } } } }));
    const d = deadlinesFor(wall, { kind: 'incident', priority: 'critical' }, at('2026-11-27 16:45'), 'forsakringskassan');
    expect(local(d.response)).toBe('Fri 2026-11-27 17:15');
    expect(local(d.resolution)).toBe('Mon 2026-11-30 15:45');
  });
  it('wall-clock working days keep the time of day and skip closed days', () => {
    const wall = new BusinessCalendar(buildContract({ incidentTargets: { high: { resolution: { clock: 'wall' } } } }));
    const d = deadlinesFor(wall, { kind: 'incident', priority: 'high' }, at('2026-11-27 16:45'), 'forsakringskassan');
    expect(local(d.resolution)).toBe('Tue 2026-12-01 16:45');
  });
  it('half days, when enabled, close at 12:00 (valborgsmässoafton)', () => {
    const half = new BusinessCalendar(buildContract({ holidays: { halfDays: { enabled: true } } }));
    const d = deadlinesFor(half, { kind: 'incident', priority: 'critical' }, at('2026-04-30 11:45'), 'forsakringskassan');
    expect(local(d.response)).toBe('Mon 2026-05-04 08:15');
  });
  it('half days are full support days by default', () => {
    expect(incident('critical', '2026-04-30 11:45').response).toBe('Thu 2026-04-30 12:15');
  });
  it('an extra closed date (a local klämdag) stops the clock', () => {
    const klam = new BusinessCalendar(buildContract({ holidays: { extraClosed: ['2026-05-15'] } }));
    const d = deadlinesFor(klam, { kind: 'incident', priority: 'critical' }, at('2026-05-13 16:45'), 'forsakringskassan');
    expect(local(d.response)).toBe('Mon 2026-05-18 08:15');
  });
  it('an unknown agency is refused by name', () => {
    expect(() => deadlinesFor(calendar, { kind: 'incident', priority: 'low' }, at('2026-11-09 10:00'), 'nasa')).toThrow(/unknown agency "nasa"/);
  });
});

// The largest targets the configuration allows (LIMITS in src/config/contract.ts) still
// give a deadline, and the right one: no search runs away, whatever the contract says.
describe('the largest targets a contract may set', () => {
  const received = at('2027-01-04 08:00'); // Monday, the first working day of 2027

  it('250 working days on the support clock end at closing on the 250th working day (27 December 2027)', () => {
    const big = new BusinessCalendar(buildContract({ problemTargets: { low: { resolution: { amount: 250, unit: 'workingDays' } } } }));
    const d = deadlinesFor(big, { kind: 'problem', priority: 'low' }, received, 'forsakringskassan');
    expect(local(d.resolution)).toBe('Mon 2027-12-27 17:00');
    // Counting back over the same span gives exactly 250 days of 9 hours.
    expect(big.supportClock('forsakringskassan').between(received, d.resolution)).toBe(250 * 9 * 3_600_000);
  });

  it("2 125 hours, the most on Transportstyrelsen's 8.5-hour day, are its 250 working days", () => {
    const big = new BusinessCalendar(buildContract({ problemTargets: { low: { resolution: { amount: 2125, unit: 'hours' } } } }));
    const d = deadlinesFor(big, { kind: 'problem', priority: 'low' }, received, 'transportstyrelsen');
    expect(local(d.resolution)).toBe('Mon 2027-12-27 16:30');
  });

  it('250 working days on the wall clock keep the time of day: Tuesday 28 December 2027 08:00', () => {
    const big = new BusinessCalendar(buildContract({ problemTargets: { low: { resolution: { amount: 250, unit: 'workingDays', clock: 'wall' } } } }));
    expect(local(deadlinesFor(big, { kind: 'problem', priority: 'low' }, received, 'forsakringskassan').resolution)).toBe('Tue 2027-12-28 08:00');
  });

  it('365 calendar days and 525 600 wall-clock minutes end a year later', () => {
    const big = new BusinessCalendar(
      buildContract({
        problemTargets: { critical: { resolution: { amount: 365, unit: 'calendarDays' } } },
        incidentTargets: { low: { resolution: { amount: 525_600, unit: 'minutes', clock: 'wall' } } },
      }),
    );
    expect(local(deadlinesFor(big, { kind: 'problem', priority: 'critical' }, received, 'forsakringskassan').resolution)).toBe('Tue 2028-01-04 08:00');
    // 2027 has no leap day and DST returns to winter time: 525 600 minutes later is the same wall time.
    expect(local(deadlinesFor(big, { kind: 'incident', priority: 'low' }, received, 'forsakringskassan').resolution)).toBe('Tue 2028-01-04 08:00');
  });

  it('every table at its largest, from any weekday of a year, returns', () => {
    const big = new BusinessCalendar(
      buildContract({
        incidentTargets: { low: { resolution: { amount: 250, unit: 'workingDays' } }, medium: { resolution: { amount: 2125, unit: 'hours' } } },
        problemTargets: { low: { resolution: { amount: 250, unit: 'workingDays', clock: 'wall' } }, critical: { resolution: { amount: 365 } } },
      }),
    );
    for (let day = 0; day < 366; day += 7) {
      const t = received + day * 86_400_000 + 3_600_000 * (day % 24);
      for (const ref of [
        { kind: 'incident', priority: 'low' },
        { kind: 'incident', priority: 'medium' },
        { kind: 'problem', priority: 'low' },
        { kind: 'problem', priority: 'critical' },
      ] as CaseRef[]) {
        const d = deadlinesFor(big, ref, t, 'transportstyrelsen');
        expect(d.resolution).toBeGreaterThan(t);
      }
    }
  });

  it('a target beyond the bounds that slipped past validation is refused, not searched for', () => {
    const clock = calendar.supportClock('forsakringskassan');
    expect(() => dueAt(clock, { amount: 10_000_000, unit: 'workingDays', clock: 'support' }, received)).toThrow(/outside 0–250 workingDays/);
    expect(() => dueAt(clock, { amount: 1e308, unit: 'minutes', clock: 'support' }, received)).toThrow(RangeError);
    expect(() => dueAt(clock, { amount: Number.NaN, unit: 'hours', clock: 'wall' }, received)).toThrow(RangeError);
  });
});
