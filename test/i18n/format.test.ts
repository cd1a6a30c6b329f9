// Time left, as the target counts it: support-clock time says so, wall time does not,
// working days read as working days, under a minute is "< 1 min" and a broken deadline
// stays broken.
import { describe, expect, it } from 'vitest';
import type { Target } from '../../src/config/contract.js';
import { formatDuration, formatTimeLeft } from '../../src/i18n/format.js';
import { translator } from '../../src/i18n/index.js';

const sv = translator('sv');
const en = translator('en');
const MIN = 60_000;
const H = 60 * MIN;
const NINE_HOURS = 9 * H; // one support day 08:00–17:00
const support = (amount: number, unit: Target['unit']): Target => ({ amount, unit, clock: 'support' });
const wall = (amount: number, unit: Target['unit']): Target => ({ amount, unit, clock: 'wall' });

describe('formatDuration', () => {
  it('shows the two largest parts in whole minutes', () => {
    expect(formatDuration(sv, 2 * H + 15 * MIN)).toBe('2 h 15 min');
    expect(formatDuration(sv, 3 * 24 * H + 4 * H + 59 * MIN)).toBe('3 d 4 h');
  });
  it('under a minute reads "< 1 min", not "0 min"; exactly zero is 0 min', () => {
    expect(formatDuration(sv, 59_000)).toBe('< 1 min');
    expect(formatDuration(sv, 1_000)).toBe('< 1 min');
    expect(formatDuration(sv, 0)).toBe('0 min');
  });
  it('a reminder sent a few milliseconds after "1 min left" still says 1 min', () => {
    expect(formatDuration(sv, MIN - 150)).toBe('1 min');
  });
  it('a negative duration keeps its sign', () => {
    expect(formatDuration(sv, -5 * MIN)).toBe('−5 min');
    expect(formatDuration(en, -30_000)).toBe('−< 1 min');
  });
});

describe('formatTimeLeft', () => {
  it('minutes and hours on the support clock say "på supportklockan"', () => {
    expect(formatTimeLeft(sv, support(30, 'minutes'), 25 * MIN)).toBe('25 min kvar på supportklockan');
    expect(formatTimeLeft(en, support(8, 'hours'), 8 * H)).toBe('8 h left on the support clock');
  });

  it('a target counted on the wall clock does not say "på supportklockan"', () => {
    expect(formatTimeLeft(sv, wall(4, 'minutes'), 3 * MIN)).toBe('3 min kvar');
    expect(formatTimeLeft(sv, wall(2, 'hours'), H + 5 * MIN)).toBe('1 h 5 min kvar');
    expect(formatTimeLeft(en, wall(2, 'workingDays'), 26 * H)).toBe('1 d 2 h left');
  });

  it('calendar days run on the wall calendar even on the support clock', () => {
    expect(formatTimeLeft(sv, support(6, 'calendarDays'), 5 * 24 * H + 3 * H)).toBe('5 d 3 h kvar');
  });

  it('five working days read "5 arbetsdagar kvar", not "1 d 21 h"', () => {
    expect(formatTimeLeft(sv, support(5, 'workingDays'), 5 * NINE_HOURS, { workingDayMs: NINE_HOURS })).toBe('5 arbetsdagar kvar');
    expect(formatTimeLeft(sv, support(5, 'workingDays'), 4 * NINE_HOURS + 3 * H, { workingDayMs: NINE_HOURS })).toBe('4 arbetsdagar 3 h kvar');
    expect(formatTimeLeft(sv, support(2, 'workingDays'), NINE_HOURS + 30 * MIN, { workingDayMs: NINE_HOURS })).toBe('1 arbetsdag 30 min kvar');
    expect(formatTimeLeft(en, support(5, 'workingDays'), 3 * NINE_HOURS, { workingDayMs: NINE_HOURS })).toBe('3 working days left');
  });

  it("a working day is the agency's own support day: 17 h is 2 working days at Transportstyrelsen (8.5 h)", () => {
    expect(formatTimeLeft(sv, support(2, 'workingDays'), 17 * H, { workingDayMs: 8.5 * H })).toBe('2 arbetsdagar kvar');
  });

  it('less than a working day left reads in hours and minutes', () => {
    expect(formatTimeLeft(sv, support(1, 'workingDays'), 2 * H + 10 * MIN, { workingDayMs: NINE_HOURS })).toBe('2 h 10 min kvar');
  });

  it('under a minute left reads "< 1 min kvar"', () => {
    expect(formatTimeLeft(sv, support(30, 'minutes'), 20_000)).toBe('< 1 min kvar på supportklockan');
  });

  it('a broken deadline says how far over, in the units it counts', () => {
    expect(formatTimeLeft(sv, support(30, 'minutes'), -40 * MIN)).toBe('BRUTEN, 40 min över');
    expect(formatTimeLeft(sv, support(5, 'workingDays'), -(NINE_HOURS + H), { workingDayMs: NINE_HOURS })).toBe('BRUTEN, 1 arbetsdag 1 h över');
    expect(formatTimeLeft(en, wall(4, 'minutes'), -30_000)).toBe('BROKEN, < 1 min over');
  });

  it('a deadline passed while the support clock stood still is broken, not "0 min kvar"', () => {
    expect(formatTimeLeft(sv, support(8, 'hours'), 0, { broken: true })).toBe('BRUTEN');
    expect(formatTimeLeft(en, support(8, 'hours'), 0, { broken: true })).toBe('BROKEN');
  });

  it('the short form for lists leaves out the clock', () => {
    expect(formatTimeLeft(sv, support(30, 'minutes'), 25 * MIN, { short: true })).toBe('25 min kvar');
  });
});
