// `ssbtek window check`: a service window against the information routine's rules
// (opening hours, notice, order, past; src/domain/windows.ts) and the announcements it
// would get (src/domain/announcements.ts), without a database. One window from the
// options, or a stream of them with --batch (JSON Lines, one answer line per line).
import { z } from 'zod';
import type { Contract } from '../config/contract.js';
import { routineRules, type RoutineRules } from '../config/routine.js';
import { announcementSchedule } from '../domain/announcements.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { checkWindow, type WindowInput } from '../domain/windows.js';
import type { Translator } from '../i18n/index.js';
import { runBatch } from './batch.js';
import type { Command } from './context.js';
import { instant } from './fields.js';
import { isoUtc } from './instant.js';
import { openingHoursText, problemMessage, releasesText, renderWindowCheck, stepLabel } from '../i18n/routine-format.js';
import { jsonLineProcessor, optionalBoolean, refuseBatchConflicts, requireCheck } from './routine-common.js';
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
