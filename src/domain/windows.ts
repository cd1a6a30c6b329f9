// The rules for a service window (UC 4.6.1, 4.6.3, 4.6.4): when a planned change may
// take the service down, and how much notice it needs.
//
// - All plannable work happens outside opening hours: a window that touches opening
//   hours for any minute is refused, unless it is an approved extension (4.1.2).
// - A planned change outside the common releases is communicated at least the
//   configured notice (4 weeks) before its start; a release (on a configured release
//   date) or an emergency change (4.6.3) needs no notice, and its kind is recorded.
// - The end must come after the start, and the start may not be in the past.
// - Two windows on the same services at the same time are a warning, not a refusal.
// - Time past the end in force that falls inside opening hours, not announced by the
//   routine in time, counts as unavailability (overrunUnavailability).
//
// Pure: the time of the check is passed in. A refusal carries what would be accepted:
// the earliest start, for a window of the same length, that meets every rule.
import type { ReleaseDates, RoutineRules } from '../config/routine.js';
import type { BusinessCalendar, BusinessClock } from './calendar.js';
import { ceilMinute, shiftWallDays } from './routine-calendar.js';

const MINUTE_MS = 60_000;
/** How far ahead the earliest acceptable start is looked for (a window longer than every closed stretch has none). */
const SEARCH_DAYS = 800;

export interface WindowInput {
  /** Epoch ms; the window is the half-open interval [start, end). */
  readonly start: number;
  readonly end: number;
  /** Declared part of a common release (4.6.1). */
  readonly release?: boolean;
  /** An emergency change (4.6.3): accepted without notice. */
  readonly emergency?: boolean;
  /** An extension approved at the decision meeting (4.1.2): may overlap opening hours. */
  readonly approvedExtension?: boolean;
}

export type WindowKind = 'normal' | 'release' | 'emergency';
export type WindowRule = 'opening-hours' | 'notice' | 'order' | 'past';

export type WindowProblem =
  /** The first stretch of opening hours the window touches, and all its minutes inside opening hours. */
  | { readonly rule: 'opening-hours'; readonly params: { readonly from: number; readonly to: number; readonly minutes: number } }
  /**
   * Too little notice: the start must be at `earliestStart` or later. `notARelease` when
   * the window was declared a release but starts on no configured release date.
   */
  | {
      readonly rule: 'notice';
      readonly params: { readonly weeks: number; readonly earliestStart: number; readonly notARelease: boolean; readonly releases: string };
    }
  | { readonly rule: 'order'; readonly params: { readonly start: number; readonly end: number } }
  | { readonly rule: 'past'; readonly params: { readonly start: number; readonly at: number } };

export interface WindowCheck {
  readonly ok: boolean;
  /** In the order opening-hours, notice, order, past; empty when ok. */
  readonly problems: readonly WindowProblem[];
  readonly kind: WindowKind;
  /**
   * When refused: the earliest start (whole minute) for a window of the same length
   * that every rule accepts at `at`; null when ok, when the end is not after the start,
   * or when no such start exists within the search horizon.
   */
  readonly suggestedStart: number | null;
}

/** Checks a window against the routine's rules at instant `at` (the moment it would be published). */
export function checkWindow(window: WindowInput, at: number, calendar: BusinessCalendar, rules: RoutineRules): WindowCheck {
  const { start, end } = window;
  const opening = calendar.opening;
  const problems: WindowProblem[] = [];
  const declaredRelease = window.release === true;
  const onReleaseDate = releaseDateOf(start, calendar, rules);
  const releaseOk = declaredRelease && (rules.releases.length === 0 || onReleaseDate !== null);
  const kind: WindowKind = window.emergency ? 'emergency' : releaseOk ? 'release' : 'normal';
  const needsNotice = kind === 'normal';
  const noticeBound = noticeDeadline(at, calendar, rules);

  if (end > start && !window.approvedExtension) {
    const overlap = openingOverlap(opening, start, end);
    if (overlap) problems.push({ rule: 'opening-hours', params: overlap });
  }
  if (start >= at && needsNotice && start < noticeBound) {
    problems.push({
      rule: 'notice',
      params: { weeks: rules.noticeWeeks, earliestStart: noticeBound, notARelease: declaredRelease, releases: releaseList(rules.releases) },
    });
  }
  if (end <= start) problems.push({ rule: 'order', params: { start, end } });
  if (start < at) problems.push({ rule: 'past', params: { start, at } });

  const ok = problems.length === 0;
  let suggestedStart: number | null = null;
  if (!ok && end > start) {
    const from = needsNotice ? Math.max(at, noticeBound) : at;
    suggestedStart = earliestStart(opening, from, end - start, window.approvedExtension === true);
  }
  return { ok, problems, kind, suggestedStart };
}

/** The first instant at which a window outside releases may start when published at `at`. */
export function noticeDeadline(at: number, calendar: BusinessCalendar, rules: RoutineRules): number {
  return shiftWallDays(calendar.opening, at, 7 * rules.noticeWeeks);
}

/**
 * The earliest start at or after `from` (rounded up to a whole minute) for a window of
 * `durationMs` that touches no opening hours; null when none within the horizon.
 */
export function earliestStart(opening: BusinessClock, from: number, durationMs: number, mayOverlap = false): number | null {
  let s = ceilMinute(from);
  if (mayOverlap) return s;
  const horizon = from + SEARCH_DAYS * 86_400_000;
  while (s < horizon) {
    if (opening.isOpen(s)) {
      s = opening.dayAt(s).closeMs!;
      continue;
    }
    const next = opening.nextOpening(s);
    if (next >= s + durationMs) return s;
    s = opening.dayAt(next).closeMs!;
  }
  return null;
}

/** The configured release (date or range, as written) that the window's local start date falls on, or null. */
export function releaseDateOf(start: number, calendar: BusinessCalendar, rules: RoutineRules): string | null {
  const date = calendar.opening.dayAt(start).date;
  for (const r of rules.releases) {
    if (typeof r === 'string' ? r === date : r.from <= date && date <= r.to) return releaseLabel(r);
  }
  return null;
}

/** A window on the same services, for the overlap warning. */
export interface PlannedWindow {
  readonly id: string;
  readonly start: number;
  readonly end: number;
  /** The base services it takes down; empty means the whole flow (every service). */
  readonly services: readonly string[];
}

export interface OverlapWarning {
  /** The other window. */
  readonly id: string;
  /** The common stretch of time, [from, to). */
  readonly from: number;
  readonly to: number;
  /** The services both windows take down; empty when either takes down the whole flow. */
  readonly services: readonly string[];
}

/**
 * Windows that overlap `window` in time and share at least one service (a window with no
 * services named takes down the whole flow, so it shares every service). A warning for
 * the planner, never a refusal. The window itself (same id) is ignored.
 */
export function overlapWarnings(window: Omit<PlannedWindow, 'id'> & { readonly id?: string }, others: readonly PlannedWindow[]): OverlapWarning[] {
  const warnings: OverlapWarning[] = [];
  for (const other of others) {
    if (window.id !== undefined && other.id === window.id) continue;
    const from = Math.max(window.start, other.start);
    const to = Math.min(window.end, other.end);
    if (to <= from) continue;
    const whole = window.services.length === 0 || other.services.length === 0;
    const shared = whole ? [] : window.services.filter((s) => other.services.includes(s));
    if (!whole && shared.length === 0) continue;
    warnings.push({ id: other.id, from, to, services: shared });
  }
  return warnings.sort((a, b) => a.from - b.from || a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------

/** The first stretch of opening hours inside [start, end), and the minutes of all of them. */
function openingOverlap(opening: BusinessClock, start: number, end: number): { from: number; to: number; minutes: number } | null {
  const total = opening.between(start, end);
  if (total <= 0) return null;
  const from = opening.nextOpening(start);
  const to = Math.min(end, opening.dayAt(from).closeMs!);
  return { from, to, minutes: Math.ceil(total / MINUTE_MS) };
}

function releaseLabel(r: ReleaseDates): string {
  return typeof r === 'string' ? r : `${r.from}–${r.to}`;
}

function releaseList(releases: readonly ReleaseDates[]): string {
  return releases.map(releaseLabel).join(', ');
}

/** An extension of a window's end, and when it was announced by the routine. */
export interface WindowExtension {
  readonly announcedAt: number;
  readonly newEnd: number;
}

export interface Unavailability {
  /** A stretch of opening hours inside the overrun, [from, to). */
  readonly from: number;
  readonly to: number;
  readonly minutes: number;
}

/**
 * The overrun that counts as unavailability (4.6.1): the time after the end in force
 * that falls inside opening hours, when the window actually ended at `actualEnd`. The
 * end in force starts as `announcedEnd`; an extension counts only when it was announced
 * before the end then in force (in order of announcement), since "förlängning där
 * information inte utgått enligt rutiner" is what the contract counts. One entry per
 * stretch of opening hours, so an overrun into Monday 08:00–08:40 is 40 minutes.
 */
export function overrunUnavailability(
  announcedEnd: number,
  actualEnd: number,
  extensions: readonly WindowExtension[],
  calendar: BusinessCalendar,
): Unavailability[] {
  const opening = calendar.opening;
  let endInForce = announcedEnd;
  for (const e of [...extensions].sort((a, b) => a.announcedAt - b.announcedAt)) {
    if (e.announcedAt < endInForce && e.newEnd > endInForce) endInForce = e.newEnd;
  }
  const out: Unavailability[] = [];
  let t = endInForce;
  while (t < actualEnd) {
    const from = opening.nextOpening(t);
    if (from >= actualEnd) break;
    const to = Math.min(actualEnd, opening.dayAt(from).closeMs ?? from);
    out.push({ from, to, minutes: Math.round((to - from) / MINUTE_MS) });
    t = to;
  }
  return out;
}
