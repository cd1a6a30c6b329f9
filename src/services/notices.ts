// Disturbance notices at serious incidents (UC 6): when an incident at a configured
// priority (default Kritisk and Hög) opens, the bot asks the incident's owner for a
// PUBLIC text — never the internal title, which may hold personal data and internal
// detail. `notice INC-n <text>` then informs the parties; while the incident is open the
// owner is reminded to post an update every configured interval (default 60 min); when it
// is resolved, the parties that were informed get the all-clear.
//
// Everything is written in the incident change's own transaction (the change hook) or in
// the notice's, as announcements and jobs: nothing is held in memory.
import type { Contract } from '../config/contract.js';
import type { RoutineRules } from '../config/routine.js';
import { maskPersonalNumbers } from '../domain/pii.js';
import type { ClaimedJob, JobQueue } from '../jobs/queue.js';
import type { Incident, Prisma, PrismaClient } from '../store/index.js';
import { type Announcer, RoutineError, partyRecipient, type Recipient } from './announcements.js';
import { incidentRef, type Actor, type ChangeKind } from './incidents.js';
import { INTERNAL_DESTINATION } from './windows.js';

export const NOTICE_REMIND_JOB = 'routine.notice-remind';
const TEXT_MAX = 3000;
const OPEN = ['open', 'acknowledged'];

export interface NoticeView {
  incidentId: number;
  ref: string;
  seq: number;
  kind: 'notice' | 'update' | 'all-clear';
  publicText: string;
  author: string;
  at: number;
  told: string[];
}

export interface NoticeServiceDeps {
  prisma: PrismaClient;
  contract: Contract;
  rules: RoutineRules;
  queue: JobQueue;
  announcer: Announcer;
}

export class NoticeService {
  constructor(private readonly deps: NoticeServiceDeps) {}

  /** Whether an incident of this priority gets disturbance notices. */
  isSerious(priority: string): boolean {
    return (this.deps.rules.disturbance.priorities as readonly string[]).includes(priority);
  }

  /** The change hook (inside the incident change's transaction): ask, remind, all-clear. */
  readonly hook = async (tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, now: number): Promise<void> => {
    const ref = incidentRef(incident.id);
    // No parties configured: nobody to inform, so nothing to ask for or remind of. (The
    // all-clear below is still recorded: the public status page and its feeds carry it.)
    const parties = this.deps.rules.parties.length > 0;
    if (
      parties &&
      (change === 'opened' || change === 'reprioritised' || change === 'reopened') &&
      this.isSerious(incident.priority) &&
      OPEN.includes(incident.status)
    ) {
      const owner = ownerRecipient(incident, this.deps.rules);
      // Asked once per incident (the announcement is unique per step and person).
      await this.deps.announcer.announce(tx, {
        subject: ref,
        revision: 1,
        step: 'notice-ask',
        dueAt: now,
        recipients: [owner],
        content: { type: 'ask', event: 'notice', ref },
      });
      const every = this.deps.rules.disturbance.updateEveryMinutes * 60_000;
      await this.deps.queue.enqueue(tx, [
        {
          kind: NOTICE_REMIND_JOB,
          destination: INTERNAL_DESTINATION,
          channel: null,
          incidentId: incident.id,
          payload: { incidentId: incident.id, seq: 1 },
          dedupeKey: `routine:${ref}:remind:${change === 'reopened' ? `r${incident.revision}` : 'open'}:1`,
          dueAt: now + every,
        },
      ]);
    }
    if (change === 'resolved') {
      const given = await tx.disturbanceNotice.findMany({ where: { incidentId: incident.id }, orderBy: { seq: 'desc' } });
      const last = given.find((n) => n.kind !== 'all-clear');
      if (!last) return; // nobody was told of a disturbance: no all-clear to give
      const seq = (given[0]?.seq ?? 0) + 1;
      await tx.disturbanceNotice.create({
        data: { incidentId: incident.id, seq, kind: 'all-clear', publicText: last.publicText, author: 'ssbtek', at: new Date(now) },
      });
      if (!parties) return;
      const heard = await this.deps.announcer.heardOf(tx, ref, now);
      const recipients = this.deps.rules.parties.filter((p) => heard.has(p.id)).map(partyRecipient);
      await this.deps.announcer.announce(tx, {
        subject: ref,
        revision: 1,
        step: `all-clear-${seq}`,
        dueAt: now,
        recipients,
        content: { type: 'notice', event: 'all-clear', ref, text: last.publicText, seq, contact: this.deps.rules.contact },
      });
    }
  };

  /**
   * `notice INC-n <text>`: the public text goes to every party (the first is the
   * notice, later ones updates). Personal numbers are masked.
   */
  async notice(incidentId: number, text: string, actor: Actor, now: number): Promise<NoticeView> {
    const ref = incidentRef(incidentId);
    const publicText = maskPersonalNumbers(text.trim(), { strict: true }).text;
    if (!publicText) throw new RoutineError('routine.error.noticeTextMissing', { ref });
    if (publicText.length > TEXT_MAX) throw new RoutineError('routine.error.textTooLong', { max: TEXT_MAX });
    return this.deps.prisma.$transaction(async (tx) => {
      const incident = await tx.incident.findUnique({ where: { id: incidentId } });
      if (!incident) throw new RoutineError('routine.error.incidentNotFound', { ref });
      if (!OPEN.includes(incident.status)) throw new RoutineError('routine.error.noticeClosed', { ref, status: incident.status });
      const last = await tx.disturbanceNotice.findFirst({ where: { incidentId }, orderBy: { seq: 'desc' } });
      const seq = (last?.seq ?? 0) + 1;
      const kind = last ? 'update' : 'notice';
      await tx.disturbanceNotice.create({ data: { incidentId, seq, kind, publicText, author: actor.id, at: new Date(now) } });
      const recipients = this.deps.rules.parties.map(partyRecipient);
      await this.deps.announcer.announce(tx, {
        subject: ref,
        revision: 1,
        step: `notice-${seq}`,
        dueAt: now,
        recipients,
        content: { type: 'notice', event: kind, ref, text: publicText, seq, contact: this.deps.rules.contact },
      });
      return { incidentId, ref, seq, kind, publicText, author: actor.id, at: now, told: recipients.map((r) => r.id) };
    });
  }

  async list(incidentId: number): Promise<NoticeView[]> {
    const rows = await this.deps.prisma.disturbanceNotice.findMany({ where: { incidentId }, orderBy: { seq: 'asc' } });
    return rows.map((r) => ({
      incidentId,
      ref: incidentRef(incidentId),
      seq: r.seq,
      kind: r.kind as NoticeView['kind'],
      publicText: r.publicText,
      author: r.author,
      at: r.at.getTime(),
      told: [],
    }));
  }

  /** The reminder to post an update (destination `routine`): while the incident is open, ask again and queue the next. */
  async onInternalJob(job: ClaimedJob, now: number): Promise<'done' | 'dropped'> {
    const { incidentId, seq } = job.payload as { incidentId: number; seq: number };
    const ref = incidentRef(incidentId);
    return this.deps.prisma.$transaction(async (tx) => {
      const incident = await tx.incident.findUnique({ where: { id: incidentId } });
      if (!incident || !OPEN.includes(incident.status) || !this.isSerious(incident.priority)) return 'dropped';
      await this.deps.announcer.announce(tx, {
        subject: ref,
        revision: 1,
        step: `update-ask-${seq}-j${job.id}`,
        dueAt: now,
        recipients: [ownerRecipient(incident, this.deps.rules)],
        content: { type: 'ask', event: 'update', ref, minutes: this.deps.rules.disturbance.updateEveryMinutes },
      });
      const every = this.deps.rules.disturbance.updateEveryMinutes * 60_000;
      const next = Math.max(job.dueAt.getTime() + every, now + 1);
      await this.deps.queue.enqueue(tx, [
        {
          kind: NOTICE_REMIND_JOB,
          destination: INTERNAL_DESTINATION,
          channel: null,
          incidentId,
          payload: { incidentId, seq: seq + 1 },
          dedupeKey: `routine:${ref}:remind:${job.id}:${seq + 1}`,
          dueAt: next,
        },
      ]);
      return 'done';
    });
  }
}

/** The incident's owner: who acknowledged it, else who reported it; asked where they work (the operator's channels from the terminal). */
function ownerRecipient(incident: Incident, rules: RoutineRules): Recipient {
  const owner = incident.acknowledgedBy ?? incident.reporter;
  const slackUser = /^[UW][A-Z0-9]{2,}$/.test(owner);
  if (slackUser) return { id: `owner:${owner}`, name: owner, lang: 'sv', channels: [{ destination: 'routine:slack', channel: owner }] };
  if (incident.source === 'teams' && owner.length > 0)
    return { id: `owner:${owner}`, name: owner, lang: 'sv', channels: [{ destination: 'routine:teams', channel: owner }] };
  const operators = rules.parties.filter((p) => p.role === 'operator').map(partyRecipient);
  return { id: `owner:${owner}`, name: owner, lang: operators[0]?.lang ?? 'sv', channels: operators.flatMap((o) => o.channels) };
}
