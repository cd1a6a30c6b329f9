// `npm start`: reads the environment and the contract, opens the store, and serves
// the terminal (and, when their credentials are set, the chat platforms).
//
// Start-up failures the user can fix are one translated line on stderr and exit code 2;
// anything else is one line too (the details go to the log at debug level) and exit 1.
// The process exits only after stdout has drained, so piped output is never cut off.
import 'dotenv/config';
import { userInfo } from 'node:os';
import { createApp, type App } from './app.js';
import type { Contract } from './config/contract.js';
import { readEnv, type Env } from './config/env.js';
import { ConfigError, loadContract } from './config/load.js';
import { langFromLocale, translator, type Translator } from './i18n/index.js';
import { ConsoleSession } from './platforms/console/session.js';
import { runConsole } from './platforms/console/run.js';
import { ConsoleReminderSink } from './platforms/console/reminders.js';
import { slackOptionsFromEnv, startSlack, type SlackHandle, type SlackOptions } from './platforms/slack/index.js';
import { createOpsServer, type OpsServer } from './http/ops.js';
import { readTeamsSettings, TeamsConfigError, type TeamsSettings } from './platforms/teams/config.js';
import { mountTeams, type TeamsHandle } from './platforms/teams/index.js';
import { teamsRoutineTransport } from './app/routine-chat.js';
import { mountStatusFor } from './web/index.js';
import { mountAlerts } from './http/webhooks/alerts.js';
import { mountReports } from './app/compliance.js';
import { createLog, type LogLevel } from './observability/log.js';
import { createMetrics, openIncidentsByPriority, poolStatsOf } from './observability/metrics.js';
import { jobMetricsFor, recordCommand } from './observability/records.js';
import { classifyStoreError, StartupError } from './services/startup.js';

/** How long a SIGTERM may take before the process leaves anyway. */
const STOP_DEADLINE_MS = 8_000;

async function main(): Promise<number> {
  // The language of start-up messages: SSBTEK_LANG as the bot reads it, before the rest is validated.
  let tr: Translator = translator(langFromLocale(process.env.SSBTEK_LANG));
  let env: Env;
  let contract: Contract;
  let slackOptions: SlackOptions | null;
  let teamsSettings: TeamsSettings | undefined;
  try {
    env = readEnv();
    tr = translator(env.SSBTEK_LANG);
    contract = loadContract(env.SSBTEK_CONFIG);
    slackOptions = slackOptionsFromEnv(env);
    teamsSettings = readTeamsSettings(process.env, { production: process.env.NODE_ENV === 'production' });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof TeamsConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const interactive = Boolean(process.stdin.isTTY);
  // JSON lines on stderr (pretty in a terminal); in an interactive session only warnings
  // and errors, unless SSBTEK_LOG_LEVEL asks for more, so the log does not drown the prompt.
  const level = (interactive && !process.env.SSBTEK_LOG_LEVEL ? 'warn' : env.SSBTEK_LOG_LEVEL) as LogLevel;
  const log = createLog({ level });
  // The bot's own HTTP server: when PORT is set, or when Slack, Teams or monitoring need it.
  const httpWanted =
    process.env.PORT !== undefined ||
    Boolean(process.env.SSBTEK_ALERT_TOKEN) ||
    Boolean(process.env.SSBTEK_REPORT_TOKEN) ||
    Boolean(slackOptions && !slackOptions.appToken) ||
    Boolean(teamsSettings);
  // Metrics exist before the app (the services report into them); the store figures are read at scrape time.
  let appRef: App | undefined;
  /** When the job scheduler last finished a pass: for /readyz and the metrics. */
  const lastPassAt = () => appRef?.jobs.runner.lastPass || undefined;
  const metrics = httpWanted
    ? createMetrics({
        openIncidents: () => (appRef ? openIncidentsByPriority(appRef.database.prisma)() : Promise.resolve({})),
        poolStats: () => (appRef ? poolStatsOf(appRef.database)() : undefined),
        lastPassAt,
        jobStats: () => (appRef ? appRef.jobs.queue.stats() : Promise.resolve({ due: {}, claimed: {}, failed: {}, outboxOldestAgeSeconds: 0 })),
      })
    : undefined;
  let app: App;
  try {
    app = await createApp({
      contract,
      databaseUrl: env.DATABASE_URL,
      dataDir: env.SSBTEK_DATA_DIR,
      log,
      schedulerBatch: env.SSBTEK_SCHEDULER_BATCH,
      // One log line per command and per job outcome (names and outcomes, never typed text), and their metrics.
      onCommand: (record) => recordCommand(log, metrics, record),
      ...(metrics ? { jobMetrics: jobMetricsFor(log, metrics) } : {}),
    });
    appRef = app;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const known = classifyStoreError(err, { url: env.DATABASE_URL, dataDir: env.SSBTEK_DATA_DIR ?? 'data' });
    if (!known) throw err;
    if (env.SSBTEK_LOG_LEVEL === 'debug') log.error('could not start', err);
    process.stderr.write(`${tr.t('startup.prefix', { message: tr.t(`startup.${known.code}`, known.params) })}\n`);
    return 2;
  }
  let ops: OpsServer | null = null;
  if (httpWanted) {
    ops = createOpsServer({
      database: app.database,
      log,
      metrics,
      lastPassAt,
      pollIntervalMs: env.SSBTEK_SCHEDULER_POLL_MS,
    });
    // The public status page and its feeds, from the same store (docs/status-page.md).
    const publicUrl = process.env.SSBTEK_PUBLIC_URL?.trim().replace(/\/+$/, '');
    mountStatusFor(ops.server, app, publicUrl ? { publicUrl: `${publicUrl}/status` } : {});
    // The monthly report's files, for people holding the token or a signed link from chat.
    if (app.compliance.settings.token) {
      mountReports(ops.server, {
        reader: app.compliance.reader,
        contract: app.contract,
        token: app.compliance.settings.token,
        lang: env.SSBTEK_LANG,
        now: Date.now,
      });
    }
    // Monitoring's webhooks, once a sender is configured (docs/alertmanager.md).
    if (process.env.SSBTEK_ALERT_TOKEN || app.contract.alerts.senders.length) {
      try {
        mountAlerts(ops.server, { app, metrics: ops.metrics, lang: env.SSBTEK_LANG });
      } catch (err) {
        await app.close();
        throw err;
      }
    }
  }
  const actor = { id: env.SSBTEK_USER ?? safeUserName(), source: 'console' as const };
  const session = new ConsoleSession(app.conversation, contract, { actor, lang: env.SSBTEK_LANG });
  let slack: SlackHandle | null = null;
  let teams: TeamsHandle | null = null;
  try {
    slack = slackOptions ? await startSlack(app, { ...slackOptions, ...(ops ? { server: ops.server, metrics: ops.metrics } : {}) }) : null;
    if (slack) ops?.health.addPlatform(slack.check);
    if (teamsSettings && ops) {
      teams = await mountTeams(ops.server, app, teamsSettings, { lang: env.SSBTEK_LANG });
      ops.health.addPlatform(teams.check);
      app.routine.useTransport('routine:teams', teamsRoutineTransport(teams.sendText));
    }
    if (ops) {
      const port = await ops.server.listen(env.PORT);
      log.info(`HTTP on port ${port}: /livez /readyz /metrics${slack?.mode === 'http' ? ' /slack/events' : ''}${teams ? ' /api/messages' : ''}`);
    }
  } catch (err) {
    await slack?.stop().catch(() => {});
    await teams?.stop().catch(() => {});
    await app.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'EACCES') {
      process.stderr.write(`${tr.t('startup.prefix', { message: tr.t('startup.http.portInUse', { port: env.PORT }) })}\n`);
      return 2;
    }
    // A wrong token or no way to Slack: say so plainly; the details are in the log above.
    process.stderr.write(`${tr.t('console.slackStartFailed', { reason: err instanceof Error ? err.message : String(err) })}\n`);
    return 1;
  }
  const chat = Boolean(slack || teams);
  // Reminders are printed in the terminal only when someone is there to read them.
  if (!chat || interactive) app.sinks.push(new ConsoleReminderSink(process.stdout, contract, env.SSBTEK_LANG));
  app.scheduler.start(Date.now, env.SSBTEK_SCHEDULER_POLL_MS);

  // SIGTERM (and SIGINT when no terminal is reading): stop reading commands at once, let the
  // one in flight finish, close the store, and leave within STOP_DEADLINE_MS whatever happens.
  const stopRequested = new AbortController();
  let released: () => void = () => {};
  const serving = new Promise<void>((resolve) => (released = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested.signal.aborted) return;
    log.info(`${signal}: stopping`);
    stopRequested.abort();
    // A load balancer sees /readyz turn 503 at once and drains this replica.
    ops?.health.markShuttingDown();
    released();
    setTimeout(() => {
      log.warn(`still stopping after ${STOP_DEADLINE_MS} ms: leaving now`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
  };
  process.on('SIGTERM', onSignal);
  // In a terminal, Ctrl+C belongs to the console (it cancels a form; twice leaves).
  if (!interactive) process.on('SIGINT', onSignal);

  if (!chat || interactive) {
    const banner = tr.t('console.banner', {
      user: actor.id,
      store: app.database.kind === 'pglite' ? tr.t('console.storeEmbedded') : tr.t('console.storePostgres'),
    });
    await runConsole(session, { input: process.stdin, output: process.stdout, interactive, signal: stopRequested.signal }, banner);
  }
  // A service (a chat platform, or an HTTP server: status page, webhooks), or a terminal that
  // was closed: serve until a signal stops the process.
  if ((chat || ops) && !stopRequested.signal.aborted) {
    const what = [slack && 'Slack', teams && 'Teams', ops && `HTTP :${ops.server.port}`].filter(Boolean).join(', ');
    process.stderr.write(`${tr.t('console.servingChat', { platforms: what })}\n`);
    if (interactive) process.on('SIGINT', onSignal);
    await serving;
  }
  await slack?.stop();
  await teams?.stop();
  await ops?.server.close(5_000);
  await app.close();
  return 0;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'console';
  }
}

/** Resolves once everything written to stdout so far has been handed to the OS. */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

async function exit(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

main().then(
  (code) => exit(code),
  (err: unknown) => {
    const tr = translator(langFromLocale(process.env.SSBTEK_LANG));
    if (err instanceof StartupError) {
      process.stderr.write(`${tr.t('startup.prefix', { message: tr.t(`startup.${err.code}`, err.params) })}\n`);
      return exit(2);
    }
    if (process.env.SSBTEK_LOG_LEVEL === 'debug') process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.stderr.write(`${tr.t('startup.prefix', { message: tr.t('startup.fault', { name: err instanceof Error ? err.name : typeof err }) })}\n`);
    return exit(1);
  },
);
