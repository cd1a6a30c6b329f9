// Calendar helpers shared by the information routine's rules (windows, announcement
// ladder, extra opening hours). Pure: every function takes the instant it needs.
import { DateTime } from 'luxon';
import { BusinessClock, type BusinessCalendar } from './calendar.js';

const MINUTE_MS = 60_000;
/** How far back `subtractClockTime` may look: ten years. */
const BACK_LIMIT_DAYS = 3_660;

const operatorClocks = new WeakMap<BusinessCalendar, BusinessClock>();

/**
 * The operator's support clock: the contract's support hours (4.2.1) on the holiday
 * calendar. The routine is the operator's (Driftleverantören), so "a working day
 * before" and "a support day" are read on its hours, not on one agency's.
 */
export function operatorSupportClock(calendar: BusinessCalendar): BusinessClock {
  let clock = operatorClocks.get(calendar);
  if (!clock) {
    const c = calendar.contract;
    clock = new BusinessClock(c.supportHours, calendar.holidays, c.timezone, c.holidays.halfDays.closeAt);
    operatorClocks.set(calendar, clock);
  }
  return clock;
}

/**
 * The instant `durationMs` of clock time before `t`: the mirror of `BusinessClock.add`.
 * Time outside the clock's hours is skipped, so the answer always lies inside them
 * (exactly one working day before Saturday 02:00 is Friday 08:00).
 */
export function subtractClockTime(clock: BusinessClock, t: number, durationMs: number): number {
  if (durationMs <= 0) return t;
  let remaining = durationMs;
  const first = clock.dayAt(t);
  for (let day = first; ; day = clock.day(day.index - 1)) {
    if (first.index - day.index > BACK_LIMIT_DAYS) throw new RangeError(`calendar: no ${durationMs / MINUTE_MS} min of open time within ${BACK_LIMIT_DAYS} days before ${first.date}`);
    if (day.openMs === null || day.startMs >= t) continue;
    const until = Math.min(t, day.closeMs!);
    const available = until - day.openMs;
    if (available <= 0) continue;
    if (remaining <= available) return until - remaining;
    remaining -= available;
  }
}

/** A local date (YYYY-MM-DD) at a local time (HH:MM) in `zone`, as epoch ms. */
export function atLocalTime(date: string, time: string, zone: string): number {
  const [hour, minute] = time.split(':').map(Number);
  return DateTime.fromISO(date, { zone }).set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}

/** The local date (YYYY-MM-DD) of an instant in `zone`. */
export function localDate(t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone }).toISODate()!;
}

/** `t` rounded up to a whole minute. */
export function ceilMinute(t: number): number {
  return Math.ceil(t / MINUTE_MS) * MINUTE_MS;
}
