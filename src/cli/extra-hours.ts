// `ssbtek extra-hours check`: a request for extra opening hours (4.1.2) against the
// decision meeting's deadlines (src/domain/extra-hours.ts), without a database. One
// request from the options, or a stream of them with --batch (JSON Lines).
import { z } from 'zod';
import { routineRules, type RoutineRules } from '../config/routine.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { checkExtraHours, decisionMeetingFor, type ExtraHoursCheck, type ExtraHoursRequest } from '../domain/extra-hours.js';
import { formatInstant } from '../i18n/format.js';
import type { Translator } from '../i18n/index.js';
import { runBatch } from './batch.js';
import { CliError, type Command } from './context.js';
import { instant } from './fields.js';
import { isoUtc } from './instant.js';
import { formatSpan, weekdayName } from '../i18n/routine-format.js';
import { jsonLineProcessor, refuseBatchConflicts, requireCheck } from './routine-common.js';
import { validateOptions } from './validate.js';

const EXTRA_HOURS_FIELDS = ['from', 'to', 'at'] as const;
const EXAMPLE = '{"from":"2027-03-13T09:00+01:00","to":"2027-03-13T13:00+01:00"}';

export const extraHoursCommand: Command = {
  summary: 'routine.extraHours.summary',
  usage: 'routine.extraHours.usage',
  words: true,
  options: ['from', 'to', 'at'],
  flags: ['json', 'batch'],
  usageVars(ctx) {
    const e = routineRules(ctx.contract()).extraHours;
    return { meetingDay: weekdayName(ctx.tr, e.meetingWeekday), meetingTime: e.meetingTime, requestWeeks: e.requestWeeks, materialBy: e.materialBy };
  },
  async run(ctx, args) {
    requireCheck(ctx, args);
    const contract = ctx.contract();
    const calendar = ctx.calendar();
    const rules = routineRules(contract);
    const zone = contract.timezone;
    if (args.flags.has('batch')) {
      refuseBatchConflicts(args, ['from', 'to']);
      const { at } = validateOptions(z.object({ at: instant(zone).optional() }), args.values);
      const defaultAt = at ?? ctx.io.now();
      const schema = z.strictObject({
        from: instant(zone, 'routine.error.from.missing'),
        to: instant(zone, 'routine.error.to.missing'),
        at: instant(zone).nullish(),
      });
      const processLine = jsonLineProcessor(ctx.tr, schema, EXTRA_HOURS_FIELDS, EXAMPLE, (r) => {
        const request = orderedRequest(ctx.tr, zone, r.from, r.to);
        return JSON.stringify(extraHoursJson(checkExtraHours(request, r.at ?? defaultAt, calendar, rules)));
      });
      await runBatch(ctx.io.stdin, ctx.io.stdout, processLine);
      return;
    }
    const v = validateOptions(
      z.object({ from: instant(zone, 'routine.error.from.missing'), to: instant(zone, 'routine.error.to.missing'), at: instant(zone).optional() }),
      args.values,
    );
    const request = orderedRequest(ctx.tr, zone, v.from, v.to);
    const check = checkExtraHours(request, v.at ?? ctx.io.now(), calendar, rules);
    ctx.print(args.flags.has('json') ? JSON.stringify(extraHoursJson(check)) : renderExtraHours(ctx.tr, calendar, rules, request, check));
  },
};

/** The machine answer: {"ok","meeting","requestBy","materialBy","earliestPossible"}, instants in UTC. */
export function extraHoursJson(c: ExtraHoursCheck) {
  return {
    ok: c.ok,
    meeting: isoUtc(c.meeting),
    requestBy: isoUtc(c.requestBy),
    materialBy: isoUtc(c.materialBy),
    earliestPossible: c.earliestPossible === null ? null : isoUtc(c.earliestPossible),
  };
}

/** The text for people: in time or not, the meeting, both deadlines and, when late, the earliest possible. */
export function renderExtraHours(tr: Translator, calendar: BusinessCalendar, rules: RoutineRules, request: ExtraHoursRequest, c: ExtraHoursCheck): string {
  const zone = calendar.contract.timezone;
  const when = (t: number) => formatInstant(tr, t, zone);
  const span = formatSpan(tr, request.from, request.to, zone);
  const rows: Array<[string, string]> = [
    [tr.t('routine.extraHours.meeting'), when(c.meeting)],
    [tr.t('routine.extraHours.requestBy'), tr.t('routine.extraHours.requestByNote', { at: when(c.requestBy), weeks: rules.extraHours.requestWeeks })],
    [tr.t('routine.extraHours.materialBy'), when(c.materialBy)],
  ];
  if (c.earliestPossible !== null) {
    const decidedAt = decisionMeetingFor(c.earliestPossible, calendar, rules);
    rows.push([
      tr.t('routine.extraHours.earliestPossible'),
      tr.t('routine.extraHours.earliestNote', { at: when(c.earliestPossible), meeting: when(decidedAt) }),
    ]);
  }
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return [
    tr.t(c.ok ? 'routine.extraHours.inTime' : 'routine.extraHours.tooLate', { span }),
    ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}  ${value}`),
    tr.t('routine.window.zone', { zone }),
  ].join('\n');
}

/** The requested hours, or a CliError when they end before they begin. */
function orderedRequest(tr: Translator, zone: string, from: number, to: number): ExtraHoursRequest {
  if (to <= from) throw new CliError({ key: 'routine.error.extraHoursOrder', vars: { from: formatInstant(tr, from, zone), to: formatInstant(tr, to, zone) } });
  return { from, to };
}
