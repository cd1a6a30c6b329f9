// The announcement ladder of a service window (UC 4.6.1, 6; "Rutin för
// Informationsspridning SSBTEK"): when each party is told about a window.
//
// Default ladder (configuration, src/config/routine.ts): when published, 4 weeks
// before, 1 week before, 1 working day before, 1 hour before, at start, at end.
// - Weeks and days before keep the local wall time across a DST change: one week
//   before Sunday 04:00 CEST is the Sunday before at 04:00 CET (167 hours earlier).
// - Hours and minutes before are elapsed time.
// - Working days before are support-day lengths back on the operator's support clock,
//   so the step lands inside support hours where someone reads it (one working day
//   before a window on Saturday 02:00 is Friday 08:00; before Tuesday 18:00, Tuesday 08:00).
// - A step already in the past when the window is published is skipped, never sent
//   late; a step at the very instant of publication is covered by the publication.
//
// Pure: the publication instant is passed in.
import { stepId, type LadderStep, type RoutineRules } from '../config/routine.js';
import type { BusinessCalendar } from './calendar.js';
import { operatorSupportClock, shiftWallDays, subtractClockTime } from './routine-calendar.js';

export interface ScheduledAnnouncement {
  /** Stable step name ("published", "before-1-weeks", "start", …): one send per party and step. */
  readonly step: string;
  readonly kind: LadderStep['at'];
  /** When it is due, epoch ms. */
  readonly at: number;
}

/**
 * The announcements of the window [start, end) published at `publishedAt`, in time
 * order (steps due at the same instant keep the ladder's order).
 */
export function announcementSchedule(
  window: { readonly start: number; readonly end: number },
  publishedAt: number,
  calendar: BusinessCalendar,
  rules: RoutineRules,
): ScheduledAnnouncement[] {
  const hasPublication = rules.ladder.some((s) => s.at === 'published');
  const out: Array<ScheduledAnnouncement & { order: number }> = [];
  rules.ladder.forEach((step, order) => {
    const at = stepInstant(step, window, publishedAt, calendar);
    if (at < publishedAt) return; // in the past at publication: skipped, never sent late
    if (step.at === 'before' && at === publishedAt && hasPublication) return; // the publication says it
    if (step.at === 'before' && at >= window.start) return; // cannot come before a start it announces
    out.push({ step: stepId(step), kind: step.at, at, order });
  });
  return out.sort((a, b) => a.at - b.at || a.order - b.order).map(({ order: _order, ...a }) => a);
}

/** When one step of the ladder falls for a window, ignoring whether it is past. */
export function stepInstant(
  step: LadderStep,
  window: { readonly start: number; readonly end: number },
  publishedAt: number,
  calendar: BusinessCalendar,
): number {
  switch (step.at) {
    case 'published':
      return publishedAt;
    case 'start':
      return window.start;
    case 'end':
      return window.end;
    case 'before': {
      switch (step.unit) {
        case 'weeks':
          return shiftWallDays(calendar.opening, window.start, -7 * step.amount);
        case 'days':
          return shiftWallDays(calendar.opening, window.start, -step.amount);
        case 'hours':
          return window.start - step.amount * 3_600_000;
        case 'minutes':
          return window.start - step.amount * 60_000;
        case 'workingDays': {
          const clock = operatorSupportClock(calendar);
          return subtractClockTime(clock, window.start, step.amount * clock.workingDayMs);
        }
      }
    }
  }
}
