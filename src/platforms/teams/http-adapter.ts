// The Teams SDK mounted on the bot's own HTTP server, with our security in front of it.
//
// `TeamsHttpAdapter` implements the SDK's IHttpServerAdapter without listening anywhere:
// `app.initialize()` registers the SDK's `POST /api/messages` route on it, and
// `adapter.handler` is a plain `(req, res) => void` that src/http mounts beside
// /slack/events. Per request:
//   POST only (405) → JSON content type (415) → body ≤ 1 MB (413) within 10 s (408) →
//   JSON object (400) with a non-empty string `type` (400) → our verifier (401/503) →
//   the SDK, handed the verified token (IHttpServerRequest.token) so it does not run its
//   own, weaker check (shared/notes/teams.md).
//
// `createTeamsApp` builds the SDK App with every option given explicitly, so CLIENT_ID,
// CLIENT_SECRET, TENANT_ID, MANAGED_IDENTITY_CLIENT_ID, SERVICE_URL, CLOUD,
// DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS, LOG and LOG_LEVEL in the environment change
// nothing; our token source for outbound tokens; a timeout on every connector call; and a
// client middleware that refuses any outbound request to a host not on the service-URL
// allow-list (before a token is attached).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JsonWebToken, PUBLIC, type CloudEnvironment } from '@microsoft/teams.api';
import {
  App,
  type AppOptions,
  type HttpMethod,
  type IPlugin,
  type HttpRouteHandler,
  type IHttpServerAdapter,
  type IHttpServerResponse,
} from '@microsoft/teams.apps';
import type { ServiceUrlAllowList } from './auth/service-urls.js';
import type { TokenSource } from './auth/token-source.js';
import type { BotFrameworkVerifier, VerifyRequest, VerifyResult } from './auth/verify.js';

// The SDK's logger and HTTP middleware types, taken from its options (so that we import
// only the packages we depend on directly).
type ILogger = NonNullable<AppOptions<IPlugin>['logger']>;
type LogLevel = Parameters<ILogger['log']>[0];
type ClientOptions = Exclude<NonNullable<AppOptions<IPlugin>['client']>, (() => unknown) | { request: unknown }>;
type Middleware = NonNullable<ClientOptions['middlewares']>[number];

export const MESSAGING_ENDPOINT = '/api/messages';
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** The project's logger shape (src/app.ts Logger); `debug` optional. */
export interface TeamsLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
  debug?(msg: string): void;
}

const silent: TeamsLogger = { info() {}, warn() {}, error() {} };

export type Verifier = BotFrameworkVerifier | ((req: VerifyRequest) => Promise<VerifyResult>);

export interface TeamsHttpAdapterOptions {
  verifier: Verifier;
  /** Default 1 MB. */
  bodyLimitBytes?: number;
  /** Time allowed to receive the whole body. Default 10 s. */
  bodyTimeoutMs?: number;
  log?: TeamsLogger;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** For a log line: control characters (CR, LF, …) become spaces, at most 200 characters. */
function oneLine(v: unknown): string {
  let out = '';
  for (const ch of String(v ?? '').slice(0, 200)) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? ' ' : ch;
  }
  return out;
}

export class TeamsHttpAdapter implements IHttpServerAdapter {
  private route: HttpRouteHandler | undefined;
  private readonly limit: number;
  private readonly bodyTimeoutMs: number;
  private readonly log: TeamsLogger;
  private readonly verifier: Verifier;
  /** Requests answered, by status (for logs and tests). */
  readonly counts = new Map<number, number>();

  constructor(options: TeamsHttpAdapterOptions) {
    this.verifier = options.verifier;
    this.limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 10_000;
    this.log = options.log ?? silent;
  }

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    if (method === 'POST' && path === MESSAGING_ENDPOINT) {
      this.route = handler;
    } else {
      // The SDK registers /api/functions/* only for app.function(); we do not serve those.
      this.log.warn(`teams: ignoring SDK route ${method} ${oneLine(path)} (only ${MESSAGING_ENDPOINT} is served)`);
    }
  }

  serveStatic(): void {
    // Tabs are not served by this bot.
  }

  /** Mount on the bot's server for `POST /api/messages`. Never throws; always answers. */
  readonly handler: NodeHandler = (req, res) => {
    this.handle(req, res).catch((err) => {
      this.log.error('teams: unexpected error in the messaging endpoint', err);
      this.send(res, 500, { error: 'Internal error' });
    });
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return this.send(res, 405, { error: 'Method not allowed' });
    }
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!/^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/.test(type)) {
      return this.reject(req, res, 415, 'Content-Type must be application/json');
    }
    let raw: Buffer;
    try {
      raw = await this.readBody(req);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 400;
      return this.reject(req, res, status, err instanceof Error ? err.message : 'Bad request');
    }
    let activity: unknown;
    try {
      activity = JSON.parse(raw.toString('utf8'));
    } catch {
      return this.send(res, 400, { error: 'Body is not JSON' });
    }
    if (!activity || typeof activity !== 'object' || Array.isArray(activity)) {
      return this.send(res, 400, { error: 'Body is not a JSON object' });
    }
    const activityType = (activity as Record<string, unknown>).type;
    if (typeof activityType !== 'string' || activityType.trim() === '') {
      return this.send(res, 400, { error: 'Activity has no type' });
    }

    const verdict = await this.verifier({ authorization: req.headers.authorization, activity });
    if (!verdict.ok) {
      this.log.warn(`teams: request refused ${verdict.status}: ${oneLine(verdict.reason)} (type=${oneLine(activityType)})`);
      if (verdict.status === 503) res.setHeader('retry-after', '5');
      else res.setHeader('www-authenticate', 'Bearer');
      return this.send(res, verdict.status, { error: verdict.status === 503 ? 'Service unavailable' : 'Unauthorized' });
    }
    if (!this.route) {
      return this.send(res, 503, { error: 'Teams app not initialized' });
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
    let answer: IHttpServerResponse;
    try {
      answer = await this.route({ body: activity, headers, token: new JsonWebToken(verdict.token) });
    } catch (err) {
      this.log.error('teams: the SDK failed on an activity', err);
      answer = { status: 500, body: { error: 'Internal error' } };
    }
    this.send(res, answer.status, answer.body);
  }

  private reject(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
    // Stop reading what is left of the body; close the connection after answering.
    res.setHeader('connection', 'close');
    this.send(res, status, { error: message });
    req.resume();
  }

  private readBody(req: IncomingMessage): Promise<Buffer> {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limit) {
      return Promise.reject(new HttpError(413, `Body larger than ${this.limit} bytes`));
    }
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const finish = (err: Error | undefined, value?: Buffer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.off('data', onData);
        req.off('end', onEnd);
        req.off('error', onError);
        if (err) reject(err);
        else resolve(value as Buffer);
      };
      const timer = setTimeout(() => finish(new HttpError(408, 'Body not received in time')), this.bodyTimeoutMs);
      timer.unref?.();
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.limit) finish(new HttpError(413, `Body larger than ${this.limit} bytes`));
        else chunks.push(chunk);
      };
      const onEnd = () => finish(undefined, Buffer.concat(chunks));
      const onError = (err: Error) => finish(new HttpError(400, `Body could not be read: ${err.message}`));
      req.on('data', onData);
      req.on('end', onEnd);
      req.on('error', onError);
    });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
    if (res.headersSent || res.writableEnded) return;
    if (body === undefined || body === null) {
      res.writeHead(status);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}

/** The SDK's ILogger over ours. Debug and trace are dropped unless `debug` is given. */
export function toSdkLogger(log: TeamsLogger, name = 'teams'): ILogger {
  const fmt = (msg: unknown[]) =>
    msg
      .map((m) =>
        m instanceof Error
          ? m.message
          : typeof m === 'string'
            ? m
            : (() => {
                try {
                  return JSON.stringify(m);
                } catch {
                  return String(m);
                }
              })(),
      )
      .join(' ')
      .slice(0, 2000);
  const logger: ILogger = {
    loggerOptions: { level: log.debug ? 'debug' : 'info', pattern: '*' },
    debug: (...m) => log.debug?.(`${name}: ${fmt(m)}`),
    trace: () => {},
    info: (...m) => log.info(`${name}: ${fmt(m)}`),
    warn: (...m) => log.warn(`${name}: ${fmt(m)}`),
    error: (...m) =>
      log.error(
        `${name}: ${fmt(m)}`,
        m.find((x) => x instanceof Error),
      ),
    log: (level: LogLevel, ...m) => {
      if (level === 'error') logger.error(...m);
      else if (level === 'warn') logger.warn(...m);
      else if (level === 'info') logger.info(...m);
      else if (level === 'debug') logger.debug(...m);
    },
    child: (child: string) => toSdkLogger(log, `${name}/${child}`),
  };
  return logger;
}

/** Refuses any outbound SDK request whose host is not on the allow-list, before the token is attached. */
export function allowListMiddleware(allowList: ServiceUrlAllowList, log: TeamsLogger = silent): Middleware {
  return {
    invoke(context, next) {
      const { url, baseURL } = context.config;
      let target: URL | undefined;
      try {
        target = new URL(String(url ?? ''), baseURL || undefined);
      } catch {
        target = undefined;
      }
      const verdict = target ? allowList.check(target.href) : { ok: false as const, reason: 'relative URL without a base' };
      if (!verdict.ok) {
        log.warn(`teams: outbound request to ${oneLine(target?.origin ?? url)} refused: ${verdict.reason}`);
        return Promise.reject(new Error(`outbound Teams request refused: ${verdict.reason}`));
      }
      return next();
    },
  };
}

export interface CreateTeamsAppOptions {
  /** TEAMS_APP_ID: our bot's Microsoft App ID. */
  appId: string;
  /** TEAMS_TENANT_ID, if the bot is single-tenant. */
  tenantId?: string;
  verifier: Verifier;
  /** Outbound tokens (our client-credentials source). */
  tokenSource: Pick<TokenSource, 'provider'>;
  /** Hosts the bot may send to (and the inbound serviceUrl check uses). */
  serviceUrls: ServiceUrlAllowList;
  /** TEAMS_SERVICE_URL: default connector for proactive posts to a conversation not heard from yet. */
  serviceUrl: string;
  /** Default PUBLIC. */
  cloud?: CloudEnvironment;
  /** Timeout on every connector call. Default 10 s. */
  connectorTimeoutMs?: number;
  bodyLimitBytes?: number;
  /** Strip the bot's own <at>…</at> mention from incoming text. Default false. */
  stripMentions?: boolean;
  log?: TeamsLogger;
}

export interface TeamsAppHandle {
  app: App;
  adapter: TeamsHttpAdapter;
  /** Mount for POST /api/messages. */
  handler: NodeHandler;
}

/** Builds and initialises the SDK App behind our adapter; it never opens a port. */
export async function createTeamsApp(options: CreateTeamsAppOptions): Promise<TeamsAppHandle> {
  const log = options.log ?? silent;
  const serviceUrlCheck = options.serviceUrls.check(options.serviceUrl);
  if (!serviceUrlCheck.ok) throw new Error(`TEAMS_SERVICE_URL is not allowed: ${serviceUrlCheck.reason}`);
  const sdkLog = toSdkLogger(log);
  const adapter = new TeamsHttpAdapter({ verifier: options.verifier, bodyLimitBytes: options.bodyLimitBytes, log });
  const app = new App({
    // Identity: explicit values, so CLIENT_ID / CLIENT_SECRET / TENANT_ID /
    // MANAGED_IDENTITY_CLIENT_ID are never read ('' is not nullish: `?? process.env.X` keeps it).
    clientId: options.appId,
    clientSecret: '',
    tenantId: options.tenantId ?? '',
    managedIdentityClientId: '',
    token: options.tokenSource.provider,
    applicationIdUri: undefined,
    // Transport and auth: our adapter; the SDK's own check stays on (it is bypassed only
    // for requests our verifier passed, through IHttpServerRequest.token).
    httpServerAdapter: adapter,
    messagingEndpoint: MESSAGING_ENDPOINT,
    dangerouslyAllowUnauthenticatedRequests: false,
    skipAuth: false,
    // Where to send: never SERVICE_URL or CLOUD from the environment.
    serviceUrl: options.serviceUrl,
    cloud: options.cloud ?? PUBLIC,
    apiClientSettings: { oauthUrl: (options.cloud ?? PUBLIC).tokenServiceUrl },
    // No user sign-in: never look up a user token on an incoming activity.
    oauth: { fetchUserToken: false },
    client: {
      timeout: options.connectorTimeoutMs ?? 10_000,
      logger: sdkLog.child('http'),
      middlewares: [allowListMiddleware(options.serviceUrls, log)],
    },
    logger: sdkLog,
    plugins: [],
    state: false,
    oauthFlows: [],
    activity: { mentions: { stripText: options.stripMentions ?? false } },
    telemetry: { agent365: false },
  });
  await app.initialize();
  return { app, adapter, handler: adapter.handler };
}
