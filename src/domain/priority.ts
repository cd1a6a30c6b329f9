// Priority (4.3): the matrix of Påverkan × Tidpunkt, and a suggested Tidpunkt for an
// instant from the opening hours and the critical period (3.2).
import type { Contract, Priority } from '../config/contract.js';
import type { BusinessCalendar } from './calendar.js';

export type Level = 1 | 2 | 3 | 4;
export function isLevel(n: unknown): n is Level {
  return n === 1 || n === 2 || n === 3 || n === 4;
}

/** A level as a person types it ("2", " 3 "); null for anything else ("5", "2.0", "två"). */
export function parseLevel(text: string | undefined | null): Level | null {
  const trimmed = (text ?? '').trim();
  return /^[1-4]$/.test(trimmed) ? (Number(trimmed) as Level) : null;
}

/** The contract's priority for an impact (Påverkan) and a time (Tidpunkt). */
export function priorityOf(contract: Contract, impact: Level, timing: Level): Priority {
  return contract.priorityMatrix[timing - 1]![impact - 1]!;
}

/** Why a Tidpunkt was suggested. */
export type TimingReason =
  | { code: 'critical'; startDay: number }
  | { code: 'beforeCritical'; startDay: number; daysBefore: number }
  | { code: 'afterMonthEnd'; daysAfter: number }
  | { code: 'lowSeason'; label: string; from: string; to: string }
  | { code: 'normal' };

export interface TimingSuggestion {
  timing: Level;
  reason: TimingReason;
  /** The instant the rules were applied to: the receipt, or the next opening. */
  evaluatedAt: number;
  /** True when received outside opening hours, so the next opening was used. */
  outsideOpeningHours: boolean;
}

/**
 * Suggests the Tidpunkt for an incident received at `at`. Tidpunkt 1–3 speak of
 * "within opening hours"; an incident received outside them is judged at the moment
 * the service next opens, which is also when its support clock starts.
 */
export function suggestTiming(calendar: BusinessCalendar, at: number): TimingSuggestion {
  const { criticalPeriod } = calendar.contract;
  const evaluatedAt = calendar.opening.nextOpening(at);
  const local = calendar.local(evaluatedAt);
  const base = { evaluatedAt, outsideOpeningHours: evaluatedAt !== at };
  const lowSeason = criticalPeriod.lowSeason.find((range) => inRange(local.toFormat('MM-dd'), range.from, range.to));
  const lowReason = lowSeason && { code: 'lowSeason' as const, label: lowSeason.label ?? '', from: lowSeason.from, to: lowSeason.to };
  if (lowReason && criticalPeriod.lowSeasonWins) return { timing: 4, reason: lowReason, ...base };
  const { startDay, daysBefore, daysAfterMonthEnd } = criticalPeriod;
  if (local.day >= startDay) return { timing: 1, reason: { code: 'critical', startDay }, ...base };
  if (local.day >= startDay - daysBefore) return { timing: 2, reason: { code: 'beforeCritical', startDay, daysBefore }, ...base };
  if (local.day <= daysAfterMonthEnd) return { timing: 2, reason: { code: 'afterMonthEnd', daysAfter: daysAfterMonthEnd }, ...base };
  if (lowReason) return { timing: 4, reason: lowReason, ...base };
  return { timing: 3, reason: { code: 'normal' }, ...base };
}

/** MM-DD within [from, to], where a range may wrap the year end (12-24 → 01-06). */
function inRange(md: string, from: string, to: string): boolean {
  return from <= to ? md >= from && md <= to : md >= from || md <= to;
}
