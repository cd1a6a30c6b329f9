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
  /** The incident revision the message shows (null/undefined: unknown). */
  shownRevision?: number | null;
}

export class ChatReferenceService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Remembers the message that shows an incident (idempotent per platform, channel and message). */
  async remember(ref: ChatMessageRef): Promise<void> {
    const conversation = ref.conversation === undefined ? undefined : (ref.conversation as Prisma.InputJsonValue);
    await this.prisma.chatReference.upsert({
      where: { platform_channelId_messageId: { platform: ref.platform, channelId: ref.channelId, messageId: ref.messageId } },
      create: {
        incidentId: ref.incidentId,
        platform: ref.platform,
        channelId: ref.channelId,
        messageId: ref.messageId,
        threadId: ref.threadId,
        conversation,
        shownRevision: ref.shownRevision ?? null,
      },
      update: {
        incidentId: ref.incidentId,
        threadId: ref.threadId,
        conversation,
        ...(ref.shownRevision === undefined ? {} : { shownRevision: ref.shownRevision }),
      },
    });
  }

  /**
   * Claims the right to show `revision` in the message: true unless a newer revision is
   * already shown (so replicas never put an older card over a newer one).
   */
  async reserveRevision(ref: Pick<ChatMessageRef, 'platform' | 'channelId' | 'messageId'>, revision: number): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE chat_references SET shown_revision = ${revision}
      WHERE platform = ${ref.platform} AND channel_id = ${ref.channelId} AND message_id = ${ref.messageId}
        AND (shown_revision IS NULL OR shown_revision <= ${revision})`;
    return n === 1;
  }

  /** Forgets a message that no longer exists on the platform (deleted by a person). */
  async forget(ref: Pick<ChatMessageRef, 'platform' | 'channelId' | 'messageId'>): Promise<void> {
    await this.prisma.chatReference.deleteMany({ where: { platform: ref.platform, channelId: ref.channelId, messageId: ref.messageId } });
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
      shownRevision: row.shownRevision,
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
