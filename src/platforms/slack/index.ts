// The Slack platform: a Bolt app whose /slack/events is a route on the bot's own HTTP
// server (receiver.ts; Bolt opens no port), or, when SLACK_APP_TOKEN is set, over Socket
// Mode. Commands, buttons and modals are in handlers.ts, Block Kit in blocks/, the
// channel story in announcer.ts, users' languages and user groups in directory.ts.
import { App as BoltApp, LogLevel, type Logger as BoltLogger, webApi } from '@slack/bolt';
import type { App, Logger } from '../../app.js';
import type { Env } from '../../config/env.js';
import { ConfigError } from '../../config/load.js';
import type { Lang } from '../../i18n/index.js';
import { monitoringStates } from '../../services/alerts.js';
import { ChatReferenceService } from '../../services/chat-references.js';
import { SlackAnnouncer } from './announcer.js';
import { parseManagers, SlackDirectory } from './directory.js';
import { HttpServer } from '../../http/server.js';
import type { Metrics } from '../../observability/metrics.js';
import { registerHandlers } from './handlers.js';
import { createSlackReceiver, SLACK_EVENTS_PATH, slackPlatformCheck } from './receiver.js';
import type { PlatformCheck } from '../../http/health.js';
import { SlackCaseReminders } from './case-reminders.js';
import { SlackReminders } from './reminders.js';

export interface SlackOptions {
  /** xoxb-… (SLACK_BOT_TOKEN). */
  botToken: string;
  /** SLACK_SIGNING_SECRET; required in HTTP mode. */
  signingSecret?: string;
  /** xapp-… (SLACK_APP_TOKEN): Socket Mode instead of the HTTP endpoint. */
  appToken?: string;
  /** SLACK_API_URL: another Web API base URL (a proxy, or a fake in tests). Default Slack's. */
  apiUrl?: string;
  /** SLACK_INCIDENT_CHANNEL: where new incidents are posted; unset = the channel of the command. */
  incidentChannel?: string;
  /** SLACK_MANAGERS (deprecated; roles.manager.slack in the contract): user ids (U…) and user-group ids (S…). */
  managers?: string[];
  /**
   * The bot's HTTP server to mount /slack/events on (HTTP mode); main.ts passes its own.
   * Without one, Slack gets an HttpServer of its own listening on `port`.
   */
  server?: HttpServer;
  /** PORT for /slack/events when no server is given. Default 3000; 0 picks a free port (reported back). */
  port?: number;
  /** Interface to listen on (default: all). */
  host?: string;
  /** Language for channel messages and for users whose Slack locale is not supported (SSBTEK_LANG). */
  lang?: Lang;
  /** The slash command. Default "/ssbtek". */
  command?: string;
  /**
   * Web API retries after a failed call (HTTP 5xx, network error, 429 after Retry-After).
   * Default 3 with a short backoff; 0 for tests.
   */
  retries?: number;
  /** Web API request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** Time between two messages in one channel, across replicas. Default the job settings' (SSBTEK_CHANNEL_PACE_MS, 1 s). */
  channelPaceMs?: number;
  /** More reminders due at once for one channel than this go out as one digest. Default SSBTEK_DIGEST_THRESHOLD (5). */
  digestThreshold?: number;
  /** Times every Web API call (ssbtek_platform_call_duration_seconds and its errors). */
  metrics?: Pick<Metrics, 'timePlatformCall'>;
}

export interface SlackHandle {
  /** The bound HTTP port (HTTP mode); undefined in Socket Mode. */
  port?: number;
  mode: 'http' | 'socket';
  /** Resolves when the deliveries due so far (cards, thread lines, reminders) have been sent. */
  idle(): Promise<void>;
  /** Slack's /readyz check (auth.test, cached by /readyz). */
  check: PlatformCheck;
  stop(): Promise<void>;
}

export { SLACK_EVENTS_PATH };

/** The Slack options from the environment; null when Slack is not configured (no SLACK_BOT_TOKEN). */
export function slackOptionsFromEnv(env: Env): SlackOptions | null {
  if (!env.SLACK_BOT_TOKEN) return null;
  if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_BOT_TOKEN is set, but neither SLACK_SIGNING_SECRET (HTTP endpoint) nor SLACK_APP_TOKEN (Socket Mode) is.', [
      'SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN unless SLACK_APP_TOKEN is set',
    ]);
  }
  return {
    botToken: env.SLACK_BOT_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    apiUrl: env.SLACK_API_URL,
    incidentChannel: env.SLACK_INCIDENT_CHANNEL,
    managers: parseManagers(env.SLACK_MANAGERS),
    port: env.PORT,
    lang: env.SSBTEK_LANG,
  };
}

/** Starts the Slack platform on the bot: verifies the token (auth.test), then listens. */
export async function startSlack(app: App, options: SlackOptions): Promise<SlackHandle> {
  const socketMode = Boolean(options.appToken);
  if (!socketMode && !options.signingSecret) throw new ConfigError('Slack over HTTP needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode).');
  const lang = options.lang ?? 'sv';
  const port = options.port ?? 3000;
  const clientOptions: webApi.WebClientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` } : {}),
    retryConfig: retryPolicy(options.retries ?? 3),
    timeout: options.requestTimeoutMs ?? 10_000,
  };
  const logger = boltLogger(app.log);
  // HTTP mode: Bolt's receiver is a route on our server (ack() answers at once; the work
  // continues after the response, within Slack's 3 seconds).
  const receiver = socketMode ? null : createSlackReceiver({ signingSecret: options.signingSecret!, logger });
  const ownServer = !socketMode && !options.server ? new HttpServer({ log: app.log }) : null;
  const bolt = new BoltApp({
    token: options.botToken,
    logger,
    logLevel: LogLevel.INFO,
    clientOptions,
    // auth.test runs in init() below, so a wrong token fails the start, not the first request.
    deferInitialization: true,
    convoStore: false,
    ...(socketMode ? { socketMode: true, appToken: options.appToken } : { receiver: receiver! }),
  });
  bolt.error(async (err) => app.log.error('Slack: a listener failed', err));
  await bolt.init();

  const refs = new ChatReferenceService(app.database.prisma);
  const directory = new SlackDirectory({ client: bolt.client, fallbackLang: lang, log: app.log });
  // Who holds a role is decided in services/roles.ts for every surface; Slack tells group membership.
  app.roles.setSlackGroupMembership((user, groups) => directory.memberOfAny(user, groups));
  app.roles.useLegacySlackManagers(options.managers ?? [], (m) => app.log.warn(m));
  // Deliveries use their own client: no automatic retries and a 429 is thrown, because the
  // job queue retries, backs off (Retry-After) and paces each channel across replicas.
  const deliveryClient = new webApi.WebClient(options.botToken, { ...clientOptions, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  if (options.metrics) for (const client of [bolt.client, deliveryClient]) timeCalls(client, options.metrics);
  const { settings: jobSettings, outbox, runner } = app.jobs;
  const slackReminders = new SlackReminders({
    client: deliveryClient,
    prisma: app.database.prisma,
    refs,
    incidents: app.incidents,
    contract: app.contract,
    lang,
    now: app.now,
    log: app.log,
    digestThreshold: options.digestThreshold ?? jobSettings.digestThreshold,
    cases: new SlackCaseReminders({ cases: app.compliance.cases, contract: app.contract, lang, now: app.now }),
  });
  const announcer = new SlackAnnouncer({
    client: deliveryClient,
    refs,
    incidents: app.incidents,
    contract: app.contract,
    lang,
    incidentChannel: options.incidentChannel,
    now: app.now,
    log: app.log,
    paceMs: options.channelPaceMs ?? jobSettings.channelPaceMs,
    reminders: slackReminders,
    monitoring: async (id) => (await monitoringStates(app.database.prisma, [id])).get(id),
  });
  // The app's conversation (every command, roles, records), with Slack's fault log.
  const conversation = app.conversation.with({ logError: (err, context) => app.log.error(`Slack: fault while handling ${context}`, err) });
  registerHandlers(bolt, {
    conversation,
    contract: app.contract,
    refs,
    directory,
    announcer,
    now: app.now,
    log: app.log,
    command: options.command ?? '/ssbtek',
  });
  // Every process on this store now writes Slack deliveries; this one also delivers them.
  await outbox.register('slack', options.incidentChannel ? { incidentChannel: options.incidentChannel } : {}, app.jobs.queue.owner);
  const unregister = runner.register(announcer);
  runner.wake();

  // Delivery ids only matter while Slack may retry (minutes); forget them after a day.
  const prune = setInterval(() => {
    refs.pruneDeliveries(new Date(Date.now() - 24 * 3_600_000)).catch((err: unknown) => app.log.warn(`Slack: could not prune delivery ids (${String(err)})`));
  }, 3_600_000);
  prune.unref();

  let boundPort: number | undefined;
  try {
    if (socketMode) {
      await bolt.start();
      app.log.info('Slack: connected over Socket Mode');
    } else {
      receiver!.mount(options.server ?? ownServer!);
      await bolt.start();
      if (ownServer) boundPort = await ownServer.listen(port, options.host);
      app.log.info(`Slack: ${SLACK_EVENTS_PATH} on the bot's HTTP server${boundPort === undefined ? '' : ` (port ${boundPort})`}`);
    }
  } catch (err) {
    clearInterval(prune);
    unregister();
    await runner.idle();
    await ownServer?.close(1_000);
    throw err;
  }

  let stopped = false;
  return {
    port: boundPort,
    mode: socketMode ? 'socket' : 'http',
    idle: () => runner.drain(),
    check: slackPlatformCheck(bolt.client),
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(prune);
      try {
        await bolt.stop();
        await ownServer?.close(2_000);
      } finally {
        // Deliveries in progress finish; what is left stays in the store for any replica.
        await runner.idle();
        unregister();
      }
    },
  };
}

/**
 * Slack's default is ten retries over about half an hour: right for a batch job, wrong
 * for chat, where a message half an hour late misleads. A few quick retries ride out a
 * blip (and a 429 waits for Retry-After first); anything longer is logged and dropped.
 */
function retryPolicy(retries: number): webApi.RetryOptions {
  return retries <= 0 ? { retries: 0 } : { retries, factor: 2, minTimeout: 500, maxTimeout: 8_000, randomize: true };
}

/** Every Web API method goes through apiCall: time it there, by method, with Slack's error code. */
function timeCalls(client: webApi.WebClient, metrics: Pick<Metrics, 'timePlatformCall'>): void {
  const call = client.apiCall.bind(client);
  client.apiCall = (method, options) => metrics.timePlatformCall('slack', method, () => call(method, options));
}

/** Bolt's and the Web API client's logs into the bot's log. */
function boltLogger(log: Logger): BoltLogger {
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  let level: LogLevel = LogLevel.INFO;
  const on = (l: LogLevel) => order.indexOf(l) >= order.indexOf(level);
  const text = (parts: unknown[]) =>
    parts
      .filter((p) => !(p instanceof Error))
      .map((p) => (typeof p === 'string' ? p : safeJson(p)))
      .join(' ');
  return {
    debug: (...m) => {
      if (on(LogLevel.DEBUG)) log.info(`slack (debug): ${text(m)}`);
    },
    info: (...m) => {
      if (on(LogLevel.INFO)) log.info(`slack: ${text(m)}`);
    },
    warn: (...m) => {
      if (on(LogLevel.WARN)) log.warn(`slack: ${text(m)}`);
    },
    error: (...m) => {
      if (on(LogLevel.ERROR))
        log.error(
          `slack: ${text(m)}`,
          m.find((p) => p instanceof Error),
        );
    },
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export { SlackDirectory, parseManagers } from './directory.js';
export { SlackAnnouncer } from './announcer.js';
