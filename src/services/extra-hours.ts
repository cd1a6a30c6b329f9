// Extra opening hours (UC 4.1.2): requested (`EXH-<id>`), decided at the operator's
// meeting (approve or reject, announced to every party), and, once approved, opening
// hours in the calendar for that day — so deadlines that run on opening hours, the
// window rules and availability all follow.
//
// The calendar: `BusinessCalendar.setExtraOpeningHours` takes the whole list of approved
// hours. `loadIntoCalendar()` feeds it at start (app.ts) and after each decision made
// here; another process picks a decision up at its next start or `loadIntoCalendar()`.
import type { BusinessCalendar } from '../domain/calendar.js';
import { checkExtraHours, extraHoursShape, type ExtraHoursCheck } from '../domain/extra-hours.js';
import type { RoutineRules } from '../config/routine.js';
import { maskPersonalNumbers } from '../domain/pii.js';
import type { ExtraHoursRequest as ExtraHoursRow } from '../generated/prisma/client.js';
import type { Prisma, PrismaClient } from '../store/index.js';
import { type Announcer, RoutineError, partyRecipient } from './announcements.js';
import type { Actor } from './incidents.js';

export type ExtraHoursStatus = 'requested' | 'approved' | 'rejected';

export const extraHoursRef = (id: number) => `EXH-${id}`;

export function parseExtraHoursRef(text: string | undefined): number | null {
  const m = /^(?:EXH-?)?(\d{1,9})$/i.exec((text ?? '').trim());
  return m ? Number(m[1]) : null;
}

export interface ExtraHoursView {
  id: number;
  ref: string;
  from: number;
  to: number;
  status: ExtraHoursStatus;
  meeting: number;
  requestBy: number;
  materialBy: number;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string | null;
}

/** A request the rules refuse: too late (with the earliest that can still be requested), or hours of the wrong shape. */
export class ExtraHoursRefused extends RoutineError {
  constructor(
    key: string,
    params: Record<string, string | number>,
    readonly check: ExtraHoursCheck | null,
    readonly request: { from: number; to: number },
  ) {
    super(key, params);
    this.name = 'ExtraHoursRefused';
  }
}

export interface ExtraHoursServiceDeps {
  prisma: PrismaClient;
  calendar: BusinessCalendar;
  rules: RoutineRules;
  announcer: Announcer;
}

export class ExtraHoursService {
  constructor(private readonly deps: ExtraHoursServiceDeps) {}

  /** Records a request made at `now`, if it is in time for its decision meeting. */
  async request(range: { from: number; to: number }, actor: Actor, now: number): Promise<{ request: ExtraHoursView; check: ExtraHoursCheck }> {
    const shape = extraHoursShape(range, this.deps.calendar);
    if (shape) {
      const params: Record<string, string | number> =
        shape.rule === 'adjacent' || shape.rule === 'already-open' ? { open: shape.open, close: shape.close } : {};
      throw new ExtraHoursRefused(`routine.extraHoursRule.${shape.rule}`, params, null, range);
    }
    if (range.from <= now) throw new ExtraHoursRefused('routine.extraHoursRule.past', {}, null, range);
    const check = checkExtraHours(range, now, this.deps.calendar, this.deps.rules);
    if (!check.ok) throw new ExtraHoursRefused('routine.extraHoursRule.tooLate', {}, check, range);
    const row = await this.deps.prisma.extraHoursRequest.create({
      data: {
        fromAt: new Date(range.from),
        toAt: new Date(range.to),
        status: 'requested',
        meetingAt: new Date(check.meeting),
        requestBy: new Date(check.requestBy),
        materialBy: new Date(check.materialBy),
        requestedBy: actor.id,
      },
    });
    return { request: toView(row), check };
  }

  /** The meeting's decision: announced to every party; approved hours become opening hours. */
  async decide(id: number, decision: 'approved' | 'rejected', actor: Actor, now: number, reason?: string): Promise<ExtraHoursView> {
    const view = await this.deps.prisma.$transaction(async (tx) => {
      const row = await tx.extraHoursRequest.findUnique({ where: { id } });
      if (!row) throw new RoutineError('routine.error.extraHoursNotFound', { ref: extraHoursRef(id) });
      if (row.status !== 'requested') throw new RoutineError('routine.error.extraHoursDecided', { ref: extraHoursRef(id), status: row.status });
      const updated = await tx.extraHoursRequest.update({
        where: { id },
        data: {
          status: decision,
          decidedBy: actor.id,
          decidedAt: new Date(now),
          reason: reason?.trim() ? maskPersonalNumbers(reason.trim(), { strict: true }).text.slice(0, 1000) : null,
        },
      });
      const v = toView(updated);
      await tx.auditEntry.create({
        data: {
          at: new Date(now),
          actor: actor.id,
          entityType: 'extra_hours',
          entityId: v.ref,
          action: decision,
          before: toView(row) as unknown as Prisma.InputJsonValue,
          after: v as unknown as Prisma.InputJsonValue,
        },
      });
      await this.deps.announcer.announce(tx, {
        subject: v.ref,
        revision: 1,
        step: 'decided',
        dueAt: now,
        recipients: this.deps.rules.parties.map(partyRecipient),
        content: {
          type: 'extra-hours',
          event: decision,
          ref: v.ref,
          from: v.from,
          to: v.to,
          ...(v.reason ? { reason: v.reason } : {}),
          contact: this.deps.rules.contact,
        },
      });
      return v;
    });
    if (decision === 'approved') await this.loadIntoCalendar();
    return view;
  }

  async get(id: number): Promise<ExtraHoursView> {
    const row = await this.deps.prisma.extraHoursRequest.findUnique({ where: { id } });
    if (!row) throw new RoutineError('routine.error.extraHoursNotFound', { ref: extraHoursRef(id) });
    return toView(row);
  }

  /** Requests not yet decided, and decided hours still ahead, by start. */
  async list(now: number): Promise<ExtraHoursView[]> {
    const rows = await this.deps.prisma.extraHoursRequest.findMany({
      where: { OR: [{ status: 'requested' }, { toAt: { gte: new Date(now) } }] },
      orderBy: [{ fromAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toView);
  }

  /**
   * Feeds every approved extra opening hour into the calendar (at start, after a decision
   * here, and on each pass of the job runner for decisions made by another process). The
   * calendar is only touched when the list changed (it recomputes its days).
   */
  async loadIntoCalendar(): Promise<number> {
    const rows = await this.deps.prisma.extraHoursRequest.findMany({
      where: { status: 'approved' },
      select: { fromAt: true, toAt: true },
      orderBy: { id: 'asc' },
    });
    const ranges = rows.map((r) => ({ from: r.fromAt.getTime(), to: r.toAt.getTime() }));
    const signature = ranges.map((r) => `${r.from}-${r.to}`).join(',');
    if (signature !== this.loaded) {
      this.deps.calendar.setExtraOpeningHours(ranges);
      this.loaded = signature;
    }
    return rows.length;
  }

  private loaded: string | null = null;
}

function toView(row: ExtraHoursRow): ExtraHoursView {
  return {
    id: row.id,
    ref: extraHoursRef(row.id),
    from: row.fromAt.getTime(),
    to: row.toAt.getTime(),
    status: row.status as ExtraHoursStatus,
    meeting: row.meetingAt.getTime(),
    requestBy: row.requestBy.getTime(),
    materialBy: row.materialBy.getTime(),
    requestedBy: row.requestedBy,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.getTime() ?? null,
    reason: row.reason,
  };
}
