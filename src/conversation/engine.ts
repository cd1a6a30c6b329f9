// The conversation: one command language for every platform. A platform adapter turns
// what a person did (a typed line, a button, a submitted form) into a `Command` and
// hands it to `execute` with who did it and in which language; it gets a reply with a
// kind back and renders it. Roles, lifecycle checks, validation and error texts are all
// here or below; no adapter holds one.
import type { Contract } from '../config/contract.js';
import { allowedActions, isAllowed, isIncidentStatus, type LifecycleAction, type ManagerAction } from '../domain/lifecycle.js';
import { capEcho } from '../domain/text.js';
import { formatInstant } from '../i18n/format.js';
import { translator, type Lang, type Translator } from '../i18n/index.js';
import { isUserError, UserError } from '../services/errors.js';
import { incidentRef, type Actor, type ChangeKind, type IncidentService, type IncidentView } from '../services/incidents.js';
import type { ReminderService } from '../services/reminders.js';
import {
  COMMANDS,
  commandSpec,
  commandWord,
  fieldWord,
  isParseError,
  parse,
  roleOf,
  type Command,
  type CommandName,
  type FormId,
  type FormValues,
  type ParseError,
} from './commands.js';
import {
  checkForm,
  incidentForm,
  priorityForm,
  resolveForm,
  validateIncidentForm,
  type FieldErrors,
  type FormCheck,
  type FormSpec,
  type SubmittedValues,
} from './forms.js';
import { incidentListLine, incidentText } from './render.js';
import type { CardState } from '../jobs/outbox.js';
import type { DeliveryProblem } from '../jobs/queue.js';
import { windowForm, type RoutineCommands } from './routine.js';
import type { ComplianceCommands, ReplyImage } from './compliance.js';

/** Who may do what; without it everyone may do everything. */
export type Authorize = (action: ManagerAction, actor: Actor) => boolean | Promise<boolean>;

export interface RequestContext {
  actor: Actor;
  lang: Lang;
  /** A platform delivery id, so a retried delivery changes nothing twice. */
  deliveryId?: string;
  /**
   * Whether the surface can show a form for what a command leaves out (Slack modals, an
   * interactive terminal). Without it `resolve INC-1` with no note is refused with usage.
   */
  forms?: boolean;
}

/**
 * Every reply has a kind, so no platform compares texts; `text` is its plain-text
 * rendering (what the terminal prints, a chat notification). `public` replies tell the
 * channel a story (a change to an incident); `private` ones answer only the asker.
 */
export type Reply =
  | { kind: 'help'; visibility: 'private'; text: string }
  /** `image`: a picture that goes with the text (the compliance chart), for surfaces that show images. */
  | { kind: 'text'; visibility: 'private'; text: string; image?: ReplyImage }
  | { kind: 'error'; visibility: 'private'; text: string; code: string }
  | { kind: 'card'; visibility: 'public' | 'private'; change: ChangeKind | null; incident: IncidentView; text: string }
  | { kind: 'list'; visibility: 'private'; incidents: IncidentView[]; text: string }
  | { kind: 'form'; visibility: 'private'; form: FormSpec; text: string }
  | { kind: 'formErrors'; visibility: 'private'; form: FormId; errors: FieldErrors; text: string };

export type ReplyKind = Reply['kind'];

export interface ConversationDeps {
  incidents: IncidentService;
  /** Present when the reminder scheduler runs: enables `snooze`. */
  reminders?: ReminderService;
  /** Present when the information routine runs: enables window, windows, extra-hours and notice. */
  routine?: RoutineCommands;
  /** Present when orders, problems, outages and the compliance figures are wired: enables order, problem, outage, compliance. */
  compliance?: ComplianceCommands;
  contract: Contract;
  /** The clock: the conversation layer is the lowest that may read it. */
  now: () => number;
  authorize?: Authorize;
  /** Where faults go (never to the chat). The context names the command, never its text. */
  logError?: (err: unknown, context: string) => void;
  /** Told once per command handled (a log line, metrics): its name and outcome, never its text. */
  onCommand?: (record: CommandRecord) => void;
  /** Deliveries of an incident (card, thread lines, reminders) that failed or are being retried: shown by `status`. */
  deliveryProblems?: (incidentId: number) => Promise<DeliveryProblem[]>;
  /** Where the incident's card stands (the outbox): the reply to an opened incident says what actually happened. */
  cardState?: (incidentId: number) => Promise<CardState>;
}

/** One handled command, as logs and metrics see it (fits observability's recordCommand). */
export interface CommandRecord {
  /** The command's name; "unparsed" for a line the parser refused. */
  command: CommandName | 'unparsed';
  outcome: 'ok' | 'user_error' | 'denied' | 'fault';
  ms: number;
  incident?: string;
  source: string;
  delivery?: string;
  actor: string;
}

export class Conversation {
  constructor(private readonly deps: ConversationDeps) {}

  /**
   * The same conversation with some dependencies replaced: a platform takes the app's
   * (every command, the routine, the records) and sets only its own fault log or roles.
   */
  with(overrides: Partial<ConversationDeps>): Conversation {
    return new Conversation({ ...this.deps, ...overrides });
  }

  /** A typed line: parse, then execute. Never throws. */
  async handle(line: string, ctx: RequestContext): Promise<Reply> {
    const command = parse(line);
    if (isParseError(command)) return this.refuse(command, ctx.lang, ctx);
    return this.execute(command, ctx);
  }

  /** The command a line asks for, or why it is not one (see `refuse`). */
  parse(line: string): Command | ParseError {
    return parse(line);
  }

  /** The reply to a line that did not parse (`ctx` only for the record of it). */
  refuse(error: ParseError, lang: Lang, ctx?: RequestContext): Reply {
    const tr = translator(lang);
    if (ctx) this.record(error.command ?? 'unparsed', 'user_error', 0, ctx);
    return errorReply(error.key, this.translateParseError(tr, error));
  }

  /** Runs one command for `ctx.actor`. Never throws: faults become a translated message. */
  async execute(command: Command, ctx: RequestContext): Promise<Reply> {
    const tr = translator(ctx.lang);
    const started = performance.now();
    const incident = 'id' in command && command.id !== undefined ? incidentRef(command.id) : undefined;
    try {
      const reply = await this.run(command, ctx, tr);
      this.record(command.name, reply.kind === 'error' || reply.kind === 'formErrors' ? 'user_error' : 'ok', performance.now() - started, ctx, incident);
      return reply;
    } catch (err) {
      if (isUserError(err)) {
        this.record(command.name, err.code === 'permission.denied' ? 'denied' : 'user_error', performance.now() - started, ctx, incident);
        return errorReply(refusalKey(err), translateUserError(tr, err));
      }
      this.deps.logError?.(err, `command ${command.name}`);
      this.record(command.name, 'fault', performance.now() - started, ctx, incident);
      return errorReply('errors.internal', tr.t('errors.internal'));
    }
  }

  private record(command: CommandRecord['command'], outcome: CommandRecord['outcome'], ms: number, ctx: RequestContext, incident?: string): void {
    if (!this.deps.onCommand) return;
    try {
      this.deps.onCommand({
        command,
        outcome,
        ms,
        source: ctx.actor.source,
        actor: ctx.actor.id,
        ...(incident ? { incident } : {}),
        ...(ctx.deliveryId ? { delivery: ctx.deliveryId } : {}),
      });
    } catch {
      // A failing log or metric never fails the command.
    }
  }

  /** The incident form, with the current Tidpunkt suggestion. */
  incidentForm(lang: Lang): FormSpec {
    return incidentForm(translator(lang), this.deps.contract, this.deps.incidents.suggestTiming(this.deps.now()));
  }

  /** Validates a submitted form: the command it asks for, or messages per field. */
  checkForm(form: FormId, values: SubmittedValues, hidden: Record<string, unknown>, lang: Lang): FormCheck {
    return checkForm(translator(lang), this.deps.contract, form, values, hidden);
  }

  /** A submitted form: field errors, or the executed command's reply. */
  async submitForm(form: FormId, values: SubmittedValues, hidden: Record<string, unknown>, ctx: RequestContext): Promise<Reply> {
    const checked = this.checkForm(form, values, hidden, ctx.lang);
    if (!checked.ok) return formErrorsReply(form, checked.errors);
    return this.execute(checked.command, ctx);
  }

  // ------------------------------------------------------------------------------- commands

  private async run(cmd: Command, ctx: RequestContext, tr: Translator): Promise<Reply> {
    const { incidents } = this.deps;
    const now = this.deps.now();
    const action = commandSpec(cmd.name).action;
    if (action && roleOf(cmd.name) === 'manager') await this.authorize(action as ManagerAction, ctx.actor);
    switch (cmd.name) {
      case 'help':
        return { kind: 'help', visibility: 'private', text: this.helpText(tr) };
      case 'list':
        return this.list(tr, now);
      case 'status': {
        if (cmd.id === undefined) return this.overview(tr, now);
        const reply = this.show(tr, await incidents.get(cmd.id, now), null, 'private');
        const problems = (await this.deps.deliveryProblems?.(cmd.id)) ?? [];
        if (!problems.length) return reply;
        const lines = problems.map((p) =>
          tr.t(p.status === 'failed' ? 'bot.delivery.failed' : 'bot.delivery.retrying', {
            what: tr.t(`bot.delivery.kind.${['card', 'thread', 'reminder'].includes(p.kind) ? p.kind : 'other'}`),
            where: p.channel ? `${p.destination} ${p.channel}` : p.destination,
            attempts: p.attempts,
            max: p.maxAttempts,
            error: p.lastError ?? '?',
          }),
        );
        return { ...reply, text: [reply.text, ...lines].join('\n') };
      }
      case 'incident':
        return this.incident(cmd.values, ctx, tr);
      case 'ack':
        return this.show(tr, await incidents.acknowledge(cmd.id, ctx.actor, now), 'acknowledged');
      case 'resolve':
        if (cmd.note === undefined) {
          if (ctx.forms) return this.formFor('resolve', cmd.id, tr, now);
          return errorReply('errors.incident.noteRequired', tr.t('errors.incident.noteRequired', { ref: incidentRef(cmd.id) }));
        }
        return this.show(tr, await incidents.resolve(cmd.id, cmd.note, ctx.actor, now), 'resolved');
      case 'reopen':
        return this.show(tr, await incidents.reopen(cmd.id, cmd.reason, ctx.actor, now), 'reopened');
      case 'close':
        return this.show(tr, await incidents.close(cmd.id, ctx.actor, now), 'closed');
      case 'priority': {
        if (cmd.impact === undefined || cmd.timing === undefined || cmd.reason === undefined) {
          if (ctx.forms) return this.formFor('priority', cmd.id, tr, now);
          if (cmd.impact === undefined || cmd.timing === undefined) return errorReply('errors.command.priorityUsage', tr.t('errors.command.priorityUsage'));
          return errorReply('errors.incident.reasonRequired', tr.t('errors.incident.reasonRequired', { ref: incidentRef(cmd.id) }));
        }
        const view = await incidents.reprioritise(cmd.id, { impact: cmd.impact, timing: cmd.timing }, cmd.reason, ctx.actor, now);
        return this.show(tr, view, 'reprioritised');
      }
      case 'snooze':
        return this.snooze(cmd.id, cmd.minutes, ctx, tr, now);
      case 'note':
        return this.show(tr, await incidents.note(cmd.id, cmd.text, ctx.actor, now), 'noted');
      case 'window':
      case 'windows':
      case 'extraHours':
      case 'notice': {
        if (!this.deps.routine) return errorReply('errors.command.unknown', tr.t('errors.command.unknown', { word: commandWord(cmd.name, tr.lang) }));
        if (cmd.name === 'window' && cmd.words.length === 0 && ctx.forms)
          return { kind: 'form', visibility: 'private', form: windowForm(tr), text: tr.t('routine.form.intro') };
        const reply = await this.deps.routine.execute(cmd, ctx.actor, tr, now);
        return reply.kind === 'error' ? errorReply(reply.code ?? 'routine', reply.text) : { kind: 'text', visibility: 'private', text: reply.text };
      }
      case 'order':
      case 'problem':
      case 'outage':
      case 'compliance': {
        if (!this.deps.compliance) return errorReply('errors.command.unknown', tr.t('errors.command.unknown', { word: commandWord(cmd.name, tr.lang) }));
        const reply = await this.deps.compliance.run(cmd.name, cmd.words, {
          actor: ctx.actor,
          tr,
          now,
          deliveryId: ctx.deliveryId,
          authorize: (a) => this.authorize(a, ctx.actor),
        });
        if (reply.kind === 'error') return errorReply(reply.code ?? 'compliance', reply.text);
        return { kind: 'text', visibility: 'private', text: reply.text, ...(reply.image ? { image: reply.image } : {}) };
      }
    }
  }

  private async incident(values: FormValues | undefined, ctx: RequestContext, tr: Translator): Promise<Reply> {
    if (values === undefined) {
      const form = this.incidentForm(ctx.lang);
      return { kind: 'form', visibility: 'private', form, text: tr.t('bot.form.intro') };
    }
    const missing = (['impact', 'title'] as const).filter((k) => !values[k]);
    if (missing.length)
      return errorReply(
        'errors.command.incidentMissing',
        tr.t('errors.command.incidentMissing', { fields: missing.map((k) => tr.t(`bot.fieldName.${k}`)).join(', ') }),
      );
    const checked = validateIncidentForm(tr, this.deps.contract, { ...values, security: values.security ?? '' });
    if (!checked.ok) return errorReply('errors.incident.fields', Object.values(checked.errors).join('\n'));
    const v = checked.values;
    const view = await this.deps.incidents.open(
      {
        impact: v.impact,
        timing: v.timing,
        title: v.title,
        agencyId: v.org,
        description: v.description,
        security: v.security,
        baseServices: v.services,
        idempotencyKey: ctx.deliveryId,
      },
      ctx.actor,
      this.deps.now(),
    );
    const reply = this.show(tr, view, 'opened');
    // Say what actually happened to the card: written to the outbox with the incident, it
    // is posted by whichever replica runs the platform, maybe not yet, maybe not at all.
    const card = await this.deps.cardState?.(view.id);
    if (!card || card.state === 'none') return reply;
    const platform = card.destination === 'teams' ? 'Teams' : card.destination === 'slack' ? 'Slack' : card.destination;
    const line =
      card.state === 'posted'
        ? tr.t('bot.card.posted', { platform, channel: card.channel })
        : card.state === 'failed'
          ? tr.t('bot.card.failed', { platform, ref: view.ref, error: card.lastError ?? '?' })
          : tr.t('bot.card.pending', { platform });
    return { ...reply, text: `${reply.text}\n${line}` };
  }

  /** The resolve or priority form for an incident, if its status allows the action. */
  private async formFor(form: 'resolve' | 'priority', id: number, tr: Translator, now: number): Promise<Reply> {
    const v = await this.deps.incidents.get(id, now);
    if (!isAllowed(v.status, form)) throw new UserError('incident.transition', { ref: v.ref, status: v.status, action: form });
    const spec = form === 'resolve' ? resolveForm(tr, v) : priorityForm(tr, this.deps.contract, v, this.deps.incidents.suggestTiming(v.receivedAt));
    return {
      kind: 'form',
      visibility: 'private',
      form: spec,
      text: tr.t(form === 'resolve' ? 'bot.form.resolveAsk' : 'bot.form.priorityAsk', { ref: v.ref, title: v.title }),
    };
  }

  private async snooze(id: number, minutes: number | undefined, ctx: RequestContext, tr: Translator, now: number): Promise<Reply> {
    const reminders = this.deps.reminders;
    if (!reminders) return errorReply('errors.command.unknown', tr.t('errors.command.unknown', { word: commandWord('snooze', tr.lang) }));
    const allowed = this.deps.contract.reminders.snoozeMinutes;
    const chosen = minutes ?? allowed[0]!;
    if (!allowed.includes(chosen)) throw new UserError('reminder.snoozeMinutes', { given: chosen, allowed: allowed.join(', ') });
    const { target, until } = await reminders.snooze(id, chosen, ctx.actor, now);
    return {
      kind: 'text',
      visibility: 'private',
      text: tr.t('reminder.snoozed', {
        ref: incidentRef(id),
        label: tr.t(`common.deadline.${target}`),
        until: formatInstant(tr, until, this.deps.contract.timezone),
      }),
    };
  }

  private async overview(tr: Translator, now: number): Promise<Reply> {
    const open = await this.deps.incidents.listOpen(now);
    if (open.length === 0) return { kind: 'list', visibility: 'private', incidents: [], text: tr.t('bot.list.empty') };
    const broken = open.filter((v) => v.response.state === 'broken' || v.resolution.state === 'broken').length;
    const text = [tr.t('bot.list.overview', { count: open.length, broken }), incidentListLine(tr, this.deps.contract, open[0]!)].join('\n');
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
    return { kind: 'card', visibility, change, incident, text };
  }

  /** The help, from the command table: a command added there appears here. */
  private helpText(tr: Translator): string {
    const minutes = this.deps.contract.reminders.snoozeMinutes.join(tr.lang === 'sv' ? ' eller ' : ' or ');
    const line = (key: string) => {
      const prefix = key.includes('.') ? key : `bot.commands.${key}`;
      const usage = tr.t(`${prefix}.usage`);
      return `  ${usage.length < 30 ? usage.padEnd(30) : `${usage}   `}${tr.t(`${prefix}.summary`, { minutes })}`;
    };
    const lines = [tr.t('bot.helpHeader')];
    for (const spec of COMMANDS) {
      if (spec.name === 'snooze' && !this.deps.reminders) continue;
      if (spec.help?.startsWith('routine.') && !this.deps.routine) continue;
      if (spec.help?.startsWith('cases.') && !this.deps.compliance) continue;
      lines.push(line(spec.help ?? spec.name));
      if (spec.name === 'incident') lines.push(line('incidentInline'));
    }
    lines.push(tr.t('bot.helpFooter', { words: COMMANDS.map((c) => c.words.sv[0]).join(', ') }));
    return lines.join('\n');
  }

  private async authorize(action: ManagerAction, actor: Actor): Promise<void> {
    if (this.deps.authorize && !(await this.deps.authorize(action, actor))) throw new UserError('permission.denied', { action });
  }

  // --------------------------------------------------------------------------------- errors

  private translateParseError(tr: Translator, e: ParseError): string {
    const params: Record<string, string | number> = echoSafe(e.params);
    const spec = e.command ? commandSpec(e.command) : undefined;
    if (spec) {
      params.example = tr.t(`${spec.help ?? `bot.commands.${spec.name}`}.usage`);
      params.command = commandWord(spec.name, tr.lang);
      params.allowed = spec.keys.map((k) => `${fieldWord(k, tr.lang)}=`).join(', ');
    }
    if (e.key === 'errors.reminder.snoozeMinutes') params.allowed = this.deps.contract.reminders.snoozeMinutes.join(', ');
    if (e.key === 'errors.level.invalid') params.field = tr.t(`common.${String(params.field)}.label`);
    return tr.t(e.key, params);
  }
}

/** Params that carry what the person typed: masked and capped before they are shown. */
const ECHOED = new Set(['given', 'word', 'words', 'keys', 'key', 'org']);

function echoSafe(params: Record<string, string | number>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) out[k] = ECHOED.has(k) ? capEcho(String(v)) : v;
  return out;
}

function errorReply(code: string, text: string): Reply {
  return { kind: 'error', visibility: 'private', text, code };
}

function formErrorsReply(form: FormId, errors: FieldErrors): Reply {
  return { kind: 'formErrors', visibility: 'private', form, errors, text: Object.values(errors).join('\n') };
}

function refusalKey(err: UserError): string {
  return err.code === 'incident.transition' ? `bot.refuse.${String(err.params.action)}` : `errors.${err.code}`;
}

/** A refusal from below, in the asker's language, with anything they typed masked and capped. */
export function translateUserError(tr: Translator, err: UserError): string {
  const params = echoSafe(err.params);
  if (err.code === 'incident.transition') return transitionText(tr, String(params.ref), String(params.status), String(params.action));
  if (err.code === 'level.invalid') params.field = tr.t(`common.${String(params.field)}.label`);
  if (err.code === 'permission.denied') params.action = tr.t(`bot.action.${String(params.action)}`);
  return tr.t(`errors.${err.code}`, params);
}

/** "Kan inte stänga INC-4: den är öppen. Det som går nu: kvittera, åtgärdad, prioritet, snooza." */
function transitionText(tr: Translator, ref: string, status: string, action: string): string {
  const refusal = tr.t(`bot.refuse.${action}`, { ref, status: tr.t(`bot.statusWord.${status}`) });
  const possible = isIncidentStatus(status) ? allowedActions(status).map((a) => commandWord(commandFor(a), tr.lang)) : [];
  return `${refusal} ${possible.length ? tr.t('bot.refuse.possible', { actions: possible.join(', ') }) : tr.t('bot.refuse.nothing')}`;
}

function commandFor(action: LifecycleAction): CommandName {
  return COMMANDS.find((c) => c.action === action)!.name;
}
