// Service windows (servicefönster, UC 4.6): planned, moved, cancelled, extended and
// reported done, each change announced by the routine to every party that heard of the
// window. The rules are the domain's (src/domain/windows.ts, announcements.ts); this
// service stores the window, queues its announcement ladder as jobs in the same
// transaction, and records an overrun into opening hours that was not announced in time
// as unavailability (src/services/outages.ts).
//
// Lifecycle: planned → (moved) → active (at its start) → done; at its end without `done`
// it becomes `overrun` and its owner is asked at once. `cancelled` before it starts.
import type { Contract } from '../config/contract.js';
import type { RoutineRules } from '../config/routine.js';
import { announcementSchedule, type ScheduledAnnouncement } from '../domain/announcements.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import {
  checkWindow,
  overlapWarnings,
  overrunUnavailability,
  type OverlapWarning,
  type Unavailability,
  type WindowCheck,
  type WindowExtension,
  type WindowInput,
} from '../domain/windows.js';
import type { JobQueue, ClaimedJob } from '../jobs/queue.js';
import type { ServiceWindow } from '../generated/prisma/client.js';
import type { Prisma, PrismaClient } from '../store/index.js';
import { type Announcer, RoutineError, partyRecipient, type Recipient } from './announcements.js';
import type { Actor } from './incidents.js';
import { maskPersonalNumbers } from '../domain/pii.js';
import { recordOutages } from './outages.js';
import type { WindowEvent, WindowFacts } from './routine-messages.js';

export type WindowStatus = 'planned' | 'moved' | 'cancelled' | 'active' | 'done' | 'overrun';
export const LIVE_STATUSES: readonly WindowStatus[] = ['planned', 'moved', 'active', 'overrun'];

export const windowRef = (id: number) => `WIN-${id}`;

/** "WIN-3", "win-3", "WIN3" or "3". */
export function parseWindowRef(text: string | undefined): number | null {
  const m = /^(?:WIN-?)?(\d{1,9})$/i.exec((text ?? '').trim());
  return m ? Number(m[1]) : null;
}

export interface WindowView {
  id: number;
  ref: string;
  start: number;
  /** The end in force. */
  end: number;
  /** The end first announced. */
  plannedEnd: number;
  services: string[];
  agencies: string[];
  description: string;
  publicText: string;
  kind: 'normal' | 'release' | 'emergency';
  status: WindowStatus;
  owner: string;
  ownerSource: string;
  revision: number;
  publishedAt: number;
  extensions: WindowExtension[];
  doneAt: number | null;
}

export interface PlanWindowInput {
  start: number;
  end: number;
  /** Base services taken down; empty = the whole flow. */
  services?: string[];
  /** Agency ids affected; empty = every agency. */
  agencies?: string[];
  description?: string;
  /** What the parties are told; the description when empty. */
  publicText?: string;
  release?: boolean;
  emergency?: boolean;
}

/** A window the rules refuse: the check (each problem names its rule) and the input, for the text. */
export class WindowRefused extends RoutineError {
  constructor(
    readonly input: WindowInput,
    readonly check: WindowCheck,
    readonly at: number,
  ) {
    super('routine.window.refusedError', { rules: check.problems.map((p) => p.rule).join(',') });
    this.name = 'WindowRefused';
  }
}

export interface WindowResult {
  window: WindowView;
  /** Other windows on the same services at the same time (a warning, not a refusal). */
  warnings: OverlapWarning[];
  /** The steps queued for this revision. */
  schedule: ScheduledAnnouncement[];
  /** Parties told of this change. */
  told: string[];
  /** An extension: announced before the end then in force (so an overrun up to it does not count). */
  inTime?: boolean;
}

export interface DoneResult {
  window: WindowView;
  /** Overrun into opening hours not announced in time: recorded as outages. */
  unavailability: Unavailability[];
}

export interface WindowServiceDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
  rules: RoutineRules;
  queue: JobQueue;
  announcer: Announcer;
}

/** Internal jobs (destination `routine`): the window's state at its start and end. */
export const WINDOW_START_JOB = 'routine.window-start';
export const WINDOW_END_JOB = 'routine.window-end';
export const INTERNAL_DESTINATION = 'routine';

const TEXT_MAX = 3000;

export class WindowService {
  constructor(private readonly deps: WindowServiceDeps) {}

  /** Plans a window: checked by the rules at `now`, stored, and its ladder queued. */
  async plan(input: PlanWindowInput, actor: Actor, now: number): Promise<WindowResult> {
    const services = clean(input.services);
    const agencies = this.checkAgencies(clean(input.agencies));
    // Texts go to every party: personal numbers never leave the bot.
    const description = maskPersonalNumbers((input.description ?? '').trim(), { strict: true }).text;
    const publicText = maskPersonalNumbers((input.publicText ?? '').trim(), { strict: true }).text;
    if (description.length > TEXT_MAX || publicText.length > TEXT_MAX) throw new RoutineError('routine.error.textTooLong', { max: TEXT_MAX });
    if (!publicText && !description) throw new RoutineError('routine.error.textMissing');
    const candidate: WindowInput = { start: input.start, end: input.end, release: input.release === true, emergency: input.emergency === true };
    const check = checkWindow(candidate, now, this.deps.calendar, this.deps.rules);
    if (!check.ok) throw new WindowRefused(candidate, check, now);
    const warnings = overlapWarnings({ start: input.start, end: input.end, services }, await this.liveWindows());
    return this.deps.prisma.$transaction(async (tx) => {
      const row = await tx.serviceWindow.create({
        data: {
          startAt: new Date(input.start),
          endAt: new Date(input.end),
          plannedEndAt: new Date(input.end),
          services,
          agencies,
          description,
          publicText,
          kind: check.kind,
          status: 'planned',
          owner: actor.id,
          ownerSource: actor.source,
          revision: 1,
          publishedAt: new Date(now),
        },
      });
      const window = toView(row);
      await audit(tx, actor, now, window.ref, 'planned', null, window);
      const schedule = announcementSchedule(window, now, this.deps.calendar, this.deps.rules);
      await this.queueLadder(tx, window, schedule);
      return { window, warnings, schedule, told: this.audience(window).map((r) => r.id) };
    });
  }

  /** Moves a planned window to new times: checked again, and announced as moved to everyone who heard of it. */
  async move(id: number, times: { start: number; end: number }, actor: Actor, now: number): Promise<WindowResult> {
    const current = await this.get(id);
    if (current.status !== 'planned' && current.status !== 'moved') throw transition(current, 'move');
    const candidate: WindowInput = { start: times.start, end: times.end, release: current.kind === 'release', emergency: current.kind === 'emergency' };
    const check = checkWindow(candidate, now, this.deps.calendar, this.deps.rules);
    if (!check.ok) throw new WindowRefused(candidate, check, now);
    const warnings = overlapWarnings({ id: current.ref, start: times.start, end: times.end, services: current.services }, await this.liveWindows());
    return this.change(
      current,
      actor,
      now,
      'moved',
      { startAt: new Date(times.start), endAt: new Date(times.end), plannedEndAt: new Date(times.end), status: 'moved', extensions: [], kind: check.kind },
      warnings,
    );
  }

  /** Cancels a window that has not started: announced as cancelled to everyone who heard of it. */
  async cancel(id: number, actor: Actor, now: number): Promise<WindowResult> {
    const current = await this.get(id);
    if (current.status !== 'planned' && current.status !== 'moved') throw transition(current, 'cancel');
    return this.change(current, actor, now, 'cancelled', { status: 'cancelled' }, []);
  }

  /**
   * Extends the window's end. Announced at once; it counts (no unavailability) only when
   * it is announced before the end then in force.
   */
  async extend(id: number, newEnd: number, actor: Actor, now: number): Promise<WindowResult> {
    const current = await this.get(id);
    if (!['planned', 'moved', 'active', 'overrun'].includes(current.status)) throw transition(current, 'extend');
    if (!(newEnd > current.end)) throw new RoutineError('routine.error.extendNotLater', { ref: current.ref, end: current.end });
    const extensions = [...current.extensions, { announcedAt: now, newEnd }];
    const status: WindowStatus = current.status === 'overrun' && newEnd > now ? 'active' : current.status;
    const inTime = now < current.end;
    const result = await this.change(
      current,
      actor,
      now,
      'extended',
      { endAt: new Date(newEnd), extensions: extensions as unknown as Prisma.InputJsonValue, status },
      [],
    );
    return { ...result, inTime };
  }

  /**
   * The work is done (at `now`). Time past the end in force that falls inside opening
   * hours and was not announced in time is recorded as unavailability and the parties
   * are told.
   */
  async done(id: number, actor: Actor, now: number, endedAt: number = now): Promise<DoneResult> {
    const current = await this.get(id);
    if (!['planned', 'moved', 'active', 'overrun'].includes(current.status)) throw transition(current, 'done');
    if (now < current.start) throw new RoutineError('routine.error.doneBeforeStart', { ref: current.ref, start: current.start });
    // The work may be reported after it ended: when, between the start and now.
    if (endedAt > now || endedAt <= current.start) throw new RoutineError('routine.error.doneAt', { ref: current.ref, start: current.start, end: now });
    const unavailability = overrunUnavailability(current.plannedEnd, endedAt, current.extensions, this.deps.calendar);
    return this.deps.prisma.$transaction(async (tx) => {
      const updated = await tx.serviceWindow.updateMany({
        where: { id, revision: current.revision, status: current.status },
        data: { status: 'done', doneAt: new Date(endedAt) },
      });
      if (updated.count !== 1) throw new RoutineError('routine.error.conflict', { ref: current.ref });
      const window: WindowView = { ...current, status: 'done', doneAt: endedAt };
      await audit(tx, actor, now, current.ref, 'done', current, window);
      // The steps still ahead (the end, if done early) are no longer true.
      await this.deps.announcer.dropFuture(tx, current.ref, now);
      if (unavailability.length) {
        const facts = this.facts(current);
        await recordOutages(
          tx,
          unavailability.map((u) => ({
            start: u.from,
            end: u.to,
            agencies: current.agencies,
            baseServices: current.services,
            cause: `${current.ref}: ${facts.text}`.slice(0, TEXT_MAX),
            planned: false,
            kind: 'overrun' as const,
            sourceWindowId: current.id,
          })),
        );
        const minutes = unavailability.reduce((s, u) => s + u.minutes, 0);
        const recipients = mergeRecipients(await this.changeRecipients(tx, current, now), this.audience(current));
        await this.deps.announcer.announce(tx, {
          subject: current.ref,
          revision: current.revision,
          step: 'overrun',
          dueAt: now,
          recipients,
          content: {
            type: 'window',
            event: 'overrun',
            step: 'overrun',
            window: { ...facts, end: endedAt },
            previous: { start: current.start, end: current.end },
            overrunMinutes: minutes,
          },
        });
      }
      return { window, unavailability };
    });
  }

  async get(id: number): Promise<WindowView> {
    const row = await this.deps.prisma.serviceWindow.findUnique({ where: { id } });
    if (!row) throw new RoutineError('routine.error.windowNotFound', { ref: windowRef(id) });
    return toView(row);
  }

  /** The windows not ended (planned, moved, active, overrun), and done or cancelled ones whose end is at most `recentDays` ago (or ahead), by start. */
  async list(now: number, recentDays = 7): Promise<WindowView[]> {
    const rows = await this.deps.prisma.serviceWindow.findMany({
      where: { OR: [{ status: { in: [...LIVE_STATUSES] } }, { endAt: { gte: new Date(now - recentDays * 86_400_000) } }] },
      orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toView);
  }

  /** The internal jobs at a window's start and end (the `routine` destination's handler calls this). */
  async onInternalJob(job: ClaimedJob, now: number): Promise<'done' | 'dropped'> {
    const { windowId, revision } = job.payload as { windowId: number; revision: number };
    const row = await this.deps.prisma.serviceWindow.findUnique({ where: { id: windowId } });
    if (!row || row.revision !== revision) return 'dropped';
    const window = toView(row);
    if (job.kind === WINDOW_START_JOB) {
      if (window.status !== 'planned' && window.status !== 'moved') return 'dropped';
      await this.deps.prisma.serviceWindow.updateMany({ where: { id: windowId, revision, status: window.status }, data: { status: 'active' } });
      return 'done';
    }
    if (job.kind === WINDOW_END_JOB) {
      if (window.status === 'done' || window.status === 'cancelled' || window.status === 'overrun') return 'dropped';
      if (now < window.end) return 'dropped';
      await this.deps.prisma.$transaction(async (tx) => {
        const n = await tx.serviceWindow.updateMany({ where: { id: windowId, revision, status: window.status }, data: { status: 'overrun' } });
        if (n.count !== 1) return;
        // Ask the owner at once: is the work done, or is an extension to be announced?
        await this.deps.announcer.announce(tx, {
          subject: window.ref,
          revision,
          step: 'overrun-ask',
          dueAt: now,
          recipients: [this.ownerRecipient(window)],
          content: { type: 'ask', event: 'overrun', ref: window.ref, start: window.start, end: window.end },
        });
      });
      return 'done';
    }
    return 'dropped';
  }

  // ------------------------------------------------------------------------------- internals

  /** One announced change: a new revision, what was queued and no longer true dropped, the change told, the ladder queued again. */
  private async change(
    current: WindowView,
    actor: Actor,
    now: number,
    event: Exclude<WindowEvent, 'step' | 'overrun'>,
    data: Prisma.ServiceWindowUpdateManyMutationInput,
    warnings: OverlapWarning[],
  ): Promise<WindowResult> {
    return this.deps.prisma.$transaction(async (tx) => {
      const recipients = await this.changeRecipients(tx, current, now);
      const updated = await tx.serviceWindow.updateMany({
        where: { id: current.id, revision: current.revision },
        data: { ...data, revision: current.revision + 1 },
      });
      if (updated.count !== 1) throw new RoutineError('routine.error.conflict', { ref: current.ref });
      const row = await tx.serviceWindow.findUniqueOrThrow({ where: { id: current.id } });
      const window = toView(row);
      await audit(tx, actor, now, window.ref, event, current, window);
      await this.deps.announcer.dropFuture(tx, current.ref, now);
      // Everyone who heard of the window, and everyone the changed window concerns.
      const told = mergeRecipients(recipients, event === 'cancelled' ? [] : this.audience(window));
      await this.deps.announcer.announce(tx, {
        subject: window.ref,
        revision: window.revision,
        step: event,
        dueAt: now,
        recipients: told,
        content: { type: 'window', event, step: event, window: this.facts(window), previous: { start: current.start, end: current.end } },
      });
      let schedule: ScheduledAnnouncement[] = [];
      if (event !== 'cancelled') {
        // The rest of the ladder for the changed window; the change notice is its publication.
        schedule = announcementSchedule(window, now, this.deps.calendar, this.deps.rules).filter((s) => s.kind !== 'published');
        await this.queueLadder(tx, window, schedule);
      }
      return { window, warnings, schedule, told: told.map((r) => r.id) };
    });
  }

  private async queueLadder(tx: Prisma.TransactionClient, window: WindowView, schedule: readonly ScheduledAnnouncement[]): Promise<void> {
    const recipients = this.audience(window);
    const facts = this.facts(window);
    for (const s of schedule) {
      await this.deps.announcer.announce(tx, {
        subject: window.ref,
        revision: window.revision,
        step: s.step,
        dueAt: s.at,
        recipients,
        content: { type: 'window', event: 'step', step: s.step, window: facts },
      });
    }
    const payload = { windowId: window.id, revision: window.revision };
    await this.deps.queue.enqueue(tx, [
      {
        kind: WINDOW_START_JOB,
        destination: INTERNAL_DESTINATION,
        channel: null,
        payload,
        dedupeKey: `routine:${window.ref}:${window.revision}:state-start`,
        dueAt: window.start,
      },
      {
        kind: WINDOW_END_JOB,
        destination: INTERNAL_DESTINATION,
        channel: null,
        payload,
        dedupeKey: `routine:${window.ref}:${window.revision}:state-end`,
        dueAt: window.end,
      },
    ]);
  }

  /** The parties a window concerns: the operator and the contract owner always, and the affected agencies (all when none named). */
  audience(window: Pick<WindowView, 'agencies'>): Recipient[] {
    return this.deps.rules.parties.filter((p) => p.role !== 'agency' || window.agencies.length === 0 || window.agencies.includes(p.id)).map(partyRecipient);
  }

  /** Those who heard of the window and those it concerns now. */
  private async changeRecipients(tx: Prisma.TransactionClient, window: WindowView, now: number): Promise<Recipient[]> {
    const heard = await this.deps.announcer.heardOf(tx, window.ref, now);
    const fromHeard = this.deps.rules.parties.filter((p) => heard.has(p.id)).map(partyRecipient);
    return fromHeard;
  }

  private ownerRecipient(window: WindowView): Recipient {
    const source = window.ownerSource;
    if (source === 'slack' || source === 'teams') {
      return {
        id: `owner:${window.owner}`,
        name: window.owner,
        lang: 'sv',
        channels: [{ destination: source === 'slack' ? 'routine:slack' : 'routine:teams', channel: window.owner }],
      };
    }
    // Someone at the terminal: the operator's channels carry the question.
    const operators = this.deps.rules.parties.filter((p) => p.role === 'operator').map(partyRecipient);
    return { id: `owner:${window.owner}`, name: window.owner, lang: operators[0]?.lang ?? 'sv', channels: operators.flatMap((o) => o.channels) };
  }

  facts(window: WindowView): WindowFacts {
    const names = new Map(this.deps.contract.agencies.map((a) => [a.id, a.name]));
    return {
      ref: window.ref,
      start: window.start,
      end: window.end,
      services: window.services,
      agencies: window.agencies.map((a) => names.get(a) ?? a),
      text: window.publicText || window.description,
      kind: window.kind,
      contact: this.deps.rules.contact,
    };
  }

  private checkAgencies(agencies: string[]): string[] {
    const known = this.deps.contract.agencies.map((a) => a.id);
    const byName = new Map(this.deps.contract.agencies.map((a) => [a.name.toLowerCase(), a.id]));
    return agencies.map((a) => {
      if (known.includes(a)) return a;
      const id = byName.get(a.toLowerCase());
      if (id) return id;
      throw new RoutineError('routine.error.agencyUnknown', { given: a, known: known.join(', ') });
    });
  }

  private async liveWindows() {
    const rows = await this.deps.prisma.serviceWindow.findMany({ where: { status: { in: [...LIVE_STATUSES] } } });
    return rows.map((r) => ({ id: windowRef(r.id), start: r.startAt.getTime(), end: r.endAt.getTime(), services: r.services }));
  }
}

/** One line in the audit log per change of a window: who, when, before and after. */
async function audit(
  tx: Prisma.TransactionClient,
  actor: Actor,
  now: number,
  ref: string,
  action: string,
  before: WindowView | null,
  after: WindowView,
): Promise<void> {
  await tx.auditEntry.create({
    data: {
      at: new Date(now),
      actor: actor.id,
      entityType: 'service_window',
      entityId: ref,
      action,
      before: before ? (before as unknown as Prisma.InputJsonValue) : undefined,
      after: after as unknown as Prisma.InputJsonValue,
    },
  });
}

function transition(window: WindowView, action: string): RoutineError {
  return new RoutineError(`routine.error.windowTransition.${action}`, { ref: window.ref, status: window.status });
}

function clean(list: readonly string[] | undefined): string[] {
  return [...new Set((list ?? []).map((s) => s.trim()).filter(Boolean))];
}

function mergeRecipients(a: readonly Recipient[], b: readonly Recipient[]): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const r of [...a, ...b]) out.set(r.id, r);
  return [...out.values()];
}

export function toView(row: ServiceWindow): WindowView {
  return {
    id: row.id,
    ref: windowRef(row.id),
    start: row.startAt.getTime(),
    end: row.endAt.getTime(),
    plannedEnd: row.plannedEndAt.getTime(),
    services: row.services,
    agencies: row.agencies,
    description: row.description,
    publicText: row.publicText,
    kind: row.kind as WindowView['kind'],
    status: row.status as WindowStatus,
    owner: row.owner,
    ownerSource: row.ownerSource,
    revision: row.revision,
    publishedAt: row.publishedAt.getTime(),
    extensions: (Array.isArray(row.extensions) ? row.extensions : []) as unknown as WindowExtension[],
    doneAt: row.doneAt?.getTime() ?? null,
  };
}
