// The transactional outbox for chat: each committed change to an incident writes, in its
// own transaction, one delivery job per configured destination — the incident's card
// (coalesced: one row per incident and destination, the newest revision wins) and a line
// in its thread. A rolled-back change writes none; a process without the platform writes
// them all the same, and any replica that runs the platform delivers them.
//
// Destinations are decided from configuration, not from "is the platform running here":
// every process that runs a platform records it in `chat_destinations` (with the settings
// other processes need, e.g. Slack's incident channel), and every writer reads that table.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Incident, Prisma, PrismaClient } from '../store/index.js';
import type { Actor, ChangeKind } from '../services/incidents.js';
import type { JobQueue } from './queue.js';

/** Where a change came from in chat (set by a platform's request handlers). */
export interface ChangeOrigin {
  /** The channel the command was typed in / the button was clicked in. */
  channel?: string;
  /** The platform the request came from. */
  platform?: 'slack' | 'teams';
}

export const changeOrigin = new AsyncLocalStorage<ChangeOrigin>();

export interface DestinationSettings {
  /** Where new incidents are posted when the change names no channel (Slack: SLACK_INCIDENT_CHANNEL). */
  incidentChannel?: string;
}

export type Destinations = Map<string, DestinationSettings>;

/** The thread line's facts, frozen at the change (later changes must not rewrite it). */
export interface ThreadPayload {
  change: ChangeKind;
  actor: { id: string; source: Actor['source'] };
  detail: Record<string, unknown>;
  snapshot: { priority: string; impact: number; timing: number; resolutionNote: string | null };
}

/** What happened to an incident's card on a destination, for the reply to the person. */
export type CardState =
  | { state: 'posted'; destination: string; channel: string; messageId: string }
  | { state: 'pending'; destination: string; channel: string | null; attempts: number; lastError: string | null }
  | { state: 'failed'; destination: string; channel: string | null; lastError: string | null }
  | { state: 'none' };

export interface OutboxOptions {
  prisma: PrismaClient;
  queue: JobQueue;
  /** Destinations this process is configured for (also written to chat_destinations by register()). */
  local?: Destinations;
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

export class Outbox {
  private readonly local: Destinations;

  constructor(private readonly options: OutboxOptions) {
    this.local = options.local ?? new Map();
  }

  /** Records that this process delivers to `platform` with `settings`, so every writer includes it. */
  async register(platform: string, settings: DestinationSettings, by: string): Promise<void> {
    this.local.set(platform, settings);
    const json = JSON.stringify(settings);
    await this.options.prisma.$executeRaw`
      INSERT INTO chat_destinations (platform, settings, registered_by, updated_at) VALUES (${platform}, ${json}::jsonb, ${by}, now())
      ON CONFLICT (platform) DO UPDATE SET settings = EXCLUDED.settings, registered_by = EXCLUDED.registered_by, updated_at = EXCLUDED.updated_at`;
  }

  /** Every destination a change must be delivered to: registered on the store or configured here. */
  async destinations(tx: Prisma.TransactionClient | PrismaClient = this.options.prisma): Promise<Destinations> {
    const rows = await tx.chatDestination.findMany();
    const out: Destinations = new Map();
    for (const r of rows) out.set(r.platform, (r.settings ?? {}) as DestinationSettings);
    for (const [platform, settings] of this.local) out.set(platform, { ...out.get(platform), ...settings });
    return out;
  }

  /**
   * The change hook (runs inside the change's transaction). The fifth argument, when the
   * incident service passes it, is the actor; otherwise the actor comes from the event
   * just recorded.
   */
  readonly hook = async (tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, _now: number, actor?: Actor): Promise<void> => {
    const destinations = await this.destinations(tx);
    if (destinations.size === 0) return;
    const origin = changeOrigin.getStore();
    let who = actor ? { id: actor.id, source: actor.source } : undefined;
    let detail: Record<string, unknown> = {};
    if (change !== 'opened') {
      const event = await tx.incidentEvent.findFirst({
        where: { incidentId: incident.id, type: change },
        orderBy: { id: 'desc' },
        select: { actor: true, data: true },
      });
      if (event) {
        detail = (event.data ?? {}) as Record<string, unknown>;
        who ??= { id: event.actor, source: origin?.platform ?? (SLACK_USER.test(event.actor) ? 'slack' : 'console') };
      }
    }
    for (const [destination, settings] of destinations) {
      const ref = await tx.chatReference.findFirst({
        where: { incidentId: incident.id, platform: destination },
        orderBy: { id: 'asc' },
        select: { channelId: true },
      });
      // A new incident goes to the configured incident channel, else the channel it was reported in.
      const fromOrigin = origin?.platform === undefined || origin.platform === destination ? origin?.channel : undefined;
      const channel = ref?.channelId ?? settings.incidentChannel ?? fromOrigin ?? null;
      if (channel === null) {
        const existing = await tx.job.findUnique({ where: { dedupeKey: cardKey(destination, incident.id) }, select: { channel: true } });
        if (!existing?.channel) continue; // nowhere known to show it (as before: not announced)
      }
      await this.options.queue.enqueueLatest(tx, {
        kind: 'card',
        destination,
        channel,
        incidentId: incident.id,
        payload: {},
        dedupeKey: cardKey(destination, incident.id),
        revision: incident.revision,
      });
      if (change === 'opened' || !who) continue;
      const payload: ThreadPayload = {
        change,
        actor: who,
        detail,
        snapshot: { priority: incident.priority, impact: incident.impact, timing: incident.timing, resolutionNote: incident.resolutionNote },
      };
      await this.options.queue.enqueue(tx, [
        {
          kind: 'thread',
          destination,
          channel,
          incidentId: incident.id,
          payload: payload as unknown as Record<string, unknown>,
          dedupeKey: `thread:${destination}:${incident.id}:${incident.revision}`,
          revision: incident.revision,
        },
      ]);
    }
  };

  /** Where the incident's card stands on each destination (the first one when several). */
  async cardState(incidentId: number): Promise<CardState> {
    const { prisma } = this.options;
    const job = await prisma.job.findFirst({ where: { incidentId, kind: 'card' }, orderBy: { id: 'asc' } });
    if (!job) return { state: 'none' };
    if (job.status === 'failed') return { state: 'failed', destination: job.destination, channel: job.channel, lastError: job.lastError };
    const ref = await prisma.chatReference.findFirst({ where: { incidentId, platform: job.destination }, orderBy: { id: 'asc' } });
    if (job.status === 'done' && ref) return { state: 'posted', destination: job.destination, channel: ref.channelId, messageId: ref.messageId };
    if (job.status === 'pending' && ref && ref.shownRevision !== null && ref.shownRevision >= job.revision) {
      return { state: 'posted', destination: job.destination, channel: ref.channelId, messageId: ref.messageId };
    }
    return { state: 'pending', destination: job.destination, channel: job.channel, attempts: job.attempts, lastError: job.lastError };
  }

  /**
   * Waits (up to `timeoutMs`) until the incident's card is posted or has failed, polling
   * the store — for the reply "posted in #channel" versus "saved; the card will follow".
   */
  async awaitCard(incidentId: number, timeoutMs = 2_000): Promise<CardState> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.cardState(incidentId);
      if (state.state !== 'pending' || Date.now() >= end) return state;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const cardKey = (destination: string, incidentId: number) => `card:${destination}:${incidentId}`;
