// The fake Slack itself: one loopback HTTP server for the Web API (/api/<method>), response_url
// posts (/response/<id>), file uploads (/upload/<id>) and Socket Mode (/socket); it records what
// it was sent, answers like Slack (web-api.ts), and lets a test wait for a call.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkMessage, checkModal } from './block-kit.js';
import { type MessageStore, messagesForJob, type StoredMessage } from './messages.js';
import { ChannelRateLimit } from './rate-limit.js';
import { parseBody, uploadedBytes } from './request-body.js';
import { SlackRequester } from './requester.js';
import { ResponseUrlUses } from './response-urls.js';
import { acceptSocketMode } from './socket-mode.js';
import { Tokens } from './tokens.js';
import { TriggerIds } from './triggers.js';
import { answerWebApi, type WebApiState } from './web-api.js';
import type { WsConnection } from './websocket.js';

export interface RecordedCall {
  method: string;
  body: Record<string, any>;
  /** The Authorization header ("Bearer xoxb-…"). */
  auth: string | undefined;
  at: number;
  /** What the fake answered. */
  response: Record<string, any>;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, any>;
  at: number;
}

export interface FakeSlackOptions {
  /** Slack locale per user id (users.info); default "sv-SE". */
  locales?: Record<string, string>;
  /** Members per user-group id (usergroups.users.list). */
  groups?: Record<string, string[]>;
  teamId?: string;
  /** Keep no records (benchmarks). */
  quiet?: boolean;
  /** Slack's chat.postMessage limit: above this many messages per second in one channel, HTTP 429. Off when absent. */
  rateLimit?: { perChannelPerSecond: number; retryAfterSeconds?: number };
  /** Only these tokens are valid (default: any xoxb-… / xapp-… token not revoked). */
  tokens?: string[];
  /** chat.postMessage into these channels always answers HTTP 500 (a destination that never recovers). */
  brokenChannels?: string[];
}

export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  /** Files uploaded with files.uploadV2 (getUploadURLExternal → POST to upload_url → completeUploadExternal): bytes as sent, shared where completed. */
  readonly files: Array<{
    id: string;
    filename: string;
    length: number;
    bytes: Buffer | null;
    title?: string;
    channel?: string;
    initialComment?: string;
    completed: boolean;
  }> = [];
  readonly violations: string[] = [];
  readonly locales = new Map<string, string>();
  readonly groups = new Map<string, string[]>();
  readonly teamId: string;
  /** Socket Mode: envelopes acknowledged by the client. */
  readonly acks: Array<{ envelope_id: string; payload?: unknown }> = [];
  private readonly waiters = new Set<() => void>();
  private readonly failures = new Map<string, string[]>();
  private readonly httpFailures = new Map<string, number[]>();
  /** Messages per channel, in posting order. */
  readonly messages: MessageStore = new Map<string, StoredMessage[]>();
  /** HTTP 429 answers given, per channel. */
  readonly rateLimited = new Map<string, number>();
  private readonly rateLimit: ChannelRateLimit;
  private readonly tokens: Tokens;
  private readonly triggers = new TriggerIds();
  private readonly responseUses = new ResponseUrlUses();
  private readonly sockets = new Set<Socket>();
  private readonly wsClients = new Set<WsConnection>();
  private readonly webApi: WebApiState;
  private seq = 0;
  private tsSeconds = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeSlackOptions,
  ) {
    this.teamId = options.teamId ?? 'T0SSBTEK';
    this.rateLimit = new ChannelRateLimit(options);
    this.tokens = new Tokens(options);
    this.webApi = {
      teamId: this.teamId,
      messages: this.messages,
      locales: this.locales,
      groups: this.groups,
      files: this.files,
      triggers: this.triggers,
      port: () => this.port,
      baseUrl: () => this.baseUrl,
      nextTs: () => this.nextTs(),
      nextSeq: () => ++this.seq,
    };
    for (const [user, locale] of Object.entries(options.locales ?? {})) this.locales.set(user, locale);
    for (const [group, users] of Object.entries(options.groups ?? {})) this.groups.set(group, users);
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    let fake!: FakeSlack;
    const server = createServer((req, res) => fake.handle(req, res));
    fake = new FakeSlack(server, options);
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.on('close', () => fake.sockets.delete(socket));
    });
    server.on('upgrade', (req, socket, head) => fake.upgrade(req, socket as Socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** For SLACK_API_URL / clientOptions.slackApiUrl. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  responseUrl(id = `r${++this.seq}`): string {
    return `${this.baseUrl}/response/${id}`;
  }

  /** The next call of `method` answers {ok:false, error}. */
  fail(method: string, error = 'internal_error'): void {
    const list = this.failures.get(method) ?? [];
    list.push(error);
    this.failures.set(method, list);
  }

  /** The next `times` calls of `method` answer HTTP `status` (a 5xx outage). */
  failHttp(method: string, status = 503, times = 1): void {
    const list = this.httpFailures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(status);
    this.httpFailures.set(method, list);
  }

  /** From now on `token` gets invalid_auth. */
  revoke(token: string): void {
    this.tokens.revoke(token);
  }

  /** A trigger_id Slack handed out now (the requester registers the ones it sends). */
  issueTrigger(id: string, at = Date.now()): void {
    this.triggers.issue(id, at);
  }

  /** Tells every Socket Mode client to reconnect (Slack does this every few hours). */
  disconnectSockets(reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.wsClients) ws.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  /** How many Socket Mode connections were opened so far. */
  socketConnections = 0;

  /** Every message with `metadata.event_payload.job_ids` containing `jobId`. */
  messagesForJob(jobId: number): StoredMessage[] {
    return messagesForJob(this.messages, jobId);
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Forgets what was recorded (not the configuration). */
  reset(): void {
    this.calls.length = 0;
    this.responses.length = 0;
    this.violations.length = 0;
    this.acks.length = 0;
  }

  /** The first call of `method` (from index `from` of `calls`) matching `predicate`. */
  waitFor(
    method: string,
    predicate: (body: Record<string, any>) => boolean = () => true,
    options: { timeoutMs?: number; from?: number } = {},
  ): Promise<RecordedCall> {
    return this.until(
      () => this.calls.slice(options.from ?? 0).find((c) => c.method === method && predicate(c.body)),
      `${method}${predicate.toString().length < 120 ? ` matching ${predicate.toString()}` : ''}`,
      options.timeoutMs,
    );
  }

  waitForResponse(id: string, predicate: (body: Record<string, any>) => boolean = () => true, timeoutMs?: number): Promise<RecordedResponse> {
    return this.until(() => this.responses.find((r) => r.id === id && predicate(r.body)), `a post to response_url ${id}`, timeoutMs);
  }

  /** Resolves when `find` returns something; rejects after the timeout with what was recorded. */
  until<T>(find: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const hit = find();
        if (hit === undefined) return;
        cleanup();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`FakeSlack: timed out after ${timeoutMs} ms waiting for ${what}; calls so far: ${this.calls.map((c) => c.method).join(', ') || 'none'}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
    });
  }

  async close(): Promise<void> {
    for (const ws of this.wsClients) ws.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------- Web API

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      const url = new URL(req.url ?? '/', this.baseUrl);
      if (req.method === 'POST' && url.pathname.startsWith('/upload/')) {
        // files.uploadV2 step 2: the file's bytes, as they are, to the URL step 1 handed out.
        const file = this.files.find((f) => f.id === decodeURIComponent(url.pathname.slice('/upload/'.length)));
        if (file) file.bytes = uploadedBytes(bytes, req.headers['content-type']);
        res.writeHead(file ? 200 : 404, { 'content-type': 'text/plain' });
        res.end(file ? `OK - ${bytes.length}` : 'unknown upload');
        this.notify();
        return;
      }
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      try {
        const body = parseBody(raw, req.headers['content-type']);
        if (req.method === 'GET' && url.pathname === '/_calls') {
          // For a bot in another process (the bench): what was called, when.
          send(
            200,
            this.calls.map((c) => ({ method: c.method, at: c.at, trigger_id: c.body.trigger_id ?? null })),
          );
          return;
        }
        if (req.method === 'POST' && url.pathname === '/_reset') {
          this.reset();
          send(200, { ok: true });
          return;
        }
        if (url.pathname.startsWith('/response/')) {
          const id = decodeURIComponent(url.pathname.slice('/response/'.length));
          if (!this.responseUses.use(id)) {
            // Slack: a response_url accepts up to five responses within 30 minutes.
            res.writeHead(404, { 'content-type': 'text/plain' });
            res.end('used_url');
            return;
          }
          if (!this.options.quiet) this.responses.push({ id, body, at: Date.now() });
          this.violations.push(...checkMessage(body).map((v) => `response_url ${id}: ${v}`));
          this.notify();
          send(200, { ok: true });
          return;
        }
        if (url.pathname.startsWith('/api/')) {
          const method = url.pathname.slice('/api/'.length);
          this.check(method, body);
          const broken = method === 'chat.postMessage' && this.options.brokenChannels?.includes(String(body.channel ?? '')) ? 500 : undefined;
          const httpStatus = broken ?? this.httpFailures.get(method)?.shift();
          if (httpStatus !== undefined) {
            if (!this.options.quiet)
              this.calls.push({ method, body, auth: req.headers.authorization, at: Date.now(), response: { ok: false, error: `http_${httpStatus}` } });
            res.writeHead(httpStatus, { 'content-type': 'text/plain' });
            res.end('upstream error');
            this.notify();
            return;
          }
          const limited =
            method === 'chat.postMessage' && this.tokens.authError(req.headers.authorization, method) === null
              ? this.rateLimit.overLimit(String(body.channel ?? ''))
              : 0;
          if (limited > 0) {
            const channel = String(body.channel ?? '');
            this.rateLimited.set(channel, (this.rateLimited.get(channel) ?? 0) + 1);
            if (!this.options.quiet)
              this.calls.push({ method, body, auth: req.headers.authorization, at: Date.now(), response: { ok: false, error: 'ratelimited' } });
            res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limited) });
            res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
            this.notify();
            return;
          }
          const authError = this.tokens.authError(req.headers.authorization, method);
          const failure = authError ?? this.failures.get(method)?.shift();
          const response = failure ? { ok: false, error: failure } : answerWebApi(this.webApi, method, body, req);
          if (!this.options.quiet) this.calls.push({ method, body, auth: req.headers.authorization, at: Date.now(), response });
          send(200, response);
          this.notify();
          return;
        }
        send(404, { ok: false, error: 'unknown_path' });
      } catch (err) {
        send(200, { ok: false, error: 'invalid_form_data', detail: String(err) });
      }
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private nextTs(): string {
    // Real seconds (so `oldest` filters work), never going back; the sequence keeps ts unique.
    this.tsSeconds = Math.max(this.tsSeconds, Math.floor(Date.now() / 1000));
    return `${this.tsSeconds}.${String(++this.seq).padStart(6, '0')}`;
  }

  private check(method: string, body: Record<string, any>): void {
    const add = (problems: string[]) => this.violations.push(...problems.map((p) => `${method}: ${p}`));
    if (method === 'chat.postMessage' || method === 'chat.update' || method === 'chat.postEphemeral') add(checkMessage(body));
    if (method === 'views.open' || method === 'views.update' || method === 'views.push') add(checkModal(body.view));
  }

  // --------------------------------------------------------------------------- Socket Mode

  /** Resolves when a Socket Mode client has connected (and was sent hello). */
  socketConnected(timeoutMs?: number): Promise<WsConnection> {
    return this.until(() => [...this.wsClients].find((c) => c.open), 'a Socket Mode connection', timeoutMs);
  }

  /**
   * Sends an envelope to the connected Socket Mode client and resolves with its ack
   * ({envelope_id, payload}).
   */
  async sendEnvelope(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: Record<string, unknown>,
    timeoutMs?: number,
  ): Promise<{ envelope_id: string; payload?: any }> {
    const ws = await this.socketConnected(timeoutMs);
    const envelope_id = randomBytes(8).toString('hex');
    ws.sendText(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return this.until(() => this.acks.find((a) => a.envelope_id === envelope_id), `the ack of envelope ${envelope_id}`, timeoutMs);
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const ws = acceptSocketMode(
      req,
      socket,
      head,
      (text) => {
        try {
          const message = JSON.parse(text) as { envelope_id?: string; payload?: unknown };
          if (message.envelope_id) {
            this.acks.push({ envelope_id: message.envelope_id, payload: message.payload });
            this.notify();
          }
        } catch {
          // not JSON: ignore, as Slack would
        }
      },
      (ws) => {
        this.wsClients.add(ws);
        this.socketConnections++;
        socket.on('close', () => {
          this.wsClients.delete(ws);
          this.notify();
        });
      },
    );
    if (ws) this.notify();
  }

  // -------------------------------------------------------------------------- the bot side

  /** Signs and sends requests to the bot's /slack/events as Slack would. */
  requester(eventsUrl: string, signingSecret: string): SlackRequester {
    return new SlackRequester(this, eventsUrl, signingSecret);
  }
}
