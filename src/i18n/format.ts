// Dates, durations and contract terms in the reader's language.
import { DateTime } from 'luxon';
import type { Priority, Target } from '../config/contract.js';
import type { Translator } from './index.js';

const MINUTE_MS = 60_000;

/** "fre 27 nov. 2026 16:45" / "Fri 27 Nov 2026 16:45", in the contract's time zone. */
export function formatInstant(tr: Translator, t: number, zone: string): string {
  return DateTime.fromMillis(t, { zone }).setLocale(tr.lang === 'sv' ? 'sv-SE' : 'en-GB').toFormat(tr.t('common.format.instant'));
}

/** "2 h 15 min", "3 d 4 h" (whole minutes, rounded down; never negative). */
export function formatDuration(tr: Translator, ms: number): string {
  const totalMinutes = Math.floor(Math.abs(ms) / MINUTE_MS);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (days) parts.push(tr.t('common.duration.days', { n: days }));
  if (hours) parts.push(tr.t('common.duration.hours', { n: hours }));
  if (minutes || parts.length === 0) parts.push(tr.t('common.duration.minutes', { n: minutes }));
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
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}
