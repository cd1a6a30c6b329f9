// The routine's chat transports: announcements to a party's Slack channel (or, for a
// question to an owner, a Slack user: chat.postMessage to a user id lands in the DM with
// the bot) and to Teams through a send function the Teams adapter provides.
//
// The Slack transport uses its own Web API client with no automatic retries and 429s
// rejected: the job queue retries, backs off and honours Retry-After (destination
// `routine:slack`, one message per second per channel by default).
import { webApi } from '@slack/bolt';
import type { JobFailure } from '../jobs/queue.js';
import { slackFailure } from '../platforms/slack/announcer.js';
import type { AnnouncementTransport } from '../services/announcements.js';

export interface SlackRoutineOptions {
  /** SLACK_BOT_TOKEN. */
  token: string;
  /** SLACK_API_URL (a fake in tests); default Slack's. */
  apiUrl?: string;
}

/** The Slack settings of the routine from the environment; null without SLACK_BOT_TOKEN. */
export function slackRoutineOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SlackRoutineOptions | null {
  const token = env.SLACK_BOT_TOKEN?.trim();
  if (!token) return null;
  const apiUrl = env.SLACK_API_URL?.trim();
  return { token, ...(apiUrl ? { apiUrl } : {}) };
}

/** The event type of the metadata each message carries (the same as the incident announcer's). */
const DELIVERY_EVENT = 'ssbtek_delivery';

export class SlackRoutineTransport implements AnnouncementTransport {
  private readonly client: webApi.WebClient;

  constructor(options: SlackRoutineOptions) {
    this.client = new webApi.WebClient(options.token, {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: 10_000,
    });
  }

  async send(channel: string, message: { subject: string; text: string; key: string }): Promise<void> {
    // The subject is the first line in bold; the text follows as written.
    await this.client.chat.postMessage({
      channel,
      text: `*${message.subject}*\n${message.text}`,
      unfurl_links: false,
      unfurl_media: false,
      metadata: { event_type: DELIVERY_EVENT, event_payload: { key: message.key } },
    });
  }

  classify(err: unknown): JobFailure {
    return slackFailure(err);
  }
}

/** A Teams transport over the adapter's proactive send (conversation id → text). */
export function teamsRoutineTransport(send: (conversationId: string, text: string) => Promise<void>): AnnouncementTransport {
  return {
    send: (channel, message) => send(channel, `**${message.subject}**\n\n${message.text}`),
  };
}
