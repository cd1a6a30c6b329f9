// Extra opening hours (UC 4.1.2): the operator decides them at its meeting on
// Thursdays 13:00; a request must arrive at least 2 weeks before that meeting, and the
// material by 09:00 on the meeting day. (The weekday, the times and the weeks are the
// contract's `notice` configuration.)
//
// The deciding meeting for hours starting at `from` is the latest meeting that is held
// (its day is a support day: no meeting on Kristi himmelfärds dag, which is always a
// Thursday) and lies before `from`. A request made after its deadline is refused with
// the earliest extra hours that can still be requested.
//
// Pure: the time of the request is passed in.
import type { RoutineRules } from '../config/routine.js';
import type { BusinessCalendar } from './calendar.js';
import { atWallTime, clockTimeMs, operatorSupportClock, shiftWallDays } from './routine-calendar.js';

/** How many weeks back or ahead a held meeting is looked for before giving up. */
const SEARCH_WEEKS = 520;

export interface ExtraHoursRequest {
  /** Epoch ms; the requested hours are [from, to). */
  readonly from: number;
  readonly to: number;
}

export interface ExtraHoursCheck {
  /** True when the request is in time (at or before `requestBy`). */
  readonly ok: boolean;
  /** The decision meeting, epoch ms. */
  readonly meeting: number;
  /** The last instant the request may arrive: the meeting minus the request notice (same local time). */
  readonly requestBy: number;
  /** The material is due at this time on the meeting day. */
  readonly materialBy: number;
  /**
   * When too late: the earliest instant at which extra hours can still start, if
   * requested at `at` (the first closed instant after the first meeting still open for
   * requests); null when the request is in time.
   */
  readonly earliestPossible: number | null;
}

/** The decision, the deadlines and whether a request made at `at` is in time. */
export function checkExtraHours(request: ExtraHoursRequest, at: number, calendar: BusinessCalendar, rules: RoutineRules): ExtraHoursCheck {
  const clock = calendar.opening;
  const meeting = decisionMeetingFor(request.from, calendar, rules);
  const requestBy = requestDeadline(meeting, calendar, rules);
  const materialBy = atWallTime(clock, clock.dayAt(meeting).index, clockTimeMs(rules.extraHours.materialBy));
  const ok = at <= requestBy;
  return { ok, meeting, requestBy, materialBy, earliestPossible: ok ? null : earliestPossibleExtraHours(at, calendar, rules) };
}

/** The latest held decision meeting strictly before `from`. */
export function decisionMeetingFor(from: number, calendar: BusinessCalendar, rules: RoutineRules): number {
  const clock = calendar.opening;
  const time = clockTimeMs(rules.extraHours.meetingTime);
  const day = clock.dayAt(from);
  let index = day.index - ((day.weekday - rules.extraHours.meetingWeekday + 7) % 7);
  for (let n = 0; n < SEARCH_WEEKS; n++, index -= 7) {
    const meeting = atWallTime(clock, index, time);
    if (meeting < from && isMeetingDay(meeting, calendar)) return meeting;
  }
  throw new RangeError(`no decision meeting is held in the ${SEARCH_WEEKS} weeks before ${day.date}`);
}

/** The first held decision meeting whose request deadline is at or after `at`. */
export function firstOpenMeeting(at: number, calendar: BusinessCalendar, rules: RoutineRules): number {
  const clock = calendar.opening;
  const time = clockTimeMs(rules.extraHours.meetingTime);
  const day = clock.dayAt(shiftWallDays(clock, at, 7 * rules.extraHours.requestWeeks));
  let index = day.index + ((rules.extraHours.meetingWeekday - day.weekday + 7) % 7);
  for (let n = 0; n < SEARCH_WEEKS; n++, index += 7) {
    const meeting = atWallTime(clock, index, time);
    if (requestDeadline(meeting, calendar, rules) >= at && isMeetingDay(meeting, calendar)) return meeting;
  }
  throw new RangeError(`no decision meeting is held in the ${SEARCH_WEEKS} weeks after ${day.date}`);
}

/**
 * The earliest start of extra hours that can still be requested at `at`: right after
 * the first meeting still open for requests, at the first instant the service is
 * closed (extra hours lie outside the ordinary opening hours: after a Thursday 13:00
 * meeting that is 17:00 the same day).
 */
export function earliestPossibleExtraHours(at: number, calendar: BusinessCalendar, rules: RoutineRules): number {
  const meeting = firstOpenMeeting(at, calendar, rules);
  const opening = calendar.opening;
  return opening.isOpen(meeting) ? opening.dayAt(meeting).closeMs! : meeting + 60_000;
}

/** The request deadline of a meeting: the same local time, the request notice earlier. */
export function requestDeadline(meeting: number, calendar: BusinessCalendar, rules: RoutineRules): number {
  return shiftWallDays(calendar.opening, meeting, -7 * rules.extraHours.requestWeeks);
}

function isMeetingDay(meeting: number, calendar: BusinessCalendar): boolean {
  return operatorSupportClock(calendar).isWorkingDay(meeting);
}

/** Why requested extra hours cannot become opening hours as asked. */
export type ExtraHoursShapeProblem =
  /** The end is not after the start. */
  | { readonly rule: 'order' }
  /** The hours run past local midnight: request one range per day. */
  | { readonly rule: 'one-day' }
  /** On a day with opening hours, extra hours must start at closing time or end at opening time (no gap). */
  | { readonly rule: 'adjacent'; readonly open: number; readonly close: number }
  /** The hours lie wholly inside the ordinary opening hours. */
  | { readonly rule: 'already-open'; readonly open: number; readonly close: number };

/**
 * Whether requested extra hours can be opening hours for their day: one local date,
 * and on a day with opening hours touching them (the calendar keeps one stretch of
 * opening hours per day). Read against the ordinary hours of the calendar passed in.
 */
export function extraHoursShape(request: ExtraHoursRequest, calendar: BusinessCalendar): ExtraHoursShapeProblem | null {
  const { from, to } = request;
  if (!(to > from)) return { rule: 'order' };
  const clock = calendar.opening;
  const day = clock.dayAt(from);
  if (to > clock.day(day.index + 1).startMs) return { rule: 'one-day' };
  if (day.openMs === null || day.closeMs === null) return null;
  if (from >= day.openMs && to <= day.closeMs) return { rule: 'already-open', open: day.openMs, close: day.closeMs };
  if (from > day.closeMs || to < day.openMs) return { rule: 'adjacent', open: day.openMs, close: day.closeMs };
  return null;
}
