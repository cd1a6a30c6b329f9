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
import type { Contract } from '../../config/contract.js';
import { reminderText } from '../../conversation/render.js';
import { contactsFor } from '../../domain/reminders.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { ClaimedJob } from '../../jobs/queue.js';
import type { DeliveryContext } from '../../jobs/runner.js';
import type { ReminderJobPayload, ReminderMessage } from '../../scheduler/reminders.js';
import { targetDeadline } from '../../scheduler/reminders.js';
import type { ChatReferenceService } from '../../services/chat-references.js';
import type { IncidentService, IncidentView } from '../../services/incidents.js';
import { activeTargets } from '../../services/reminders.js';
import type { PrismaClient } from '../../store/index.js';
import type { SlackAnnouncer } from './announcer.js';
import { mentions, reminderMessage, textBlocks } from './blocks.js';

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
  /** Reminders per digest message (a line each; a message holds 40,000 characters). */
  digestSize?: number;
}

interface Ready {
  job: ClaimedJob;
  payload: ReminderJobPayload;
  message: ReminderMessage;
}

export class SlackReminders {
  constructor(private readonly options: SlackRemindersOptions) {}

  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { incidents, now } = this.options;
    const at = now();
    const views = await incidents.getMany([...new Set(jobs.map((j) => j.incidentId!))], at);
    // The newest rung per incident, target and place in this batch; the older ones are superseded.
    const newest = new Map<string, ClaimedJob>();
    for (const job of jobs) {
      const p = job.payload as ReminderJobPayload;
      const k = `${job.incidentId}/${p.target}/${p.place}/${job.channel}`;
      const seen = newest.get(k);
      if (!seen || seen.dueAt.getTime() < job.dueAt.getTime() || (seen.dueAt.getTime() === job.dueAt.getTime() && seen.revision < job.revision)) newest.set(k, job);
    }
    const ready: Ready[] = [];
    for (const job of jobs) {
      const payload = job.payload as ReminderJobPayload;
      const k = `${job.incidentId}/${payload.target}/${payload.place}/${job.channel}`;
      if (newest.get(k) !== job) {
        await ctx.drop(job, 'superseded by a later reminder');
        continue;
      }
      const reason = await this.stale(job, payload, views.get(job.incidentId!), at);
      if (reason) {
        await ctx.drop(job, reason);
        continue;
      }
      ready.push({ job, payload, message: this.message(job, payload, views.get(job.incidentId!)!, at) });
    }
    const threaded = ready.filter((r) => r.payload.place === 'thread');
    if (threaded.length > this.options.digestThreshold) {
      await this.digest(threaded, ctx, announcer);
      for (const r of ready.filter((x) => x.payload.place !== 'thread')) await this.single(r, ctx, announcer);
      return;
    }
    for (const r of ready) {
      if (ctx.stopped) return;
      await this.single(r, ctx, announcer);
    }
  }

  /** Why a reminder must not go out any more, or null. */
  private async stale(job: ClaimedJob, p: ReminderJobPayload, incident: IncidentView | undefined, at: number): Promise<string | null> {
    if (!incident) return 'incident gone';
    if (!activeTargets(incident.status).includes(p.target) || targetDeadline(incident, p.target) !== new Date(p.deadlineAt).getTime()) return `no longer relevant (${incident.status})`;
    if (p.kind === 'warning' && at > new Date(p.deadlineAt).getTime()) return 'deadline passed before the warning went out';
    // A later rung of the same target already went out (or is going): never say an older one after it.
    const newer = await this.options.prisma.job.count({
      where: { kind: 'reminder', destination: 'slack', incidentId: job.incidentId, channel: job.channel, status: { in: ['done', 'pending'] }, dueAt: { gt: job.dueAt }, payload: { path: ['target'], equals: p.target } },
    });
    return newer > 0 ? 'superseded by a later reminder' : null;
  }

  private message(job: ClaimedJob, p: ReminderJobPayload, incident: IncidentView, at: number): ReminderMessage {
    const { contract } = this.options;
    const dueAt = new Date(p.dueAt);
    const lateBy = Math.max(0, at - dueAt.getTime());
    return {
      reminder: { id: p.reminderId, incidentId: job.incidentId!, target: p.target, kind: p.kind, seq: p.seq, level: p.level, dueAt, deadlineAt: new Date(p.deadlineAt) },
      incident,
      contacts: p.level === 0 ? null : contactsFor(contract, incident.orgId, incident.priority, p.level >= 2 ? 2 : 1),
      lateBy,
      late: lateBy > (this.options.lateAfterMs ?? 60_000),
      snoozeMinutes: [...contract.reminders.snoozeMinutes],
    };
  }

  private async single(r: Ready, ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { client, refs, contract, lang } = this.options;
    const { job } = r;
    try {
      const channel = job.channel!;
      let threadTs: string | undefined;
      if (r.payload.place === 'thread') {
        const ref = await refs.find(job.incidentId!, 'slack');
        if (ref && ref.channelId === channel) threadTs = ref.threadId ?? ref.messageId;
      }
      if (job.takeover && (await announcer.findDelivered(job, channel, threadTs))) {
        await ctx.drop(job, 'already posted (found by its metadata)', 'done');
        return;
      }
      const message = reminderMessage(translator(lang), contract, r.message);
      if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
      await client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false, metadata: announcer.metadata([job.id]) });
      ctx.sent();
      await ctx.complete(job);
    } catch (err) {
      await announcer.failed(job, err, ctx);
    }
  }

  /** One message in the channel for many reminders (in chunks that fit a message). */
  private async digest(items: Ready[], ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { client, contract, lang, log } = this.options;
    const tr = translator(lang);
    const size = this.options.digestSize ?? 100;
    for (let i = 0; i < items.length && !ctx.stopped; i += size) {
      let chunk = items.slice(i, i + size);
      const channel = ctx.channel!;
      if (chunk.some((c) => c.job.takeover)) {
        const kept: Ready[] = [];
        for (const c of chunk) {
          if (c.job.takeover && (await announcer.findDelivered(c.job, channel))) await ctx.drop(c.job, 'already posted (found by its metadata)', 'done');
          else kept.push(c);
        }
        chunk = kept;
        if (chunk.length === 0) continue;
      }
      const mine = await ctx.beforeSend(chunk.map((c) => c.job.id));
      const sending = chunk.filter((c) => mine.has(c.job.id));
      if (sending.length === 0) continue;
      // One line per reminder: what is due and whom it pings (the buttons are on each card).
      const line = (c: Ready) => {
        const first = reminderText(tr, contract, c.message, mentions).split('\n')[0]!;
        const who = c.message.contacts ? mentions(c.message.contacts) : '';
        return who ? `${first} ${tr.t('reminder.pinging', { who })}` : first;
      };
      const body = [tr.t('jobs.digest.title', { count: sending.length }), ...sending.map(line)].join('\n');
      try {
        await client.chat.postMessage({ channel, text: body.slice(0, 3000), blocks: textBlocks(tr, body), unfurl_links: false, unfurl_media: false, metadata: announcer.metadata(sending.map((c) => c.job.id)) });
        ctx.sent();
      } catch (err) {
        for (const c of sending) await announcer.failed(c.job, err, ctx);
        continue;
      }
      for (const c of sending) await ctx.complete(c.job);
      log.info(`Slack: ${sending.length} reminders in one digest in ${channel}`);
    }
  }
}
