// Builds the bot from its parts: contract → calendar → store → services →
// conversation. main.ts, the CLI and the tests all compose the bot through here.
import type { Contract } from './config/contract.js';
import { BusinessCalendar } from './domain/calendar.js';
import { Conversation, type Authorize } from './conversation/engine.js';
import { IncidentService } from './services/incidents.js';
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
  const incidents = new IncidentService({ prisma: database.prisma, contract, calendar, onListenerError: (err) => log.error('a listener failed after a committed change', err) });
  const conversation = new Conversation({
    incidents,
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
    conversation,
    now,
    log,
    close: () => database.close(),
  };
}
