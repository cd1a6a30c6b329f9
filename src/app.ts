// Builds the bot from its parts: contract → calendar → store → services →
// conversation. main.ts, the CLI and the tests all compose the bot through here.
import type { Contract } from './config/contract.js';
import { BusinessCalendar } from './domain/calendar.js';
import { Conversation, type Authorize } from './conversation/engine.js';
import { IncidentService } from './services/incidents.js';
import { ReminderService } from './services/reminders.js';
import { ReminderScheduler, type ReminderSink } from './scheduler/reminders.js';
import { openDatabase, type Database } from './store/index.js';

export interface AppOptions {
  contract: Contract;
  /** postgresql://… for a server; otherwise the embedded store in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** An already open database (tests). */
  database?: Database;
  now?: () => number;
  authorize?: Authorize;
  log?: Logger;
  /** Name of this process in reminder claims. */
  schedulerOwner?: string;
  /** Reminders one scheduler claims at a time (SSBTEK_SCHEDULER_BATCH). */
  schedulerBatch?: number;
}

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export interface App {
  contract: Contract;
  calendar: BusinessCalendar;
  database: Database;
  incidents: IncidentService;
  reminders: ReminderService;
  /** Sends due reminders to the sinks; started by main.ts, driven by tick() in tests. */
  scheduler: ReminderScheduler;
  /** Where reminders go: each platform adds its own. */
  sinks: ReminderSink[];
  conversation: Conversation;
  now: () => number;
  log: Logger;
  close(): Promise<void>;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export async function createApp(options: AppOptions): Promise<App> {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  const { contract } = options;
  const calendar = new BusinessCalendar(contract);
  const database =
    options.database ??
    (await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir && `${options.dataDir.replace(/\/$/, '')}/pglite`, log: (m) => log.info(m) }));
  const reminders = new ReminderService({ prisma: database.prisma, contract, calendar });
  const incidents = new IncidentService({
    prisma: database.prisma,
    contract,
    calendar,
    hooks: [reminders.planHook],
    onListenerError: (err) => log.error('a listener failed after a committed change', err),
  });
  const sinks: ReminderSink[] = [];
  const scheduler = new ReminderScheduler({ reminders, incidents, contract, sinks, log, owner: options.schedulerOwner, batchSize: options.schedulerBatch });
  // A change may bring a reminder nearer than the timer: look again after each one.
  incidents.onCommitted(() => scheduler.wake());
  const conversation = new Conversation({
    incidents,
    reminders,
    contract,
    now,
    authorize: options.authorize,
    logError: (err, context) => log.error(`fault while handling ${context}`, err),
  });
  return {
    contract,
    calendar,
    database,
    incidents,
    reminders,
    scheduler,
    sinks,
    conversation,
    now,
    log,
    async close() {
      await scheduler.stop();
      // A database handed in belongs to the caller.
      if (!options.database) await database.close();
    },
  };
}
