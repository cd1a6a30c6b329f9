// The conversation: one command language for every platform. A platform adapter
// hands in a line (or a submitted form) with who said it and in which language, and
// gets a platform-neutral reply. No business rule lives in an adapter.
import type { Contract } from '../config/contract.js';
import { translator, type Lang, type Translator } from '../i18n/index.js';
import { isUserError, UserError } from '../services/errors.js';
import { incidentRef, parseIncidentRef, type Actor, type ChangeKind, type IncidentService, type IncidentView } from '../services/incidents.js';
import { incidentForm, validateIncidentForm, type FieldErrors, type FormSpec, type FormValues } from './forms.js';
import { parseCommand, type ParsedCommand } from './parse.js';
import { incidentListLine, incidentText } from './render.js';
import type { ReminderService } from '../services/reminders.js';
import { formatInstant } from '../i18n/format.js';
import { parseLevel } from '../domain/priority.js';

/** Who may do what; the default allows everyone everything. */
export type Authorize = (action: 'resolve' | 'priority' | 'close' | 'reopen', actor: Actor) => boolean | Promise<boolean>;

export interface RequestContext {
  actor: Actor;
  lang: Lang;
  /** A platform delivery id, so a retried delivery changes nothing twice. */
  deliveryId?: string;
}

/**
 * `public` replies tell the channel a story (a change to an incident);
 * `private` ones answer only the asker.
 */
export type Reply =
  | { kind: 'text'; visibility: 'private'; text: string }
  | { kind: 'error'; visibility: 'private'; text: string }
  | { kind: 'incident'; visibility: 'public' | 'private'; change: ChangeKind | null; incident: IncidentView; text: string }
  | { kind: 'list'; visibility: 'private'; incidents: IncidentView[]; text: string }
  | { kind: 'form'; visibility: 'private'; form: FormSpec; text: string };

export type FormResult = Reply | { kind: 'formErrors'; errors: FieldErrors };

export interface ConversationDeps {
  incidents: IncidentService;
  /** Present when the reminder scheduler runs: enables `snooze`. */
  reminders?: ReminderService;
  contract: Contract;
  /** The clock: the conversation layer is the lowest that may read it. */
  now: () => number;
  authorize?: Authorize;
  /** Where faults go (never to the chat). */
  logError?: (err: unknown, context: string) => void;
}

export class Conversation {
  constructor(private readonly deps: ConversationDeps) {}

  /** Handles one command line. Never throws: faults become a translated message. */
  async handle(line: string, ctx: RequestContext): Promise<Reply> {
    const tr = translator(ctx.lang);
    return this.guard(tr, `command "${line.slice(0, 80)}"`, () => this.dispatch(line, ctx, tr));
  }

  /** The incident form for interactive platforms, with the current Tidpunkt suggestion. */
  incidentForm(lang: Lang): FormSpec {
    return incidentForm(translator(lang), this.deps.contract, this.deps.incidents.suggestTiming(this.deps.now()));
  }

  /** Handles a submitted incident form: field errors, or the opened incident. */
  async submitIncidentForm(values: FormValues, ctx: RequestContext): Promise<FormResult> {
    const tr = translator(ctx.lang);
    const checked = validateIncidentForm(tr, this.deps.contract, values);
    if (!checked.ok) return { kind: 'formErrors', errors: checked.errors };
    return this.guard(tr, 'incident form', () => this.open(tr, ctx, checked.input));
  }

  private async dispatch(line: string, ctx: RequestContext, tr: Translator): Promise<Reply> {
    const parsed = parseCommand(line);
    if (!parsed.ok) {
      if (parsed.problem === 'empty') return this.help(tr);
      return error(tr.t('errors.command.unknown', { word: parsed.word }));
    }
    const cmd = parsed.command;
    if (cmd.unknownKeys.length) return error(tr.t('errors.command.unknownKeys', { keys: cmd.unknownKeys.join(', ') }));
    const { incidents } = this.deps;
    const now = this.deps.now();
    switch (cmd.name) {
      case 'help':
        return this.help(tr);
      case 'incident':
        return this.incident(cmd, ctx, tr);
      case 'status':
        if (cmd.words.length === 0) return this.overview(tr, now);
        return this.show(tr, await incidents.get(parseIncidentRef(cmd.words[0]), now), null, 'private');
      case 'list':
        return this.list(tr, now);
      case 'ack':
        return this.show(tr, await incidents.acknowledge(this.ref(cmd), ctx.actor, now), 'acknowledged');
      case 'resolve':
        await this.authorize('resolve', ctx.actor);
        return this.show(tr, await incidents.resolve(this.ref(cmd), cmd.words.slice(1).join(' '), ctx.actor, now), 'resolved');
      case 'reopen':
        await this.authorize('reopen', ctx.actor);
        return this.show(tr, await incidents.reopen(this.ref(cmd), cmd.words.slice(1).join(' '), ctx.actor, now), 'reopened');
      case 'close':
        await this.authorize('close', ctx.actor);
        return this.show(tr, await incidents.close(this.ref(cmd), ctx.actor, now), 'closed');
      case 'snooze': {
        if (!this.deps.reminders) return error(tr.t('errors.command.unknown', { word: cmd.name }));
        const id = this.ref(cmd);
        const allowed = this.deps.contract.reminders.snoozeMinutes;
        const given = cmd.words[1];
        if (given !== undefined && !/^\d{1,4}$/.test(given)) throw new UserError('reminder.snoozeMinutes', { given, allowed: allowed.join(', ') });
        const minutes = given === undefined ? allowed[0] : Number(given);
        const { target, until } = await this.deps.reminders.snooze(id, minutes, ctx.actor, now);
        return { kind: 'text', visibility: 'private', text: tr.t('reminder.snoozed', { ref: incidentRef(id), label: tr.t(`common.deadline.${target}`), until: formatInstant(tr, until, this.deps.contract.timezone) }) };
      }
      case 'priority': {
        await this.authorize('priority', ctx.actor);
        const id = this.ref(cmd);
        if (cmd.fields.impact === undefined || cmd.fields.timing === undefined) return error(tr.t('errors.command.priorityUsage'));
        const view = await incidents.reprioritise(id, { impact: level(cmd.fields.impact, 'impact'), timing: level(cmd.fields.timing, 'timing') }, cmd.words.slice(1).join(' '), ctx.actor, now);
        return this.show(tr, view, 'reprioritised');
      }
    }
  }

  private async incident(cmd: ParsedCommand, ctx: RequestContext, tr: Translator): Promise<Reply> {
    const f = cmd.fields;
    if (Object.keys(f).length === 0 && cmd.words.length === 0) {
      const form = this.incidentForm(ctx.lang);
      return { kind: 'form', visibility: 'private', form, text: tr.t('bot.form.intro') };
    }
    if (cmd.words.length) return error(tr.t('errors.command.incidentUsage', { words: cmd.words.join(' ') }));
    const missing = (['impact', 'title'] as const).filter((k) => !f[k]);
    if (missing.length) return error(tr.t('errors.command.incidentMissing', { fields: missing.map((k) => tr.t(`bot.fieldName.${k}`)).join(', ') }));
    const checked = validateIncidentForm(tr, this.deps.contract, { ...f, security: f.security ?? '' });
    if (!checked.ok) return error(Object.values(checked.errors).join('\n'));
    return this.open(tr, ctx, checked.input);
  }

  private async open(tr: Translator, ctx: RequestContext, input: Parameters<IncidentService['open']>[0]): Promise<Reply> {
    const view = await this.deps.incidents.open({ ...input, idempotencyKey: ctx.deliveryId }, ctx.actor, this.deps.now());
    return this.show(tr, view, 'opened');
  }

  private async overview(tr: Translator, now: number): Promise<Reply> {
    const open = await this.deps.incidents.listOpen(now);
    const broken = open.filter((v) => v.response.state === 'broken' || v.resolution.state === 'broken').length;
    if (open.length === 0) return { kind: 'list', visibility: 'private', incidents: [], text: tr.t('bot.list.empty') };
    const text = [tr.t('bot.list.overview', { count: open.length, broken }), incidentListLine(tr, this.deps.contract, open[0])].join('\n');
    return { kind: 'list', visibility: 'private', incidents: open.slice(0, 1), text };
  }

  private async list(tr: Translator, now: number): Promise<Reply> {
    const open = await this.deps.incidents.listOpen(now);
    if (open.length === 0) return { kind: 'list', visibility: 'private', incidents: [], text: tr.t('bot.list.empty') };
    const lines = [tr.t('bot.list.header', { count: open.length }), ...open.map((v) => incidentListLine(tr, this.deps.contract, v))];
    return { kind: 'list', visibility: 'private', incidents: open, text: lines.join('\n') };
  }

  private show(tr: Translator, incident: IncidentView, change: ChangeKind | null, visibility: 'public' | 'private' = 'public'): Reply {
    const body = incidentText(tr, this.deps.contract, incident);
    const text = change ? `${tr.t(`bot.changed.${change}`, { ref: incident.ref })}\n${body}` : body;
    return { kind: 'incident', visibility, change, incident, text };
  }

  private help(tr: Translator): Reply {
    return { kind: 'text', visibility: 'private', text: tr.t('bot.help') };
  }

  private ref(cmd: ParsedCommand): number {
    return parseIncidentRef(cmd.words[0]);
  }

  private async authorize(action: Parameters<Authorize>[0], actor: Actor): Promise<void> {
    if (this.deps.authorize && !(await this.deps.authorize(action, actor))) throw new UserError('permission.denied', { action });
  }

  private async guard(tr: Translator, context: string, work: () => Promise<Reply>): Promise<Reply> {
    try {
      return await work();
    } catch (err) {
      if (isUserError(err)) return error(translateUserError(tr, err));
      this.deps.logError?.(err, context);
      return error(tr.t('errors.internal'));
    }
  }
}

function error(text: string): Reply {
  return { kind: 'error', visibility: 'private', text };
}

/** "3" → 3; anything but 1–4 is refused with what was given. */
function level(text: string, field: 'impact' | 'timing'): number {
  const parsed = parseLevel(text);
  if (parsed === null) throw new UserError('level.invalid', { field, given: text });
  return parsed;
}

export function translateUserError(tr: Translator, err: UserError): string {
  const params = { ...err.params };
  if (err.code === 'incident.transition') {
    params.status = tr.t(`bot.status.${String(params.status)}`).toLowerCase();
    params.action = tr.t(`bot.action.${String(params.action)}`);
  }
  if (err.code === 'level.invalid') params.field = tr.t(`common.${String(params.field)}.label`);
  if (err.code === 'permission.denied') params.action = tr.t(`bot.action.${String(params.action)}`);
  return tr.t(`errors.${err.code}`, params);
}
