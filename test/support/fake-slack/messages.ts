// The messages the fake keeps per channel, with their metadata, and what
// conversations.history/replies answer from them.

/** A message as the fake keeps it (for conversations.history/replies). */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** When the fake accepted it (Date.now()). */
  at: number;
}

/** Messages per channel, in posting order. */
export type MessageStore = Map<string, StoredMessage[]>;

export function storeMessage(messages: MessageStore, message: StoredMessage): void {
  const list = messages.get(message.channel) ?? [];
  list.push(message);
  messages.set(message.channel, list);
}

export function findMessage(messages: MessageStore, channel: string, ts: string): StoredMessage | undefined {
  return messages.get(channel)?.find((m) => m.ts === ts);
}

/** The metadata of a chat.postMessage body, as Slack keeps it (none unless it has an event_type). */
export function postedMetadata(body: Record<string, any>): StoredMessage['metadata'] {
  return body.metadata && typeof body.metadata === 'object' && typeof body.metadata.event_type === 'string'
    ? { event_type: body.metadata.event_type, event_payload: body.metadata.event_payload ?? {} }
    : undefined;
}

/** Every message with `metadata.event_payload.job_ids` containing `jobId`. */
export function messagesForJob(messages: MessageStore, jobId: number): StoredMessage[] {
  return [...messages.values()].flat().filter((m) =>
    String(m.metadata?.event_payload?.job_ids ?? '')
      .split(',')
      .includes(String(jobId)),
  );
}

/** A Web API view of a stored message; metadata only when asked for. */
function present(m: StoredMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    text: m.text,
    bot_id: 'B0BOT',
    ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

/** conversations.history: top-level messages of a channel, newest first. */
export function conversationsHistory(messages: MessageStore, body: Record<string, any>): Record<string, unknown> {
  const withMeta = String(body.include_all_metadata) === 'true';
  const oldest = Number(body.oldest ?? 0);
  const top = (messages.get(String(body.channel)) ?? []).filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && Number(m.ts) >= oldest);
  const limit = Number(body.limit ?? 100);
  return {
    ok: true,
    messages: top
      .slice(-limit)
      .reverse()
      .map((m) => present(m, withMeta)),
    has_more: top.length > limit,
  };
}

/** conversations.replies: a thread's parent, then its replies. */
export function conversationsReplies(messages: MessageStore, body: Record<string, any>): Record<string, unknown> {
  const withMeta = String(body.include_all_metadata) === 'true';
  const all = messages.get(String(body.channel)) ?? [];
  const parent = all.find((m) => m.ts === String(body.ts));
  if (!parent) return { ok: false, error: 'thread_not_found' };
  const oldest = Number(body.oldest ?? 0);
  const replies = all.filter((m) => m.thread_ts === parent.ts && m !== parent && Number(m.ts) >= oldest);
  return { ok: true, messages: [parent, ...replies].map((m) => present(m, withMeta)), has_more: false };
}
