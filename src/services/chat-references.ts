// Where an incident lives in chat, and which platform deliveries were already handled.
// Chat adapters keep the message that tells an incident's story (Slack channel + ts,
// Teams activity) so later changes update it and add to its thread; and they claim each
// platform delivery id once, so a retried delivery changes nothing twice. Adapters use
// this service and never Prisma directly.
import type { Prisma, PrismaClient } from '../store/index.js';

export type ChatPlatform = 'slack' | 'teams';

export interface ChatMessageRef {
  incidentId: number;
  platform: ChatPlatform;
  /** Slack channel id / Teams conversation id. */
  channelId: string;
  /** Slack message ts / Teams activity id. */
  messageId: string;
  /** Slack thread ts (the root message's ts) / Teams reply chain id. */
  threadId: string | null;
  /** Teams conversation reference, for proactive messages. */
  conversation?: unknown;
}

export class ChatReferenceService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Remembers the message that shows an incident (idempotent per platform, channel and message). */
  async remember(ref: ChatMessageRef): Promise<void> {
    const conversation = ref.conversation === undefined ? undefined : (ref.conversation as Prisma.InputJsonValue);
    await this.prisma.chatReference.upsert({
      where: { platform_channelId_messageId: { platform: ref.platform, channelId: ref.channelId, messageId: ref.messageId } },
      create: { incidentId: ref.incidentId, platform: ref.platform, channelId: ref.channelId, messageId: ref.messageId, threadId: ref.threadId, conversation },
      update: { incidentId: ref.incidentId, threadId: ref.threadId, conversation },
    });
  }

  /** The first message remembered for the incident on the platform, or null. */
  async find(incidentId: number, platform: ChatPlatform): Promise<ChatMessageRef | null> {
    const row = await this.prisma.chatReference.findFirst({ where: { incidentId, platform }, orderBy: { id: 'asc' } });
    if (!row || row.incidentId === null) return null;
    return {
      incidentId: row.incidentId,
      platform: row.platform as ChatPlatform,
      channelId: row.channelId,
      messageId: row.messageId,
      threadId: row.threadId,
      conversation: row.conversation ?? undefined,
    };
  }

  /**
   * Claims a delivery id: true the first time, false when it was claimed before (a
   * retried delivery, already handled). Safe under concurrency (one insert wins).
   */
  async claimDelivery(key: string): Promise<boolean> {
    const result = await this.prisma.processedDelivery.createMany({ data: [{ key }], skipDuplicates: true });
    return result.count === 1;
  }

  /** Forgets delivery ids claimed before `before` (platforms retry within minutes). */
  async pruneDeliveries(before: Date): Promise<number> {
    const result = await this.prisma.processedDelivery.deleteMany({ where: { at: { lt: before } } });
    return result.count;
  }
}
