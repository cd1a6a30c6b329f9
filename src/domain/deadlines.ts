// Deadlines: when a case must be answered (response) and resolved, under the
// contract's target tables (4.3.1 incidents, 4.4.1 orders, 4.5.1 problems).
import { LIMITS, type Contract, type OrderType, type Priority, type Target, type TargetPair } from '../config/contract.js';
import { DateTime } from 'luxon';
import type { BusinessCalendar, BusinessClock } from './calendar.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export type CaseKind = 'incident' | 'problem' | 'order';

export type CaseRef = { kind: 'incident'; priority: Priority } | { kind: 'problem'; priority: Priority } | { kind: 'order'; type: OrderType };

export interface Deadlines {
  /** Null when the table has no response target (orders). */
  response: number | null;
  resolution: number;
  /** The instant the support clock started: the receipt, or the next opening. */
  clockStart: number;
}

/** The target pair the contract sets for a case. */
export function targetsFor(contract: Contract, ref: CaseRef): TargetPair {
  switch (ref.kind) {
    case 'incident':
      return contract.incidentTargets[ref.priority];
    case 'problem':
      return contract.problemTargets[ref.priority];
    case 'order':
      return contract.orderTargets[ref.type];
  }
}

/** Both deadlines of a case received at `receivedAt` by the agency `agencyId`. */
export function deadlinesFor(calendar: BusinessCalendar, ref: CaseRef, receivedAt: number, agencyId: string): Deadlines {
  const clock = calendar.supportClock(agencyId);
  const pair = targetsFor(calendar.contract, ref);
  return {
    response: pair.response ? dueAt(clock, pair.response, receivedAt) : null,
    resolution: dueAt(clock, pair.resolution, receivedAt),
    clockStart: clock.nextOpening(receivedAt),
  };
}

/**
 * When a target falls due. On the support clock the count starts at the next
 * opening; minutes, hours and working days only run within support hours (a working
 * day is one ordinary support day's length); calendar days run on the wall calendar
 * in local time, so a DST change does not move the hour. On the wall clock the count
 * starts at receipt.
 */
export function dueAt(clock: BusinessClock, target: Target, receivedAt: number): number {
  const { amount, unit } = target;
  // The configuration refuses these; a contract built around validation still cannot
  // send the calendar on an endless search.
  if (!(amount > 0 && amount <= LIMITS.target[unit])) {
    throw new RangeError(`deadline: a target of ${amount} ${unit} is outside 0–${LIMITS.target[unit]} ${unit}`);
  }
  if (target.clock === 'wall') {
    switch (unit) {
      case 'minutes':
        return receivedAt + amount * MINUTE_MS;
      case 'hours':
        return receivedAt + amount * HOUR_MS;
      case 'workingDays':
        return clock.addWorkingDaysWall(receivedAt, amount);
      case 'calendarDays':
        return addCalendarDays(clock.zone, receivedAt, amount);
    }
  }
  switch (unit) {
    case 'minutes':
      return clock.add(receivedAt, amount * MINUTE_MS);
    case 'hours':
      return clock.add(receivedAt, amount * HOUR_MS);
    case 'workingDays':
      return clock.add(receivedAt, amount * clock.workingDayMs);
    case 'calendarDays':
      return addCalendarDays(clock.zone, clock.nextOpening(receivedAt), amount);
  }
}

/**
 * Time left until `due` as the target counts it: support-clock time for targets on
 * the support clock (except calendar days), wall time otherwise. Negative once broken.
 */
export function timeLeft(clock: BusinessClock, target: Target, now: number, due: number): number {
  if (target.clock === 'wall' || target.unit === 'calendarDays') return due - now;
  return clock.between(now, due);
}

function addCalendarDays(zone: string, t: number, days: number): number {
  // Luxon adds days on the local calendar, so the local time of day survives DST.
  const whole = Math.floor(days);
  return DateTime.fromMillis(t, { zone }).plus({ days: whole }).toMillis() + (days - whole) * 86_400_000;
}
