// The channel tells the story: every committed change to an incident — from a Slack
// button, a slash command, the terminal or another replica — updates the incident's card
// (chat.update) and adds a line to its thread. New incidents are posted to
// SLACK_INCIDENT_CHANNEL, or to the channel where the Slack command was typed.
//
// Nothing is queued in memory: the change wrote its delivery jobs in its own transaction
// (src/jobs/outbox.ts) and this is the Slack handler the job runner calls, a channel's
// batch at a time, at Slack's pace. Each message carries its job id in its metadata, so
// after a takeover (the previous sender died mid-send) the channel is searched first and a
// message Slack already accepted is not posted twice.
import type { types, webApi } from '@slack/bolt';
import type { Logger } from '../../app.js';
import type { Contract } from '../../config/contract.js';
import { translator, type Lang } from '../../i18n/index.js';
import { changeOrigin, type ChangeOrigin, type ThreadPayload } from '../../jobs/outbox.js';
import type { ClaimedJob, JobFailure } from '../../jobs/queue.js';
import { deliverIncidentJobs, errorCode, type DeliveryContext, type DeliveryHandler } from '../../jobs/runner.js';
import type { ChatMessageRef, ChatReferenceService } from '../../services/chat-references.js';
import type { IncidentService, IncidentView } from '../../services/incidents.js';
import { UserError } from '../../services/errors.js';
import { incidentMessage, threadText } from './blocks.js';
import type { SlackReminders } from './reminders.js';

/** What a Slack request knows about where it came from; read by the outbox hook. */
export type SlackOrigin = ChangeOrigin;

/** Set around a Slack request's work (the same store the outbox reads). */
export const slackOrigin = changeOrigin;

/** The metadata event type that carries a delivery's job id(s). */
export const DELIVERY_EVENT = 'ssbtek_delivery';

export interface AnnouncerOptions {
  /** The delivery client: no automatic retries, 429 rejected (the queue retries and paces). */
  client: webApi.WebClient;
  refs: ChatReferenceService;
  incidents: IncidentService;
  contract: Contract;
  /** Language of channel messages and threads (SSBTEK_LANG). */
  lang: Lang;
  /** SLACK_INCIDENT_CHANNEL. */
  incidentChannel?: string;
  now: () => number;
  log: Logger;
  /** Time between two messages in one channel (Slack: 1 s). */
  paceMs: number;
  /** The incidents' reminders, and the orders' and problems' (SlackRemindersOptions.cases). */
  reminders: SlackReminders;
  /** For incidents opened by monitoring: whether it still alerts or has cleared (shown on the card). */
  monitoring?: (incidentId: number) => Promise<{ state: 'firing' | 'cleared'; at: number } | undefined>;
}

/** A delivery found in the channel (posted before a crash): its ts. */
export type FoundDelivery = { ts: string } | null;

export class SlackAnnouncer implements DeliveryHandler {
  readonly destination = 'slack';
  /** Other Slack deliveries (announcements, reports) register their own handlers for their kinds. */
  readonly kinds = ['card', 'thread', 'reminder', 'case-reminder'] as const;

  constructor(private readonly options: AnnouncerOptions) {}

  get paceMs(): number {
    return this.options.paceMs;
  }

  /** Where a new incident from this origin is announced (null: nowhere known). */
  channelFor(origin: SlackOrigin | undefined): string | null {
    return this.options.incidentChannel ?? origin?.channel ?? null;
  }

  classify(err: unknown): JobFailure {
    return slackFailure(err);
  }

  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    await deliverIncidentJobs(jobs, ctx, {
      card: (job) => this.card(job, ctx),
      thread: (job) => this.thread(job, ctx),
      failed: (job, err) => this.failed(job, err, ctx),
      reminders: (due, _ctx, caseJobs) => this.options.reminders.deliver(due, ctx, this, caseJobs),
    });
  }

  /** Records a failure (a 429 stops the channel instead, without using an attempt). */
  async failed(job: ClaimedJob, err: unknown, ctx: DeliveryContext): Promise<void> {
    const failure = slackFailure(err);
    if (failure.retryAfterMs !== undefined) {
      ctx.rateLimited(failure.retryAfterMs);
      return;
    }
    await ctx.fail(job, failure);
  }

  /** The metadata every delivery carries. */
  metadata(jobIds: number[]) {
    return { event_type: DELIVERY_EVENT, event_payload: { job_ids: jobIds.join(',') } };
  }

  /** After a takeover: which of these jobs are already in the channel (one lookup for all). */
  async findDeliveredMany(jobs: ClaimedJob[], channel: string): Promise<Set<number>> {
    const found = new Set<number>();
    if (jobs.length === 0) return found;
    const oldest = Math.min(...jobs.map((j) => j.createdAt.getTime()));
    const wanted = new Set(jobs.map((j) => j.id));
    try {
      const res = await this.options.client.conversations.history({
        channel,
        oldest: String(Math.floor(oldest / 1000) - 60),
        include_all_metadata: true,
        limit: 200,
      });
      for (const m of (res.messages ?? []) as Array<{ metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>) {
        if (m.metadata?.event_type !== DELIVERY_EVENT) continue;
        for (const id of String(m.metadata.event_payload?.job_ids ?? '')
          .split(',')
          .map(Number))
          if (wanted.has(id)) found.add(id);
      }
    } catch (err) {
      this.options.log.warn(`Slack: could not look for ${jobs.length} jobs in ${channel} before resending (${errorCode(err)}); sending`);
    }
    return found;
  }

  /**
   * Posts one job's message once: after a takeover it first looks for it (its job id in the
   * metadata) in the channel or thread, then waits for the channel's pace, posts and
   * completes the job. A platform error is thrown for the caller to record.
   */
  async postOnce(
    job: ClaimedJob,
    ctx: DeliveryContext,
    message: { channel: string; threadTs?: string | undefined; text: string; blocks?: types.KnownBlock[] },
    foundReason = 'already posted (found by its metadata)',
  ): Promise<void> {
    const { channel, threadTs } = message;
    if (job.takeover && (await this.findDelivered(job, channel, threadTs))) {
      await ctx.drop(job, foundReason, 'done');
      return;
    }
    if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
    await this.options.client.chat.postMessage({
      channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      unfurl_links: false,
      unfurl_media: false,
      metadata: this.metadata([job.id]),
    });
    ctx.sent();
    await ctx.complete(job);
  }

  /**
   * After a takeover: was this job already delivered (a message with its id in the
   * metadata, in the thread when `threadTs` is given, else in the channel)?
   */
  async findDelivered(job: ClaimedJob, channel: string, threadTs?: string): Promise<FoundDelivery> {
    const { client, log } = this.options;
    const oldest = String(Math.floor(job.createdAt.getTime() / 1000) - 60);
    try {
      const res = threadTs
        ? await client.conversations.replies({ channel, ts: threadTs, oldest, include_all_metadata: true, limit: 200 })
        : await client.conversations.history({ channel, oldest, include_all_metadata: true, limit: 200 });
      for (const m of (res.messages ?? []) as Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }>) {
        if (m.metadata?.event_type !== DELIVERY_EVENT) continue;
        const ids = String(m.metadata.event_payload?.job_ids ?? '')
          .split(',')
          .map(Number);
        if (ids.includes(job.id) && m.ts) return { ts: m.ts };
      }
    } catch (err) {
      log.warn(`Slack: could not look for job ${job.id} in ${channel} before resending (${errorCode(err)}); sending`);
    }
    return null;
  }

  private async card(job: ClaimedJob, ctx: DeliveryContext): Promise<void> {
    const { client, refs, incidents, contract } = this.options;
    const tr = translator(this.options.lang);
    const incidentId = job.incidentId!;
    let view: IncidentView;
    try {
      view = await incidents.get(incidentId, this.options.now());
    } catch (err) {
      if (err instanceof UserError) {
        await ctx.drop(job, 'incident gone');
        return;
      }
      throw err;
    }
    let ref = await refs.find(incidentId, 'slack');
    const monitoring = await this.options.monitoring?.(incidentId);
    const message = incidentMessage(tr, contract, view, { buttons: true, asOf: this.options.now(), ...(monitoring ? { monitoring } : {}) });
    if (ref) {
      // Never an older card after a newer one: the shown revision only moves forward.
      if (!(await refs.reserveRevision(ref, view.revision))) {
        await ctx.drop(job, 'a newer revision is already shown', 'done');
        return;
      }
      if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
      try {
        await client.chat.update({ channel: ref.channelId, ts: ref.messageId, text: message.text, blocks: message.blocks });
      } catch (err) {
        if (errorCode(err) !== 'message_not_found') throw err;
        // The card was deleted in Slack: post it again.
        await refs.forget(ref);
        ref = null;
      }
      if (ref) {
        ctx.sent();
        await ctx.complete(job);
        return;
      }
    }
    const channel = job.channel ?? this.options.incidentChannel;
    if (!channel) {
      await ctx.drop(job, 'no channel to post in');
      return;
    }
    if (job.takeover) {
      const found = await this.findDelivered(job, channel);
      if (found) {
        await refs.remember({ incidentId, platform: 'slack', channelId: channel, messageId: found.ts, threadId: found.ts });
        // Posted before the crash, possibly showing an older revision: update it now.
        return this.card({ ...job, takeover: false }, ctx);
      }
    }
    if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
    const res = await client.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
      unfurl_media: false,
      metadata: this.metadata([job.id]),
    });
    ctx.sent();
    if (!res.ts) throw new Error('chat.postMessage returned no ts');
    const posted: ChatMessageRef = {
      incidentId,
      platform: 'slack',
      channelId: res.channel ?? channel,
      messageId: res.ts,
      threadId: res.ts,
      shownRevision: view.revision,
    };
    await refs.remember(posted);
    await ctx.complete(job);
  }

  private async thread(job: ClaimedJob, ctx: DeliveryContext): Promise<void> {
    const { refs, incidents } = this.options;
    const tr = translator(this.options.lang);
    const incidentId = job.incidentId!;
    const ref = await refs.find(incidentId, 'slack');
    if (!ref) {
      await ctx.fail(job, { code: 'card_not_posted_yet' });
      return;
    }
    const payload = job.payload as ThreadPayload;
    let view: IncidentView;
    try {
      view = await incidents.get(incidentId, this.options.now());
    } catch (err) {
      if (err instanceof UserError) {
        await ctx.drop(job, 'incident gone');
        return;
      }
      throw err;
    }
    const snapshot = { ...view, ...payload.snapshot } as typeof view;
    const text = threadText(tr, { change: payload.change, actor: payload.actor, detail: payload.detail, incident: snapshot });
    await this.postOnce(job, ctx, { channel: ref.channelId, threadTs: ref.threadId ?? ref.messageId, text }, 'already in the thread (found by its metadata)');
  }
}

/** Answers that no retry can change: fail at once (a new change re-arms a card). */
const PERMANENT = new Set(['channel_not_found', 'is_archived', 'not_in_channel', 'invalid_blocks', 'msg_too_long', 'no_text', 'invalid_metadata_format']);

/** Slack's answer as a job failure: 429 → Retry-After; otherwise its error code. */
export function slackFailure(err: unknown): JobFailure {
  const e = err as { code?: string; retryAfter?: number };
  if (e?.code === 'slack_webapi_rate_limited_error') return { code: 'ratelimited', retryAfterMs: Math.max(1, Number(e.retryAfter ?? 1)) * 1000 };
  const code = errorCode(err);
  return { code, permanent: PERMANENT.has(code) };
}
