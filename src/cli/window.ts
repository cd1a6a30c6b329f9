// `ssbtek window check`: a service window against the information routine's rules
// (opening hours, notice, order, past; src/domain/windows.ts) and the announcements it
// would get (src/domain/announcements.ts), without a database. One window from the
// options, or a stream of them with --batch (JSON Lines, one answer line per line).
import { z } from 'zod';
import type { Contract } from '../config/contract.js';
import { routineRules, type RoutineRules } from '../config/routine.js';
import { announcementSchedule, type ScheduledAnnouncement } from '../domain/announcements.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { checkWindow, type WindowCheck, type WindowInput, type WindowProblem } from '../domain/windows.js';
import { formatDuration, formatInstant } from '../i18n/format.js';
import type { Translator } from '../i18n/index.js';
import { runBatch } from './batch.js';
import type { Command } from './context.js';
import { instant } from './fields.js';
import { isoUtc } from './instant.js';
import {
  formatSpan,
  formatUntil,
  jsonLineProcessor,
  openingHoursText,
  optionalBoolean,
  refuseBatchConflicts,
  releasesText,
  requireCheck,
  stepLabel,
  stepLabels,
} from './routine-common.js';
import { validateOptions } from './validate.js';

const WINDOW_FIELDS = ['start', 'end', 'release', 'emergency', 'at'] as const;
const EXAMPLE = '{"start":"2027-02-27T02:00+01:00","end":"2027-02-27T06:00+01:00","release":false}';

export const windowCommand: Command = {
  summary: 'routine.window.summary',
  usage: 'routine.window.usage',
  words: true,
  options: ['start', 'end', 'at'],
  flags: ['release', 'emergency', 'json', 'batch'],
  usageVars(ctx) {
    const contract = ctx.contract();
    const rules = routineRules(contract);
    return {
      openingHours: openingHoursText(ctx.tr, contract),
      weeks: rules.noticeWeeks,
      releases: releasesText(ctx.tr, rules.releases),
      ladder: rules.ladder.map((s) => stepLabel(ctx.tr, s)).join(', '),
    };
  },
  async run(ctx, args) {
    requireCheck(ctx, args);
    const contract = ctx.contract();
    const calendar = ctx.calendar();
    const rules = routineRules(contract);
    const zone = contract.timezone;
    if (args.flags.has('batch')) {
      refuseBatchConflicts(args, ['start', 'end', 'release', 'emergency']);
      const { at } = validateOptions(z.object({ at: instant(zone).optional() }), args.values);
      const defaultAt = at ?? ctx.io.now();
      const schema = z.strictObject({
        start: instant(zone, 'routine.error.start.missing'),
        end: instant(zone, 'routine.error.end.missing'),
        release: optionalBoolean(),
        emergency: optionalBoolean(),
        at: instant(zone).nullish(),
      });
      const processLine = jsonLineProcessor(ctx.tr, schema, WINDOW_FIELDS, EXAMPLE, (w) => {
        const input: WindowInput = { start: w.start, end: w.end, release: w.release === true, emergency: w.emergency === true };
        return JSON.stringify(windowJson(ctx.tr, contract, calendar, rules, input, w.at ?? defaultAt));
      });
      await runBatch(ctx.io.stdin, ctx.io.stdout, processLine);
      return;
    }
    const v = validateOptions(
      z.object({ start: instant(zone, 'routine.error.start.missing'), end: instant(zone, 'routine.error.end.missing'), at: instant(zone).optional() }),
      args.values,
    );
    const input: WindowInput = { start: v.start, end: v.end, release: args.flags.has('release'), emergency: args.flags.has('emergency') };
    const at = v.at ?? ctx.io.now();
    if (args.flags.has('json')) {
      ctx.print(JSON.stringify(windowJson(ctx.tr, contract, calendar, rules, input, at)));
      return;
    }
    const check = checkWindow(input, at, calendar, rules);
    const announcements = check.ok ? announcementSchedule(input, at, calendar, rules) : [];
    ctx.print(renderWindowCheck(ctx.tr, contract, rules, input, check, announcements));
  },
};

/** The machine answer: {"ok","problems":[{"rule","message"}],"announcements":[ISO UTC…]}. */
export function windowJson(tr: Translator, contract: Contract, calendar: BusinessCalendar, rules: RoutineRules, input: WindowInput, at: number) {
  const check = checkWindow(input, at, calendar, rules);
  const announcements = check.ok ? announcementSchedule(input, at, calendar, rules) : [];
  return {
    ok: check.ok,
    problems: check.problems.map((p) => ({ rule: p.rule, message: problemMessage(tr, contract, rules, input, check, p) })),
    announcements: announcements.map((a) => isoUtc(a.at)),
  };
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

function problemMessage(tr: Translator, contract: Contract, rules: RoutineRules, input: WindowInput, check: WindowCheck, p: WindowProblem): string {
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
