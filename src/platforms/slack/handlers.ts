// The Bolt listeners: `/ssbtek …`, the card's buttons and the modals' submissions.
// Each one acknowledges first (Slack wants an answer within 3 seconds; only modal field
// validation happens inside the ack, because Slack shows those errors in the modal), then
// parses the payload, calls the conversation or a service, and renders the reply.
import type { App as BoltApp, BlockAction, ButtonAction, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Logger } from '../../app.js';
import type { Contract } from '../../config/contract.js';
import { translateUserError, type Conversation, type Reply } from '../../conversation/engine.js';
import { validateIncidentForm } from '../../conversation/forms.js';
import { parseCommand } from '../../conversation/parse.js';
import { isLang, translator, type Lang, type Translator } from '../../i18n/index.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import { isUserError, UserError } from '../../services/errors.js';
import { incidentRef, parseIncidentRef, type Actor, type IncidentService } from '../../services/incidents.js';
import { parseLevel } from '../../domain/priority.js';
import { slackOrigin, type SlackAnnouncer } from './announcer.js';
import {
  ACTION,
  SNOOZE_ACTION,
  CALLBACK,
  decodeMeta,
  encodeMeta,
  incidentBlocks,
  incidentFormValues,
  incidentModal,
  modalErrors,
  notificationText,
  openedConfirmation,
  priorityModal,
  readValues,
  resolveModal,
  textBlocks,
  truncate,
  type Rendered,
} from './blocks.js';
import { describe, type SlackDirectory } from './directory.js';

export interface HandlerDeps {
  conversation: Conversation;
  incidents: IncidentService;
  contract: Contract;
  refs: ChatReferenceService;
  directory: SlackDirectory;
  announcer: SlackAnnouncer;
  now: () => number;
  log: Logger;
  /** The slash command, "/ssbtek". */
  command: string;
}

type Client = BoltApp['client'];

interface Target {
  user: string;
  channel?: string;
  responseUrl?: string;
}

export function registerHandlers(bolt: BoltApp, deps: HandlerDeps): void {
  const { conversation, incidents, contract, refs, directory, announcer, now, log } = deps;
  const slackActor = (id: string): Actor => ({ id, source: 'slack' });

  /** Runs work after the ack; user errors and faults become a translated private reply. */
  async function guarded(tr: Translator, where: string, reply: (text: string) => Promise<void>, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      const text = isUserError(err) ? translateUserError(tr, err) : tr.t('errors.internal');
      if (!isUserError(err)) log.error(`Slack: fault while handling ${where}`, err);
      try {
        await reply(text);
      } catch (replyErr) {
        log.error(`Slack: could not tell the user about a failure in ${where} (${describe(replyErr)})`, replyErr);
      }
    }
  }

  /** A private message: ephemeral in the channel, else through the response_url, else a DM. */
  async function tell(client: Client, target: Target, message: Rendered | string): Promise<void> {
    const { text, blocks } = typeof message === 'string' ? { text: message, blocks: undefined } : message;
    const fallback = truncate(text, 3000);
    if (target.channel) {
      try {
        await client.chat.postEphemeral({ channel: target.channel, user: target.user, text: fallback, ...(blocks ? { blocks } : {}) });
        return;
      } catch (err) {
        log.warn(`Slack: chat.postEphemeral to ${target.channel} failed (${describe(err)}); trying another way`);
      }
    }
    if (target.responseUrl) {
      const res = await fetch(target.responseUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: fallback, ...(blocks ? { blocks } : {}) }),
      }).catch(() => null);
      if (res?.ok) return;
    }
    await client.chat.postMessage({ channel: target.user, text: fallback, ...(blocks ? { blocks } : {}) });
  }

  async function langFromMeta(meta: Record<string, unknown>, user: string): Promise<Lang> {
    return isLang(meta.l) ? meta.l : directory.langOf(user);
  }

  // ------------------------------------------------------------------------ /ssbtek <command>

  bolt.command(deps.command, async ({ command, ack, respond, client }) => {
    await ack();
    const actor = slackActor(command.user_id);
    const lang = await directory.langOf(actor.id);
    const tr = translator(lang);
    const reply = (message: RespondArguments) => respond({ response_type: 'ephemeral', ...message }).then(() => undefined);
    await guarded(tr, `command "${command.text.slice(0, 80)}"`, (text) => reply({ text }), async () => {
      // A retried delivery of a command that changes something is not acted on twice.
      const line = commandText(command.text);
      if (mayChange(line) && !(await refs.claimDelivery(`slack:trigger:${command.trigger_id}`))) return;
      const origin = { channel: command.channel_id };
      const result = await slackOrigin.run(origin, () => conversation.handle(line, { actor, lang, deliveryId: `slack:command:${command.trigger_id}` }));
      await answerCommand(client, respond, tr, command, result);
    });
  });

  async function answerCommand(client: Client, respond: RespondFn, tr: Translator, command: SlashCommand, result: Reply): Promise<void> {
    const ephemeral = (message: Rendered) => respond({ response_type: 'ephemeral', text: truncate(message.text, 3000), blocks: message.blocks });
    switch (result.kind) {
      case 'form': {
        const meta = encodeMeta({ c: command.channel_id, l: tr.lang, r: command.response_url }, ['r']);
        await client.views.open({ trigger_id: command.trigger_id, view: incidentModal(tr, result.form, meta) });
        return;
      }
      case 'incident': {
        const v = result.incident;
        if (result.visibility === 'private' || result.change === null) {
          await ephemeral({ text: notificationText(tr, v), blocks: incidentBlocks(tr, contract, v, { buttons: true, asOf: now() }) });
        } else if (result.change === 'opened') {
          await ephemeral(openedConfirmation(tr, contract, v, announcer.channelFor({ channel: command.channel_id }), now()));
        } else {
          // The change itself shows in the incident's thread; the asker gets a short word.
          const ref = await refs.find(v.id, 'slack');
          const text = `${tr.t(`bot.changed.${result.change}`, { ref: v.ref })}${ref ? ` ${tr.t('slack.confirm.seeThread', { channel: ref.channelId })}` : ''}`;
          await ephemeral({ text, blocks: textBlocks(tr, text) });
        }
        return;
      }
      case 'text':
      case 'list':
      case 'error': {
        const help = result.kind === 'text' && result.text === tr.t('bot.help');
        await ephemeral({ text: result.text, blocks: textBlocks(tr, result.text, { code: help }) });
        return;
      }
    }
  }

  // ----------------------------------------------------------------------------------- buttons

  interface ButtonContext {
    tr: Translator;
    actor: Actor;
    target: Target;
    incidentId: number;
    trigger: string;
    /** The clicked button's action id. */
    actionId: string;
  }

  function onButton(actionId: string | RegExp, handle: (client: Client, ctx: ButtonContext) => Promise<void>): void {
    bolt.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const actor = slackActor(body.user.id);
      const tr = translator(await directory.langOf(actor.id));
      const channel = body.channel?.id ?? (typeof body.container?.channel_id === 'string' ? body.container.channel_id : undefined);
      const target: Target = { user: actor.id, channel, responseUrl: body.response_url };
      await guarded(tr, `button ${actionId}`, (text) => tell(client, target, text), async () => {
        if (!(await refs.claimDelivery(`slack:trigger:${body.trigger_id}`))) return;
        const incidentId = parseIncidentRef(action.value);
        await slackOrigin.run({ channel }, () => handle(client, { tr, actor, target, incidentId, trigger: body.trigger_id, actionId: action.action_id }));
      });
    });
  }

  onButton(ACTION.ack, async (client, { tr, actor, target, incidentId }) => {
    const reply = await conversation.handle(`ack INC-${incidentId}`, { actor, lang: tr.lang });
    if (reply.kind === 'error') await tell(client, target, reply.text);
  });

  // Snooze from a reminder: the answer is private; the pause itself is audited.
  onButton(SNOOZE_ACTION, async (client, { tr, actor, target, incidentId, actionId }) => {
    const minutes = SNOOZE_ACTION.exec(actionId)?.[1];
    const reply = await conversation.handle(`snooze INC-${incidentId} ${minutes}`, { actor, lang: tr.lang });
    await tell(client, target, reply.text);
  });

  onButton(ACTION.resolve, async (client, { tr, actor, target, incidentId, trigger }) => {
    await requireManager('resolve', actor);
    const v = await incidents.get(incidentId, now());
    if (v.status !== 'open' && v.status !== 'acknowledged') throw new UserError('incident.transition', { ref: v.ref, status: v.status, action: 'resolve' });
    await client.views.open({ trigger_id: trigger, view: resolveModal(tr, v, encodeMeta({ i: v.id, c: target.channel, l: tr.lang })) });
  });

  onButton(ACTION.priority, async (client, { tr, actor, target, incidentId, trigger }) => {
    await requireManager('priority', actor);
    const v = await incidents.get(incidentId, now());
    if (v.status === 'closed') throw new UserError('incident.transition', { ref: v.ref, status: v.status, action: 'priority' });
    const meta = encodeMeta({ i: v.id, c: target.channel, l: tr.lang, im: v.impact, tm: v.timing });
    await client.views.open({ trigger_id: trigger, view: priorityModal(tr, contract, v, incidents.suggestTiming(v.receivedAt), meta) });
  });

  async function requireManager(action: 'resolve' | 'priority', actor: Actor): Promise<void> {
    if (!(await directory.authorize(action, actor))) throw new UserError('permission.denied', { action });
  }

  // ------------------------------------------------------------------------- modal submissions

  bolt.view(CALLBACK.incident, async ({ ack, body, view, client }) => {
    const meta = decodeMeta(view.private_metadata);
    const actor = slackActor(body.user.id);
    const lang = await langFromMeta(meta, actor.id);
    const tr = translator(lang);
    const values = incidentFormValues(readValues(view.state));
    const checked = validateIncidentForm(tr, contract, values);
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: modalErrors(checked.errors) });
      return;
    }
    await ack();
    const target = targetOf(meta, actor.id);
    await guarded(tr, 'incident form', (text) => tell(client, target, text), async () => {
      // The view id is the idempotency key: a retried submission returns the same incident.
      const result = await slackOrigin.run({ channel: target.channel }, () => conversation.submitIncidentForm(values, { actor, lang, deliveryId: `slack:view:${view.id}` }));
      if (result.kind === 'formErrors') {
        await tell(client, target, Object.values(result.errors).join('\n'));
      } else if (result.kind === 'incident') {
        // Only the first delivery confirms; a retry found the incident already there.
        if (!(await refs.claimDelivery(`slack:view:${view.id}`))) return;
        await tell(client, target, openedConfirmation(tr, contract, result.incident, announcer.channelFor({ channel: target.channel }), now()));
      } else {
        await tell(client, target, result.text);
      }
    });
  });

  bolt.view(CALLBACK.resolve, async ({ ack, body, view, client }) => {
    const meta = decodeMeta(view.private_metadata);
    const actor = slackActor(body.user.id);
    const tr = translator(await langFromMeta(meta, actor.id));
    const note = (readValues(view.state).note ?? '').trim();
    if (!note) {
      await ack({ response_action: 'errors', errors: modalErrors({ note: tr.t('slack.errors.noteRequired') }) });
      return;
    }
    await ack();
    await changeFromModal(client, tr, 'report-back modal', meta, actor, view.id, 'resolve', () => incidents.resolve(incidentIdOf(meta), note, actor, now()));
  });

  bolt.view(CALLBACK.priority, async ({ ack, body, view, client }) => {
    const meta = decodeMeta(view.private_metadata);
    const actor = slackActor(body.user.id);
    const tr = translator(await langFromMeta(meta, actor.id));
    const values = readValues(view.state);
    const reason = (values.reason ?? '').trim();
    const impact = parseLevel(values.impact);
    const timing = parseLevel(values.timing);
    const errors: Record<string, string> = {};
    for (const [field, value] of [['impact', impact], ['timing', timing]] as const) {
      if (value === null) errors[field] = tr.t('errors.level.invalid', { field: tr.t(`common.${field}.label`), given: values[field] ?? '' });
    }
    if (!reason) errors.reason = tr.t('slack.errors.reasonRequired');
    if (impact !== null && timing !== null && impact === meta.im && timing === meta.tm) errors.impact = translateUserError(tr, new UserError('incident.samePriority', { ref: incidentRef(incidentIdOf(meta)) }));
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors: modalErrors(errors) });
      return;
    }
    await ack();
    await changeFromModal(client, tr, 'priority modal', meta, actor, view.id, 'priority', () => incidents.reprioritise(incidentIdOf(meta), { impact: impact!, timing: timing! }, reason, actor, now()));
  });

  /** A change from a submitted modal: once per view, by a manager, with the modal's channel as its origin. */
  async function changeFromModal(client: Client, tr: Translator, where: string, meta: Record<string, unknown>, actor: Actor, viewId: string, action: 'resolve' | 'priority', change: () => Promise<unknown>): Promise<void> {
    const target = targetOf(meta, actor.id);
    await guarded(tr, where, (text) => tell(client, target, text), async () => {
      if (!(await refs.claimDelivery(`slack:view:${viewId}`))) return;
      await requireManager(action, actor);
      await slackOrigin.run({ channel: target.channel }, change);
    });
  }
}

/**
 * A slash command's text as the person typed it: Slack sends &, < and > as entities and
 * wraps links and mentions it recognises in <…|…>.
 */
export function commandText(text: string): string {
  return text
    .replace(/<([^<>|]*)\|([^<>]*)>/g, '$2')
    .replace(/<([^<>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Whether a command line may change an incident (questions and the empty form need no claim). */
function mayChange(text: string): boolean {
  const parsed = parseCommand(text);
  if (!parsed.ok) return false;
  const { name, fields, words } = parsed.command;
  if (name === 'incident') return Object.keys(fields).length > 0 || words.length > 0;
  return name !== 'help' && name !== 'status' && name !== 'list';
}

function targetOf(meta: Record<string, unknown>, user: string): Target {
  return {
    user,
    channel: typeof meta.c === 'string' && meta.c ? meta.c : undefined,
    responseUrl: typeof meta.r === 'string' && /^https?:\/\//.test(meta.r) ? meta.r : undefined,
  };
}

function incidentIdOf(meta: Record<string, unknown>): number {
  return parseIncidentRef(String(meta.i ?? ''));
}

