// A local stand-in for Slack, for tests and benches. Loopback only.
//
//   const fake = await FakeSlack.start();           // Web API at fake.apiUrl
//   startSlack(app, { apiUrl: fake.apiUrl, … })      // the bot calls it instead of slack.com
//   const slack = fake.requester(botEventsUrl, SIGNING_SECRET);
//   await slack.command('incident', { user: 'U1', channel: 'C1' });   // signed like Slack
//   const open = await fake.waitFor('views.open');
//
// * Web API: records every call (method, parsed form/JSON body, Authorization header) and
//   answers HTTP 200 {ok:true,…} with plausible data; `fake.fail(method, error)` makes the
//   next call of a method answer {ok:false, error}; `fake.failHttp(method, 503, n)` answers
//   the next n calls with an HTTP 5xx.
// * Faithful where it matters: a token that is not a known bot (xoxb-) or app (xapp-) token
//   gets invalid_auth (`fake.revoke(token)`); a trigger_id handed out by the requester
//   works once within 3 s (expired_trigger_id / trigger_exchanged); chat.postMessage answers
//   HTTP 429 with Retry-After above `rateLimit.perChannelPerSecond` messages per second in a
//   channel (counted in `fake.rateLimited`); chat.update of a message that was never posted
//   is message_not_found; a response_url works 5 times (then 404 used_url); messages keep
//   their `metadata`, returned by conversations.history/replies with include_all_metadata;
//   `fake.disconnectSockets()` sends Socket Mode's `disconnect` and the client reconnects.
// * response_url: `fake.responseUrl(id)` = /response/<id>; posts are recorded.
// * Socket Mode: apps.connections.open hands out ws://127.0.0.1:<port>/socket; a minimal
//   WebSocket server (RFC 6455, no extensions) says hello, sends envelopes and collects acks.
// * Block Kit limits: every message, ephemeral, modal and response_url post is checked
//   (checkMessage/checkModal); problems collect in `fake.violations`.
// * Run alone (`node --import tsx test/support/fake-slack.ts`) it serves on a free port,
//   prints {"apiUrl","baseUrl"} as one JSON line, and lists its calls at GET /_calls
//   (POST /_reset forgets them): the bench runs it in its own process this way.
// * Requests to the bot: `requester()` signs (v0 HMAC-SHA256 over "v0:<ts>:<raw body>") and
//   POSTs slash commands (form fields) and interactions (payload=<JSON>), and builds
//   plausible payloads from the modals and messages the bot sent.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { pathToFileURL } from 'node:url';
import { DateTime } from 'luxon';
import { createApp, type App, type AppOptions, type Logger } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import type { Contract } from '../../src/config/contract.js';
import { startSlack, type SlackHandle, type SlackOptions } from '../../src/platforms/slack/index.js';
import type { Database } from '../../src/store/index.js';

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

/** A message as the fake keeps it (for conversations.history/replies). */
export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** When the fake accepted it (Date.now()). */
  at: number;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

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
  readonly messages = new Map<string, StoredMessage[]>();
  /** HTTP 429 answers given, per channel. */
  readonly rateLimited = new Map<string, number>();
  private readonly lastPost = new Map<string, number[]>();
  private readonly revoked = new Set<string>();
  private readonly triggers = new Map<string, { issuedAt: number; used: boolean }>();
  private readonly responseUses = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private readonly wsClients = new Set<WsConnection>();
  private seq = 0;
  private tsSeconds = 0;

  private constructor(
    private readonly server: Server,
    private readonly options: FakeSlackOptions,
  ) {
    this.teamId = options.teamId ?? 'T0SSBTEK';
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
    this.revoked.add(token);
  }

  /** A trigger_id Slack handed out now (the requester registers the ones it sends). */
  issueTrigger(id: string, at = Date.now()): void {
    this.triggers.set(id, { issuedAt: at, used: false });
  }

  /** Tells every Socket Mode client to reconnect (Slack does this every few hours). */
  disconnectSockets(reason: 'warning' | 'refresh_requested' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.wsClients) ws.sendText(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  /** How many Socket Mode connections were opened so far. */
  socketConnections = 0;

  /** Every message with `metadata.event_payload.job_ids` containing `jobId`. */
  messagesForJob(jobId: number): StoredMessage[] {
    return [...this.messages.values()].flat().filter((m) =>
      String(m.metadata?.event_payload?.job_ids ?? '')
        .split(',')
        .includes(String(jobId)),
    );
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
          const uses = (this.responseUses.get(id) ?? 0) + 1;
          this.responseUses.set(id, uses);
          if (uses > 5) {
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
            method === 'chat.postMessage' && this.authError(req.headers.authorization, method) === null ? this.overLimit(String(body.channel ?? '')) : 0;
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
          const authError = this.authError(req.headers.authorization, method);
          const failure = authError ?? this.failures.get(method)?.shift();
          const response = failure ? { ok: false, error: failure } : this.answer(method, body, req);
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

  /** invalid_auth for a token that is not (or no longer) valid; not_authed without one. */
  private authError(header: string | undefined, method: string): string | null {
    const token = /^Bearer\s+(\S+)$/.exec(header ?? '')?.[1];
    if (!token) return method === 'apps.connections.open' || method.startsWith('oauth.') ? null : 'not_authed';
    if (this.revoked.has(token)) return 'invalid_auth';
    if (this.options.tokens) return this.options.tokens.includes(token) ? null : 'invalid_auth';
    return /^xox[bp]-[\w-]+$/.test(token) || /^xapp-[\w-]+$/.test(token) ? null : 'invalid_auth';
  }

  /** Seconds to wait when a post in `channel` now would exceed the per-channel rate, else 0 (and the post is counted). */
  private overLimit(channel: string): number {
    const limit = this.options.rateLimit;
    if (!limit) return 0;
    const now = Date.now();
    const recent = (this.lastPost.get(channel) ?? []).filter((t) => now - t < 1000);
    if (recent.length >= limit.perChannelPerSecond) {
      this.lastPost.set(channel, recent);
      return limit.retryAfterSeconds ?? 1;
    }
    recent.push(now);
    this.lastPost.set(channel, recent);
    return 0;
  }

  private store(message: StoredMessage): void {
    const list = this.messages.get(message.channel) ?? [];
    list.push(message);
    this.messages.set(message.channel, list);
  }

  private findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.get(channel)?.find((m) => m.ts === ts);
  }

  /** A Web API view of a stored message; metadata only when asked for. */
  private present(m: StoredMessage, withMetadata: boolean): Record<string, unknown> {
    return {
      type: 'message',
      ts: m.ts,
      text: m.text,
      bot_id: 'B0BOT',
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
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

  private answer(method: string, body: Record<string, any>, req: IncomingMessage): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://ssbtek-test.slack.com/',
          team: 'SSBTEK test',
          user: 'ssbtek',
          team_id: this.teamId,
          user_id: 'U0BOT',
          bot_id: 'B0BOT',
          is_enterprise_install: false,
        };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const metadata =
          body.metadata && typeof body.metadata === 'object' && typeof body.metadata.event_type === 'string'
            ? { event_type: body.metadata.event_type, event_payload: body.metadata.event_payload ?? {} }
            : undefined;
        this.store({ channel: String(body.channel), ts, thread_ts: body.thread_ts, text: body.text, blocks: body.blocks, metadata, at: Date.now() });
        return {
          ok: true,
          channel: body.channel,
          ts,
          message: { type: 'message', text: body.text, ts, bot_id: 'B0BOT', thread_ts: body.thread_ts, blocks: body.blocks, ...(metadata ? { metadata } : {}) },
        };
      }
      case 'chat.update': {
        const stored = this.findMessage(String(body.channel), String(body.ts));
        if (!stored) return { ok: false, error: 'message_not_found' };
        stored.text = body.text;
        stored.blocks = body.blocks;
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text, blocks: body.blocks } };
      }
      case 'conversations.history': {
        const withMeta = String(body.include_all_metadata) === 'true';
        const oldest = Number(body.oldest ?? 0);
        const top = (this.messages.get(String(body.channel)) ?? []).filter((m) => (!m.thread_ts || m.thread_ts === m.ts) && Number(m.ts) >= oldest);
        const limit = Number(body.limit ?? 100);
        return {
          ok: true,
          messages: top
            .slice(-limit)
            .reverse()
            .map((m) => this.present(m, withMeta)),
          has_more: top.length > limit,
        };
      }
      case 'conversations.replies': {
        const withMeta = String(body.include_all_metadata) === 'true';
        const all = this.messages.get(String(body.channel)) ?? [];
        const parent = all.find((m) => m.ts === String(body.ts));
        if (!parent) return { ok: false, error: 'thread_not_found' };
        const oldest = Number(body.oldest ?? 0);
        const replies = all.filter((m) => m.thread_ts === parent.ts && m !== parent && Number(m.ts) >= oldest);
        return { ok: true, messages: [parent, ...replies].map((m) => this.present(m, withMeta)), has_more: false };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.open':
      case 'views.update':
      case 'views.push': {
        if (method !== 'views.update' && typeof body.trigger_id === 'string') {
          const trigger = this.triggers.get(body.trigger_id);
          if (trigger) {
            if (Date.now() - trigger.issuedAt > 3_000) return { ok: false, error: 'expired_trigger_id' };
            if (trigger.used) return { ok: false, error: 'trigger_exchanged' };
            trigger.used = true;
          }
        }
        const view = typeof body.view === 'object' && body.view ? body.view : {};
        const id = body.view_id ?? `V${String(++this.seq).padStart(8, '0')}`;
        return { ok: true, view: { id, team_id: this.teamId, hash: `${id}.hash`, state: { values: {} }, ...view } };
      }
      case 'users.info': {
        const user = String(body.user ?? '');
        return {
          ok: true,
          user: {
            id: user,
            team_id: this.teamId,
            name: user.toLowerCase(),
            real_name: `User ${user}`,
            tz: 'Europe/Stockholm',
            ...(body.include_locale ? { locale: this.locales.get(user) ?? 'sv-SE' } : {}),
          },
        };
      }
      case 'usergroups.users.list':
        return { ok: true, users: this.groups.get(String(body.usergroup)) ?? [] };
      case 'apps.connections.open':
        if (!String(req.headers.authorization ?? '').startsWith('Bearer xapp-')) return { ok: false, error: 'not_allowed_token_type' };
        return { ok: true, url: `ws://127.0.0.1:${this.port}/socket` };
      case 'files.getUploadURLExternal': {
        const id = `F${String(++this.seq).padStart(8, '0')}`;
        this.files.push({ id, filename: String(body.filename ?? ''), length: Number(body.length ?? 0), bytes: null, completed: false });
        return { ok: true, upload_url: `${this.baseUrl}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const list: Array<{ id: string; title?: string }> = typeof body.files === 'string' ? JSON.parse(body.files) : (body.files ?? []);
        const done = [];
        for (const item of list) {
          const file = this.files.find((f) => f.id === item.id);
          if (!file || file.bytes === null) return { ok: false, error: 'file_not_found' };
          Object.assign(file, { completed: true, title: item.title, channel: body.channel_id, initialComment: body.initial_comment });
          done.push({ id: file.id, name: file.filename, title: item.title ?? file.filename });
        }
        return { ok: true, files: done };
      }
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: body.channel,
          permalink: `https://ssbtek-test.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}`,
        };
      default:
        return { ok: true };
    }
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
    const key = req.headers['sec-websocket-key'];
    if (!req.url?.startsWith('/socket') || typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
    const ws = new WsConnection(socket, (text) => {
      try {
        const message = JSON.parse(text) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id) {
          this.acks.push({ envelope_id: message.envelope_id, payload: message.payload });
          this.notify();
        }
      } catch {
        // not JSON: ignore, as Slack would
      }
    });
    this.wsClients.add(ws);
    this.socketConnections++;
    socket.on('close', () => {
      this.wsClients.delete(ws);
      this.notify();
    });
    if (head.length) ws.feed(head);
    ws.sendText(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0SSBTEK' },
      }),
    );
    this.notify();
  }

  // -------------------------------------------------------------------------- the bot side

  /** Signs and sends requests to the bot's /slack/events as Slack would. */
  requester(eventsUrl: string, signingSecret: string): SlackRequester {
    return new SlackRequester(this, eventsUrl, signingSecret);
  }
}

// ------------------------------------------------------------------------------- WebSocket

/** One server side WebSocket connection: text frames, ping → pong, close handshake. */
export class WsConnection {
  open = true;
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly socket: Socket,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', () => {
      this.open = false;
    });
    socket.on('close', () => {
      this.open = false;
    });
  }

  feed(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      const masked = (this.buffer[1]! & 0x80) !== 0;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const maskOffset = offset;
      if (masked) offset += 4;
      if (this.buffer.length < offset + length) return;
      const payload = Buffer.from(this.buffer.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ this.buffer[maskOffset + (i % 4)]!;
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x1) this.onText(payload.toString('utf8'));
      else if (opcode === 0x9) this.frame(0xa, payload);
      else if (opcode === 0x8) {
        if (this.open) this.frame(0x8, payload.subarray(0, 2));
        this.open = false;
        this.socket.end();
        return;
      }
    }
  }

  sendText(text: string): void {
    this.frame(0x1, Buffer.from(text, 'utf8'));
  }

  destroy(): void {
    this.open = false;
    this.socket.destroy();
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed) return;
    const header =
      payload.length < 126
        ? Buffer.from([0x80 | opcode, payload.length])
        : payload.length < 65536
          ? Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff])
          : (() => {
              const h = Buffer.alloc(10);
              h[0] = 0x80 | opcode;
              h[1] = 127;
              h.writeBigUInt64BE(BigInt(payload.length), 2);
              return h;
            })();
    this.socket.write(Buffer.concat([header, payload]));
  }
}

// ------------------------------------------------------------------------ signed requests

export interface SignedResult {
  status: number;
  body: string;
  /** Time to the complete response, ms. */
  ms: number;
}

export interface SignOptions {
  /** Request timestamp in seconds (default now). */
  timestamp?: number;
  /** A signature to send instead of the right one. */
  signature?: string;
  /** x-slack-retry-num (and x-slack-retry-reason: http_timeout). */
  retryNum?: number;
}

/** v0=HMAC-SHA256(secret, "v0:<ts>:<raw body>"), hex. */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export async function postSigned(url: string, secret: string, rawBody: string, options: SignOptions = {}): Promise<SignedResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? slackSignature(secret, timestamp, rawBody),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}

export interface CommandOptions extends SignOptions {
  user?: string;
  channel?: string;
  triggerId?: string;
  responseId?: string;
}

export interface ViewLike {
  id?: string;
  callback_id: string;
  private_metadata?: string;
  blocks: any[];
  title?: any;
  submit?: any;
  close?: any;
}

export class SlackRequester {
  private seq = 0;

  constructor(
    private readonly fake: FakeSlack,
    readonly url: string,
    private readonly secret: string,
  ) {}

  /** The form fields of `/ssbtek <text>` as Slack sends them. */
  commandFields(text: string, options: CommandOptions = {}): Record<string, string> {
    const n = ++this.seq;
    const user = options.user ?? 'U0REPORTER';
    return {
      token: 'verification-token-unused',
      team_id: this.fake.teamId,
      team_domain: 'ssbtek-test',
      channel_id: options.channel ?? 'C0GENERAL',
      channel_name: 'general',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/ssbtek',
      text,
      api_app_id: 'A0SSBTEK',
      is_enterprise_install: 'false',
      response_url: this.fake.responseUrl(options.responseId ?? `cmd${n}`),
      trigger_id: this.trigger(options.triggerId ?? `${n}.${Date.now()}.${randomBytes(8).toString('hex')}`),
    };
  }

  /** Registers a trigger_id with the fake as issued now (valid once, for 3 s). */
  private trigger(id: string): string {
    this.fake.issueTrigger(id);
    return id;
  }

  /** POSTs `/ssbtek <text>`; `responseId` names its response_url (default cmd<n>). */
  async command(text: string, options: CommandOptions = {}): Promise<SignedResult & { fields: Record<string, string>; responseId: string }> {
    const fields = this.commandFields(text, options);
    const responseId = decodeURIComponent(fields.response_url!.split('/response/')[1]!);
    const result = await postSigned(this.url, this.secret, new URLSearchParams(fields).toString(), options);
    return { ...result, fields, responseId };
  }

  /** POSTs an interaction payload (payload=<JSON>). */
  interaction(payload: Record<string, unknown>, options: SignOptions = {}): Promise<SignedResult> {
    return postSigned(this.url, this.secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), options);
  }

  /**
   * A view_submission of `view` (as the bot opened it, with the id views.open returned)
   * with `values` by block id: a select takes the option value, checkboxes "ja"/"" and
   * text inputs their text. Blocks not given are submitted empty.
   */
  viewSubmission(view: ViewLike, values: Record<string, string | null | undefined>, user = 'U0REPORTER'): Record<string, unknown> {
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks) {
      if (block.type !== 'input') continue;
      const element = block.element;
      const given = values[block.block_id];
      let value: Record<string, unknown>;
      if (element.type === 'static_select') {
        const chosen =
          given === undefined
            ? element.initial_option
            : given === null || given === ''
              ? null
              : (element.options.find((o: any) => o.value === given) ?? { text: { type: 'plain_text', text: given }, value: given });
        value = { type: 'static_select', selected_option: chosen ?? null };
      } else if (element.type === 'checkboxes') {
        value = { type: 'checkboxes', selected_options: given ? element.options.filter((o: any) => o.value === given || given === 'ja') : [] };
      } else {
        value = { type: element.type, value: given ?? element.initial_value ?? null };
      }
      state[block.block_id] = { [element.action_id]: value };
    }
    return {
      type: 'view_submission',
      team: { id: this.fake.teamId, domain: 'ssbtek-test' },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.fake.teamId },
      api_app_id: 'A0SSBTEK',
      token: 'verification-token-unused',
      trigger_id: this.trigger(`${++this.seq}.${Date.now()}.${randomBytes(8).toString('hex')}`),
      view: {
        id: view.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`,
        team_id: this.fake.teamId,
        type: 'modal',
        blocks: view.blocks,
        private_metadata: view.private_metadata ?? '',
        callback_id: view.callback_id,
        state: { values: state },
        hash: 'hash',
        title: view.title,
        submit: view.submit,
        close: view.close,
        clear_on_close: false,
        notify_on_close: false,
        root_view_id: view.id ?? null,
        previous_view_id: null,
        app_id: 'A0SSBTEK',
        bot_id: 'B0BOT',
      },
      response_urls: [],
      is_enterprise_install: false,
    };
  }

  /** A block_actions payload: `user` clicks the button `actionId` on a message the bot posted. */
  buttonClick(
    message: { channel: string; ts: string; blocks: any[] },
    actionId: string,
    user = 'U0REPORTER',
    options: { ephemeral?: boolean } = {},
  ): Record<string, unknown> {
    let found: { block: any; element: any } | undefined;
    for (const block of message.blocks) {
      if (block.type !== 'actions') continue;
      const element = block.elements.find((e: any) => e.action_id === actionId);
      if (element) found = { block, element };
    }
    if (!found) throw new Error(`FakeSlack: the message has no button ${actionId}`);
    return {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.fake.teamId },
      api_app_id: 'A0SSBTEK',
      token: 'verification-token-unused',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: options.ephemeral ?? false },
      trigger_id: this.trigger(`${++this.seq}.${Date.now()}.${randomBytes(8).toString('hex')}`),
      team: { id: this.fake.teamId, domain: 'ssbtek-test' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: 'incidents' },
      message: { type: 'message', ts: message.ts, text: 'card', bot_id: 'B0BOT', blocks: message.blocks },
      state: { values: {} },
      response_url: this.fake.responseUrl(`action${this.seq}`),
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: found.block.block_id,
          text: found.element.text,
          value: found.element.value,
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
  }
}

// ------------------------------------------------------------------------------ the bot

export const SECRET = 'test-signing-secret-0123456789abcdef';

export interface Bot {
  fake: FakeSlack;
  db: Database;
  app: App;
  slack: SlackHandle;
  requester: SlackRequester;
  logs: { level: string; msg: string; err?: unknown }[];
  clock: { t: number };
  close(): Promise<void>;
}

/**
 * The bot (createApp + startSlack on port 0) on `db`, its Web API pointed at a new fake
 * Slack; the clock starts Tuesday 2026-11-24 10:00 (Stockholm) and moves when set.
 * close() stops both and closes the database.
 */
export async function startBot(
  db: Database,
  options: Partial<SlackOptions> = {},
  fakeOptions: FakeSlackOptions = {},
  contract: Contract = buildContract(),
  appOptions: Partial<AppOptions> = {},
): Promise<Bot> {
  const fake = await FakeSlack.start(fakeOptions);
  const clock = { t: DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Stockholm' }).toMillis() };
  const logs: Bot['logs'] = [];
  const log: Logger = {
    info: (msg) => logs.push({ level: 'info', msg }),
    warn: (msg) => logs.push({ level: 'warn', msg }),
    error: (msg, err) => logs.push({ level: 'error', msg, err }),
  };
  const app = await createApp({ contract, database: db, now: () => clock.t, log, ...appOptions });
  // A short channel pace keeps tests quick; tests of pacing pass their own.
  const slack = await startSlack(app, {
    botToken: 'xoxb-test-token',
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    retries: 0,
    lang: 'sv',
    channelPaceMs: 100,
    ...options,
  });
  const requester = fake.requester(`http://127.0.0.1:${slack.port}/slack/events`, SECRET);
  return {
    fake,
    db,
    app,
    slack,
    requester,
    logs,
    clock,
    async close() {
      await slack.stop();
      await app.close();
      await fake.close();
    },
  };
}

/** Every text of a message or view, for "contains" checks. */
export function textOf(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v))
        if (k === 'text' || k === 'blocks' || k === 'fields' || k === 'elements' || k === 'label' || k === 'hint' || k === 'title' || typeof x === 'object')
          walk(x);
  };
  walk(value);
  return out.join('\n');
}

export const buttonsOf = (blocks: any[]): string[] => blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: any) => e.text.text));

/** The view as views.open sent it, with the id the fake gave it. */
export function openedView(call: RecordedCall): any {
  return { ...call.body.view, id: call.response.view.id };
}

// ------------------------------------------------------------------------ Block Kit limits

function parseBody(raw: string, contentType: string | undefined): Record<string, any> {
  if (!raw) return {};
  if ((contentType ?? '').includes('application/json')) return JSON.parse(raw) as Record<string, any>;
  const form = parseQuery(raw) as Record<string, string | string[]>;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(form)) {
    const text = Array.isArray(value) ? value[value.length - 1] : value;
    out[key] = text === undefined ? text : JSON_FIELDS.has(key) ? safeParse(text) : text;
  }
  return out;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const len = (s: unknown) => (typeof s === 'string' ? s.length : 0);

/** Problems with a message (chat.postMessage / update / postEphemeral / response_url body). */
export function checkMessage(body: Record<string, any>): string[] {
  const problems: string[] = [];
  if (len(body.text) > 40_000) problems.push(`text is ${len(body.text)} characters (max 40000)`);
  if (body.blocks !== undefined) {
    if (!Array.isArray(body.blocks)) problems.push('blocks is not an array');
    else {
      if (body.blocks.length > 50) problems.push(`${body.blocks.length} blocks in a message (max 50)`);
      body.blocks.forEach((b: any, i: number) => checkBlock(b, `blocks[${i}]`, problems, false));
    }
  }
  if (!body.text && !body.blocks) problems.push('neither text nor blocks');
  return problems;
}

/** Problems with a modal view. */
export function checkModal(view: any): string[] {
  const problems: string[] = [];
  if (!view || typeof view !== 'object') return ['no view'];
  if (view.type !== 'modal') problems.push(`view type ${view.type}`);
  checkText(view.title, 'title', 24, problems, 'plain_text');
  if (view.submit !== undefined) checkText(view.submit, 'submit', 24, problems, 'plain_text');
  if (view.close !== undefined) checkText(view.close, 'close', 24, problems, 'plain_text');
  if (len(view.private_metadata) > 3000) problems.push(`private_metadata is ${len(view.private_metadata)} characters (max 3000)`);
  if (len(view.callback_id) > 255) problems.push('callback_id over 255');
  if (!Array.isArray(view.blocks)) problems.push('blocks is not an array');
  else {
    if (view.blocks.length > 100) problems.push(`${view.blocks.length} blocks in a modal (max 100)`);
    if (view.blocks.some((b: any) => b.type === 'input') && !view.submit) problems.push('input blocks without a submit button');
    view.blocks.forEach((b: any, i: number) => checkBlock(b, `blocks[${i}]`, problems, true));
    const ids = view.blocks.map((b: any) => b.block_id).filter(Boolean);
    if (new Set(ids).size !== ids.length) problems.push('duplicate block_id');
  }
  return problems;
}

function checkText(t: any, where: string, max: number, problems: string[], type?: 'plain_text' | 'mrkdwn'): void {
  if (!t || typeof t !== 'object') {
    problems.push(`${where}: missing text object`);
    return;
  }
  if (type && t.type !== type) problems.push(`${where}: must be ${type}, is ${t.type}`);
  if (t.type !== 'plain_text' && t.type !== 'mrkdwn') problems.push(`${where}: text type ${t.type}`);
  if (typeof t.text !== 'string' || t.text.length === 0) problems.push(`${where}: empty text`);
  else if (t.text.length > max) problems.push(`${where}: ${t.text.length} characters (max ${max})`);
}

function checkOptions(options: any[], where: string, max: number, problems: string[]): void {
  if (!Array.isArray(options) || options.length === 0) {
    problems.push(`${where}: no options`);
    return;
  }
  if (options.length > max) problems.push(`${where}: ${options.length} options (max ${max})`);
  options.forEach((o, i) => {
    checkText(o.text, `${where}[${i}].text`, 75, problems);
    if (typeof o.value !== 'string' || o.value.length === 0 || o.value.length > 75) problems.push(`${where}[${i}].value: ${len(o.value)} characters (1–75)`);
    if (o.description !== undefined) checkText(o.description, `${where}[${i}].description`, 75, problems);
  });
}

function checkElement(e: any, where: string, problems: string[], inModal: boolean): void {
  if (len(e.action_id) > 255) problems.push(`${where}.action_id over 255`);
  if (e.placeholder !== undefined) checkText(e.placeholder, `${where}.placeholder`, 150, problems, 'plain_text');
  switch (e.type) {
    case 'button':
      checkText(e.text, `${where}.text`, 75, problems, 'plain_text');
      if (len(e.value) > 2000) problems.push(`${where}.value over 2000`);
      break;
    case 'static_select':
      checkOptions(e.options, `${where}.options`, 100, problems);
      if (e.initial_option && !e.options?.some((o: any) => o.value === e.initial_option.value && o.text?.text === e.initial_option.text?.text))
        problems.push(`${where}.initial_option is not one of the options`);
      break;
    case 'checkboxes':
      checkOptions(e.options, `${where}.options`, 10, problems);
      break;
    case 'plain_text_input':
      if (!inModal) problems.push(`${where}: plain_text_input outside a modal`);
      if (e.max_length !== undefined && (e.max_length < 1 || e.max_length > 3000)) problems.push(`${where}.max_length ${e.max_length} (1–3000)`);
      if (e.initial_value !== undefined && len(e.initial_value) > (e.max_length ?? 3000)) problems.push(`${where}.initial_value longer than max_length`);
      break;
    default:
      problems.push(`${where}: unexpected element ${e.type}`);
  }
}

function checkBlock(b: any, where: string, problems: string[], inModal: boolean): void {
  if (len(b.block_id) > 255) problems.push(`${where}.block_id over 255`);
  switch (b.type) {
    case 'section':
      if (!b.text && !b.fields) problems.push(`${where}: section without text or fields`);
      if (b.text) checkText(b.text, `${where}.text`, 3000, problems);
      if (b.fields) {
        if (b.fields.length > 10) problems.push(`${where}: ${b.fields.length} fields (max 10)`);
        b.fields.forEach((f: any, i: number) => checkText(f, `${where}.fields[${i}]`, 2000, problems));
      }
      if (b.accessory) checkElement(b.accessory, `${where}.accessory`, problems, inModal);
      break;
    case 'header':
      checkText(b.text, `${where}.text`, 150, problems, 'plain_text');
      break;
    case 'context':
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
        problems.push(`${where}: ${b.elements?.length} context elements (1–10)`);
      b.elements?.forEach((e: any, i: number) => checkText(e, `${where}.elements[${i}]`, 3000, problems));
      break;
    case 'actions':
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25)
        problems.push(`${where}: ${b.elements?.length} actions elements (1–25)`);
      b.elements?.forEach((e: any, i: number) => checkElement(e, `${where}.elements[${i}]`, problems, inModal));
      break;
    case 'input':
      if (!inModal) problems.push(`${where}: input block outside a modal`);
      checkText(b.label, `${where}.label`, 2000, problems, 'plain_text');
      if (b.hint !== undefined) checkText(b.hint, `${where}.hint`, 2000, problems, 'plain_text');
      if (!b.element) problems.push(`${where}: input without element`);
      else checkElement(b.element, `${where}.element`, problems, inModal);
      break;
    case 'divider':
      break;
    default:
      problems.push(`${where}: unexpected block type ${b.type}`);
  }
}

// ------------------------------------------------------------------------- run on its own

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const perSecond = Number(process.env.FAKE_SLACK_RATE_PER_CHANNEL ?? 0);
  const fake = await FakeSlack.start(perSecond > 0 ? { rateLimit: { perChannelPerSecond: perSecond } } : {});
  process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl, baseUrl: fake.baseUrl })}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** The file in an upload: the raw body, or the file part of a multipart/form-data body (as @slack/web-api sends it). */
function uploadedBytes(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /multipart\/form-data;.*boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  for (let start = body.indexOf(delimiter); start >= 0; ) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0 && /filename=/i.test(part.subarray(0, split).toString('utf8'))) return part.subarray(split + 4);
    start = next;
  }
  return body;
}
