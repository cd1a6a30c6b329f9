// Reminders in Slack: in the incident's thread, mentioning the escalation contacts,
// with the next step and snooze as buttons; also in the escalation channel when the
// contacts name one. A failed post throws, so the scheduler keeps the reminder and
// tries again.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../app.js';
import type { Contract } from '../../config/contract.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { ReminderMessage, ReminderSink } from '../../scheduler/reminders.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import { reminderMessage } from './blocks.js';

export interface SlackReminderSinkOptions {
  client: webApi.WebClient;
  refs: ChatReferenceService;
  contract: Contract;
  lang: Lang;
  /** Where a reminder goes when the incident has no Slack message (SLACK_INCIDENT_CHANNEL). */
  incidentChannel?: string;
  log: Logger;
}

export class SlackReminderSink implements ReminderSink {
  readonly name = 'slack';

  constructor(private readonly options: SlackReminderSinkOptions) {}

  async deliver(m: ReminderMessage): Promise<void> {
    const { client, refs, contract, lang, incidentChannel, log } = this.options;
    const message = reminderMessage(translator(lang), contract, m);
    const ref = await refs.find(m.incident.id, 'slack');
    const places: Array<{ channel: string; thread_ts?: string }> = [];
    if (ref) places.push({ channel: ref.channelId, thread_ts: ref.threadId ?? ref.messageId });
    const escalation = m.contacts?.slackChannel;
    if (escalation && escalation !== ref?.channelId) places.push({ channel: escalation });
    if (places.length === 0 && incidentChannel) places.push({ channel: incidentChannel });
    if (places.length === 0) {
      log.info(`Slack: reminder about ${m.incident.ref} not posted: the incident has no Slack message and no channel is configured`);
      return;
    }
    for (const place of places) await client.chat.postMessage({ ...place, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false });
  }
}
