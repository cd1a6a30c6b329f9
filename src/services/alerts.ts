// Incidents from monitoring (contract 4.2, issue 15): alert groups from Alertmanager or
// any tool that posts JSON open, join and annotate incidents the way staff would.
//
//   * A firing alert group opens ONE incident; its received time is the alert's startsAt,
//     so deadlines and the report count from when the fault began.
//   * More alerts firing in the same group (same groupKey, else fingerprint) add a line to
//     that incident's timeline and thread; a repeat of what is known adds nothing.
//   * A group that cleared and fires again within the quiet period is the same fault: a
//     note, never a second incident.
//   * Resolved alerts NEVER resolve an incident (the contract asks a person to report
//     back): they add "monitoring has cleared" to the timeline and thread.
//   * Idempotent on (group key, startsAt) across retries, concurrent deliveries and
//     replicas: the alert_groups table's unique pair, a transaction-scoped advisory lock
//     per group, and the incident's idempotency key.
//   * Alerts no rule matches are counted and logged by alert name and label names only.
import { createHash } from 'node:crypto';
import type { Logger } from '../app.js';
import { ALERT_DEFAULTS, type AlertsConfig, alertRules, alertsConfigOf } from '../config/alerts.js';
import type { Contract } from '../config/contract.js';
import { type AlertRule, firstMatchingRule, groupingKey, type IncidentPlan, type Labels, labelSetText, planIncident } from '../domain/alert-rules.js';
import { capEcho } from '../domain/text.js';
import type { AlertGroup } from '../generated/prisma/client.js';
import { type Lang, type Translator, translator } from '../i18n/index.js';
import type { Prisma, PrismaClient } from '../store/index.js';
import { UserError } from './errors.js';
import { type Actor, type IncidentService, incidentRef, TEXT_MAX, TITLE_MAX } from './incidents.js';

export type AlertSource = 'alertmanager' | 'generic';

/** One alert as the intake validated it. */
export interface IncomingAlert {
  status: 'firing' | 'resolved';
  labels: Labels;
  annotations: Labels;
  /** Epoch ms. */
  startsAt: number;
  /** Alertmanager's fingerprint; computed from the labels when the sender has none. */
  fingerprint?: string;
}

/** One delivery: Alertmanager's notification (one group) or a generic post (a group per key). */
export interface AlertNotification {
  source: AlertSource;
  /** The authenticated sender's id. */
  sender: string;
  /** Alertmanager's groupKey (all alerts are one group); absent for generic posts. */
  groupKey?: string;
  alerts: IncomingAlert[];
  /** For generic posts: each alert's own grouping key, by index. */
  keys?: (string | undefined)[];
}

export type GroupOutcomeKind = 'opened' | 'joined' | 'refired' | 'cleared' | 'unchanged' | 'unmatched' | 'ignored';

export interface GroupOutcome {
  outcome: GroupOutcomeKind;
  /** INC-n when the group belongs to an incident. */
  incident?: string;
  /** Alerts in the group. */
  alerts: number;
}

/** The counters the intake updates (Metrics implements them). */
export interface AlertMetrics {
  alertsReceived(source: string, n: number): void;
  alertsMatched(n: number): void;
  alertsGrouped(outcome: string, n: number): void;
  alertsRejected(reason: string, n: number): void;
}

/** What the card shows about monitoring: the latest state of the incident's alert groups. */
export interface MonitoringState {
  state: 'firing' | 'cleared';
  /** When it went to that state (epoch ms). */
  at: number;
}

export interface AlertServiceDeps {
  prisma: PrismaClient;
  incidents: IncidentService;
  contract: Contract;
  now: () => number;
  log: Logger;
  metrics?: AlertMetrics;
  /** Language of the timeline lines (SSBTEK_LANG); Swedish by default. */
  lang?: Lang;
}

const NOTE_RETRIES = 12;
/** How long a delivery waits for another one that is opening the same group's incident. */
const OPENING_WAIT_MS = 3_000;
/** Interactive transactions wait this long for a connection under load (Prisma's default is 2 s). */
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

export class AlertService {
  readonly config: AlertsConfig;
  readonly rules: readonly AlertRule[];
  private readonly tr: Translator;
  /** The last timeline line being written per incident (one at a time per process). */
  private readonly noting = new Map<number, Promise<void>>();

  constructor(private readonly deps: AlertServiceDeps) {
    this.config = alertsConfigOf(deps.contract);
    this.rules = alertRules(this.config);
    this.tr = translator(deps.lang ?? 'sv');
  }

  /** Handles one delivery; one outcome per alert group in it. */
  async receive(n: AlertNotification): Promise<GroupOutcome[]> {
    const { metrics } = this.deps;
    metrics?.alertsReceived(n.source, n.alerts.length);
    const groups = new Map<string, IncomingAlert[]>();
    n.alerts.forEach((alert, i) => {
      const fingerprint = alert.fingerprint ?? fingerprintOf(alert.labels);
      const key = groupingKey(n.source, n.groupKey ?? n.keys?.[i], fingerprint);
      const list = groups.get(key) ?? [];
      list.push({ ...alert, fingerprint });
      groups.set(key, list);
    });
    const out: GroupOutcome[] = [];
    for (const [key, alerts] of groups) out.push(await this.group(n, key, alerts));
    return out;
  }

  /** The monitoring state of incidents (latest alert group of each); absent when none came from monitoring. */
  monitoringStates(incidentIds: number[]): Promise<Map<number, MonitoringState>> {
    return monitoringStates(this.deps.prisma, incidentIds);
  }

  private async group(n: AlertNotification, key: string, alerts: IncomingAlert[]): Promise<GroupOutcome> {
    const { metrics, log } = this.deps;
    // Only the rule is looked up per alert; the incident is rendered from one of them, if needed.
    const planned: Array<{ alert: IncomingAlert; rule: AlertRule }> = [];
    let unmatched = 0;
    for (const alert of alerts) {
      const rule = firstMatchingRule(this.rules, alert.labels);
      if (rule) planned.push({ alert, rule });
      else {
        unmatched++;
        // Names only: the alert's name and which labels it had, never their values.
        log.info(
          `alerts: no rule matches an alert from ${n.sender} (alertname ${capEcho(alert.labels.alertname ?? '-', 60)}; labels ${Object.keys(alert.labels).sort().join(',').slice(0, 300)})`,
        );
      }
    }
    if (unmatched) metrics?.alertsRejected('unmatched', unmatched);
    if (planned.length === 0) {
      metrics?.alertsGrouped('unmatched', alerts.length);
      return { outcome: 'unmatched', alerts: alerts.length };
    }
    metrics?.alertsMatched(planned.length);

    const firing = planned.filter((p) => p.alert.status === 'firing');
    const startsAt = Math.min(...planned.map((p) => p.alert.startsAt));
    // The incident is made from the earliest firing alert (else the earliest one).
    const lead = [...(firing.length ? firing : planned)].sort((a, b) => a.alert.startsAt - b.alert.startsAt)[0]!;
    const leadPlan = () => planIncident([lead.rule], lead.alert, { titleMax: TITLE_MAX, textMax: TEXT_MAX })!;
    const hash = sha256(key);
    const now = this.deps.now();
    // The common case — a repeat of what is known (group_interval, repeat_interval, an HA
    // pair, a retry) — is one UPDATE, without the group lock.
    const repeated = await this.repeat(
      hash,
      startsAt,
      firing.map((f) => f.alert.fingerprint!),
      firing.length > 0,
      planned.length,
    );
    if (repeated?.incidentId != null) {
      metrics?.alertsGrouped('unchanged', alerts.length);
      return { outcome: 'unchanged', incident: incidentRef(repeated.incidentId), alerts: alerts.length };
    }
    // Nothing new while another delivery opens the incident: that one will link it. Only a
    // row left unlinked for longer (its delivery died) is taken over below.
    if (repeated && Date.now() - repeated.createdAt.getTime() < OPENING_WAIT_MS) {
      metrics?.alertsGrouped('unchanged', alerts.length);
      return { outcome: 'unchanged', alerts: alerts.length };
    }
    const decision = await this.decide(hash, startsAt, planned, firing.length > 0, n.sender, lead.rule.name, now, repeated !== null);
    if (decision.kind === 'ignored') {
      metrics?.alertsGrouped('ignored', alerts.length);
      return { outcome: 'ignored', alerts: alerts.length };
    }

    let incidentId = decision.row.incidentId;
    let outcome: GroupOutcomeKind = 'unchanged';
    if (incidentId === null) {
      if (!decision.firing) {
        metrics?.alertsGrouped('ignored', alerts.length);
        return { outcome: 'ignored', alerts: alerts.length };
      }
      incidentId = await this.openFor(decision.row, leadPlan(), n.sender, now, decision.opened);
      outcome = decision.opened ? 'opened' : 'joined';
    }
    const actor = monitoringActor(n.sender);
    const names = (list: IncomingAlert[]) => [...new Set(list.map((a) => capEcho(a.labels.alertname ?? a.fingerprint ?? '?', 60)))].slice(0, 5).join(', ');
    if (decision.refired) {
      // Within the quiet period it is the same fault whatever the incident's status; after it,
      // only an incident still being worked on is joined (see continues()).
      const key = decision.quiet ? 'alerts.note.refired' : 'alerts.note.firingAgain';
      await this.note(
        incidentId,
        this.tr.t(key, { count: firing.length, names: names(firing.map((f) => f.alert)), minutes: this.config.quietPeriodMinutes }),
        actor,
        now,
        { monitoring: 'firing', kind: 'refired' },
      );
      outcome = 'refired';
    } else if (decision.joined.length && !decision.opened) {
      await this.note(incidentId, this.tr.t('alerts.note.joined', { count: decision.joined.length, names: names(decision.joined) }), actor, now, {
        monitoring: 'firing',
        kind: 'joined',
      });
      if (outcome === 'unchanged') outcome = 'joined';
    }
    if (decision.cleared) {
      await this.note(incidentId, this.tr.t('alerts.note.cleared', { count: planned.length }), actor, now, { monitoring: 'cleared', kind: 'cleared' });
      outcome = 'cleared';
    }
    metrics?.alertsGrouped(outcome, alerts.length);
    return { outcome, incident: incidentRef(incidentId), alerts: alerts.length };
  }

  /**
   * Counts a notification that brings nothing new (same status, every firing alert already
   * known) and returns its row's incident (null while another delivery opens it) and when
   * the row was made; null when anything is new.
   */
  private async repeat(
    hash: string,
    startsAt: number,
    firing: string[],
    isFiring: boolean,
    alerts: number,
  ): Promise<{ incidentId: number | null; createdAt: Date } | null> {
    const status = isFiring ? 'firing' : 'resolved';
    const rows = await this.deps.prisma.$queryRaw<Array<{ incident_id: number | null; created_at: Date }>>`
      UPDATE alert_groups
         SET notifications = notifications + 1, alerts_received = alerts_received + ${alerts}, updated_at = now()
       WHERE group_key = ${hash} AND starts_at = ${new Date(startsAt)}
         AND last_status = ${status} AND fingerprints @> ${[...new Set(firing)]}::text[]
      RETURNING incident_id, created_at`;
    const row = rows[0];
    return row ? { incidentId: row.incident_id, createdAt: new Date(row.created_at) } : null;
  }

  /**
   * Under a per-group lock: which episode row this notification belongs to, and what is
   * new in it (alerts joining, a re-fire, a clear). Writes the row's new state.
   */
  private async decide(
    hash: string,
    startsAt: number,
    planned: Array<{ alert: IncomingAlert }>,
    firing: boolean,
    sender: string,
    rule: string,
    now: number,
    /** The fast path already counted this notification. */
    counted = false,
  ): Promise<
    | { kind: 'ignored' }
    | { kind: 'row'; row: AlertGroup; opened: boolean; firing: boolean; joined: IncomingAlert[]; refired: boolean; quiet: boolean; cleared: boolean }
  > {
    const quietMs = this.config.quietPeriodMinutes * 60_000;
    const remember = ALERT_DEFAULTS.rememberAlerts;
    return this.deps.prisma.$transaction(async (tx) => {
      // One writer per group at a time, on every replica (released at commit).
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${hash}, 0))`;
      const start = new Date(startsAt);
      const firingFingerprints = planned.filter((p) => p.alert.status === 'firing').map((p) => p.alert.fingerprint!);
      // The exact row (this startsAt) first, else the group's latest, with its incident's status: one query.
      const found = await tx.$queryRaw<RawGroupRow[]>`
        SELECT g.*, i.status AS incident_status, (g.starts_at = ${start}) AS exact
          FROM alert_groups g LEFT JOIN incidents i ON i.id = g.incident_id
         WHERE g.group_key = ${hash}
         ORDER BY (g.starts_at = ${start}) DESC, g.starts_at DESC
         LIMIT 1`;
      const first = found[0];
      let row: AlertGroup | null = first?.exact ? groupOf(first) : null;
      // A new row starts from the episode it continues, or empty for a new episode.
      let fresh: Omit<Prisma.AlertGroupUncheckedCreateInput, 'lastStatus'> | null = null;
      let opened = false;
      if (!row) {
        const latest = first ? groupOf(first) : null;
        if (latest && latest.incidentId === null) {
          // The episode's incident is being opened by another delivery: join it.
          row = latest;
        } else if (latest && continues(latest, first!.incident_status, firingFingerprints, now, quietMs)) {
          fresh = {
            groupKey: hash,
            startsAt: start,
            incidentId: latest.incidentId,
            sender,
            rule,
            fingerprints: latest.fingerprints,
            firedAt: latest.firedAt,
            clearedAt: latest.clearedAt,
          };
          row = { ...latest, startsAt: start };
        } else if (!firing) {
          return { kind: 'ignored' as const };
        } else {
          fresh = { groupKey: hash, startsAt: start, sender, rule, fingerprints: [], firedAt: new Date(now) };
          opened = true;
        }
      }
      const before = row ?? { fingerprints: [] as string[], lastStatus: 'firing', incidentId: null, clearedAt: null as Date | null };
      const known = new Set(before.fingerprints);
      const firingAlerts = planned.filter((p) => p.alert.status === 'firing').map((p) => p.alert);
      const joined = firingAlerts.filter((a) => !known.has(a.fingerprint!));
      const wasResolved = before.lastStatus === 'resolved';
      const status = firing ? 'firing' : 'resolved';
      const refired = !opened && wasResolved && firing;
      const quiet = refired && before.clearedAt !== null && now - before.clearedAt.getTime() < quietMs;
      const cleared = !wasResolved && !firing && before.incidentId !== null;
      const fingerprints = [...before.fingerprints, ...new Set(joined.map((a) => a.fingerprint!))].slice(-remember);
      const changes = {
        lastStatus: status,
        ...(refired ? { firedAt: new Date(now) } : {}),
        ...(cleared ? { clearedAt: new Date(now) } : {}),
      };
      const updated = fresh
        ? await tx.alertGroup.create({ data: { ...fresh, ...changes, fingerprints, notifications: 1, alertsReceived: planned.length } })
        : await tx.alertGroup.update({
            where: { id: row!.id },
            data: {
              ...changes,
              // A repeat of known alerts leaves the (possibly long) list alone.
              ...(joined.length ? { fingerprints } : {}),
              ...(counted ? {} : { notifications: { increment: 1 }, alertsReceived: { increment: planned.length } }),
            },
          });
      return { kind: 'row' as const, row: updated, opened, firing, joined, refired, quiet, cleared };
    }, TX_OPTIONS);
  }

  /** Opens (or finds, on a retry or a race) the episode's incident and links the row to it. */
  private async openFor(row: AlertGroup, plan: IncidentPlan, sender: string, now: number, creator: boolean): Promise<number> {
    const idempotencyKey = `alert:${row.groupKey.slice(0, 40)}:${row.startsAt.toISOString()}`;
    // Another delivery is opening it right now: wait for that rather than race it. If that
    // delivery died, the idempotency key lets this one open it after the wait.
    if (!creator) {
      for (let waited = 0; waited < OPENING_WAIT_MS; waited += 50) {
        const found = await this.deps.prisma.incident.findUnique({ where: { idempotencyKey }, select: { id: true } });
        if (found) return this.link(row, found.id);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const view = await this.deps.incidents.open(
      {
        impact: plan.impact,
        ...(plan.timing !== undefined ? { timing: plan.timing } : {}),
        title: plan.title,
        agencyId: plan.agencyId,
        baseServices: plan.baseServices,
        description: plan.description,
        security: plan.security,
        receivedAt: Math.min(row.startsAt.getTime(), now),
        idempotencyKey,
      },
      monitoringActor(sender),
      now,
    );
    if (creator) this.deps.log.info(`alerts: ${view.ref} opened from monitoring (${sender}, rule ${capEcho(plan.rule, 80)})`);
    return this.link(row, view.id);
  }

  private async link(row: AlertGroup, incidentId: number): Promise<number> {
    await this.deps.prisma.alertGroup.updateMany({ where: { groupKey: row.groupKey, incidentId: null }, data: { incidentId } });
    return incidentId;
  }

  /**
   * A timeline line. Lines for one incident are written one at a time in this process (a
   * burst would otherwise collide on the incident's revision); a collision with another
   * replica or a person is retried with backoff.
   */
  private note(incidentId: number, text: string, actor: Actor, now: number, data: Record<string, unknown>): Promise<void> {
    const previous = this.noting.get(incidentId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.noteWithRetry(incidentId, text, actor, now, data));
    const tail = mine.catch(() => undefined);
    this.noting.set(incidentId, tail);
    void tail.then(() => {
      if (this.noting.get(incidentId) === tail) this.noting.delete(incidentId);
    });
    return mine;
  }

  private async noteWithRetry(incidentId: number, text: string, actor: Actor, now: number, data: Record<string, unknown>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.incidents.note(incidentId, text, actor, now, { source: 'monitoring', ...data });
        return;
      } catch (err) {
        if (!(err instanceof UserError && err.code === 'incident.conflict') || attempt >= NOTE_RETRIES) throw err;
        await new Promise((r) => setTimeout(r, Math.min(500, 10 * 2 ** attempt) * (0.5 + Math.random())));
      }
    }
  }
}

/**
 * What the incident card shows about monitoring (CardOptions.monitoring in
 * src/platforms/slack/blocks/card.ts): the state of each incident's latest alert group.
 */
export async function monitoringStates(prisma: Pick<PrismaClient, 'alertGroup'>, incidentIds: number[]): Promise<Map<number, MonitoringState>> {
  const out = new Map<number, MonitoringState>();
  if (incidentIds.length === 0) return out;
  const rows = await prisma.alertGroup.findMany({ where: { incidentId: { in: [...new Set(incidentIds)] } }, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }] });
  for (const r of rows) {
    if (r.incidentId === null) continue;
    out.set(
      r.incidentId,
      r.lastStatus === 'resolved' && r.clearedAt ? { state: 'cleared', at: r.clearedAt.getTime() } : { state: 'firing', at: r.firedAt.getTime() },
    );
  }
  return out;
}

/**
 * Whether a notification with a new startsAt continues the group's latest episode: it
 * cleared within the quiet period; or it never cleared and an alert of it still fires
 * (the fault goes on, even if a person resolved the incident meanwhile); or its incident is
 * still open or acknowledged.
 */
function continues(latest: AlertGroup, incidentStatus: string | null, firing: readonly string[], now: number, quietMs: number): boolean {
  if (latest.lastStatus === 'resolved' && latest.clearedAt && now - latest.clearedAt.getTime() < quietMs) return true;
  if (latest.lastStatus === 'firing' && firing.some((fp) => latest.fingerprints.includes(fp))) return true;
  return incidentStatus === 'open' || incidentStatus === 'acknowledged';
}

/** An alert_groups row as raw SQL returns it (snake_case), with its incident's status. */
interface RawGroupRow {
  id: number;
  group_key: string;
  starts_at: Date;
  incident_id: number | null;
  sender: string;
  rule: string;
  last_status: string;
  fingerprints: string[] | null;
  notifications: number;
  alerts_received: number;
  fired_at: Date;
  cleared_at: Date | null;
  created_at: Date;
  updated_at: Date;
  incident_status: string | null;
  exact: boolean;
}

function groupOf(r: RawGroupRow): AlertGroup {
  const date = (d: Date | string) => (d instanceof Date ? d : new Date(d));
  return {
    id: r.id,
    groupKey: r.group_key,
    startsAt: date(r.starts_at),
    incidentId: r.incident_id,
    sender: r.sender,
    rule: r.rule,
    lastStatus: r.last_status,
    fingerprints: r.fingerprints ?? [],
    notifications: r.notifications,
    alertsReceived: r.alerts_received,
    firedAt: date(r.fired_at),
    clearedAt: r.cleared_at === null ? null : date(r.cleared_at),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
  };
}

/** Who monitoring is on the timeline: "monitoring:<sender>". */
export function monitoringActor(sender: string): Actor {
  return { id: `monitoring:${sender}`, source: 'monitoring' };
}

/** A fingerprint for an alert its sender gave none: a hash of its sorted label set. */
export function fingerprintOf(labels: Labels): string {
  return sha256(labelSetText(labels)).slice(0, 16);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
