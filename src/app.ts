// Builds the bot from its parts: contract → calendar → store → services →
// conversation. main.ts, the CLI and the tests all compose the bot through here.
import type { Contract } from './config/contract.js';
import { BusinessCalendar } from './domain/calendar.js';
import { Conversation, type Authorize, type CommandRecord } from './conversation/engine.js';
import { IncidentService } from './services/incidents.js';
import { ReminderService } from './services/reminders.js';
import { ReminderScheduler, type ReminderSink } from './scheduler/reminders.js';
import { destinationsFromEnv, jobSettingsFromEnv, type JobSettings } from './jobs/config.js';
import { Outbox, type Destinations } from './jobs/outbox.js';
import { JobQueue, type JobMetrics } from './jobs/queue.js';
import { JobRunner } from './jobs/runner.js';
import { openDatabase, type Database } from './store/index.js';
import { ContractVersions } from './services/contract-versions.js';
import { checkContractAgainstStore } from './services/startup.js';
import { RoleService } from './services/roles.js';
import { createRoutine, type Routine } from './app/routine.js';
import type { SmtpOptions } from './platforms/email/smtp.js';
import { createCompliance, type ComplianceParts, type ReportSettings } from './app/compliance.js';

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
  /** Job queue settings; default from the environment (SSBTEK_JOB_*, see docs/jobs.md). */
  jobs?: Partial<JobSettings>;
  /** Counters the job queue updates (the metrics endpoint implements them). */
  jobMetrics?: JobMetrics;
  /** Told once per handled command (name, outcome, duration; never the typed text): logs and metrics. */
  onCommand?: (record: CommandRecord) => void;
  /** Chat destinations to write deliveries for besides those registered on the store; default from the environment (SLACK_BOT_TOKEN). */
  destinations?: Destinations;
  /** SMTP for the information routine's e-mail; default from SMTP_URL / SMTP_FROM (null: none in this process). */
  smtp?: SmtpOptions | null;
  /** The monthly report's settings; default from SSBTEK_REPORT_* (docs/compliance.md). */
  reports?: ReportSettings;
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
  /** Local observers of fired reminders (the terminal); chat platforms get delivery jobs instead. */
  sinks: ReminderSink[];
  /** The job queue, its runner (started with the scheduler) and the chat outbox. */
  jobs: { queue: JobQueue; runner: JobRunner; outbox: Outbox; settings: JobSettings };
  conversation: Conversation;
  /** Who holds a role, for every surface (services/roles.ts). */
  roles: RoleService;
  /** The information routine: service windows, extra opening hours, disturbance notices (docs/routine.md). */
  routine: Routine;
  /** Orders, problems, outages, compliance figures and the monthly report (docs/compliance.md). */
  compliance: ComplianceParts;
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
  try {
    return await compose(options, contract, calendar, database, log, now);
  } catch (err) {
    // Nothing half-open is left behind: a store this call opened is closed again.
    if (!options.database) await database.close();
    throw err;
  }
}

/** The parts of the bot on an open store (createApp closes the store if this throws). */
async function compose(options: AppOptions, contract: Contract, calendar: BusinessCalendar, database: Database, log: Logger, now: () => number): Promise<App> {
  // A configuration that would strand open incidents is refused before anything runs.
  await checkContractAgainstStore(database.prisma, contract);
  const versions = new ContractVersions({ contract, calendar }, database.prisma, (version, reason) =>
    log.warn(`incidents of contract version ${version} are shown by the current contract: ${reason}`),
  );
  const roles = new RoleService(contract);
  const reminders = new ReminderService({ prisma: database.prisma, contract, calendar, versions });
  // An injected clock (tests, simulations) drives the queue too; otherwise the database's clock does.
  const settings: JobSettings = { ...jobSettingsFromEnv(), ...options.jobs };
  const queue = new JobQueue({
    prisma: database.prisma,
    owner: options.schedulerOwner ?? `bot-${process.pid}-${Math.random().toString(36).slice(2, 10)}`,
    maxAttempts: settings.maxAttempts,
    backoffMs: settings.backoffMs,
    backoffMaxMs: settings.backoffMaxMs,
    clock: options.now,
    metrics: options.jobMetrics,
  });
  const runner = new JobRunner({ queue, log, leaseMs: settings.leaseMs, batch: settings.batch });
  // Destinations come from configuration (this environment and chat_destinations), not from
  // which platforms run in this process.
  const outbox = new Outbox({ prisma: database.prisma, queue, local: options.destinations ?? destinationsFromEnv() });
  const compliance = await createCompliance({
    prisma: database.prisma,
    contract,
    calendar,
    queue,
    runner,
    log,
    settings: options.reports,
    smtp: options.smtp,
    caseHooks: [reminders.caseHook],
  });
  const routine = createRoutine({
    prisma: database.prisma,
    contract,
    calendar,
    queue,
    runner,
    now,
    log,
    smtp: options.smtp,
    slackPaceMs: settings.channelPaceMs,
    isManager: (actor) => roles.holds('manager', actor),
  });
  const incidents = new IncidentService({
    prisma: database.prisma,
    contract,
    calendar,
    versions,
    hooks: [reminders.planHook, outbox.hook, routine.notices.hook, compliance.outageHook],
    onListenerError: (err) => log.error('a listener failed after a committed change', err),
  });
  const sinks: ReminderSink[] = [];
  const scheduler = new ReminderScheduler({
    prisma: database.prisma,
    reminders,
    incidents,
    cases: compliance.cases,
    contract,
    sinks,
    log,
    queue,
    runner,
    outbox,
    batchSize: options.schedulerBatch,
  });
  // A change may bring a reminder nearer than the timer: look again after each one.
  incidents.onCommitted(() => scheduler.wake());
  const conversation = new Conversation({
    incidents,
    reminders,
    contract,
    now,
    authorize: options.authorize ?? roles.authorize,
    routine: routine.commands,
    compliance: compliance.commands,
    logError: (err, context) => log.error(`fault while handling ${context}`, err),
    ...(options.onCommand ? { onCommand: options.onCommand } : {}),
    deliveryProblems: (id) => queue.deliveryProblems(id),
    cardState: (id) => outbox.cardState(id),
  });
  // Approved extra opening hours are opening hours in the calendar from the start.
  await routine.start();
  return {
    contract,
    calendar,
    database,
    incidents,
    reminders,
    scheduler,
    sinks,
    jobs: { queue, runner, outbox, settings },
    roles,
    routine,
    compliance,
    conversation,
    now,
    log,
    async close() {
      await scheduler.stop();
      routine.close();
      compliance.close();
      // A database handed in belongs to the caller.
      if (!options.database) await database.close();
    },
  };
}
