// Dates, durations and contract terms in the reader's language.
import { DateTime } from 'luxon';
import type { Priority, Target } from '../config/contract.js';
import type { Translator } from './index.js';

const MINUTE_MS = 60_000;

/** "fre 27 nov. 2026 16:45" / "Fri 27 Nov 2026 16:45", in the contract's time zone. */
export function formatInstant(tr: Translator, t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone })
    .setLocale(tr.lang === 'sv' ? 'sv-SE' : 'en-GB')
    .toFormat(tr.t('common.format.instant'));
}

/**
 * "2 h 15 min", "3 d 4 h": the two largest parts, in whole minutes rounded down (after
 * rounding to the second, so a reminder sent a few milliseconds after "1 min left" still
 * says 1 min). Under a minute but not zero reads "< 1 min", never "0 min"; a negative
 * duration keeps its sign ("−5 min").
 */
export function formatDuration(tr: Translator, ms: number): string {
  if (ms < 0) return tr.t('timeleft.negative', { duration: formatDuration(tr, -ms) });
  return joinParts(tr, splitMinutes(ms, null));
}

/**
 * Time left until a deadline (or past it), as the target counts it:
 *   support-clock minutes and hours  "25 min kvar på supportklockan"
 *   support-clock working days       "4 arbetsdagar 3 h kvar" (a working day is one
 *                                    support day of the agency's clock, `workingDayMs`)
 *   wall clock and calendar days     "1 d 2 h kvar" (wall time; no "på supportklockan")
 *   broken                           "BRUTEN, 2 h över" (in the same units), or "BRUTEN"
 *                                    while no counted time has run since the deadline
 * `leftMs` is what timeLeft() in src/domain/deadlines.ts gives: negative once broken.
 * `broken` says the deadline has passed even when `leftMs` is 0 (the support clock has
 * not run since); it defaults to `leftMs < 0`.
 */
export function formatTimeLeft(tr: Translator, target: Target, leftMs: number, options: TimeLeftOptions = {}): string {
  const broken = options.broken ?? leftMs < 0;
  const workingDayMs =
    target.clock === 'support' && target.unit === 'workingDays' && options.workingDayMs && options.workingDayMs > 0 ? options.workingDayMs : null;
  if (broken) {
    const over = Math.max(0, -leftMs);
    if (Math.round(over / 1000) === 0) return tr.t('timeleft.brokenNow');
    return tr.t('timeleft.broken', { over: joinParts(tr, splitMinutes(over, workingDayMs)) });
  }
  const left = joinParts(tr, splitMinutes(Math.max(0, leftMs), workingDayMs));
  if (workingDayMs) return tr.t('timeleft.left.workingDays', { left });
  const wall = target.clock === 'wall' || target.unit === 'calendarDays';
  return tr.t(wall || options.short ? 'timeleft.left.wall' : 'timeleft.left.supportClock', { left });
}

export interface TimeLeftOptions {
  /** Length of one working day of the target's support clock (BusinessClock.workingDayMs). */
  workingDayMs?: number;
  /** The deadline has passed (default: leftMs < 0). */
  broken?: boolean;
  /** Leave out "på supportklockan" (one-line lists). */
  short?: boolean;
}

interface Parts {
  readonly workingDays: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly underMinute: boolean;
}

/** Splits a non-negative duration into working days (when a day length is given) or days, hours and minutes. */
function splitMinutes(ms: number, workingDayMs: number | null): Parts {
  const seconds = Math.round(ms / 1000);
  let totalMinutes = Math.floor(seconds / 60);
  let workingDays = 0;
  if (workingDayMs) {
    const dayMinutes = Math.max(1, Math.round(workingDayMs / MINUTE_MS));
    workingDays = Math.floor(totalMinutes / dayMinutes);
    totalMinutes -= workingDays * dayMinutes;
  }
  return {
    workingDays,
    days: workingDayMs ? 0 : Math.floor(totalMinutes / 1440),
    hours: Math.floor((workingDayMs ? totalMinutes : totalMinutes % 1440) / 60),
    minutes: totalMinutes % 60,
    underMinute: seconds > 0 && seconds < 60,
  };
}

function joinParts(tr: Translator, p: Parts): string {
  const parts: string[] = [];
  if (p.workingDays) parts.push(tr.t(`timeleft.workingDays.${p.workingDays === 1 ? 'one' : 'other'}`, { n: p.workingDays }));
  if (p.days) parts.push(tr.t('common.duration.days', { n: p.days }));
  if (p.hours) parts.push(tr.t('common.duration.hours', { n: p.hours }));
  if (p.minutes) parts.push(tr.t('common.duration.minutes', { n: p.minutes }));
  if (parts.length === 0) return p.underMinute ? tr.t('timeleft.underMinute') : tr.t('common.duration.minutes', { n: 0 });
  return parts.slice(0, 2).join(' ');
}

export function priorityName(tr: Translator, p: Priority): string {
  return tr.t(`common.priority.${p}`);
}

/** "30 min", "2 arbetsdagar" — a target as the contract writes it. */
export function formatTarget(tr: Translator, target: Target): string {
  const unit = tr.t(`common.unit.${target.unit}${target.amount === 1 ? '.one' : '.other'}`);
  const clock = target.clock === 'wall' && target.unit !== 'calendarDays' ? ` ${tr.t('common.unit.wallSuffix')}` : '';
  return `${target.amount} ${unit}${clock}`;
}

/** "1:a", "27:e" in Swedish; "1st", "27th" in English. */
export function ordinal(tr: Translator, n: number): string {
  const lastTwo = n % 100;
  if (tr.lang === 'sv') return `${n}:${(n % 10 === 1 || n % 10 === 2) && lastTwo !== 11 && lastTwo !== 12 ? 'a' : 'e'}`;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
