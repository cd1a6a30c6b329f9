// Calendar helpers shared by the information routine's rules (windows, announcement
// ladder, extra opening hours). Pure: every function takes the instant it needs.
import { DateTime } from 'luxon';
import { BusinessClock, type BusinessCalendar, type CalendarDay } from './calendar.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
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
    if (first.index - day.index > BACK_LIMIT_DAYS)
      throw new RangeError(`calendar: no ${durationMs / MINUTE_MS} min of open time within ${BACK_LIMIT_DAYS} days before ${first.date}`);
    if (day.openMs === null || day.startMs >= t) continue;
    const until = Math.min(t, day.closeMs!);
    const available = until - day.openMs;
    if (available <= 0) continue;
    if (remaining <= available) return until - remaining;
    remaining -= available;
  }
}

// Wall-clock arithmetic on the calendar's cached days: on the 363 ordinary days a year
// a local time is local midnight plus its milliseconds, so no time-zone lookup is
// needed; on the two DST days luxon finds the instant (a wall time that does not exist
// that night moves forward by the gap, as luxon does).

/** The local wall time of `t`: its calendar day and the milliseconds since local midnight on the wall clock. */
export function wallTime(clock: BusinessClock, t: number): { readonly day: CalendarDay; readonly ms: number } {
  const day = clock.dayAt(t);
  if (isOrdinary(clock, day)) return { day, ms: t - day.startMs };
  const dt = DateTime.fromMillis(t, { zone: clock.zone });
  return { day, ms: ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond };
}

/** The instant of wall time `ms` (since local midnight) on the local day `dayIndex`. */
export function atWallTime(clock: BusinessClock, dayIndex: number, ms: number): number {
  const day = clock.day(dayIndex);
  if (isOrdinary(clock, day)) return day.startMs + ms;
  const [year, month, dayOfMonth] = day.date.split('-').map(Number);
  const hour = Math.floor(ms / 3_600_000);
  const minute = Math.floor(ms / MINUTE_MS) % 60;
  const second = Math.floor(ms / 1000) % 60;
  return DateTime.fromObject({ year, month, day: dayOfMonth, hour, minute, second, millisecond: ms % 1000 }, { zone: clock.zone }).toMillis();
}

/** The same wall time `days` local days later (earlier when negative): weeks and days keep the wall time across DST. */
export function shiftWallDays(clock: BusinessClock, t: number, days: number): number {
  const w = wallTime(clock, t);
  return atWallTime(clock, w.day.index + days, w.ms);
}

/** "HH:MM" → milliseconds since midnight. */
export function clockTimeMs(time: string): number {
  const [hour, minute] = time.split(':').map(Number);
  return (hour! * 60 + minute!) * MINUTE_MS;
}

function isOrdinary(clock: BusinessClock, day: CalendarDay): boolean {
  return clock.day(day.index + 1).startMs - day.startMs === DAY_MS;
}

/** `t` rounded up to a whole minute. */
export function ceilMinute(t: number): number {
  return Math.ceil(t / MINUTE_MS) * MINUTE_MS;
}
