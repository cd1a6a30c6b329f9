// Unavailability as rows (UC 4.1.3, 4.6.1, 7): what the compliance report reads. The
// information routine writes an outage when a service window overruns its announced end
// into opening hours without the extension going out by the routine in time (kind
// `overrun`); other writers (incidents, monitoring) use the same function.
//
// One row per stretch of opening hours ([start, end), so a report can count minutes of
// opening hours directly). A window's overrun rows are unique per (window, start): writing
// them twice changes nothing.
import type { Prisma, PrismaClient } from '../store/index.js';

export type OutageKind = 'unplanned' | 'overrun' | 'disturbed';

export interface OutageInput {
  /** Epoch ms, [start, end). */
  start: number;
  end: number;
  /** Agencies affected; empty = every agency. */
  agencies: readonly string[];
  /** Base services affected; empty = the whole flow. */
  baseServices: readonly string[];
  cause: string;
  actionPlan?: string;
  planned: boolean;
  kind: OutageKind;
  sourceIncidentId?: number | null;
  sourceWindowId?: number | null;
}

export interface OutageRow extends Required<Omit<OutageInput, 'agencies' | 'baseServices'>> {
  id: number;
  agencies: string[];
  baseServices: string[];
}

type Tx = Prisma.TransactionClient | PrismaClient;

/** Writes outages (inside the caller's transaction); an overrun already recorded is left as it is. Returns how many were new. */
export async function recordOutages(tx: Tx, outages: readonly OutageInput[]): Promise<number> {
  let added = 0;
  for (const o of outages) {
    if (!(o.end > o.start)) continue;
    added += await tx.$executeRaw`
      INSERT INTO outages (start_at, end_at, agencies, base_services, cause, action_plan, planned, kind, source_incident_id, source_window_id)
      VALUES (${new Date(o.start)}, ${new Date(o.end)}, ${[...o.agencies]}::text[], ${[...o.baseServices]}::text[], ${o.cause}, ${o.actionPlan ?? ''},
              ${o.planned}, ${o.kind}, ${o.sourceIncidentId ?? null}, ${o.sourceWindowId ?? null})
      ON CONFLICT (source_window_id, start_at) DO NOTHING`;
  }
  return added;
}

/** Outages that overlap [from, to), oldest first. */
export async function listOutages(tx: Tx, from: number, to: number): Promise<OutageRow[]> {
  const rows = await tx.outage.findMany({
    where: { startAt: { lt: new Date(to) }, endAt: { gt: new Date(from) } },
    orderBy: [{ startAt: 'asc' }, { id: 'asc' }],
  });
  return rows.map((r) => ({
    id: r.id,
    start: r.startAt.getTime(),
    end: r.endAt.getTime(),
    agencies: r.agencies,
    baseServices: r.baseServices,
    cause: r.cause,
    actionPlan: r.actionPlan,
    planned: r.planned,
    kind: r.kind as OutageKind,
    sourceIncidentId: r.sourceIncidentId,
    sourceWindowId: r.sourceWindowId,
  }));
}
