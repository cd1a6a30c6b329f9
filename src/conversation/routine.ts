// The information routine's commands in the command language (every surface: terminal,
// Slack, Teams): `fönster`/`window`, `fönstren`/`windows`, `extratid`/`extra-hours` and
// `meddelande`/`notice`. The command table (commands.ts) hands their words here; this
// reads them, calls the services and renders the reply in the asker's language.
//
//   fönster 2027-02-27 02:00–06:00 tjänster=Inkomst,Folkbokföring myndigheter=csn text="…" [release|akut] [beskrivning…]
//   fönster flytta WIN-3 2027-03-06 02:00–06:00      (window move)
//   fönster ställ in WIN-3                            (window cancel)
//   fönster klart WIN-3                               (window done)
//   fönster förläng WIN-3 07:30 | 2027-02-28 07:30    (window extend)
//   fönstren                                          (windows)
//   extratid 2027-03-13 09:00–13:00 | extratid godkänn EXH-1 | extratid avslå EXH-1 <skäl>
//   meddelande INC-4 <offentlig text>                 (notice)
import { DateTime } from 'luxon';
import type { Contract } from '../config/contract.js';
import type { RoutineRules } from '../config/routine.js';
import { formatSpan, renderWindowCheck, stepLabels } from '../i18n/routine-format.js';

import type { BusinessCalendar } from '../domain/calendar.js';
import { capEcho } from '../domain/text.js';
import { formatDuration, formatInstant } from '../i18n/format.js';
import type { Translator } from '../i18n/index.js';
import { isRoutineError, RoutineError } from '../services/announcements.js';
import { ExtraHoursRefused, parseExtraHoursRef, type ExtraHoursService } from '../services/extra-hours.js';
import type { NoticeService } from '../services/notices.js';
import { parseIncidentId } from './commands.js';
import { parseWindowRef, WindowRefused, type WindowResult, type WindowService, type WindowView } from '../services/windows.js';
import type { Actor } from '../services/incidents.js';
import type { FormField, FormSpec } from './forms.js';

export type RoutineCommandName = 'window' | 'windows' | 'extraHours' | 'notice';

/** A routine command as the table parses it: its words, read here. */
export interface RoutineCommand {
  name: RoutineCommandName;
  words: string[];
}

export interface RoutineCommandsDeps {
  windows: WindowService;
  extraHours: ExtraHoursService;
  notices: NoticeService;
  contract: Contract;
  calendar: BusinessCalendar;
  rules: RoutineRules;
  /** Told after a command changed something (the job runner looks for what became due). */
  afterChange?: () => void;
  /**
   * Whether the actor holds the manager role. Deciding extra hours needs it; changing a
   * window needs it unless the actor planned the window. Without it everyone may.
   */
  isManager?: (actor: Actor) => Promise<boolean>;
}

export interface RoutineReply {
  kind: 'text' | 'error';
  text: string;
  code?: string;
}

const SUB = {
  move: ['flytta', 'move'],
  cancel: ['ställ', 'ställin', 'stall', 'inställ', 'avboka', 'cancel'],
  done: ['klart', 'klar', 'done'],
  extend: ['förläng', 'forlang', 'extend'],
  list: ['lista', 'list'],
  approve: ['godkänn', 'godkann', 'approve'],
  reject: ['avslå', 'avsla', 'reject'],
} as const;

const KEYS: Record<string, 'services' | 'agencies' | 'text' | 'description' | 'start' | 'end'> = {
  tjänster: 'services',
  tjanster: 'services',
  services: 'services',
  myndigheter: 'agencies',
  agencies: 'agencies',
  text: 'text',
  public: 'text',
  offentlig: 'text',
  beskrivning: 'description',
  description: 'description',
  start: 'start',
  slut: 'end',
  end: 'end',
};

export class RoutineCommands {
  constructor(private readonly deps: RoutineCommandsDeps) {}

  /** Runs one routine command; refusals of the routine become error replies with their rule. */
  async execute(cmd: RoutineCommand, actor: Actor, tr: Translator, now: number): Promise<RoutineReply> {
    try {
      const text = await this.run(cmd, actor, tr, now);
      if (cmd.name !== 'windows') this.deps.afterChange?.();
      return { kind: 'text', text };
    } catch (err) {
      if (err instanceof WindowRefused)
        return { kind: 'error', code: 'routine.window.refused', text: renderWindowCheck(tr, this.deps.contract, this.deps.rules, err.input, err.check, []) };
      if (err instanceof ExtraHoursRefused) return { kind: 'error', code: err.key, text: this.extraHoursRefusal(tr, err) };
      if (isRoutineError(err)) return { kind: 'error', code: err.key, text: tr.t(err.key, this.params(tr, err.params)) };
      throw err;
    }
  }

  private async run(cmd: RoutineCommand, actor: Actor, tr: Translator, now: number): Promise<string> {
    const words = [...cmd.words];
    switch (cmd.name) {
      case 'windows':
        return this.list(tr, now);
      case 'window': {
        const sub = subcommand(words[0]);
        if (sub === 'cancel' && /^in$/i.test(words[1] ?? '')) words.splice(1, 1); // "ställ in"
        if (sub) words.shift();
        if (sub === 'list' || (!sub && words.length === 0)) return `${this.list(tr, now)}\n${tr.t('routine.chat.windowUsage')}`;
        if (sub === 'move' || sub === 'cancel' || sub === 'done' || sub === 'extend') await this.mayChange(this.windowId(words), actor);
        if (sub === 'move') return this.move(words, actor, tr, now);
        if (sub === 'cancel') return this.changed(tr, await this.deps.windows.cancel(this.windowId(words), actor, now), 'cancelled');
        if (sub === 'done') return this.done(words, actor, tr, now);
        if (sub === 'extend') return this.extend(words, actor, tr, now);
        if (sub) throw new RoutineError('routine.chat.windowUsage');
        return this.plan(words, actor, tr, now);
      }
      case 'extraHours': {
        const sub = subcommand(words[0]);
        if (sub) words.shift();
        if (sub === 'approve' || sub === 'reject') {
          const id = parseExtraHoursRef(words[0]);
          if (id === null) throw new RoutineError('routine.chat.extraHoursUsage');
          if (this.deps.isManager && !(await this.deps.isManager(actor))) throw new RoutineError('routine.error.managerOnly.decide', { ref: `EXH-${id}` });
          const v = await this.deps.extraHours.decide(id, sub === 'approve' ? 'approved' : 'rejected', actor, now, words.slice(1).join(' '));
          return tr.t(`routine.chat.extraHours.${v.status}`, {
            ref: v.ref,
            span: formatSpan(tr, v.from, v.to, this.zone),
            parties: this.deps.rules.parties.length,
          });
        }
        if (sub === 'list' || (!sub && words.length === 0)) return this.extraHoursList(tr, now);
        if (sub) throw new RoutineError('routine.chat.extraHoursUsage');
        const range = this.dateRange(words, 'routine.chat.extraHoursUsage');
        if (range.rest.length) throw new RoutineError('routine.chat.extraHoursUsage');
        const { request, check } = await this.deps.extraHours.request(range, actor, now);
        return tr.t('routine.chat.extraHours.requested', {
          ref: request.ref,
          span: formatSpan(tr, request.from, request.to, this.zone),
          meeting: this.when(tr, check.meeting),
          requestBy: this.when(tr, check.requestBy),
          materialBy: this.when(tr, check.materialBy),
        });
      }
      case 'notice': {
        const id = parseIncidentId(words[0] ?? '');
        const text = words.slice(1).join(' ').trim();
        if (id === null || !text) throw new RoutineError('routine.chat.noticeUsage');
        const v = await this.deps.notices.notice(id, text, actor, now);
        return tr.t(`routine.chat.notice.${v.kind}`, { ref: v.ref, parties: v.told.length, text: v.publicText });
      }
    }
  }

  // ----------------------------------------------------------------------------- windows

  private async plan(words: string[], actor: Actor, tr: Translator, now: number): Promise<string> {
    const fields: Partial<Record<'services' | 'agencies' | 'text' | 'description' | 'start' | 'end', string>> = {};
    const plain: string[] = [];
    let release = false;
    let emergency = false;
    for (const w of words) {
      const m = /^([^=\s]+)=(.*)$/s.exec(w);
      const key = m ? KEYS[m[1]!.toLowerCase()] : undefined;
      if (m && key) fields[key] = m[2]!;
      else if (/^release$/i.test(w)) release = true;
      else if (/^(akut|emergency)$/i.test(w)) emergency = true;
      else plain.push(w);
    }
    let start: number;
    let end: number;
    let rest = plain;
    if (fields.start !== undefined || fields.end !== undefined) {
      start = this.instant(fields.start, 'routine.chat.windowUsage');
      end = this.instant(fields.end, 'routine.chat.windowUsage');
    } else {
      const range = this.dateRange(plain, 'routine.chat.windowUsage');
      ({ from: start, to: end } = range);
      rest = range.rest;
    }
    const description = fields.description ?? rest.join(' ');
    const result = await this.deps.windows.plan(
      { start, end, services: list(fields.services), agencies: list(fields.agencies), description, publicText: fields.text ?? '', release, emergency },
      actor,
      now,
    );
    return this.planned(tr, result);
  }

  private async move(words: string[], actor: Actor, tr: Translator, now: number): Promise<string> {
    const id = this.windowId(words);
    const range = this.dateRange(words.slice(1), 'routine.chat.windowUsage');
    return this.changed(tr, await this.deps.windows.move(id, { start: range.from, end: range.to }, actor, now), 'moved');
  }

  private async extend(words: string[], actor: Actor, tr: Translator, now: number): Promise<string> {
    const id = this.windowId(words);
    const current = await this.deps.windows.get(id);
    const rest = words.slice(1);
    let newEnd: number;
    if (rest.length === 1 && /^\d{1,2}[:.]\d{2}$/.test(rest[0]!)) {
      // A time alone: on the day the window ends, or the day after when that is not later.
      const endDay = DateTime.fromMillis(current.end, { zone: this.zone });
      const [h, m] = rest[0]!.split(/[:.]/).map(Number);
      let candidate = endDay.set({ hour: h, minute: m, second: 0, millisecond: 0 });
      if (candidate.toMillis() <= current.end) candidate = candidate.plus({ days: 1 });
      newEnd = candidate.toMillis();
    } else {
      newEnd = this.instant(rest.join('T'), 'routine.chat.windowUsage');
    }
    const result = await this.deps.windows.extend(id, newEnd, actor, now);
    const text = this.changed(tr, result, 'extended');
    return result.inTime ? text : `${text}\n${tr.t('routine.chat.extendLate')}`;
  }

  private async done(words: string[], actor: Actor, tr: Translator, now: number): Promise<string> {
    const id = this.windowId(words);
    const rest = words.slice(1);
    // "klart WIN-n 08:10" or "… 2027-03-01 08:10": when the work ended, reported afterwards.
    const endedAt = rest.length === 0 ? now : this.reportedEnd(rest, now);
    const { window, unavailability } = await this.deps.windows.done(id, actor, now, endedAt);
    if (unavailability.length === 0) return tr.t('routine.chat.done', { ref: window.ref, at: this.when(tr, endedAt) });
    const minutes = unavailability.reduce((s, u) => s + u.minutes, 0);
    const stretches = unavailability.map((u) => formatSpan(tr, u.from, u.to, this.zone)).join(', ');
    return tr.t('routine.chat.doneOverrun', {
      ref: window.ref,
      at: this.when(tr, endedAt),
      minutes,
      duration: formatDuration(tr, minutes * 60_000),
      stretches,
    });
  }

  /** A reported end: a time alone is the latest such time at or before now; else a full date and time. */
  private reportedEnd(rest: string[], now: number): number {
    if (rest.length === 1 && /^\d{1,2}[:.]\d{2}$/.test(rest[0]!)) {
      const [h, m] = rest[0]!.split(/[:.]/).map(Number);
      let t = DateTime.fromMillis(now, { zone: this.zone }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
      if (!t.isValid) throw new RoutineError('routine.chat.badTime', { given: rest[0]! });
      if (t.toMillis() > now) t = t.minus({ days: 1 });
      return t.toMillis();
    }
    return this.instant(rest.join('T'), 'routine.chat.windowUsage');
  }

  private planned(tr: Translator, r: WindowResult): string {
    const w = r.window;
    const lines = [
      tr.t('routine.chat.planned', {
        ref: w.ref,
        span: formatSpan(tr, w.start, w.end, this.zone),
        duration: formatDuration(tr, w.end - w.start),
        kind: tr.t(`routine.window.kind.${w.kind}`),
      }),
      ...this.scheduleLines(tr, r),
      this.toldLine(tr, r.told),
      ...r.warnings.map((o) =>
        tr.t('routine.chat.overlap', {
          ref: o.id,
          span: formatSpan(tr, o.from, o.to, this.zone),
          services: o.services.length ? o.services.join(', ') : tr.t('routine.announce.fact.allServices'),
        }),
      ),
    ];
    return lines.join('\n');
  }

  private changed(tr: Translator, r: WindowResult, event: 'moved' | 'cancelled' | 'extended'): string {
    const w = r.window;
    return [
      tr.t(`routine.chat.${event}`, { ref: w.ref, span: formatSpan(tr, w.start, w.end, this.zone) }),
      ...this.scheduleLines(tr, r),
      this.toldLine(tr, r.told),
    ].join('\n');
  }

  private scheduleLines(tr: Translator, r: WindowResult): string[] {
    if (r.schedule.length === 0) return [];
    const labels = stepLabels(tr, this.deps.rules.ladder);
    return [tr.t('routine.window.announcements'), ...r.schedule.map((s) => `  ${this.when(tr, s.at)}  ${labels.get(s.step) ?? s.step}`)];
  }

  private toldLine(tr: Translator, told: string[]): string {
    if (this.deps.rules.parties.length === 0) return tr.t('routine.chat.noParties');
    const names = new Map(this.deps.rules.parties.map((p) => [p.id, p.name]));
    return tr.t('routine.chat.told', { parties: told.map((id) => names.get(id) ?? id).join(', ') || '–' });
  }

  private async list(tr: Translator, now: number): Promise<string> {
    const windows = await this.deps.windows.list(now);
    if (windows.length === 0) return tr.t('routine.chat.noWindows');
    return [tr.t('routine.chat.windowsHeader', { count: windows.length }), ...windows.map((w) => this.windowLine(tr, w))].join('\n');
  }

  private windowLine(tr: Translator, w: WindowView): string {
    return tr.t('routine.chat.windowLine', {
      ref: w.ref,
      span: formatSpan(tr, w.start, w.end, this.zone),
      status: tr.t(`routine.chat.status.${w.status}`),
      kind: tr.t(`routine.window.kind.${w.kind}`),
      services: w.services.length ? w.services.join(', ') : tr.t('routine.announce.fact.allServices'),
      text: w.publicText || w.description,
    });
  }

  // ----------------------------------------------------------------------------- extra hours

  private async extraHoursList(tr: Translator, now: number): Promise<string> {
    const all = await this.deps.extraHours.list(now);
    if (all.length === 0) return `${tr.t('routine.chat.extraHours.none')}\n${tr.t('routine.chat.extraHoursUsage')}`;
    return [
      tr.t('routine.chat.extraHours.header', { count: all.length }),
      ...all.map((v) =>
        tr.t('routine.chat.extraHours.line', {
          ref: v.ref,
          span: formatSpan(tr, v.from, v.to, this.zone),
          status: tr.t(`routine.chat.extraHours.status.${v.status}`),
          meeting: this.when(tr, v.meeting),
        }),
      ),
    ].join('\n');
  }

  private extraHoursRefusal(tr: Translator, err: ExtraHoursRefused): string {
    const span = formatSpan(tr, err.request.from, err.request.to, this.zone);
    const c = err.check;
    if (err.key === 'routine.extraHoursRule.tooLate' && c) {
      return tr.t('routine.extraHoursRule.tooLate', {
        span,
        meeting: this.when(tr, c.meeting),
        requestBy: this.when(tr, c.requestBy),
        earliest: c.earliestPossible === null ? '–' : this.when(tr, c.earliestPossible),
      });
    }
    return tr.t(err.key, { span, ...this.params(tr, err.params) });
  }

  // ----------------------------------------------------------------------------- reading words

  private get zone(): string {
    return this.deps.contract.timezone;
  }

  private when(tr: Translator, t: number): string {
    return formatInstant(tr, t, this.zone);
  }

  /** Instants in params become Stockholm time in the reader's language. */
  private params(tr: Translator, params: Record<string, string | number>): Record<string, string | number> {
    const out: Record<string, string | number> = { ...params };
    // What the person typed is echoed masked and capped, never a personnummer.
    for (const k of ['given', 'owner'] as const) if (typeof out[k] === 'string') out[k] = capEcho(out[k] as string);
    for (const k of ['start', 'end', 'open', 'close'] as const) if (typeof out[k] === 'number') out[k] = this.when(tr, out[k] as number);
    const status = out.status;
    if (typeof status === 'string') {
      const key = ['routine.chat.status.', 'routine.chat.extraHours.status.', 'bot.statusWord.'].map((p) => p + status).find((k) => tr.has(k));
      if (key) out.status = tr.t(key);
    }
    return out;
  }

  /** The window's owner or a manager may change it. */
  private async mayChange(id: number, actor: Actor): Promise<void> {
    const window = await this.deps.windows.get(id);
    if (window.owner === actor.id || !this.deps.isManager || (await this.deps.isManager(actor))) return;
    throw new RoutineError('routine.error.managerOnly.change', { ref: window.ref, owner: window.owner });
  }

  private windowId(words: string[]): number {
    const id = parseWindowRef(words[0]);
    if (id === null) throw new RoutineError('routine.chat.windowIdMissing', { given: words[0] ?? '' });
    return id;
  }

  /** "2027-02-27T02:00", "2027-02-27T02:00+01:00": Stockholm time unless an offset is given. */
  private instant(text: string | undefined, usage: string): number {
    if (!text) throw new RoutineError(usage);
    const dt = DateTime.fromISO(text.replace(' ', 'T'), { zone: this.zone, setZone: false });
    if (!dt.isValid || !/^\d{4}-\d{2}-\d{2}[T ]\d{1,2}[:.]?\d{2}/.test(text)) throw new RoutineError('routine.chat.badTime', { given: text });
    return dt.toMillis();
  }

  /** `<date> <from>–<to>` (the end on the next day when it is not after the start), then the rest of the words. */
  private dateRange(words: string[], usage: string): { from: number; to: number; rest: string[] } {
    const [date, range, ...rest] = words;
    if (!date || !range || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RoutineError(usage);
    const m = /^(\d{1,2})[:.](\d{2})\s*[–—-]\s*(\d{1,2})[:.](\d{2})$/.exec(range);
    if (!m) throw new RoutineError('routine.chat.badRange', { given: range });
    const day = DateTime.fromISO(date, { zone: this.zone });
    if (!day.isValid) throw new RoutineError('routine.chat.badTime', { given: date });
    const from = day.set({ hour: Number(m[1]), minute: Number(m[2]) });
    let to = day.set({ hour: Number(m[3]), minute: Number(m[4]) });
    if (Number(m[1]) > 23 || Number(m[3]) > 24 || Number(m[2]) > 59 || Number(m[4]) > 59) throw new RoutineError('routine.chat.badRange', { given: range });
    if (to <= from) to = to.plus({ days: 1 });
    return { from: from.toMillis(), to: to.toMillis(), rest };
  }
}

function subcommand(word: string | undefined): keyof typeof SUB | null {
  if (!word) return null;
  const w = word.toLowerCase();
  for (const [name, words] of Object.entries(SUB) as [keyof typeof SUB, readonly string[]][]) if (words.includes(w)) return name;
  return null;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// ------------------------------------------------------------------------------- the window form

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RANGE = /^(\d{1,2})[:.](\d{2})\s*[–—-]\s*(\d{1,2})[:.](\d{2})$/;

/**
 * The window form (`fönster` alone where a form can be shown: the terminal asks the
 * required fields one by one, Slack shows a modal). Submitted, it becomes the same
 * `window` command as the one-line form.
 */
export function windowForm(tr: Translator): FormSpec {
  const f = (id: string, kind: FormField['kind'], required: boolean, extra: Partial<FormField> = {}): FormField => ({
    id,
    label: tr.t(`routine.form.${id}.label`),
    kind,
    required,
    ...(tr.has(`routine.form.${id}.hint`) ? { hint: tr.t(`routine.form.${id}.hint`) } : {}),
    ...(tr.has(`routine.form.${id}.placeholder`) ? { placeholder: tr.t(`routine.form.${id}.placeholder`) } : {}),
    ...extra,
  });
  return {
    id: 'window',
    title: tr.t('routine.form.title'),
    submit: tr.t('routine.form.submit'),
    cancel: tr.t('routine.form.cancel'),
    intro: tr.t('routine.form.intro'),
    fields: [
      f('date', 'text', true, { maxLength: 10 }),
      f('time', 'text', true, { maxLength: 20 }),
      f('text', 'multiline', true, { maxLength: 3000 }),
      f('services', 'text', false, { maxLength: 500 }),
      f('agencies', 'text', false, { maxLength: 500 }),
      f('kind', 'choice', false, {
        initial: 'normal',
        options: (['normal', 'release', 'emergency'] as const).map((k) => ({ value: k, label: tr.t(`routine.window.kind.${k}`) })),
      }),
      f('description', 'multiline', false, { maxLength: 3000 }),
    ],
    hidden: {},
  };
}

/** Each field's own check (the terminal asks one at a time); null when fine. */
export function checkWindowField(tr: Translator, id: string, value: string | undefined): string | null {
  const v = (value ?? '').trim();
  if (id === 'date') return DATE.test(v) && DateTime.fromISO(v).isValid ? null : tr.t('routine.form.date.invalid', { given: capEcho(v) });
  if (id === 'time') return RANGE.test(v) ? null : tr.t('routine.form.time.invalid', { given: capEcho(v) });
  if (id === 'text') return v ? null : tr.t('routine.form.text.missing');
  if (id === 'kind') return v === '' || ['normal', 'release', 'emergency'].includes(v) ? null : tr.t('routine.form.kind.invalid');
  return null;
}

/** A submitted window form: the `window` command, or a message per field. */
export function windowFormCommand(
  tr: Translator,
  values: Record<string, string | undefined>,
): { ok: true; command: RoutineCommand } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  for (const id of ['date', 'time', 'text', 'kind']) {
    const problem = checkWindowField(tr, id, values[id]);
    if (problem) errors[id] = problem;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const v = (id: string) => (values[id] ?? '').trim();
  const words = [v('date'), v('time').replace(/\s+/g, ''), `text=${v('text')}`];
  if (v('services')) words.push(`tjänster=${v('services')}`);
  if (v('agencies')) words.push(`myndigheter=${v('agencies')}`);
  if (v('kind') === 'release') words.push('release');
  if (v('kind') === 'emergency') words.push('akut');
  if (v('description')) words.push(`beskrivning=${v('description')}`);
  return { ok: true, command: { name: 'window', words } };
}
