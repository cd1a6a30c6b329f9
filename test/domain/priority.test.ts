// Priority (4.3): Påverkan × Tidpunkt, and the suggested Tidpunkt (3.2).
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { parseLevel, priorityOf, suggestTiming, type Level } from '../../src/domain/priority.js';
import { at, local } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);

describe('the priority matrix (4.3), every cell', () => {
  const table: Array<[Level, Level, string]> = [
    [1, 1, 'critical'],
    [1, 2, 'high'],
    [1, 3, 'medium'],
    [1, 4, 'low'],
    [2, 1, 'high'],
    [2, 2, 'high'],
    [2, 3, 'medium'],
    [2, 4, 'low'],
    [3, 1, 'medium'],
    [3, 2, 'medium'],
    [3, 3, 'medium'],
    [3, 4, 'low'],
    [4, 1, 'low'],
    [4, 2, 'low'],
    [4, 3, 'low'],
    [4, 4, 'low'],
  ];
  it.each(table)('Tidpunkt %i with Påverkan %i is %s', (timing, impact, expected) => {
    expect(priorityOf(contract, impact, timing)).toBe(expected);
  });
  it('follows a configured matrix', () => {
    const strict = buildContract({
      priorityMatrix: [
        ['critical', 'critical', 'high', 'medium'],
        ['high', 'high', 'medium', 'low'],
        ['medium', 'medium', 'medium', 'low'],
        ['low', 'low', 'low', 'low'],
      ],
    });
    expect(priorityOf(strict, 2, 1)).toBe('critical');
  });
});

describe('suggested Tidpunkt (3.2: increased use from about the 20th to month end)', () => {
  const suggest = (when: string) => suggestTiming(calendar, at(when));
  it('the 19th is close to the critical period: Tidpunkt 2', () => {
    expect(suggest('2026-11-19 10:00')).toMatchObject({ timing: 2, reason: { code: 'beforeCritical' } });
  });
  it('the 20th is in the critical period: Tidpunkt 1', () => {
    expect(suggest('2026-11-20 10:00')).toMatchObject({ timing: 1, reason: { code: 'critical' } });
  });
  it('the last day of the month is still critical: Tidpunkt 1', () => {
    expect(suggest('2026-11-30 16:59').timing).toBe(1);
  });
  it('the first days of the next month are close to it: Tidpunkt 2', () => {
    expect(suggest('2026-12-01 08:00')).toMatchObject({ timing: 2, reason: { code: 'afterMonthEnd' } });
    expect(suggest('2026-12-03 10:00').timing).toBe(2);
  });
  it('the 4th to the 16th are outside critical times: Tidpunkt 3', () => {
    expect(suggest('2026-12-04 10:00')).toMatchObject({ timing: 3, reason: { code: 'normal' } });
    expect(suggest('2026-11-16 10:00').timing).toBe(3);
  });
  it('the 17th is the first day close to the period with the default 3 days', () => {
    expect(suggest('2026-11-17 10:00').timing).toBe(2);
  });
  it('low season (July) is Tidpunkt 4 even on the 20th', () => {
    expect(suggest('2026-07-20 10:00')).toMatchObject({ timing: 4, reason: { code: 'lowSeason', label: 'sommar' } });
  });
  it('Christmas low season wraps the year end', () => {
    expect(suggest('2026-12-28 10:00').timing).toBe(4);
    expect(suggest('2027-01-05 10:00').timing).toBe(4);
    expect(suggest('2027-01-07 10:00').timing).toBe(3);
  });
  it('the critical period can be made to win over low season', () => {
    const c = new BusinessCalendar(buildContract({ criticalPeriod: { lowSeasonWins: false } }));
    expect(suggestTiming(c, at('2026-12-28 10:00')).timing).toBe(1);
    expect(suggestTiming(c, at('2026-07-08 10:00')).timing).toBe(4);
  });
  it('received on a Saturday the 17th: judged at Monday the 19th opening, Tidpunkt 2', () => {
    const s = suggest('2026-10-17 11:00');
    expect(s).toMatchObject({ timing: 2, outsideOpeningHours: true });
    expect(local(s.evaluatedAt)).toBe('Mon 2026-10-19 08:00');
  });
  it('received Thursday the 19th at 17:30: judged at Friday the 20th opening, Tidpunkt 1', () => {
    const s = suggest('2026-11-19 17:30');
    expect(s.timing).toBe(1);
    expect(local(s.evaluatedAt)).toBe('Fri 2026-11-20 08:00');
  });
  it('within opening hours the receipt itself is judged', () => {
    const s = suggest('2026-11-19 16:59');
    expect(s).toMatchObject({ timing: 2, outsideOpeningHours: false, evaluatedAt: at('2026-11-19 16:59') });
  });
});

describe('a level as a person types it', () => {
  it('accepts 1–4 with surrounding spaces', () => {
    expect(['1', ' 2', '3 ', '4'].map(parseLevel)).toEqual([1, 2, 3, 4]);
  });
  it('refuses anything else', () => {
    expect(['0', '5', '2.0', '02', 'två', '', '1 2'].map(parseLevel)).toEqual([null, null, null, null, null, null, null]);
    expect(parseLevel(undefined)).toBeNull();
  });
});
