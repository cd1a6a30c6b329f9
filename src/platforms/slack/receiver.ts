// Slack's HTTP endpoint on the bot's own HTTP server: a Bolt Receiver that is mounted at
// /slack/events on src/http/server.ts, so Bolt never opens a port of its own and the
// endpoint shares the server's body limit, timeouts, metrics and graceful close.
//
// It does what Bolt's HTTPReceiver does for one endpoint, with Bolt's own exported pieces:
// the signature check (HTTPModuleFunctions.parseAndVerifyHTTPRequest: HMAC-SHA256 over
// "v0:<timestamp>:<body>" with the signing secret, timestamps older than five minutes
// refused), ssl_check and url_verification answers, and HTTPResponseAck (ack() answers the
// request; no ack within ~3 s answers for you and logs it).
//
// Socket Mode does not use this: there Bolt's SocketModeReceiver is used as before.
//
// Use (HTTP mode, in startSlack):
//   const receiver = createSlackReceiver({ signingSecret, logger: boltLogger(app.log) });
//   const bolt = new BoltApp({ token, receiver, … });   // no signingSecret/port/endpoints
//   receiver.mount(httpServer);                          // POST /slack/events
//   await bolt.start();                                   // no port is opened
import type { ServerResponse } from 'node:http';
import { HTTPModuleFunctions, HTTPResponseAck, type App as BoltApp, type Logger as BoltLogger, type Receiver, type ReceiverEvent } from '@slack/bolt';
import type { BufferedIncomingMessage } from '@slack/bolt';
import type { PlatformCheck } from '../../http/health.js';
import { sendJson, type HttpRequest, type HttpServer } from '../../http/server.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackReceiverOptions {
  /** SLACK_SIGNING_SECRET. */
  signingSecret: string;
  /** Bolt-style logger (the receiver's warnings: bad signatures, unacknowledged requests). */
  logger: BoltLogger;
  /** Acknowledge only after the listeners finished (FaaS); default false: ack() answers at once. */
  processBeforeResponse?: boolean;
  /** Slack gives 3 s; an event no listener acknowledged is answered after this. Default 3001 ms (Bolt's). */
  unhandledRequestTimeoutMillis?: number;
  /** Largest accepted request body. Default 1 MB (slash commands and interactions are a few kB). */
  bodyLimit?: number;
}

export interface SlackReceiver extends Receiver {
  /** Adds POST `path` (default /slack/events) to the bot's HTTP server. */
  mount(server: HttpServer, path?: string): void;
  /** The request handler itself (for a server mounted elsewhere). */
  handle(req: HttpRequest, res: ServerResponse): Promise<void>;
}

class HttpServerReceiver implements SlackReceiver {
  private app: BoltApp | undefined;
  private running = false;

  constructor(private readonly options: SlackReceiverOptions) {
    if (!options.signingSecret) throw new Error('The Slack receiver needs the signing secret (SLACK_SIGNING_SECRET).');
  }

  init(app: BoltApp): void {
    this.app = app;
  }

  /** Nothing to open: the bot's HTTP server is already listening (or will be). */
  async start(): Promise<void> {
    this.running = true;
  }

  /** From now on events are refused with 503 (Slack retries them, perhaps on another replica). */
  async stop(): Promise<void> {
    this.running = false;
  }

  mount(server: HttpServer, path = SLACK_EVENTS_PATH): void {
    server.route('POST', path, (req, res) => this.handle(req, res), { bodyLimit: this.options.bodyLimit ?? 1024 * 1024 });
  }

  async handle(req: HttpRequest, res: ServerResponse): Promise<void> {
    const { logger } = this.options;
    if (!this.running || !this.app) {
      sendJson(res, 503, { error: 'not accepting Slack events' }, { 'retry-after': '1' });
      return;
    }
    // The server has read the body within its limit; Bolt's helpers take it from rawBody.
    const incoming = req.raw as BufferedIncomingMessage;
    incoming.rawBody = req.body;
    let buffered: BufferedIncomingMessage;
    try {
      buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest({ enabled: true, signingSecret: this.options.signingSecret, logger }, incoming);
    } catch (err) {
      logger.warn(`Slack: request refused, signature not verified (${(err as Error).message})`);
      HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
    } catch (err) {
      logger.warn(`Slack: malformed request body (${(err as Error).message})`);
      HTTPModuleFunctions.buildNoBodyResponse(res, 400);
      return;
    }
    if (body?.ssl_check === '1') {
      HTTPModuleFunctions.buildSSLCheckResponse(res);
      return;
    }
    if (body?.type === 'url_verification') {
      HTTPModuleFunctions.buildUrlVerificationResponse(res, body);
      return;
    }
    const ack = new HTTPResponseAck({
      logger,
      processBeforeResponse: this.options.processBeforeResponse ?? false,
      unhandledRequestHandler: HTTPModuleFunctions.defaultUnhandledRequestHandler,
      unhandledRequestTimeoutMillis: this.options.unhandledRequestTimeoutMillis ?? 3001,
      httpRequest: buffered,
      httpRequestBody: body,
      httpResponse: res,
    });
    const event: ReceiverEvent = {
      body,
      ack: ack.bind(),
      retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(buffered),
      retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(buffered),
      customProperties: {},
    };
    try {
      await this.app.processEvent(event);
      if (ack.storedResponse !== undefined) HTTPModuleFunctions.buildContentResponse(res, ack.storedResponse);
    } catch (error) {
      const acknowledged = await HTTPModuleFunctions.defaultProcessEventErrorHandler({
        error: error as Error,
        logger,
        request: buffered,
        response: res,
        storedResponse: ack.storedResponse,
      });
      if (acknowledged && !res.headersSent) HTTPModuleFunctions.buildContentResponse(res, ack.storedResponse);
    }
  }
}

/** A Bolt Receiver for the bot's HTTP server; pass it as `receiver` to Bolt's App and mount() it. */
export function createSlackReceiver(options: SlackReceiverOptions): SlackReceiver {
  return new HttpServerReceiver(options);
}

/**
 * Slack's check for /readyz: `auth.test` with the bot token (it fails on an unreachable
 * Slack and on a revoked token alike). /readyz caches the answer (30 s when good), so
 * probes cost about two calls a minute per replica, far inside the method's rate limit.
 */
export function slackPlatformCheck(client: { auth: { test(): Promise<{ ok?: boolean; error?: string }> } }): PlatformCheck {
  return {
    name: 'slack',
    async check() {
      const result = await client.auth.test();
      if (result.ok === false) throw new Error(`auth.test: ${result.error ?? 'not ok'}`);
    },
  };
}
