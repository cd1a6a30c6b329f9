// What a person does in Teams, as a Command for the conversation, and its Reply back as
// Teams: a typed message (`@SSBTEK incident` in a channel, `incident` in a chat) becomes a
// Command through the conversation's parser; a card button (Action.Execute, an
// `adaptiveCard/action` invoke) becomes the same Command a typed line would; a submitted
// form card is checked by the conversation's form validation (errors come back on the
// card, beside the field, and nothing is stored) and then executed. Roles, the lifecycle,
// validation and every text are the conversation's; this file only translates.
import type { ActivityLike, InvokeResponse } from '@microsoft/teams.api';
import type { App as TeamsSdkApp } from '@microsoft/teams.apps';
import type { Logger } from '../../app.js';
import { isMutating, isParseError, parseIncidentId, type Command, type FormId } from '../../conversation/commands.js';
import type { Conversation, Reply } from '../../conversation/engine.js';
import type { FormSpec } from '../../conversation/forms.js';
import { isLang, langFromLocale, translator, type Lang, type Translator } from '../../i18n/index.js';
import { changeOrigin } from '../../jobs/outbox.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import type { Actor } from '../../services/incidents.js';
import { cardActivity, type TeamsAnnouncer } from './announcer.js';
import { DATA, formCard, readFormData, textCard, VERB, type AdaptiveCard } from './cards.js';
import { baseConversationId, isChannelConversation, replyChainId, type TeamsConversations } from './conversations.js';
import { teamsActor, type TeamsFrom, type TeamsNames } from './people.js';

export interface TeamsHandlerDeps {
  conversation: Conversation;
  refs: Pick<ChatReferenceService, 'claimDelivery'>;
  conversations: TeamsConversations;
  names: TeamsNames;
  announcer: Pick<TeamsAnnouncer, 'renderCard'>;
  /** The language for people whose Teams locale is not supported (SSBTEK_LANG). */
  lang: Lang;
  log: Logger;
}

/** What an incoming Teams activity carries that we read (the SDK's types are wider). */
interface Incoming {
  id?: string;
  /** On a card action: the message that holds the card. */
  replyToId?: string;
  type: string;
  text?: string;
  locale?: string;
  serviceUrl?: string;
  from?: TeamsFrom;
  recipient?: { id?: string; name?: string };
  conversation?: { id?: string; conversationType?: string; tenantId?: string };
  channelData?: { tenant?: { id?: string } };
  entities?: Array<{ type?: string; text?: string; mentioned?: { id?: string } }>;
  value?: { action?: { type?: string; verb?: string; data?: Record<string, unknown> } };
}

/** The card-action answer that replaces the card in place. */
type CardActionAnswer =
  | { statusCode: 200; type: 'application/vnd.microsoft.card.adaptive'; value: AdaptiveCard }
  | { statusCode: 200; type: 'application/vnd.microsoft.activity.message'; value: string };

/** The SDK's type for the same answer (its card type is the SDK's card model; ours is plain JSON). */
type SdkAnswer = NonNullable<InvokeResponse<'adaptiveCard/action'>['body']>;

const inPlace = (card: AdaptiveCard): SdkAnswer =>
  ({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card }) satisfies CardActionAnswer as unknown as SdkAnswer;
const toast = (text: string): SdkAnswer =>
  ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text.slice(0, 2_000) }) satisfies CardActionAnswer as unknown as SdkAnswer;

/** The command line in a message: the bot's own @mention removed, Teams' HTML entities decoded. */
export function commandText(activity: Pick<Incoming, 'text' | 'entities' | 'recipient'>): string {
  let text = activity.text ?? '';
  for (const e of activity.entities ?? []) {
    if (e.type === 'mention' && e.text && (!activity.recipient?.id || e.mentioned?.id === activity.recipient.id)) text = text.split(e.text).join(' ');
  }
  // A channel message reaches the bot only when it is mentioned: a leading mention is the bot's.
  text = text.replace(/^\s*<at>[^<]*<\/at>/i, ' ');
  return text
    .replace(/<at>([^<]*)<\/at>/gi, '$1')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function langOf(deps: TeamsHandlerDeps, activity: Incoming, data?: Record<string, unknown>): Lang {
  const chosen = data?.[DATA.lang];
  if (isLang(chosen)) return chosen;
  return langFromLocale(activity.locale, deps.lang);
}

function whereFrom(activity: Incoming) {
  return { channel: activity.conversation?.id ? baseConversationId(activity.conversation.id) : undefined, platform: 'teams' as const };
}

export function registerTeamsHandlers(app: TeamsSdkApp, deps: TeamsHandlerDeps): void {
  // Every activity: keep the conversation's reference (install, a member added, a message …)
  // and the sender's display name, then route it.
  app.use(async (ctx) => {
    const activity = ctx.activity as unknown as Incoming;
    deps.names.learn(activity.from?.aadObjectId, activity.from?.name);
    try {
      await deps.conversations.heard(activity);
    } catch (err) {
      deps.log.warn(`Teams: could not store a conversation reference (${err instanceof Error ? err.name : 'error'})`);
    }
    return ctx.next();
  });

  app.on('install.add', async ({ activity, send }) => {
    await send(textActivity(translator(langFromLocale((activity as unknown as Incoming).locale, deps.lang)).t('teams.welcome')));
  });

  app.on('message', async ({ activity, send }) => {
    const incoming = activity as unknown as Incoming;
    const lang = langOf(deps, incoming);
    const tr = translator(lang);
    const actor = teamsActor(incoming.from);
    const parsed = deps.conversation.parse(commandText(incoming));
    try {
      if (isParseError(parsed)) {
        await send(messageFor(deps, tr, lang, deps.conversation.refuse(parsed, lang, { actor, lang })));
        return;
      }
      const delivery = `teams:activity:${incoming.id ?? ''}`;
      // A retried delivery of a command that changes something is not acted on twice.
      if (incoming.id && isMutating(parsed) && parsed.name !== 'incident' && !(await deps.refs.claimDelivery(delivery))) return;
      const reply = await changeOrigin.run(whereFrom(incoming), () => deps.conversation.execute(parsed, { actor, lang, deliveryId: delivery, forms: true }));
      await send(messageFor(deps, tr, lang, reply));
    } catch (err) {
      deps.log.error(`Teams: fault while handling ${isParseError(parsed) ? 'a message' : `command ${parsed.name}`}`, err);
      await send(textActivity(tr.t('errors.internal'))).catch(() => undefined);
    }
  });

  app.on('card.action', async ({ activity, send, api }) => {
    const incoming = activity as unknown as Incoming;
    const action = incoming.value?.action ?? {};
    const data = action.data ?? {};
    const lang = langOf(deps, incoming, data);
    const tr = translator(lang);
    const actor = teamsActor(incoming.from);
    // A form that is done (submitted or cancelled) turns into its result for everyone in the
    // conversation, not only for the person who clicked (the invoke answer is theirs alone),
    // so nobody else submits it again.
    const closeForm = async (card: AdaptiveCard) => {
      const conversationId = incoming.conversation?.id;
      if (!incoming.replyToId || !conversationId) return;
      try {
        await api.conversations.updateActivity(conversationId, incoming.replyToId, cardActivity(card));
      } catch (err) {
        deps.log.warn(`Teams: could not replace a finished form for everyone (${err instanceof Error ? err.message.slice(0, 200) : 'error'})`);
      }
    };
    try {
      switch (action.verb) {
        case VERB.submit: {
          const answer = await submitForm(deps, incoming, data, actor, lang, tr);
          if (answer.done) await closeForm(answer.card);
          return inPlace(answer.card);
        }
        case VERB.cancel: {
          const card = textCard(tr.t('teams.form.cancelled'));
          await closeForm(card);
          return inPlace(card);
        }
        default: {
          const command = buttonCommand(action.verb, data);
          if (!command) return toast(tr.t('errors.command.unknown', { word: String(action.verb ?? '').slice(0, 40) }));
          if (incoming.id && isMutating(command) && !(await deps.refs.claimDelivery(`teams:activity:${incoming.id}`))) return toast(tr.t('errors.internal'));
          const reply = await changeOrigin.run(whereFrom(incoming), () => deps.conversation.execute(command, { actor, lang, forms: true }));
          if (reply.kind === 'form') {
            // Åtgärdad / Ändra prioritet: the form goes under the card (its reply chain, in a
            // channel); the card stays as it is.
            const form = cardActivity(formCard(tr, reply.form, { lang }), reply.text);
            const where = incoming.conversation?.id;
            if (where && incoming.replyToId && isChannelConversation(where) && !where.includes(';messageid='))
              await api.conversations.createActivity(replyChainId(where, incoming.replyToId), form);
            else await send(form);
            return toast(reply.text);
          }
          // On the incident card, the card itself changes at once; a reminder stays what it was.
          if (reply.kind === 'card' && data[DATA.on] !== 'reminder') return inPlace(cardOf(deps.announcer.renderCard(reply.incident, lang)));
          if (reply.kind === 'card') return toast(reply.text.split('\n')[0] ?? reply.text);
          return toast(reply.text);
        }
      }
    } catch (err) {
      deps.log.error(`Teams: fault while handling card action ${String(action.verb ?? '').slice(0, 40)}`, err);
      return toast(tr.t('errors.internal'));
    }
  });
}

/** The Command a card button asks for (the incident id is in its data). */
export function buttonCommand(verb: string | undefined, data: Record<string, unknown>): Command | null {
  const id = parseIncidentId(String(data[DATA.incident] ?? ''));
  if (id === null) return null;
  switch (verb) {
    case VERB.ack:
      return { name: 'ack', id };
    case VERB.resolve:
      return { name: 'resolve', id };
    case VERB.priority:
      return { name: 'priority', id };
    case VERB.snooze: {
      const minutes = Number(data[DATA.minutes]);
      return Number.isInteger(minutes) && minutes > 0 ? { name: 'snooze', id, minutes } : { name: 'snooze', id };
    }
    default:
      return null;
  }
}

const FORMS: readonly FormId[] = ['incident', 'resolve', 'priority'];

/** A submitted form's card: the form again with its errors (`done` false), or its outcome. */
async function submitForm(
  deps: TeamsHandlerDeps,
  incoming: Incoming,
  data: Record<string, unknown>,
  actor: Actor,
  lang: Lang,
  tr: Translator,
): Promise<{ card: AdaptiveCard; done: boolean }> {
  const submitted = readFormData(data);
  const form = FORMS.find((f) => f === submitted.form);
  if (!form)
    return { card: textCard(tr.t('errors.command.unknown', { word: String(submitted.form ?? '').slice(0, 40) }), { color: 'attention' }), done: false };
  const checked = deps.conversation.checkForm(form, submitted.values, submitted.hidden, lang);
  if (!checked.ok) {
    // Nothing is stored: the same form comes back with each message beside its field.
    const spec = await formSpec(deps, form, submitted.hidden, actor, lang);
    if (!spec) return { card: textCard(Object.values(checked.errors).join('\n'), { color: 'attention' }), done: false };
    return { card: formCard(tr, spec, { lang, errors: checked.errors, values: submitted.values }), done: false };
  }
  const delivery = `teams:activity:${incoming.id ?? ''}`;
  const command = checked.command;
  // A new incident is idempotent by the delivery id; any other change is claimed before it is made.
  if (incoming.id && command.name !== 'incident' && isMutating(command) && !(await deps.refs.claimDelivery(delivery)))
    return { card: textCard(tr.t('errors.internal')), done: false };
  const reply = await changeOrigin.run(whereFrom(incoming), () => deps.conversation.execute(command, { actor, lang, deliveryId: delivery, forms: true }));
  return { card: resultCard(deps, tr, lang, reply), done: reply.kind === 'card' };
}

/** The form again (for its errors): the incident form, or the resolve/priority form of the incident it was for. */
async function formSpec(deps: TeamsHandlerDeps, form: FormId, hidden: Record<string, unknown>, actor: Actor, lang: Lang): Promise<FormSpec | null> {
  if (form === 'incident') return deps.conversation.incidentForm(lang);
  if (form === 'window') {
    const again = await deps.conversation.execute({ name: 'window', words: [] }, { actor, lang, forms: true });
    return again.kind === 'form' ? again.form : null;
  }
  const id = parseIncidentId(String(hidden.i ?? ''));
  if (id === null) return null;
  const reply = await deps.conversation.execute({ name: form, id }, { actor, lang, forms: true });
  return reply.kind === 'form' ? reply.form : null;
}

/** A form's outcome, shown in place of the form. */
function resultCard(_deps: TeamsHandlerDeps, tr: Translator, lang: Lang, reply: Reply): AdaptiveCard {
  switch (reply.kind) {
    case 'card':
      if (reply.change === 'opened') return textCard(reply.text, { color: 'good' });
      return textCard(reply.text.split('\n')[0] ?? reply.text, { color: 'good' });
    case 'form':
      return formCard(tr, reply.form, { lang });
    case 'error':
    case 'formErrors':
      return textCard(reply.text, { color: 'attention' });
    default:
      return textCard(reply.text);
  }
}

/** A reply to a typed command, as a Teams message. */
export function messageFor(deps: TeamsHandlerDeps, tr: Translator, lang: Lang, reply: Reply): ActivityLike {
  switch (reply.kind) {
    case 'form':
      return cardActivity(formCard(tr, reply.form, { lang }), reply.text) as unknown as ActivityLike;
    case 'card':
      // A change shows on the incident card (updated in place) and in its reply chain; the person gets a short word.
      if (reply.change !== null && reply.visibility === 'public')
        return cardActivity(textCard(reply.text.split('\n')[0] ?? reply.text, { color: 'good' }), reply.text.split('\n')[0]) as unknown as ActivityLike;
      return deps.announcer.renderCard(reply.incident, lang) as unknown as ActivityLike;
    case 'help':
      return cardActivity(textCard(reply.text, { monospace: true })) as unknown as ActivityLike;
    case 'error':
    case 'formErrors':
      return cardActivity(textCard(reply.text, { color: 'attention' }), reply.text.split('\n')[0]) as unknown as ActivityLike;
    default: {
      const card = textCard(reply.text);
      // A picture with the text (the compliance chart), inline when it fits in a Teams message.
      if (reply.kind === 'text' && reply.image && reply.image.png.byteLength <= IMAGE_MAX_BYTES) {
        card.body.push({
          type: 'Image',
          url: `data:image/png;base64,${Buffer.from(reply.image.png).toString('base64')}`,
          altText: reply.image.alt,
          size: 'Stretch',
        });
      }
      return cardActivity(card, reply.text.split('\n')[0]) as unknown as ActivityLike;
    }
  }
}

/** Teams refuses messages over about 28 KB: a larger picture is left out (the text says the same). */
const IMAGE_MAX_BYTES = 18_000;

function textActivity(text: string): ActivityLike {
  return cardActivity(textCard(text), text.split('\n')[0]) as unknown as ActivityLike;
}

function cardOf(activity: ReturnType<TeamsAnnouncer['renderCard']>): AdaptiveCard {
  return (activity as unknown as { attachments: Array<{ content: AdaptiveCard }> }).attachments[0]!.content;
}
