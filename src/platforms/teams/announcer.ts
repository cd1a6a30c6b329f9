// The Teams destination of the chat outbox (src/jobs/outbox.ts): the job runner hands it
// the delivery jobs written in each change's transaction — the incident card (posted to
// TEAMS_INCIDENT_CHANNEL or where the command came from, then updated in place), a line
// in the card's reply chain for each change, and reminders with real mentions of the
// escalation contacts (level 2 also in the escalation channel). Proactive posts go through
// the stored conversation reference's service URL, which must be on the allow-list.
import type { ActivityParams } from '@microsoft/teams.api';
import type { App as TeamsSdkApp } from '@microsoft/teams.apps';
import type { Logger } from '../../app.js';
import type { Contacts, Contract } from '../../config/contract.js';
import { caseReminderText, reminderText } from '../../conversation/render.js';
import { priorityName } from '../../i18n/format.js';
import { translator, type Lang, type Translator } from '../../i18n/index.js';
import type { ThreadPayload } from '../../jobs/outbox.js';
import type { ClaimedJob, JobFailure } from '../../jobs/queue.js';
import { deliverIncidentJobs, errorCode, type DeliveryContext, type DeliveryHandler } from '../../jobs/runner.js';
import { reminderMessageOf, targetDeadline, type ReminderJobPayload } from '../../scheduler/reminders.js';
import { readyCaseReminders } from '../../scheduler/case-reminders.js';
import type { CaseService } from '../../services/cases.js';
import type { ChatMessageRef, ChatReferenceService } from '../../services/chat-references.js';
import { UserError } from '../../services/errors.js';
import type { Actor, ChangeKind, IncidentService, IncidentView } from '../../services/incidents.js';
import { activeTargets } from '../../services/reminders.js';
import type { PrismaClient } from '../../store/index.js';
import { CARD_CONTENT_TYPE, incidentCard, notificationText, PRIORITY_EMOJI, reminderCard, type AdaptiveCard } from './cards.js';
import { isChannelConversation, replyChainId, type ConversationRef, type TeamsConversations } from './conversations.js';
import type { TeamsNames } from './people.js';

export interface TeamsAnnouncerOptions {
  api: TeamsSdkApp['api'];
  prisma: PrismaClient;
  refs: ChatReferenceService;
  conversations: TeamsConversations;
  names: TeamsNames;
  incidents: IncidentService;
  contract: Contract;
  /** Language of channel messages (SSBTEK_LANG). */
  lang: Lang;
  /** TEAMS_INCIDENT_CHANNEL. */
  incidentChannel?: string;
  now: () => number;
  log: Logger;
  /** Time between two messages in one conversation. Default 250 ms (Teams allows about 7 a second per conversation). */
  paceMs?: number;
  /** A reminder sent this long after its due time says it is late. */
  lateAfterMs?: number;
  /** Orders and problems, for their reminders (without it those are dropped here). */
  cases?: CaseService;
}

type Activity = ActivityParams;

/** An activity carrying one Adaptive Card. */
export function cardActivity(card: AdaptiveCard, summary?: string): Activity {
  return { type: 'message', ...(summary ? { summary } : {}), attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }] } as unknown as Activity;
}

/** The Teams contacts of an escalation level (empty when none are configured). */
export function teamsContacts(contacts: Contacts | null): { users: string[]; channel?: string } {
  const teams = (contacts as { teams?: { users?: string[]; channel?: string } } | null)?.teams;
  return { users: [...(teams?.users ?? [])], ...(teams?.channel ? { channel: teams.channel } : {}) };
}

export class TeamsAnnouncer implements DeliveryHandler {
  readonly destination = 'teams';
  readonly paceMs: number;

  constructor(private readonly options: TeamsAnnouncerOptions) {
    this.paceMs = options.paceMs ?? 250;
  }

  classify(err: unknown): JobFailure {
    return teamsFailure(err);
  }

  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    await deliverIncidentJobs(jobs, ctx, {
      card: (job) => this.card(job, ctx),
      thread: (job) => this.thread(job, ctx),
      failed: (job, err) => this.failed(job, err, ctx),
      reminders: async (due, _ctx, caseJobs) => {
        if (due.length) await this.reminders(due, ctx);
        if (caseJobs.length) await this.caseReminders(caseJobs, ctx);
      },
    });
  }

  private async failed(job: ClaimedJob, err: unknown, ctx: DeliveryContext): Promise<void> {
    const failure = teamsFailure(err);
    if (failure.retryAfterMs !== undefined) {
      ctx.rateLimited(failure.retryAfterMs);
      return;
    }
    await ctx.fail(job, failure);
  }

  private tr(): Translator {
    return translator(this.options.lang);
  }

  private async view(job: ClaimedJob, ctx: DeliveryContext): Promise<IncidentView | null> {
    try {
      return await this.options.incidents.get(job.incidentId!, this.options.now());
    } catch (err) {
      if (err instanceof UserError) {
        await ctx.drop(job, 'incident gone');
        return null;
      }
      throw err;
    }
  }

  private client(ref: ConversationRef) {
    return this.options.api.clone({ serviceUrl: ref.serviceUrl }).conversations;
  }

  /** The incident card's activity (also what an Action.Execute answer shows in place). */
  renderCard(v: IncidentView, lang: Lang = this.options.lang): Activity {
    const tr = translator(lang);
    const card = incidentCard(tr, this.options.contract, v, {
      buttons: true,
      asOf: this.options.now(),
      lang,
      nameOf: (id) => this.options.names.get(id),
      snoozeMinutes: this.options.contract.reminders.snoozeMinutes,
    });
    return cardActivity(card, notificationText(tr, v));
  }

  private async card(job: ClaimedJob, ctx: DeliveryContext): Promise<void> {
    const { refs, conversations } = this.options;
    const incidentId = job.incidentId!;
    const view = await this.view(job, ctx);
    if (!view) return;
    const activity = this.renderCard(view);
    let ref = await refs.find(incidentId, 'teams');
    if (ref) {
      // Never an older card after a newer one: the shown revision only moves forward.
      if (!(await refs.reserveRevision(ref, view.revision))) {
        await ctx.drop(job, 'a newer revision is already shown', 'done');
        return;
      }
      const conv = await conversations.lookup(ref.channelId);
      if (!conv) {
        await ctx.fail(job, { code: 'service_url_not_allowed', permanent: true });
        return;
      }
      if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
      try {
        await this.client(conv).updateActivity(ref.channelId, ref.messageId, activity);
      } catch (err) {
        if (httpStatus(err) !== 404) throw err;
        // The card was deleted in Teams: post it again.
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
      await ctx.drop(job, 'no conversation to post in');
      return;
    }
    const conv = await conversations.lookup(channel);
    if (!conv) {
      await ctx.fail(job, { code: 'service_url_not_allowed', permanent: true });
      return;
    }
    if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
    const res = await this.client(conv).createActivity(conv.conversationId, activity);
    ctx.sent();
    if (!res?.id) throw new Error('the connector returned no activity id');
    const posted: ChatMessageRef = {
      incidentId,
      platform: 'teams',
      channelId: conv.conversationId,
      messageId: res.id,
      threadId: res.id,
      conversation: { serviceUrl: conv.serviceUrl },
      shownRevision: view.revision,
    };
    await refs.remember(posted);
    await ctx.complete(job);
  }

  /** Posts into the card's reply chain (a channel), or after it (a chat, which has no reply chains). */
  private async reply(ref: ChatMessageRef, activity: Activity): Promise<void> {
    const conv = await this.options.conversations.lookup(ref.channelId);
    if (!conv) throw Object.assign(new Error("the conversation's service URL is not allowed"), { code: 'service_url_not_allowed' });
    const root = ref.threadId ?? ref.messageId;
    if (isChannelConversation(ref.channelId)) await this.client(conv).createActivity(replyChainId(ref.channelId, root), activity);
    else await this.client(conv).createActivity(ref.channelId, { ...activity, replyToId: root } as Activity);
  }

  private async thread(job: ClaimedJob, ctx: DeliveryContext): Promise<void> {
    const ref = await this.options.refs.find(job.incidentId!, 'teams');
    if (!ref) {
      await ctx.fail(job, { code: 'card_not_posted_yet' });
      return;
    }
    const view = await this.view(job, ctx);
    if (!view) return;
    const payload = job.payload as unknown as ThreadPayload;
    const snapshot = { ...view, ...payload.snapshot } as IncidentView;
    const text = threadLine(this.tr(), { change: payload.change, actor: payload.actor, detail: payload.detail, incident: snapshot }, (id) =>
      this.options.names.get(id),
    );
    if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
    await this.reply(ref, { type: 'message', text, textFormat: 'plain' } as unknown as Activity);
    ctx.sent();
    await ctx.complete(job);
  }

  // ------------------------------------------------------------------------------ reminders

  private async reminders(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    const { incidents, now } = this.options;
    const at = now();
    const views = await incidents.getMany([...new Set(jobs.map((j) => j.incidentId!))], at);
    // The newest rung per incident, target and place in this batch; older ones are superseded.
    const newest = new Map<string, ClaimedJob>();
    for (const job of jobs) {
      const p = job.payload as unknown as ReminderJobPayload;
      const k = `${job.incidentId}/${p.target}/${p.place}/${job.channel}`;
      const seen = newest.get(k);
      if (!seen || seen.dueAt.getTime() < job.dueAt.getTime()) newest.set(k, job);
    }
    for (const job of jobs) {
      if (ctx.stopped) return;
      const p = job.payload as unknown as ReminderJobPayload;
      if (newest.get(`${job.incidentId}/${p.target}/${p.place}/${job.channel}`) !== job) {
        await ctx.drop(job, 'superseded by a later reminder');
        continue;
      }
      const incident = views.get(job.incidentId!);
      const reason = !incident
        ? 'incident gone'
        : !activeTargets(incident.status).includes(p.target) || targetDeadline(incident, p.target) !== new Date(p.deadlineAt).getTime()
          ? `no longer relevant (${incident.status})`
          : p.kind === 'warning' && at > new Date(p.deadlineAt).getTime()
            ? 'deadline passed before the warning went out'
            : null;
      if (reason || !incident) {
        await ctx.drop(job, reason ?? 'incident gone');
        continue;
      }
      try {
        await this.reminder(job, p, incident, at, ctx);
      } catch (err) {
        await this.failed(job, err, ctx);
      }
    }
  }

  private async reminder(job: ClaimedJob, p: ReminderJobPayload, incident: IncidentView, at: number, ctx: DeliveryContext): Promise<void> {
    const { contract, refs, names } = this.options;
    const tr = this.tr();
    const message = reminderMessageOf(contract, job.incidentId!, p, incident, at, this.options.lateAfterMs);
    const contacts = message.contacts;
    const teams = teamsContacts(contacts);
    const ref = await refs.find(incident.id, 'teams');
    const lookup = ref ? (id: string) => this.memberName(ref.channelId, id) : undefined;
    const mentions = await names.mentions(teams.users, lookup);
    const text = reminderText(tr, contract, message, () => mentions.map((m) => m.text).join(' '));
    const activity = cardActivity(
      reminderCard(tr, incident, text, mentions, { lang: this.options.lang, snoozeMinutes: contract.reminders.snoozeMinutes }, p.target),
      text.split('\n')[0],
    );
    const channel = job.channel!;
    // Level 2 also goes to the escalation channel, unless the scheduler wrote a job of its own for it.
    const escalation =
      p.level >= 2 && p.place === 'thread' && teams.channel && teams.channel !== channel && !(await this.hasChannelJob(p.reminderId, teams.channel))
        ? teams.channel
        : null;
    if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
    if (p.place === 'thread' && ref && ref.channelId === channel) await this.reply(ref, activity);
    else await this.post(channel, activity);
    ctx.sent();
    if (escalation) {
      const heading = tr.t('teams.reminder.escalated', {
        ref: incident.ref,
        title: `${PRIORITY_EMOJI[incident.priority]} ${priorityName(tr, incident.priority)} · ${incident.title}`,
      });
      try {
        await this.post(
          escalation,
          cardActivity(
            reminderCard(tr, incident, `${heading}\n${text}`, mentions, { lang: this.options.lang, snoozeMinutes: contract.reminders.snoozeMinutes }, p.target),
            heading,
          ),
        );
      } catch (err) {
        this.options.log.warn(`Teams: escalation of reminder ${p.reminderId} to its channel failed (${errorCode(err)}); the reply chain has it`);
      }
    }
    await ctx.complete(job);
  }

  /**
   * Reminders about orders and problems: a message in the channel the job names (the
   * incident channel, or the escalation channel), with real mentions of the contacts.
   */
  private async caseReminders(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    const { contract, names, now, cases } = this.options;
    if (!cases) {
      for (const job of jobs) await ctx.drop(job, 'no case service in this process');
      return;
    }
    const ready = await readyCaseReminders(jobs, ctx, { cases, contract, at: now(), lateAfterMs: this.options.lateAfterMs });
    for (const { job, message } of ready) {
      if (ctx.stopped) return;
      try {
        const channel = job.channel!;
        const mentions = await names.mentions(teamsContacts(message.contacts).users, (id) => this.memberName(channel, id));
        // The title is a person's text: escaped, so it cannot format, link or mention.
        const safe = { ...message, subject: { ...message.subject, title: escapeTeamsMarkdown(message.subject.title) } };
        const text = caseReminderText(this.tr(), contract, safe, () => mentions.map((m) => m.text).join(' '));
        if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
        await this.post(channel, { type: 'message', text: text.replace(/\n/g, '\n\n'), textFormat: 'markdown', entities: mentions } as unknown as Activity);
        ctx.sent();
        await ctx.complete(job);
      } catch (err) {
        await this.failed(job, err, ctx);
      }
    }
  }

  private async hasChannelJob(reminderId: number, channel: string): Promise<boolean> {
    const row = await this.options.prisma.job.findUnique({ where: { dedupeKey: `reminder:teams:${reminderId}:${channel}` }, select: { id: true } });
    return row !== null;
  }

  private async post(conversationId: string, activity: Activity): Promise<void> {
    const conv = await this.options.conversations.lookup(conversationId);
    if (!conv) throw Object.assign(new Error("the conversation's service URL is not allowed"), { code: 'service_url_not_allowed' });
    await this.client(conv).createActivity(conv.conversationId, activity);
  }

  private async memberName(conversationId: string, id: string): Promise<string | null> {
    const conv = await this.options.conversations.lookup(conversationId);
    if (!conv) return null;
    const member = await this.client(conv).getMemberById(conv.conversationId, id);
    return member?.name ?? null;
  }
}

/** A line for the card's reply chain: what changed and who did it. */
export function threadLine(
  tr: Translator,
  c: { change: ChangeKind; actor: Pick<Actor, 'id' | 'source'>; detail: Record<string, unknown>; incident: IncidentView },
  nameOf: (id: string) => string | null = () => null,
): string {
  const who =
    c.actor.source === 'teams'
      ? (nameOf(c.actor.id) ?? c.actor.id)
      : tr.t('teams.actor.other', { id: c.actor.id, source: tr.t(`teams.actor.source.${c.actor.source}`) });
  const detail = (key: string) => (typeof c.detail[key] === 'string' ? (c.detail[key] as string) : '');
  const v = c.incident;
  switch (c.change) {
    case 'opened':
      return tr.t('teams.thread.opened', { who });
    case 'acknowledged':
      return tr.t('teams.thread.acknowledged', { who });
    case 'resolved':
      return tr.t('teams.thread.resolved', { who, note: detail('note') || (v.resolutionNote ?? '') });
    case 'reopened':
      return detail('reason') ? tr.t('teams.thread.reopenedReason', { who, reason: detail('reason') }) : tr.t('teams.thread.reopened', { who });
    case 'reprioritised':
      return `${PRIORITY_EMOJI[v.priority]} ${tr.t('teams.thread.reprioritised', { who, priority: priorityName(tr, v.priority), impact: v.impact, timing: v.timing, reason: detail('reason') })}`;
    case 'closed':
      return tr.t('teams.thread.closed', { who });
    default:
      return tr.t('teams.thread.noted', { who, note: detail('note') });
  }
}

/** Answers no retry can change (a conversation gone, a card refused, a URL not allowed). */
const PERMANENT_STATUS = new Set([400, 401, 403, 404, 413]);

function httpStatus(err: unknown): number | undefined {
  const e = err as { response?: { status?: unknown }; status?: unknown; statusCode?: unknown };
  const status = e?.response?.status ?? e?.status ?? e?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The connector's answer as a job failure: 429 → its Retry-After; 4xx → permanent. */
export function teamsFailure(err: unknown): JobFailure {
  const status = httpStatus(err);
  if (status === 429) {
    const headers = (err as { response?: { headers?: Record<string, unknown> } }).response?.headers ?? {};
    const seconds = Number(headers['retry-after'] ?? 1);
    return { code: 'ratelimited', retryAfterMs: Math.max(1, Number.isFinite(seconds) ? seconds : 1) * 1000 };
  }
  if (status !== undefined) return { code: `http_${status}`, permanent: PERMANENT_STATUS.has(status) };
  const message = err instanceof Error ? err.message : '';
  if (/outbound Teams request refused/.test(message)) return { code: 'service_url_not_allowed', permanent: true };
  return { code: errorCode(err) };
}

/** Text shown in a Teams markdown message as written: markdown marks escaped, angle brackets as entities. */
export function escapeTeamsMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-!|~]/g, '\\$&');
}
