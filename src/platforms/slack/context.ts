// What every Slack listener shares, written once (Bolt's middleware idea): the
// dependencies, who acts, the reply target, and the one place where a fault becomes a
// translated private message and a log line. No business rule lives here.
import type { App as BoltApp } from '@slack/bolt';
import type { Logger } from '../../app.js';
import type { Contract } from '../../config/contract.js';
import type { Conversation } from '../../conversation/engine.js';
import { isLang, translator, type Lang, type Translator } from '../../i18n/index.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import type { Actor } from '../../services/incidents.js';
import type { SlackAnnouncer } from './announcer.js';
import { truncate, type Rendered } from './blocks/text.js';
import { describe, type SlackDirectory } from './directory.js';

export interface HandlerDeps {
  conversation: Conversation;
  contract: Contract;
  refs: Pick<ChatReferenceService, 'claimDelivery' | 'find'>;
  directory: Pick<SlackDirectory, 'langOf'>;
  announcer: Pick<SlackAnnouncer, 'channelFor'>;
  now: () => number;
  log: Logger;
  /** The slash command, "/ssbtek". */
  command: string;
}

export type Client = BoltApp['client'];

/** Where a private answer goes: ephemeral in the channel, else the response_url, else a DM. */
export interface Target {
  user: string;
  channel?: string;
  responseUrl?: string;
}

export const slackActor = (id: string): Actor => ({ id, source: 'slack' });

/** The language of a modal's submitter: the one the modal was opened in, else their Slack locale. */
export async function langFromMeta(deps: HandlerDeps, meta: Record<string, unknown>, user: string): Promise<Lang> {
  return isLang(meta.l) ? meta.l : deps.directory.langOf(user);
}

export function targetOf(meta: Record<string, unknown>, user: string): Target {
  return {
    user,
    channel: typeof meta.c === 'string' && meta.c ? meta.c : undefined,
    responseUrl: typeof meta.r === 'string' && /^https?:\/\//.test(meta.r) ? meta.r : undefined,
  };
}

/**
 * Runs a listener's work after the ack. The conversation never throws; what can fail
 * here is Slack itself (views.open, a post): the user gets the translated internal-error
 * text and the fault is logged with `where` (a command or form name, never user text).
 */
export async function guarded(
  deps: HandlerDeps,
  tr: Translator,
  where: string,
  reply: (text: string) => Promise<void>,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (err) {
    deps.log.error(`Slack: fault while handling ${where}`, err);
    try {
      await reply(tr.t('errors.internal'));
    } catch (replyErr) {
      deps.log.error(`Slack: could not tell the user about a failure in ${where} (${describe(replyErr)})`, replyErr);
    }
  }
}

/** A private message: ephemeral in the channel, else through the response_url, else a DM. */
export async function tell(deps: HandlerDeps, client: Client, target: Target, message: Rendered | string): Promise<void> {
  const { text, blocks } = typeof message === 'string' ? { text: message, blocks: undefined } : message;
  const fallback = truncate(text, 3000);
  if (target.channel) {
    try {
      await client.chat.postEphemeral({ channel: target.channel, user: target.user, text: fallback, ...(blocks ? { blocks } : {}) });
      return;
    } catch (err) {
      deps.log.warn(`Slack: chat.postEphemeral to ${target.channel} failed (${describe(err)}); trying another way`);
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

export { translator };
