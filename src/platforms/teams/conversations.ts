// Teams conversation references: where to post proactively (the incident card, reminders,
// escalations). Bot Framework answers each conversation through the service URL it came
// from, so the reference of every conversation the bot is installed in or hears anything
// from is kept in chat_references (platform 'teams', incident_id NULL, the reference in the
// `conversation` JSON column). A conversation never heard from (TEAMS_INCIDENT_CHANNEL
// before anyone spoke there) uses TEAMS_SERVICE_URL. Every URL is checked against the
// service-URL allow-list before it is stored or used.
import type { PrismaClient } from '../../store/index.js';
import type { ServiceUrlAllowList } from './auth/service-urls.js';

export interface ConversationRef {
  /** The conversation id without a `;messageid=` thread suffix. */
  conversationId: string;
  serviceUrl: string;
  conversationType?: string;
  tenantId?: string;
  /** Whether the reference was heard (true) or is the TEAMS_SERVICE_URL default (false). */
  heard: boolean;
}

/** The row that holds a conversation's reference (one per conversation). */
export const CONVERSATION_MARKER = 'conversation';

/** A Teams channel conversation (19:…@thread.…): posts there have reply chains. */
export function isChannelConversation(id: string): boolean {
  return /^19:.+@thread\.(tacv2|skype)/.test(id);
}

/** The conversation id without the `;messageid=…` of a reply chain. */
export function baseConversationId(id: string): string {
  return id.replace(/;messageid=\d+$/, '');
}

/** The id that addresses the reply chain under `rootActivityId` in a channel. */
export function replyChainId(conversationId: string, rootActivityId: string): string {
  return `${baseConversationId(conversationId)};messageid=${rootActivityId}`;
}

export interface HeardActivity {
  serviceUrl?: string;
  conversation?: { id?: string; conversationType?: string; tenantId?: string };
  channelData?: { tenant?: { id?: string } };
}

export class TeamsConversations {
  private readonly known = new Map<string, ConversationRef>();

  constructor(
    private readonly options: {
      prisma: PrismaClient;
      allowList: ServiceUrlAllowList;
      /** TEAMS_SERVICE_URL. */
      defaultServiceUrl: string;
      log: { warn(msg: string): void };
    },
  ) {}

  /** Remembers where an activity came from (written once per conversation and service URL). */
  async heard(activity: HeardActivity): Promise<ConversationRef | null> {
    const rawId = activity.conversation?.id;
    const serviceUrl = activity.serviceUrl;
    if (!rawId || !serviceUrl) return null;
    if (!this.options.allowList.check(serviceUrl).ok) return null;
    const ref: ConversationRef = {
      conversationId: baseConversationId(rawId),
      serviceUrl,
      conversationType: activity.conversation?.conversationType,
      tenantId: activity.conversation?.tenantId ?? activity.channelData?.tenant?.id,
      heard: true,
    };
    const before = this.known.get(ref.conversationId);
    this.known.set(ref.conversationId, ref);
    if (before?.heard && before.serviceUrl === ref.serviceUrl) return ref;
    const conversation = {
      serviceUrl: ref.serviceUrl,
      conversationId: ref.conversationId,
      conversationType: ref.conversationType ?? null,
      tenantId: ref.tenantId ?? null,
    };
    await this.options.prisma.chatReference.upsert({
      where: { platform_channelId_messageId: { platform: 'teams', channelId: ref.conversationId, messageId: CONVERSATION_MARKER } },
      create: { platform: 'teams', channelId: ref.conversationId, messageId: CONVERSATION_MARKER, threadId: null, conversation },
      update: { conversation },
    });
    return ref;
  }

  /** Where to post into `conversationId`: its stored reference, else TEAMS_SERVICE_URL. Null when the stored URL is no longer allowed. */
  async lookup(conversationId: string): Promise<ConversationRef | null> {
    const id = baseConversationId(conversationId);
    let ref = this.known.get(id);
    if (!ref) {
      const row = await this.options.prisma.chatReference.findFirst({
        where: { platform: 'teams', channelId: id, messageId: CONVERSATION_MARKER },
        select: { conversation: true },
      });
      const c = row?.conversation as { serviceUrl?: unknown; conversationType?: unknown; tenantId?: unknown } | null | undefined;
      ref =
        c && typeof c.serviceUrl === 'string'
          ? {
              conversationId: id,
              serviceUrl: c.serviceUrl,
              heard: true,
              ...(typeof c.conversationType === 'string' ? { conversationType: c.conversationType } : {}),
              ...(typeof c.tenantId === 'string' ? { tenantId: c.tenantId } : {}),
            }
          : { conversationId: id, serviceUrl: this.options.defaultServiceUrl, heard: false };
      this.known.set(id, ref);
    }
    const allowed = this.options.allowList.check(ref.serviceUrl);
    if (!allowed.ok) {
      this.options.log.warn(`teams: the stored service URL of a conversation is not allowed (${allowed.reason}); not posting there`);
      return null;
    }
    return ref;
  }
}
