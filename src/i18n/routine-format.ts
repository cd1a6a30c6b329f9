// Texts of the information routine shared by the CLI, the conversation and the routine's
// messages: spans of time, opening hours, weekday names, announcement-ladder steps, release
// dates, and the verdict of a window check (src/domain/windows.ts) for people.
import { DateTime, type WeekdayNumbers } from 'luxon';
import type { Contract } from '../config/contract.js';
import { stepId, type LadderStep, type ReleaseDates, type RoutineRules } from '../config/routine.js';
import type { ScheduledAnnouncement } from '../domain/announcements.js';
import type { WindowCheck, WindowInput, WindowProblem } from '../domain/windows.js';
import { formatDuration, formatInstant } from './format.js';
import type { Translator } from './index.js';

/** "lör 27 feb. 2027 02:00–06:00", or both instants in full when the dates differ. */
export function formatSpan(tr: Translator, from: number, to: number, zone: string): string {
  const until = formatUntil(tr, from, to, zone);
  return until.length <= 5 ? `${formatInstant(tr, from, zone)}–${until}` : `${formatInstant(tr, from, zone)} – ${until}`;
}

/** The end of a span: "06:00" on the same local date as `from`, else the full instant. */
export function formatUntil(tr: Translator, from: number, to: number, zone: string): string {
  const a = DateTime.fromMillis(from, { zone });
  const b = DateTime.fromMillis(to, { zone });
  return a.toISODate() === b.toISODate() && to >= from ? b.toFormat('HH:mm') : formatInstant(tr, to, zone);
}

/** "mån–fre 08:00–17:00" / "Mon–Fri 08:00–17:00". */
export function openingHoursText(tr: Translator, contract: Contract): string {
  const { days, open, close } = contract.openingHours;
  const sorted = [...new Set(days)].sort((x, y) => x - y);
  const name = (weekday: number) =>
    DateTime.fromObject({ weekday: weekday as WeekdayNumbers }, { zone: 'UTC' })
      .setLocale(locale(tr))
      .toFormat('ccc');
  const contiguous = sorted.every((d, i) => i === 0 || d === sorted[i - 1]! + 1);
  const dayText = contiguous && sorted.length > 2 ? `${name(sorted[0]!)}–${name(sorted[sorted.length - 1]!)}` : sorted.map(name).join(', ');
  return `${dayText} ${open}–${close}`;
}

/** The weekday's name in full: "torsdagar"-style texts use it ("torsdag" / "Thursday"). */
export function weekdayName(tr: Translator, weekday: number): string {
  return DateTime.fromObject({ weekday: weekday as WeekdayNumbers }, { zone: 'UTC' })
    .setLocale(locale(tr))
    .toFormat('cccc');
}

/** "4 veckor före", "vid start". */
export function stepLabel(tr: Translator, step: LadderStep): string {
  if (step.at !== 'before') return tr.t(`routine.step.${step.at}`);
  return tr.t('routine.step.before', { amount: step.amount, unit: tr.t(`routine.unit.${step.unit}.${step.amount === 1 ? 'one' : 'other'}`) });
}

/** Labels of a ladder by step id, for rendering a schedule. */
export function stepLabels(tr: Translator, ladder: readonly LadderStep[]): Map<string, string> {
  return new Map(ladder.map((s) => [stepId(s), stepLabel(tr, s)]));
}

export function releasesText(tr: Translator, releases: readonly ReleaseDates[]): string {
  if (releases.length === 0) return tr.t('routine.noReleases');
  return releases.map((r) => (typeof r === 'string' ? r : `${r.from}–${r.to}`)).join(', ');
}

function locale(tr: Translator): string {
  return tr.lang === 'sv' ? 'sv-SE' : 'en-GB';
}

/** The text for people: verdict, each problem, the suggestion, or the announcement schedule. */
export function renderWindowCheck(
  tr: Translator,
  contract: Contract,
  rules: RoutineRules,
  input: WindowInput,
  check: WindowCheck,
  announcements: readonly ScheduledAnnouncement[],
): string {
  const zone = contract.timezone;
  const span = formatSpan(tr, input.start, input.end, zone);
  const duration = formatDuration(tr, input.end - input.start);
  const lines: string[] = [];
  if (check.ok) {
    lines.push(tr.t('routine.window.accepted', { span, duration, kind: tr.t(`routine.window.kind.${check.kind}`) }));
    lines.push(tr.t('routine.window.announcements'));
    const labels = stepLabels(tr, rules.ladder);
    const rows = announcements.map((a) => [formatInstant(tr, a.at, zone), labels.get(a.step) ?? a.step] as const);
    const width = Math.max(...rows.map(([when]) => when.length));
    for (const [when, label] of rows) lines.push(`  ${when.padEnd(width)}  ${label}`);
  } else {
    lines.push(tr.t('routine.window.refused', { span, duration }));
    for (const p of check.problems) lines.push(`  - ${tr.t(`routine.window.rule.${ruleKey(p.rule)}`)}: ${ruleText(tr, contract, rules, input, p)}`);
    const suggestion = suggestionText(tr, zone, input, check);
    if (suggestion) lines.push(suggestion);
  }
  lines.push(tr.t('routine.window.zone', { zone }));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------

export function problemMessage(tr: Translator, contract: Contract, rules: RoutineRules, input: WindowInput, check: WindowCheck, p: WindowProblem): string {
  const text = ruleText(tr, contract, rules, input, p);
  const suggestion = p.rule === 'order' ? null : suggestionText(tr, contract.timezone, input, check);
  return suggestion ? `${text} ${suggestion}` : text;
}

function ruleText(tr: Translator, contract: Contract, rules: RoutineRules, input: WindowInput, p: WindowProblem): string {
  const zone = contract.timezone;
  const when = (t: number) => formatInstant(tr, t, zone);
  switch (p.rule) {
    case 'opening-hours':
      return tr.t('routine.window.problem.openingHours', {
        from: when(p.params.from),
        to: formatUntil(tr, p.params.from, p.params.to, zone),
        minutes: p.params.minutes,
        openingHours: openingHoursText(tr, contract),
      });
    case 'notice':
      return p.params.notARelease && rules.releases.length > 0
        ? tr.t('routine.window.problem.noticeNotARelease', {
            date: when(input.start).replace(/ \d\d:\d\d$/, ''),
            releases: releasesText(tr, rules.releases),
            weeks: p.params.weeks,
            earliest: when(p.params.earliestStart),
          })
        : tr.t('routine.window.problem.notice', { weeks: p.params.weeks, earliest: when(p.params.earliestStart) });
    case 'order':
      return tr.t('routine.window.problem.order', { start: when(p.params.start), end: when(p.params.end) });
    case 'past':
      return tr.t('routine.window.problem.past', { start: when(p.params.start), at: when(p.params.at) });
  }
}

function suggestionText(tr: Translator, zone: string, input: WindowInput, check: WindowCheck): string | null {
  if (check.ok || input.end <= input.start) return null;
  const duration = formatDuration(tr, input.end - input.start);
  if (check.suggestedStart === null) return tr.t('routine.window.noSuggestion', { duration });
  return tr.t('routine.window.suggestion', { duration, at: formatSpan(tr, check.suggestedStart, check.suggestedStart + (input.end - input.start), zone) });
}

function ruleKey(rule: WindowProblem['rule']): string {
  return rule === 'opening-hours' ? 'openingHours' : rule;
}
