// The business calendar: when the SSBTEK service is open and when an agency's support
// clock runs, on the Swedish calendar (Europe/Stockholm, DST, holidays).
//
// Pure: every function takes the instant it needs (epoch milliseconds). Luxon is used
// once per calendar day to find that day's local midnight, opening and closing instant;
// those are cached, so the hot path (adding support time) is plain arithmetic and a
// DST change can never move a deadline.
//
// Every loop is bounded: a search ahead may look at most `scanLimitDays` calendar days
// (derived from the configuration's bounds, LIMITS in src/config/contract.ts), a count
// between two instants at most BETWEEN_LIMIT_DAYS, and past a bound the clock throws
// CalendarRangeError instead of searching on. A configuration that passed validation never
// reaches a bound; one that slipped through fails with a clear error, it cannot hang.
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { LIMITS, type Contract, type WeeklyHours } from '../config/contract.js';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * How many calendar days one search of a clock open `openWeekdays` days a week may look
 * ahead. The longest stretch a valid configuration asks for is LIMITS.supportWorkingDays
 * working days (a target, or a reminder span, in any unit: contract.ts checks it against
 * the shortest support day). Each of the `extraClosed` dates the configuration lists can
 * take one more open day, so ceil((250 + extraClosed) × 7 / openWeekdays) calendar days
 * hold them all without holidays; twice that leaves room for holidays and half days
 * (Sweden closes about 15 days a year), and a year more covers a search that starts on
 * the last day of such a stretch.
 */
export function scanLimitDays(openWeekdays: number, extraClosed = 0): number {
  const perWeek = Math.min(7, Math.max(1, Math.floor(openWeekdays)));
  return Math.ceil(((LIMITS.supportWorkingDays + extraClosed) * 7) / perWeek) * 2 + 366;
}

/** The longest span `between` counts day by day: a century. */
export const BETWEEN_LIMIT_DAYS = 36_525;

/** A calendar search went past its bound: the configuration leaves (almost) no open time. */
export class CalendarRangeError extends Error {
  constructor(
    readonly operation: string,
    readonly fromDate: string,
    readonly limitDays: number,
  ) {
    super(`calendar: ${operation} from ${fromDate} found no end within ${limitDays} days; check the support hours, holidays and targets in the configuration`);
    this.name = 'CalendarRangeError';
  }
}

/** What the calendar knows about one local date. */
export interface CalendarDay {
  /** Days since 1970-01-01 on the local calendar. */
  readonly index: number;
  /** Local date, YYYY-MM-DD. */
  readonly date: string;
  /** ISO weekday, 1 = Monday. */
  readonly weekday: number;
  /** Local midnight, epoch ms. */
  readonly startMs: number;
  /** Opening and closing instants, or null when closed all day. */
  readonly openMs: number | null;
  readonly closeMs: number | null;
  /** The holiday that closes or shortens the day, if any. */
  readonly holiday: HolidayInfo | null;
}

export interface HolidayInfo {
  readonly name: string;
  readonly effect: 'closed' | 'half';
}

/** Which Swedish dates are closed or shortened, per the contract's holiday rules. */
export class HolidayTable {
  private readonly years = new Map<number, Map<string, HolidayInfo>>();
  private readonly source: Holidays;

  constructor(private readonly rules: Contract['holidays']) {
    this.source = new Holidays(rules.country);
  }

  /** How many extra closed dates the configuration lists (each can close one more day). */
  get extraClosedCount(): number {
    return this.rules.extraClosed.length;
  }

  /** The holiday rule for a local date (YYYY-MM-DD), or null on an ordinary day. */
  lookup(date: string): HolidayInfo | null {
    if (this.rules.extraOpen.includes(date)) return null;
    if (this.rules.extraClosed.includes(date)) return { name: date, effect: 'closed' };
    return this.year(Number(date.slice(0, 4))).get(date) ?? null;
  }

  private year(year: number): Map<string, HolidayInfo> {
    let table = this.years.get(year);
    if (table) return table;
    table = new Map();
    const { closedTypes, closedNames, halfDays } = this.rules;
    for (const h of this.source.getHolidays(year)) {
      const date = h.date.slice(0, 10);
      let effect: HolidayInfo['effect'] | null = null;
      if (closedTypes.includes(h.type) || closedNames.includes(h.name)) effect = 'closed';
      else if (halfDays.enabled && halfDays.names.includes(h.name)) effect = 'half';
      if (!effect) continue;
      const existing = table.get(date);
      if (!existing || (existing.effect === 'half' && effect === 'closed')) table.set(date, { name: h.name, effect });
    }
    this.years.set(year, table);
    return table;
  }
}

/**
 * A clock that runs only within weekly hours (support hours or opening hours), closed
 * on holidays. Intervals are half-open: open at `open`, closed from `close`.
 */
export class BusinessClock {
  private readonly days = new Map<number, CalendarDay>();
  /** Approved extra opening hours (4.1.2) by local date: they widen that day's hours. */
  private extra = new Map<string, { from: number; to: number }>();
  private readonly openMinute: number;
  private readonly closeMinute: number;
  private readonly halfCloseMinute: number;
  /** Length of one ordinary working day on this clock, in ms ("1 arbetsdag"). */
  readonly workingDayMs: number;
  /** The most calendar days one search ahead may look at (see scanLimitDays). */
  readonly scanLimitDays: number;

  constructor(
    readonly hours: WeeklyHours,
    private readonly holidays: HolidayTable,
    readonly zone: string,
    halfDayClose: string,
  ) {
    this.openMinute = toMinutes(hours.open);
    this.closeMinute = toMinutes(hours.close);
    this.halfCloseMinute = toMinutes(halfDayClose);
    this.workingDayMs = (this.closeMinute - this.openMinute) * MINUTE_MS;
    this.scanLimitDays = scanLimitDays(new Set(hours.days).size, holidays.extraClosedCount);
    // An unknown zone makes every local time NaN, and no search could ever end.
    if (!IANAZone.isValidZone(zone)) throw new RangeError(`calendar: unknown time zone "${zone}"`);
    if (!(this.workingDayMs > 0)) throw new RangeError(`calendar: hours ${hours.open}–${hours.close} leave no time open`);
  }

  /**
   * Replaces the extra hours this clock runs (approved extra opening hours, 4.1.2). Each
   * range lies within one local date; on a closed day it is that day's hours, on an open
   * day it widens them (a range must touch the ordinary hours: the services refuse one
   * that would leave a gap). Cached days are recomputed.
   */
  setExtraHours(ranges: readonly { readonly from: number; readonly to: number }[]): void {
    const extra = new Map<string, { from: number; to: number }>();
    for (const r of ranges) {
      if (!(r.to > r.from)) continue;
      const date = this.dayAt(r.from).date;
      const prev = extra.get(date);
      extra.set(date, prev ? { from: Math.min(prev.from, r.from), to: Math.max(prev.to, r.to) } : { from: r.from, to: r.to });
    }
    this.extra = extra;
    this.days.clear();
  }

  /** True while the clock runs: open <= t < close on an open day. */
  isOpen(t: number): boolean {
    const day = this.dayAt(t);
    return day.openMs !== null && t >= day.openMs && t < day.closeMs!;
  }

  /** True when the local date of `t` is a day with any hours on this clock. */
  isWorkingDay(t: number): boolean {
    return this.dayAt(t).openMs !== null;
  }

  /** `t` itself when the clock runs, else the next instant it starts running. */
  nextOpening(t: number): number {
    const first = this.dayAt(t);
    for (let n = 0, day = first; n <= this.scanLimitDays; n++, day = this.day(day.index + 1)) {
      if (day.openMs === null || t >= day.closeMs!) continue;
      return Math.max(t, day.openMs);
    }
    throw new CalendarRangeError('next opening', first.date, this.scanLimitDays);
  }

  /**
   * The instant when `durationMs` of clock time has run, starting at `t` (or at the
   * next opening if `t` is outside hours). A deadline that lands exactly on closing
   * time stays on that day.
   */
  add(t: number, durationMs: number): number {
    if (durationMs <= 0) return t;
    if (!Number.isFinite(durationMs)) throw new RangeError(`calendar: cannot add ${durationMs} ms`);
    let remaining = durationMs;
    const first = this.dayAt(t);
    for (let n = 0, day = first; n <= this.scanLimitDays; n++, day = this.day(day.index + 1)) {
      if (day.openMs === null) continue;
      const from = Math.max(t, day.openMs);
      const available = day.closeMs! - from;
      if (available <= 0) continue;
      if (remaining <= available) return from + remaining;
      remaining -= available;
    }
    throw new CalendarRangeError(`adding ${Math.round(durationMs / MINUTE_MS)} min of clock time`, first.date, this.scanLimitDays);
  }

  /** Clock time (ms) that runs in [from, to); negative when `to` is before `from`. */
  between(from: number, to: number): number {
    if (to < from) return -this.between(to, from);
    if (!Number.isFinite(to - from)) throw new RangeError(`calendar: cannot count from ${from} to ${to}`);
    const first = this.dayAt(from);
    if ((to - from) / DAY_MS > BETWEEN_LIMIT_DAYS) throw new CalendarRangeError('counting clock time', first.date, BETWEEN_LIMIT_DAYS);
    let total = 0;
    // Day indexes increase by one and the span is at most BETWEEN_LIMIT_DAYS days: finite.
    for (let day = first; day.startMs < to; day = this.day(day.index + 1)) {
      if (day.openMs === null) continue;
      const start = Math.max(from, day.openMs);
      const end = Math.min(to, day.closeMs!);
      if (end > start) total += end - start;
    }
    return total;
  }

  /**
   * The same local time of day, `count` working days later (days on which the clock
   * has hours). Used when a working-day target runs on the wall clock.
   */
  addWorkingDaysWall(t: number, count: number): number {
    if (!Number.isFinite(count)) throw new RangeError(`calendar: cannot add ${count} working days`);
    const whole = Math.floor(count);
    let day = this.dayAt(t);
    for (let n = 0, steps = 0; n < whole; ) {
      if (++steps > this.scanLimitDays) throw new CalendarRangeError(`adding ${whole} working days`, this.dayAt(t).date, this.scanLimitDays);
      day = this.day(day.index + 1);
      if (day.openMs !== null) n++;
    }
    const local = DateTime.fromMillis(t, { zone: this.zone });
    const target = DateTime.fromISO(day.date, { zone: this.zone }).set({
      hour: local.hour,
      minute: local.minute,
      second: local.second,
      millisecond: local.millisecond,
    });
    return target.toMillis() + (count - whole) * DAY_MS;
  }

  /** The calendar day containing instant `t`. */
  dayAt(t: number): CalendarDay {
    if (!Number.isFinite(t)) throw new RangeError(`calendar: ${t} is not an instant`);
    let index = Math.floor(t / DAY_MS);
    let day = this.day(index);
    // Local midnight is within a day (UTC offsets are under 24 h) of the UTC one: at most
    // one step either way; two are allowed.
    for (let steps = 0; t < day.startMs; steps++) {
      if (steps >= 2) throw new CalendarRangeError('finding the local date', day.date, 2);
      day = this.day(--index);
    }
    for (let steps = 0; t >= this.day(index + 1).startMs; steps++) {
      if (steps >= 2) throw new CalendarRangeError('finding the local date', day.date, 2);
      day = this.day(++index);
    }
    return day;
  }

  /** The calendar day with the given local day index. */
  day(index: number): CalendarDay {
    const cached = this.days.get(index);
    if (cached) return cached;
    const made = this.makeDay(index);
    this.days.set(index, made);
    return made;
  }

  private makeDay(index: number): CalendarDay {
    const utc = new Date(index * DAY_MS);
    const year = utc.getUTCFullYear();
    const month = utc.getUTCMonth() + 1;
    const dayOfMonth = utc.getUTCDate();
    const date = utc.toISOString().slice(0, 10);
    const weekday = ((utc.getUTCDay() + 6) % 7) + 1;
    const startMs = localMidnight(this.zone, index);
    // On the two DST days a year the day is not 24 hours long: ask luxon for the exact
    // instant; on every other day a local time is midnight plus its minutes.
    const ordinary = localMidnight(this.zone, index + 1) - startMs === DAY_MS;
    const at = (minute: number) =>
      ordinary
        ? startMs + minute * MINUTE_MS
        : DateTime.fromObject({ year, month, day: dayOfMonth, hour: Math.floor(minute / 60), minute: minute % 60 }, { zone: this.zone }).toMillis();
    const holiday = this.holidays.lookup(date);
    const extra = this.extra.get(date);
    const closed = !this.hours.days.includes(weekday) || holiday?.effect === 'closed';
    const close = holiday?.effect === 'half' ? Math.min(this.closeMinute, this.halfCloseMinute) : this.closeMinute;
    if (closed || close <= this.openMinute) {
      if (extra) return { index, date, weekday, startMs, openMs: extra.from, closeMs: extra.to, holiday };
      return { index, date, weekday, startMs, openMs: null, closeMs: null, holiday };
    }
    const openMs = at(this.openMinute);
    const closeMs = at(close);
    if (extra) return { index, date, weekday, startMs, openMs: Math.min(openMs, extra.from), closeMs: Math.max(closeMs, extra.to), holiday };
    return { index, date, weekday, startMs, openMs, closeMs, holiday };
  }
}

/** The contract's calendar: the opening-hours clock and each agency's support clock. */
export class BusinessCalendar {
  readonly holidays: HolidayTable;
  readonly opening: BusinessClock;
  private readonly support = new Map<string, BusinessClock>();

  constructor(readonly contract: Contract) {
    this.holidays = new HolidayTable(contract.holidays);
    const halfClose = contract.holidays.halfDays.closeAt;
    this.opening = new BusinessClock(contract.openingHours, this.holidays, contract.timezone, halfClose);
    for (const agency of contract.agencies) {
      this.support.set(agency.id, new BusinessClock(agency.supportHours ?? contract.supportHours, this.holidays, contract.timezone, halfClose));
    }
  }

  /**
   * Approved extra opening hours (4.1.2) become opening hours for their day (the opening
   * clock only; support hours are the operator's and do not change). Replaces the list.
   */
  setExtraOpeningHours(ranges: readonly { readonly from: number; readonly to: number }[]): void {
    this.opening.setExtraHours(ranges);
  }

  /** The support clock of an agency; throws UnknownAgencyError for an unknown id. */
  supportClock(agencyId: string): BusinessClock {
    const clock = this.support.get(agencyId);
    if (!clock) throw new UnknownAgencyError(agencyId, [...this.support.keys()]);
    return clock;
  }

  hasAgency(agencyId: string): boolean {
    return this.support.has(agencyId);
  }

  /** Local wall time of an instant, for display and for the critical-period rules. */
  local(t: number): DateTime {
    return DateTime.fromMillis(t, { zone: this.contract.timezone });
  }
}

export class UnknownAgencyError extends Error {
  constructor(
    readonly agencyId: string,
    readonly known: string[],
  ) {
    super(`unknown agency "${agencyId}"`);
    this.name = 'UnknownAgencyError';
  }
}

/** Local midnights per zone and day index, shared by every clock in the process. */
const midnights = new Map<string, Map<number, number>>();

function localMidnight(zone: string, index: number): number {
  let byDay = midnights.get(zone);
  if (!byDay) {
    byDay = new Map();
    midnights.set(zone, byDay);
  }
  let t = byDay.get(index);
  if (t === undefined) {
    const d = new Date(index * DAY_MS);
    t = DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { zone }).toMillis();
    byDay.set(index, t);
  }
  return t;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}
