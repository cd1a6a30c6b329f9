// The routine's announcements (UC 4.6.1, 6): one row per (subject, revision, step,
// party, destination, channel) in `routine_announcements` — unique, so each party hears
// each step once — and one delivery job per row in the job queue, written in the
// transaction of the change that made it owed. A mail server or chat platform that is
// down delays a notice (the queue retries with backoff) but never loses it.
//
// Delivery: the handlers below re-read the row before sending (a move or a cancel drops
// the steps that are no longer true) and mark it `sent` after; a job taken over from a
// dead process whose row is already `sent` is not sent again.
import type { Party, PartyChannel, RoutineRules } from '../config/routine.js';
import { partyChannels } from '../config/routine.js';
import type { ClaimedJob, JobFailure, JobQueue } from '../jobs/queue.js';
import type { DeliveryContext, DeliveryHandler } from '../jobs/runner.js';
import { errorCode } from '../jobs/runner.js';
import type { Prisma, PrismaClient } from '../store/index.js';
import type { AnnouncementContent } from './routine-messages.js';

type Tx = Prisma.TransactionClient | PrismaClient;

/** A refusal of the routine a person can act on: a key under `routine.` and its values. */
export class RoutineError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${key} ${JSON.stringify(params)}`);
    this.name = 'RoutineError';
  }
}

export const isRoutineError = (e: unknown): e is RoutineError => e instanceof RoutineError;

/** The job kind of every routine announcement. */
export const ANNOUNCEMENT_JOB = 'routine.announcement';

/** Who receives an announcement: a configured party, or one person (the owner of a window or an incident). */
export interface Recipient {
  /** The party id; `owner:<id>` for a person. */
  id: string;
  name: string;
  lang: 'sv' | 'en';
  channels: readonly PartyChannel[];
}

export function partyRecipient(p: Party): Recipient {
  return { id: p.id, name: p.name, lang: p.lang, channels: partyChannels(p) };
}

/** What the job carries: enough to render and send without reading anything else. */
export interface AnnouncementJobPayload {
  announcementId: number;
  party: string;
  partyName: string;
  lang: 'sv' | 'en';
  content: AnnouncementContent;
}

export interface AnnounceInput {
  subject: string;
  revision: number;
  step: string;
  /** When it is due (ms). */
  dueAt: number;
  recipients: readonly Recipient[];
  content: AnnouncementContent;
}

export class Announcer {
  constructor(
    private readonly queue: JobQueue,
    readonly rules: RoutineRules,
  ) {}

  /** Every configured party. */
  get parties(): readonly Party[] {
    return this.rules.parties;
  }

  /**
   * Records and queues one step for each recipient and channel (inside the caller's
   * transaction). A step already recorded for a party and channel is left as it is.
   * Returns how many announcements were new.
   */
  async announce(tx: Prisma.TransactionClient, input: AnnounceInput): Promise<number> {
    let added = 0;
    for (const r of input.recipients) {
      for (const c of r.channels) {
        const rows = await tx.$queryRaw<Array<{ id: number }>>`
          INSERT INTO routine_announcements (subject, revision, step, party, destination, channel, status, due_at)
          VALUES (${input.subject}, ${input.revision}, ${input.step}, ${r.id}, ${c.destination}, ${c.channel}, 'pending', ${new Date(input.dueAt)})
          ON CONFLICT (subject, revision, step, party, destination, channel) DO NOTHING
          RETURNING id`;
        const id = rows[0]?.id;
        if (id === undefined) continue;
        const payload: AnnouncementJobPayload = { announcementId: id, party: r.id, partyName: r.name, lang: r.lang, content: input.content };
        await this.queue.enqueue(tx, [
          {
            kind: ANNOUNCEMENT_JOB,
            destination: c.destination,
            channel: c.channel,
            payload: payload as unknown as Record<string, unknown>,
            dedupeKey: `routine:${input.subject}:${input.revision}:${input.step}:${r.id}:${c.destination}:${c.channel}`,
            dueAt: input.dueAt,
            revision: input.revision,
          },
        ]);
        added++;
      }
    }
    return added;
  }

  /**
   * The parties that have heard of a subject: an announcement sent, or owed already
   * (due at or before `now`, so it goes out before anything queued now).
   */
  async heardOf(tx: Tx, subject: string, now: number): Promise<Set<string>> {
    const rows = await tx.$queryRaw<Array<{ party: string }>>`
      SELECT DISTINCT party FROM routine_announcements
      WHERE subject = ${subject} AND party NOT LIKE 'owner:%' AND (status = 'sent' OR (status = 'pending' AND due_at <= ${new Date(now)}))`;
    return new Set(rows.map((r) => r.party));
  }

  /** Drops what is queued for a subject and not yet due (a move, a cancel, an extension): those steps are no longer true. */
  async dropFuture(tx: Prisma.TransactionClient, subject: string, now: number, steps?: readonly string[]): Promise<number> {
    const at = new Date(now);
    const dropped = steps
      ? await tx.$executeRaw`UPDATE routine_announcements SET status = 'dropped' WHERE subject = ${subject} AND status = 'pending' AND due_at > ${at} AND step = ANY(${[...steps]}::text[])`
      : await tx.$executeRaw`UPDATE routine_announcements SET status = 'dropped' WHERE subject = ${subject} AND status = 'pending' AND due_at > ${at}`;
    // The jobs: unclaimed ones end now; a claimed one finds its row dropped before it sends.
    await tx.$executeRaw`
      UPDATE jobs SET status = 'dropped', done_at = ${at}, last_error = 'superseded'
      WHERE kind = ${ANNOUNCEMENT_JOB} AND status = 'pending' AND claimed_by IS NULL
        AND (payload->>'announcementId')::int IN (SELECT id FROM routine_announcements WHERE subject = ${subject} AND status = 'dropped')`;
    return dropped;
  }
}

// ------------------------------------------------------------------------------- delivery

/** One platform's way of sending a rendered announcement to a channel (a Slack/Teams channel, an address). */
export interface AnnouncementTransport {
  /** Sends; resolves when the platform accepted it. `key` is stable per announcement (a Message-ID, metadata). */
  send(channel: string, message: { subject: string; text: string; key: string }): Promise<void>;
  /** Maps a platform error to a job failure (permanent, Retry-After). */
  classify?(err: unknown): JobFailure;
}

export type Render = (payload: AnnouncementJobPayload) => { subject: string; text: string };

/**
 * Delivers routine announcements of one destination through a transport: re-reads the
 * row (dropped → not sent; already sent after a takeover → done), sends, marks it sent.
 */
export class AnnouncementHandler implements DeliveryHandler {
  constructor(
    readonly destination: string,
    private readonly prisma: PrismaClient,
    private readonly transport: AnnouncementTransport,
    private readonly render: Render,
    readonly paceMs = 0,
    /** The clock that decides what is due (the queue's). */
    private readonly now: () => number = Date.now,
  ) {}

  classify(err: unknown): JobFailure {
    return this.transport.classify?.(err) ?? { code: errorCode(err) };
  }

  /** Whether a later ladder step for the same party, channel and revision is already due. */
  private async superseded(announcementId: number): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ later: boolean }>>`
      SELECT EXISTS (
        SELECT 1 FROM routine_announcements later, routine_announcements a
        WHERE a.id = ${announcementId} AND later.subject = a.subject AND later.revision = a.revision AND later.party = a.party
          AND later.destination = a.destination AND later.channel = a.channel AND later.id <> a.id
          AND later.due_at > a.due_at AND later.due_at <= ${new Date(this.now())}
          AND (later.step IN ('start', 'end') OR later.step LIKE 'before-%')
      ) AS later`;
    return rows[0]?.later === true;
  }

  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    for (const job of jobs) {
      if (ctx.stopped) return;
      if (job.kind !== ANNOUNCEMENT_JOB) {
        await ctx.drop(job, `unknown job kind ${job.kind}`);
        continue;
      }
      const payload = job.payload as AnnouncementJobPayload;
      const row = await this.prisma.routineAnnouncement.findUnique({ where: { id: payload.announcementId }, select: { status: true } });
      if (!row || row.status === 'dropped') {
        await ctx.drop(job, 'superseded');
        continue;
      }
      if (row.status === 'sent') {
        await ctx.drop(job, 'already sent', 'done');
        continue;
      }
      if (payload.content.type === 'window' && payload.content.event === 'step' && (await this.superseded(payload.announcementId))) {
        // A later step of the ladder is already due (the bot was down): say that one, not a stale one in a burst.
        await this.prisma.routineAnnouncement.updateMany({ where: { id: payload.announcementId, status: 'pending' }, data: { status: 'dropped' } });
        await ctx.drop(job, 'superseded by a later step');
        continue;
      }
      if (!(await ctx.beforeSend([job.id])).has(job.id)) continue;
      try {
        const message = this.render(payload);
        await this.transport.send(job.channel ?? '', { ...message, key: `ssbtek-${job.id}` });
      } catch (err) {
        const failure = this.classify(err);
        if (failure.retryAfterMs !== undefined) ctx.rateLimited(failure.retryAfterMs);
        else {
          const outcome = await ctx.fail(job, failure);
          if (outcome === 'failed')
            await this.prisma.routineAnnouncement.updateMany({ where: { id: payload.announcementId, status: 'pending' }, data: { status: 'failed' } });
        }
        continue;
      }
      ctx.sent();
      await this.prisma.routineAnnouncement.updateMany({
        where: { id: payload.announcementId, status: 'pending' },
        data: { status: 'sent', sentAt: new Date() },
      });
      await ctx.complete(job);
    }
  }
}
