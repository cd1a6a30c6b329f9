// The status page's facts from the store: the information routine's tables
// (service_windows, disturbance_notices, outages, extra_hours_requests), read with four
// small indexed queries and reduced at once to what may be shown to anyone.
//
// What is read, and what never is:
//   * windows: times, agencies, base services, kind, status, revision and the PUBLIC
//     text (the internal description and the owner are not selected);
//   * notices: the public texts of each serious incident, and of the incident only its
//     id, agency (org_id) and status — never its title, description, reporter or any
//     other person's name;
//   * outages: times, agencies, base services, planned and kind (not the cause);
//   * extra opening hours: the approved ones' times.
// The public texts are masked again (maskPersonalNumbers) before they leave the store.
import { maskPersonalNumbers } from '../domain/pii.js';
import type { PrismaClient } from '../store/index.js';
import type { PublicNotice, PublicNoticeText, PublicWindow, StatusFacts, StatusQuery, StatusSource } from './source.js';

const OPEN_INCIDENT = new Set(['open', 'acknowledged']);

/** A row of service_windows as the status page reads it. */
interface WindowRow {
  id: number;
  startAt: Date;
  endAt: Date;
  services: string[];
  agencies: string[];
  publicText: string;
  kind: string;
  status: string;
  revision: number;
  publishedAt: Date;
  /** How many extensions were announced. */
  extended: number;
  updatedAt: Date;
}

export class StoreStatusSource implements StatusSource {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly prisma: PrismaClient) {}

  async load(q: StatusQuery): Promise<StatusFacts> {
    const from = (t: number) => new Date(t);
    const [windows, notices, outages, extra] = await Promise.all([
      // Raw SQL: the one query that returns many rows (every window of the calendar) costs half as much
      // without the client's row mapping. The internal description and the owner are not selected.
      this.prisma.$queryRaw<WindowRow[]>`
        SELECT id, start_at AS "startAt", end_at AS "endAt", services, agencies, public_text AS "publicText", kind, status,
               revision, published_at AS "publishedAt", jsonb_array_length(extensions) AS "extended", updated_at AS "updatedAt"
        FROM service_windows WHERE end_at >= ${from(q.windowsFrom)} ORDER BY start_at, id`,
      // Every public text of every incident with one in the period (a handful: only serious incidents get notices).
      this.prisma.disturbanceNotice.findMany({
        where: { incidentId: { in: await this.noticeIncidents(q.noticesFrom) } },
        select: { incidentId: true, seq: true, kind: true, publicText: true, at: true },
        orderBy: [{ incidentId: 'asc' }, { seq: 'asc' }],
      }),
      this.prisma.outage.findMany({
        where: { endAt: { gte: from(q.outagesFrom) } },
        select: { id: true, startAt: true, endAt: true, agencies: true, baseServices: true, planned: true, kind: true },
        orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
      }),
      this.prisma.extraHoursRequest.findMany({
        where: { status: 'approved', toAt: { gte: from(q.outagesFrom) } },
        select: { fromAt: true, toAt: true },
      }),
    ]);

    const incidentIds = [...new Set(notices.map((n) => n.incidentId))];
    const incidents = incidentIds.length
      ? await this.prisma.incident.findMany({
          where: { id: { in: incidentIds } },
          select: { id: true, agencyId: true, status: true, resolvedAt: true, closedAt: true },
        })
      : [];
    const incidentById = new Map(incidents.map((i) => [i.id, i]));

    const byIncident = new Map<number, PublicNoticeText[]>();
    for (const n of notices) {
      const texts = byIncident.get(n.incidentId) ?? [];
      texts.push({ at: n.at.getTime(), kind: noticeKind(n.kind), text: publicText(n.publicText) });
      byIncident.set(n.incidentId, texts);
    }
    const publicNotices: PublicNotice[] = [];
    for (const [incidentId, texts] of byIncident) {
      const incident = incidentById.get(incidentId);
      if (!incident) continue;
      const allClear = texts.find((t) => t.kind === 'all-clear');
      // Over with its all-clear, or when the incident is no longer open (resolved without one).
      const closedAt = allClear?.at ?? (OPEN_INCIDENT.has(incident.status) ? null : ((incident.resolvedAt ?? incident.closedAt)?.getTime() ?? q.now));
      publicNotices.push({ ref: `INC-${incidentId}`, agencies: [incident.agencyId], baseServices: [], openedAt: texts[0]!.at, closedAt, texts });
    }

    return {
      windows: windows.map(
        (w): PublicWindow => ({
          ref: `WIN-${Number(w.id)}`,
          start: w.startAt.getTime(),
          end: w.endAt.getTime(),
          status: w.status === 'cancelled' ? 'cancelled' : w.status === 'done' ? 'done' : 'planned',
          kind: w.kind === 'release' || w.kind === 'emergency' ? w.kind : 'normal',
          agencies: w.agencies,
          baseServices: w.services,
          publicText: publicText(w.publicText),
          // The routine counts revisions from 1; the calendar's SEQUENCE from 0.
          revision: Math.max(0, Number(w.revision) - 1),
          publishedAt: w.publishedAt.getTime(),
          updatedAt: Math.max(w.publishedAt.getTime(), w.updatedAt.getTime()),
          lastChange:
            w.status === 'cancelled'
              ? 'cancelled'
              : w.status === 'done'
                ? 'done'
                : Number(w.extended) > 0
                  ? 'extended'
                  : Number(w.revision) > 1
                    ? 'moved'
                    : 'published',
        }),
      ),
      notices: publicNotices,
      outages: outages.map((o) => ({
        ref: `OUT-${o.id}`,
        start: o.startAt.getTime(),
        end: o.endAt.getTime(),
        agencies: o.agencies,
        baseServices: o.baseServices,
        planned: o.planned,
        state: o.kind === 'disturbed' ? 'disturbed' : 'down',
      })),
      extraOpening: extra.map((x) => ({ start: x.fromAt.getTime(), end: x.toAt.getTime() })),
    };
  }

  /** Incidents with a public text at or after `from`, or still open with one. */
  private async noticeIncidents(from: number): Promise<number[]> {
    const rows = await this.prisma.$queryRaw<Array<{ incident_id: number }>>`
      SELECT DISTINCT n.incident_id FROM disturbance_notices n
      WHERE n.at >= ${new Date(from)}
         OR n.incident_id IN (SELECT id FROM incidents WHERE status IN ('open', 'acknowledged') AND id IN (SELECT incident_id FROM disturbance_notices))`;
    return rows.map((r) => Number(r.incident_id));
  }

  /** Tells the listeners (wired to the routine services' and the incidents' change hooks). */
  changed(): void {
    for (const l of this.listeners) l();
  }

  onChanged(listener: () => void): void {
    this.listeners.push(listener);
  }
}

/** A text written for the public, masked once more: a personnummer typed into one by mistake is never published. */
function publicText(text: string): string {
  return maskPersonalNumbers(text, { strict: true }).text;
}

function noticeKind(kind: string): PublicNoticeText['kind'] {
  return kind === 'update' || kind === 'all-clear' ? kind : 'notice';
}
