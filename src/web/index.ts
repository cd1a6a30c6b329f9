// The public status page assembled for a bot: the summary from the store, refreshed by
// the bot's change hooks, and the routes on its HTTP server.
//
//   const status = createStatus(app);            // once per process
//   mountStatus(server, { summary: status.summary, publicUrl: 'https://…/status' });
import type { Contract } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import type { HttpServer } from '../http/server.js';
import type { PrismaClient } from '../store/index.js';
import { mountStatus, type StatusRouteDeps } from './http.js';
import { StoreStatusSource } from './store-source.js';
import { type ChangeHook, type SummaryOptions, SummaryService } from './summary.js';

export { mountStatus, type StatusRouteDeps } from './http.js';
export { MemoryStatusSource, type StatusFacts, type StatusSource } from './source.js';
export { StoreStatusSource } from './store-source.js';
export { type StatusSummary, type SummaryOptions, SummaryService } from './summary.js';

/** What the status page needs of the bot (App from app.ts fits). */
export interface StatusApp {
  database: { prisma: PrismaClient };
  contract: Contract;
  calendar: BusinessCalendar;
  now: () => number;
  incidents: { onCommitted(listener: () => void): void };
  /** The information routine: its commands' committed changes refresh the page at once. */
  routine?: { onChanged?(listener: () => void): void };
  log?: { error(msg: string, err?: unknown): void };
}

export interface Status {
  summary: SummaryService;
  source: StoreStatusSource;
}

/** The summary of `app`'s store, rebuilt after every incident change and every routine change. */
export function createStatus(app: StatusApp, options?: SummaryOptions): Status {
  const source = new StoreStatusSource(app.database.prisma);
  const hooks: ChangeHook[] = [(listener) => app.incidents.onCommitted(() => listener())];
  const routine = app.routine;
  if (routine?.onChanged) hooks.push((listener) => routine.onChanged!(listener));
  const summary = new SummaryService({ source, contract: app.contract, calendar: app.calendar, now: app.now, changeHooks: hooks, options, log: app.log });
  return { summary, source };
}

/** createStatus + mountStatus in one call. */
export function mountStatusFor(server: HttpServer, app: StatusApp, routes: Omit<StatusRouteDeps, 'summary'> = {}, options?: SummaryOptions): Status {
  const status = createStatus(app, options);
  mountStatus(server, { ...routes, summary: status.summary });
  return status;
}
