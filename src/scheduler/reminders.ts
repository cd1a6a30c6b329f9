// The reminder scheduler: wakes when the next reminder is due (node-schedule) and on a
// slow heartbeat (rows written by other processes), claims what the store says is
// due, and hands each reminder to the delivery sinks exactly once.
import { randomUUID } from 'node:crypto';
import schedule from 'node-schedule';
import type { Contacts, Contract } from '../config/contract.js';
import { contactsFor, type ReminderTarget } from '../domain/reminders.js';
import type { IncidentService, IncidentView } from '../services/incidents.js';
import { activeTargets, type ReminderRow, type ReminderService } from '../services/reminders.js';

/** What a platform is given to say. */
export interface ReminderMessage {
  reminder: ReminderRow;
  incident: IncidentView;
  /** Contacts to ping (breach and later); null for a warning in the incident's thread. */
  contacts: Contacts | null;
  /** How late it goes out (ms after it was due), and whether that counts as late. */
  lateBy: number;
  late: boolean;
  snoozeMinutes: number[];
}

export interface ReminderSink {
  readonly name: string;
  deliver(message: ReminderMessage): Promise<void>;
}

export interface SchedulerLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export interface ReminderSchedulerOptions {
  reminders: ReminderService;
  incidents: IncidentService;
  contract: Contract;
  sinks: ReminderSink[];
  log: SchedulerLog;
  /** This process's name in claims. */
  owner?: string;
  /** How long a claim holds before another process may take it over. */
  leaseMs?: number;
  batchSize?: number;
  /** A reminder sent this long after its due time is marked late. */
  lateAfterMs?: number;
  /** After a failed delivery, try again this much later. */
  retryAfterMs?: number;
}

export interface TickResult {
  sent: number;
  dropped: number;
  failed: number;
  /** Lateness (ms) of each reminder sent in this pass. */
  lateness: number[];
}

export class ReminderScheduler {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly lateAfterMs: number;
  private readonly retryAfterMs: number;
  private timer: schedule.Job | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private clock: () => number = Date.now;

  constructor(private readonly options: ReminderSchedulerOptions) {
    this.owner = options.owner ?? `bot-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.batchSize = options.batchSize ?? 200;
    this.lateAfterMs = options.lateAfterMs ?? 60_000;
    this.retryAfterMs = options.retryAfterMs ?? 30_000;
  }

  /** One pass at `now`: claim everything due, deliver, mark. Loops until nothing is due. */
  async tick(now: number): Promise<TickResult> {
    const result: TickResult = { sent: 0, dropped: 0, failed: 0, lateness: [] };
    for (;;) {
      const claimed = await this.options.reminders.claimDue(this.owner, now, this.batchSize, this.leaseMs);
      if (claimed.length === 0) return result;
      await this.handleBatch(claimed, now, result);
      if (claimed.length < this.batchSize) return result;
    }
  }

  private async handleBatch(claimed: ReminderRow[], now: number, result: TickResult): Promise<void> {
    // After downtime several rungs of one ladder may be due at once: only the latest
    // is worth saying; the older ones are superseded.
    const groups = new Map<string, ReminderRow[]>();
    for (const r of claimed) {
      const k = `${r.incidentId}/${r.target}`;
      const group = groups.get(k);
      if (group) group.push(r);
      else groups.set(k, [r]);
    }
    const incidents = await this.options.incidents.getMany(claimed.map((r) => r.incidentId), now);
    for (const rows of groups.values()) {
      const latest = rows[rows.length - 1];
      for (const older of rows.slice(0, -1)) {
        await this.options.reminders.drop(older.id, this.owner, 'superseded by a later reminder');
        result.dropped++;
      }
      await this.deliverOne(latest, incidents.get(latest.incidentId), now, result);
    }
  }

  private async deliverOne(reminder: ReminderRow, incident: IncidentView | undefined, now: number, result: TickResult): Promise<void> {
    const { reminders, contract, sinks, log } = this.options;
    if (!incident) {
      await reminders.drop(reminder.id, this.owner, 'incident gone');
      result.dropped++;
      return;
    }
    const stillActive = activeTargets(incident.status).includes(reminder.target) && targetDeadline(incident, reminder.target) === reminder.deadlineAt.getTime();
    if (!stillActive) {
      await reminders.drop(reminder.id, this.owner, `no longer relevant (${incident.status})`);
      result.dropped++;
      return;
    }
    const lateBy = Math.max(0, now - reminder.dueAt.getTime());
    const message: ReminderMessage = {
      reminder,
      incident,
      contacts: reminder.level === 0 ? null : contactsFor(contract, incident.orgId, incident.priority, reminder.level >= 2 ? 2 : 1),
      lateBy,
      late: lateBy > this.lateAfterMs,
      snoozeMinutes: [...contract.reminders.snoozeMinutes],
    };
    try {
      for (const sink of sinks) await sink.deliver(message);
    } catch (err) {
      log.error(`reminder ${reminder.id} for ${incident.ref} could not be delivered; retrying`, err);
      await reminders.release(reminder.id, this.owner, now + this.retryAfterMs);
      result.failed++;
      return;
    }
    if (await reminders.markSent(reminder.id, this.owner, now, lateBy)) {
      result.sent++;
      result.lateness.push(lateBy);
    } else {
      log.warn(`reminder ${reminder.id} was sent after its claim expired`);
    }
  }

  /** Starts waking on its own: at the next due time, and every `pollMs`. */
  start(clock: () => number = Date.now, pollMs = 5_000): void {
    this.clock = clock;
    this.stopped = false;
    this.heartbeat = setInterval(() => this.wake(), pollMs);
    this.heartbeat.unref();
    this.wake();
  }

  /** Runs a pass now (coalescing overlapping wake-ups) and re-arms the timer. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.tick(this.clock());
          await this.arm();
        } catch (err) {
          this.options.log.error('scheduler pass failed', err);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Waits for a pass in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    await this.idle();
  }

  private async arm(): Promise<void> {
    const next = await this.options.reminders.nextDueAt();
    this.timer?.cancel();
    this.timer = null;
    if (next === null || this.stopped) return;
    const at = Math.max(next, this.clock() + 10);
    this.timer = schedule.scheduleJob(new Date(at), () => this.wake());
  }
}

function targetDeadline(incident: IncidentView, target: ReminderTarget): number {
  return target === 'response' ? incident.response.due : incident.resolution.due;
}
