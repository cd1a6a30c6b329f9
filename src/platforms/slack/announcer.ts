// The channel tells the story: every committed change to an incident — from a Slack
// button, a slash command or another platform such as the terminal — updates the incident's
// channel message (chat.update) and adds a line to its thread. New incidents are posted
// to SLACK_INCIDENT_CHANNEL, or to the channel where the Slack command was typed.
//
// Listeners run inside the change's caller (IncidentService awaits them), so this one
// only queues the work and returns: no platform waits on Slack. The queue is serial per
// incident, so a thread reads in the order the changes committed.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../app.js';
import type { Contract } from '../../config/contract.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import type { CommittedChange } from '../../services/incidents.js';
import { incidentMessage, threadText } from './blocks.js';
import { describe } from './directory.js';

/** What a Slack request knows about where it came from; read by the listener. */
export interface SlackOrigin {
  /** The channel the command was typed in / the button was clicked in. */
  channel?: string;
}

export const slackOrigin = new AsyncLocalStorage<SlackOrigin>();

export interface AnnouncerOptions {
  client: webApi.WebClient;
  refs: ChatReferenceService;
  contract: Contract;
  /** Language of channel messages and threads (SSBTEK_LANG). */
  lang: Lang;
  /** SLACK_INCIDENT_CHANNEL. */
  incidentChannel?: string;
  now: () => number;
  log: Logger;
}

export class SlackAnnouncer {
  private readonly queues = new Map<number, Promise<void>>();
  private readonly rendered = new Map<number, number>();
  private stopped = false;

  constructor(private readonly options: AnnouncerOptions) {}

  /** Where a new incident from this origin is announced (null: nowhere known). */
  channelFor(origin: SlackOrigin | undefined): string | null {
    return this.options.incidentChannel ?? origin?.channel ?? null;
  }

  /** The IncidentService commit listener. */
  readonly listener = (change: CommittedChange): void => {
    if (this.stopped) return;
    const origin = slackOrigin.getStore();
    const id = change.incident.id;
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous
      .then(() => this.announce(change, origin))
      .catch((err: unknown) => this.options.log.error(`Slack: could not show ${change.change} of ${change.incident.ref} in the channel (${describe(err)})`, err));
    this.queues.set(id, next);
    void next.finally(() => {
      if (this.queues.get(id) === next) this.queues.delete(id);
    });
  };

  /** Resolves when everything queued so far has been sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.allSettled([...this.queues.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async announce(c: CommittedChange, origin: SlackOrigin | undefined): Promise<void> {
    const { client, refs } = this.options;
    const tr = translator(this.options.lang);
    const v = c.incident;
    if (c.change === 'opened') {
      const channel = this.channelFor(origin);
      if (!channel) {
        this.options.log.info(`Slack: ${v.ref} is not announced: no SLACK_INCIDENT_CHANNEL and no Slack channel of origin`);
        return;
      }
      await this.post(channel, c);
      return;
    }
    let ref = await refs.find(v.id, 'slack');
    if (!ref) {
      // Opened elsewhere before Slack knew it (or never announced): announce it now.
      const channel = this.channelFor(origin);
      if (!channel) return;
      ref = await this.post(channel, c);
    } else if ((this.rendered.get(v.id) ?? -1) <= v.revision) {
      const message = incidentMessage(tr, this.options.contract, v, { buttons: true, asOf: this.options.now() });
      await client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: message.text, blocks: message.blocks });
      this.rendered.set(v.id, v.revision);
    }
    await client.chat.postMessage({ channel: ref.channelId, thread_ts: ref.threadId ?? ref.messageId, text: threadText(tr, c), unfurl_links: false, unfurl_media: false });
  }

  private async post(channel: string, c: CommittedChange) {
    const tr = translator(this.options.lang);
    const v = c.incident;
    const message = incidentMessage(tr, this.options.contract, v, { buttons: true, asOf: this.options.now() });
    const res = await this.options.client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
    if (!res.ts) throw new Error(`chat.postMessage returned no ts for ${v.ref}`);
    const ref = { incidentId: v.id, platform: 'slack' as const, channelId: res.channel ?? channel, messageId: res.ts, threadId: res.ts };
    await this.options.refs.remember(ref);
    this.rendered.set(v.id, v.revision);
    return ref;
  }
}
