// Reminders in Slack: in the incident's thread, mentioning the escalation contacts, with
// the next step and snooze as buttons; also in the escalation channel when the contacts
// name one (a job of its own). Each is a delivery job (fired by src/scheduler/reminders.ts).
//
// Under a burst — more than SSBTEK_DIGEST_THRESHOLD reminders due for one channel at once
// (after downtime, or a monitoring storm) — they go out as one digest message in the
// channel instead of a queue that would take minutes at Slack's one message per second.
//
// Before sending, each reminder is checked again: the incident still needs it, no later
// rung of the same target went out (never an older rung after a newer one), and a warning
// whose deadline has passed is not said (the breach speaks instead of "0 min left").
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../app.js';
import type { Contacts, Contract } from '../../config/contract.js';
import { reminderText } from '../../conversation/render.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { ClaimedJob } from '../../jobs/queue.js';
import type { DeliveryContext } from '../../jobs/runner.js';
import { reminderMessageOf, type ReminderJobPayload, type ReminderMessage } from '../../scheduler/reminders.js';
import { targetDeadline } from '../../scheduler/reminders.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import type { IncidentService, IncidentView } from '../../services/incidents.js';
import { activeTargets } from '../../services/reminders.js';
import type { PrismaClient } from '../../store/index.js';
import type { SlackAnnouncer } from './announcer.js';
import type { ReadyCaseReminder, SlackCaseReminders } from './case-reminders.js';
import { mentions, reminderMessage, textBlocks } from './blocks.js';
import { escapeMrkdwn } from './blocks/text.js';

export interface SlackRemindersOptions {
  client: webApi.WebClient;
  prisma: PrismaClient;
  refs: ChatReferenceService;
  incidents: IncidentService;
  contract: Contract;
  lang: Lang;
  now: () => number;
  log: Logger;
  /** More reminders than this for one channel at once → one digest. */
  digestThreshold: number;
  /** A reminder sent this long after its due time says it is late. */
  lateAfterMs?: number;
  /** Reminders per digest message (a line each, in sections of 3,000 characters; default 400). */
  digestSize?: number;
  /** Orders' and problems' reminders; without it they are dropped here. */
  cases?: SlackCaseReminders;
}

interface Ready {
  job: ClaimedJob;
  payload: ReminderJobPayload;
  message: ReminderMessage;
}

export class SlackReminders {
  constructor(private readonly options: SlackRemindersOptions) {}

  /**
   * The claimed reminders of one channel: the incidents' and the orders' and problems'
   * (`caseJobs`). More than the threshold that can go in the channel → one digest for all.
   */
  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext, announcer: SlackAnnouncer, caseJobs: ClaimedJob[] = []): Promise<void> {
    const ready = jobs.length ? await this.prepare(jobs, ctx) : [];
    const cases = this.options.cases;
    if (!cases) for (const job of caseJobs) await ctx.drop(job, 'no case service in this process');
    const caseReady = cases && caseJobs.length ? await cases.prepare(caseJobs, ctx) : [];
    const threaded = ready.filter((r) => r.payload.place === 'thread');
    if (threaded.length + caseReady.length > this.options.digestThreshold) {
      await this.digest(threaded, caseReady, ctx, announcer);
      for (const r of ready.filter((x) => x.payload.place !== 'thread')) await this.single(r, ctx, announcer);
      return;
    }
    for (const r of ready) {
      if (ctx.stopped) return;
      await this.single(r, ctx, announcer);
    }
    for (const r of caseReady) {
      if (ctx.stopped) return;
      await cases!.single(r, ctx, announcer);
    }
  }

  /** The incident reminders still worth saying (the others are dropped on the way). */
  private async prepare(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<Ready[]> {
    const { incidents, now } = this.options;
    const at = now();
    const views = await incidents.getMany([...new Set(jobs.map((j) => j.incidentId!))], at);
    // The newest rung per incident, target and place in this batch; the older ones are superseded.
    const newest = new Map<string, ClaimedJob>();
    for (const job of jobs) {
      const p = job.payload as ReminderJobPayload;
      const k = `${job.incidentId}/${p.target}/${p.place}/${job.channel}`;
      const seen = newest.get(k);
      if (!seen || seen.dueAt.getTime() < job.dueAt.getTime() || (seen.dueAt.getTime() === job.dueAt.getTime() && seen.revision < job.revision))
        newest.set(k, job);
    }
    // Later rungs already sent or on their way, for every incident of the batch in one query.
    const later = await this.options.prisma.job.findMany({
      where: { kind: 'reminder', destination: 'slack', incidentId: { in: [...new Set(jobs.map((j) => j.incidentId!))] }, status: { in: ['done', 'pending'] } },
      select: { id: true, incidentId: true, channel: true, dueAt: true, payload: true },
    });
    const ready: Ready[] = [];
    for (const job of jobs) {
      const payload = job.payload as ReminderJobPayload;
      const k = `${job.incidentId}/${payload.target}/${payload.place}/${job.channel}`;
      if (newest.get(k) !== job) {
        await ctx.drop(job, 'superseded by a later reminder');
        continue;
      }
      const reason = this.stale(job, payload, views.get(job.incidentId!), at, later);
      if (reason) {
        await ctx.drop(job, reason);
        continue;
      }
      ready.push({ job, payload, message: this.message(job, payload, views.get(job.incidentId!)!, at) });
    }
    return ready;
  }

  /** Why a reminder must not go out any more, or null. */
  private stale(
    job: ClaimedJob,
    p: ReminderJobPayload,
    incident: IncidentView | undefined,
    at: number,
    later: Array<{ id: number; incidentId: number | null; channel: string | null; dueAt: Date; payload: unknown }>,
  ): string | null {
    if (!incident) return 'incident gone';
    if (!activeTargets(incident.status).includes(p.target) || targetDeadline(incident, p.target) !== new Date(p.deadlineAt).getTime())
      return `no longer relevant (${incident.status})`;
    if (p.kind === 'warning' && at > new Date(p.deadlineAt).getTime()) return 'deadline passed before the warning went out';
    // A later rung of the same target already went out (or is going): never say an older one after it.
    const newer = later.some(
      (l) =>
        l.id !== job.id &&
        l.incidentId === job.incidentId &&
        l.channel === job.channel &&
        l.dueAt.getTime() > job.dueAt.getTime() &&
        (l.payload as ReminderJobPayload).target === p.target,
    );
    return newer ? 'superseded by a later reminder' : null;
  }

  private message(job: ClaimedJob, p: ReminderJobPayload, incident: IncidentView, at: number): ReminderMessage {
    return reminderMessageOf(this.options.contract, job.incidentId!, p, incident, at, this.options.lateAfterMs);
  }

  private async single(r: Ready, ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { refs, contract, lang } = this.options;
    const { job } = r;
    try {
      const channel = job.channel!;
      let threadTs: string | undefined;
      if (r.payload.place === 'thread') {
        const ref = await refs.find(job.incidentId!, 'slack');
        if (ref && ref.channelId === channel) threadTs = ref.threadId ?? ref.messageId;
      }
      const message = reminderMessage(translator(lang), contract, r.message);
      await announcer.postOnce(job, ctx, { channel, threadTs, text: message.text, blocks: message.blocks });
    } catch (err) {
      await announcer.failed(job, err, ctx);
    }
  }

  /** Many reminders due at once in one channel: one digest (see postReminderDigest). */
  private async digest(items: Ready[], caseItems: ReadyCaseReminder[], ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { contract, lang } = this.options;
    const tr = translator(lang);
    // One line per reminder: what is due and whom it pings (the buttons are on each card).
    const lines = items.map((c) => ({
      job: c.job,
      text: reminderText(tr, contract, c.message, () => '').split('\n')[0]!,
      contacts: c.message.contacts,
    }));
    for (const c of caseItems) lines.push(this.options.cases!.line(c));
    await postReminderDigest(this.options, lines, ctx, announcer);
  }
}

/**
 * One message in the channel for many reminders: a line each (escaped, then the mentions
 * that ping), in chunks of at most `digestSize` lines and 90,000 characters (Block Kit: 50
 * sections of 3,000). After a takeover, what the previous sender already got into Slack is
 * not sent again.
 */
export async function postReminderDigest(
  options: { client: webApi.WebClient; lang: Lang; log: Logger; digestSize?: number },
  items: Array<{ job: ClaimedJob; text: string; contacts: Contacts | null }>,
  ctx: DeliveryContext,
  announcer: SlackAnnouncer,
): Promise<void> {
  const { client, lang, log } = options;
  const tr = translator(lang);
  const channel = ctx.channel!;
  const line = (c: (typeof items)[number]) => {
    const who = c.contacts ? mentions(c.contacts) : '';
    const text = escapeMrkdwn(c.text);
    return who ? `${text} ${escapeMrkdwn(tr.t('reminder.pinging', { who: '\u0000' })).replace('\u0000', who)}` : text;
  };
  let pending = items;
  const taken = pending.filter((c) => c.job.takeover);
  if (taken.length) {
    const found = await announcer.findDeliveredMany(
      taken.map((c) => c.job),
      channel,
    );
    for (const c of taken.filter((t) => found.has(t.job.id))) await ctx.drop(c.job, 'already posted (found by its metadata)', 'done');
    pending = pending.filter((c) => !found.has(c.job.id));
  }
  const size = options.digestSize ?? 400;
  const chunks: Array<Array<{ job: ClaimedJob; text: string }>> = [];
  let chars = 0;
  for (const item of pending) {
    const text = line(item);
    const last = chunks.at(-1);
    if (!last || last.length >= size || chars + text.length > 90_000) {
      chunks.push([{ job: item.job, text }]);
      chars = text.length;
    } else {
      last.push({ job: item.job, text });
      chars += text.length + 1;
    }
  }
  for (const chunk of chunks) {
    if (ctx.stopped) return;
    const mine = await ctx.beforeSend(chunk.map((c) => c.job.id));
    const sending = chunk.filter((c) => mine.has(c.job.id));
    if (sending.length === 0) continue;
    const body = [escapeMrkdwn(tr.t('jobs.digest.title', { count: sending.length })), ...sending.map((c) => c.text)].join('\n');
    const jobs = sending.map((c) => c.job);
    try {
      await client.chat.postMessage({
        channel,
        text: body.slice(0, 3000),
        blocks: textBlocks(tr, body, { escaped: true }),
        unfurl_links: false,
        unfurl_media: false,
        metadata: announcer.metadata(jobs.map((j) => j.id)),
      });
      ctx.sent();
    } catch (err) {
      for (const job of jobs) await announcer.failed(job, err, ctx);
      continue;
    }
    await ctx.completeMany(jobs);
    log.info(`Slack: ${sending.length} reminders in one digest in ${channel}`);
  }
}
