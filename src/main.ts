// `npm start`: reads the environment and the contract, opens the store, and serves
// the terminal (and, when their credentials are set, the chat platforms).
import 'dotenv/config';
import { userInfo } from 'node:os';
import { createApp, type Logger } from './app.js';
import { readEnv } from './config/env.js';
import { ConfigError, loadContract } from './config/load.js';
import { translator } from './i18n/index.js';
import { ConsoleSession } from './platforms/console/session.js';
import { runConsole } from './platforms/console/run.js';
import { ConsoleReminderSink } from './platforms/console/reminders.js';
import { slackOptionsFromEnv, startSlack, type SlackOptions } from './platforms/slack/index.js';

function logger(level: string): Logger {
  const quiet = level === 'warn' || level === 'error';
  const stamp = () => new Date().toISOString();
  return {
    info: (msg) => { if (!quiet) process.stderr.write(`${stamp()} info  ${msg}\n`); },
    warn: (msg) => process.stderr.write(`${stamp()} warn  ${msg}\n`),
    error: (msg, err) => process.stderr.write(`${stamp()} error ${msg}${err ? `: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` : ''}\n`),
  };
}

async function main(): Promise<number> {
  let env, contract;
  let slackOptions: SlackOptions | null;
  try {
    env = readEnv();
    contract = loadContract(env.SSBTEK_CONFIG);
    slackOptions = slackOptionsFromEnv(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const interactive = Boolean(process.stdin.isTTY);
  const log = logger(interactive && env.SSBTEK_LOG_LEVEL === 'info' ? 'warn' : env.SSBTEK_LOG_LEVEL);
  const tr = translator(env.SSBTEK_LANG);
  const app = await createApp({ contract, databaseUrl: env.DATABASE_URL, dataDir: env.SSBTEK_DATA_DIR, log, schedulerBatch: env.SSBTEK_SCHEDULER_BATCH });
  const actor = { id: env.SSBTEK_USER ?? safeUserName(), source: 'console' as const };
  const session = new ConsoleSession(app.conversation, contract, { actor, lang: env.SSBTEK_LANG });
  let slack;
  try {
    slack = slackOptions ? await startSlack(app, slackOptions) : null;
  } catch (err) {
    // A wrong token or no way to Slack: say so plainly; the details are in the log above.
    await app.close();
    process.stderr.write(`${tr.t('console.slackStartFailed', { reason: err instanceof Error ? err.message : String(err) })}\n`);
    return 1;
  }
  // Reminders are printed in the terminal only when someone is there to read them.
  if (!slack || interactive) app.sinks.push(new ConsoleReminderSink(process.stdout, contract, env.SSBTEK_LANG));
  app.scheduler.start(Date.now, env.SSBTEK_SCHEDULER_POLL_MS);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await slack?.stop();
    await app.close();
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  if (!slack || interactive) {
    await runConsole(session, { input: process.stdin, output: process.stdout, interactive }, tr.t('console.banner', { user: actor.id, store: app.database.kind === 'pglite' ? tr.t('console.storeEmbedded') : tr.t('console.storePostgres') }));
  }
  if (slack) {
    // A service (or a terminal that was closed): serve Slack until a signal stops the process.
    process.stderr.write(`${tr.t('console.servingSlack')}\n`);
    await new Promise<never>(() => {});
  }
  await stop();
  return 0;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'console';
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`ssbtek: could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
