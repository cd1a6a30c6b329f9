// A local stand-in for the Bot Framework connector and the Entra token endpoint, for tests
// and benches. Loopback only.
//
//   const teams = await FakeTeams.start();          // connector at teams.serviceUrl, token at teams.tokenUrl
//   … the bot replies / posts proactively …
//   const reply = await teams.waitFor((c) => c.kind === 'send');
//   reply.conversationId, reply.body.text, reply.auth ('Bearer <token from teams.tokenUrl>')
//
// Connector routes (under any path prefix, e.g. /teams/v3/…; conversation ids arrive NOT
// percent-encoded and may hold ';', '@' and ':'):
//   POST /v3/conversations/{id}/activities                → kind 'send'    → { id }
//   POST /v3/conversations/{id}/activities/{replyToId}    → kind 'reply'   → { id }
//   PUT  /v3/conversations/{id}/activities/{activityId}   → kind 'update'  → { id: activityId }
//   POST /v3/conversations                                 → kind 'create'  → { id, activityId? }
//   GET  /v3/conversations/{id}/members/{userId}           → kind 'member'  → a member
// Every request is recorded (method, raw path, parsed ids, JSON body, Authorization).
// Connector calls need a bearer token this fake issued (401 otherwise), like the real one.
// Token endpoint: POST /{tenant}/oauth2/v2.0/token with client_credentials; answers a
// JWT-shaped access token. `tokenMode` = 'hang' | 'fail' makes it misbehave.
// Run alone (`node --import tsx test/support/fake-teams.ts`) it serves on a free port,
// prints {"serviceUrl","tokenUrl","baseUrl"} as one JSON line, lists its calls at
// GET /_calls and forgets them on POST /_reset (for a bench in its own process).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { pathToFileURL } from 'node:url';
import { base64url } from 'jose';

export type ConnectorKind = 'send' | 'reply' | 'update' | 'create' | 'member' | 'other';

export interface ConnectorCall {
  kind: ConnectorKind;
  method: string;
  /** The request path exactly as received (no decoding). */
  rawPath: string;
  conversationId?: string;
  /** replyToId for 'reply', the updated id for 'update', userId for 'member'. */
  activityId?: string;
  body: any;
  auth: string | undefined;
  /** Id the fake answered with. */
  answeredId?: string;
  status: number;
  at: number;
}

export interface TokenRequest {
  form: Record<string, string>;
  path: string;
  status: number;
  at: number;
}

export interface FakeTeamsOptions {
  clientId?: string;
  clientSecret?: string;
  /** Seconds. Default 3600. */
  tokenLifetimeSec?: number;
  /** Path prefix of the service URL. Default '/teams/'. */
  servicePath?: string;
}

export class FakeTeams {
  readonly calls: ConnectorCall[] = [];
  readonly tokenRequests: TokenRequest[] = [];
  /** Every HTTP request that reached the fake (connector + token endpoint + unknown). */
  requestCount = 0;
  tokenMode: 'ok' | 'hang' | 'fail' = 'ok';
  /** Status the next connector calls answer with instead of succeeding (then cleared). */
  failNext: { status: number; count: number } | undefined;
  readonly issuedTokens = new Set<string>();
  private seq = 0;
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<{ pred: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly serviceUrl: string,
    readonly tokenUrl: string,
    readonly options: Required<FakeTeamsOptions>,
  ) {}

  static async start(options: FakeTeamsOptions = {}): Promise<FakeTeams> {
    const opts: Required<FakeTeamsOptions> = {
      clientId: options.clientId ?? '00000000-0000-4000-8000-00000000b07a',
      clientSecret: options.clientSecret ?? 'test-secret',
      tokenLifetimeSec: options.tokenLifetimeSec ?? 3600,
      servicePath: options.servicePath ?? '/teams/',
    };
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const fake = new FakeTeams(server, base, `${base}${opts.servicePath}`, `${base}/test-tenant/oauth2/v2.0/token`, opts);
    server.on('connection', (s) => {
      fake.sockets.add(s);
      s.on('close', () => fake.sockets.delete(s));
    });
    server.on('request', (req, res) => {
      fake.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    return fake;
  }

  /** Calls of one kind, in order. */
  callsOf(kind: ConnectorKind): ConnectorCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  /** Resolves with the first recorded (or future) call matching `pred`. */
  waitFor(pred: (c: ConnectorCall) => boolean, timeoutMs = 5000): Promise<ConnectorCall> {
    const found = this.calls.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (c: ConnectorCall) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`FakeTeams: no matching connector call within ${timeoutMs} ms (got ${this.calls.map((c) => c.kind).join(', ') || 'none'})`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  reset(): void {
    this.calls.length = 0;
    this.tokenRequests.length = 0;
    this.requestCount = 0;
    this.tokenMode = 'ok';
    this.failNext = undefined;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A JWT-shaped token as Entra would issue for the bot (unsigned: the connector fake only compares it). */
  private issueToken(form: Record<string, string>): string {
    const now = Math.floor(Date.now() / 1000);
    const enc = (o: unknown) => base64url.encode(JSON.stringify(o));
    const token = `${enc({ alg: 'RS256', typ: 'JWT', kid: 'fake-entra' })}.${enc({
      aud: (form.scope ?? '').replace(/\/\.default$/, ''),
      iss: 'https://login.microsoftonline.com/test-tenant/v2.0',
      appid: form.client_id,
      iat: now,
      nbf: now,
      exp: now + this.options.tokenLifetimeSec,
      jti: randomBytes(6).toString('hex'),
    })}.${base64url.encode(randomBytes(32))}`;
    this.issuedTokens.add(token);
    return token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const rawPath = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';

    if (method === 'GET' && rawPath === '/_calls') {
      return json(res, 200, { calls: this.calls, tokenRequests: this.tokenRequests.length, requestCount: this.requestCount });
    }
    if (method === 'POST' && rawPath === '/_reset') {
      this.reset();
      return json(res, 200, { ok: true });
    }
    this.requestCount++;
    if (method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(rawPath)) {
      const form = parseQuery(raw.toString('utf8')) as Record<string, string>;
      const record = (status: number): void => {
        this.tokenRequests.push({ form, path: rawPath, status, at: Date.now() });
      };
      if (this.tokenMode === 'hang') return record(0); // never answers
      if (this.tokenMode === 'fail') {
        record(503);
        return json(res, 503, { error: 'temporarily_unavailable' });
      }
      if (form.grant_type !== 'client_credentials') {
        record(400);
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (form.client_id !== this.options.clientId || form.client_secret !== this.options.clientSecret) {
        record(401);
        return json(res, 401, { error: 'invalid_client' });
      }
      record(200);
      return json(res, 200, {
        token_type: 'Bearer',
        expires_in: this.options.tokenLifetimeSec,
        ext_expires_in: this.options.tokenLifetimeSec,
        access_token: this.issueToken(form),
      });
    }

    const at = rawPath.indexOf('/v3/conversations');
    if (at < 0) return json(res, 404, { error: { code: 'NotFound', message: 'unknown route' } });
    const route = rawPath.slice(at);
    let body: any;
    try {
      body = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = raw.toString('utf8');
    }
    const auth = req.headers.authorization;
    const call: ConnectorCall = { kind: 'other', method, rawPath, body, auth, status: 200, at: Date.now() };
    const activities = /^\/v3\/conversations\/([^/]+)\/activities\/?$/.exec(route);
    const oneActivity = /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/.exec(route);
    const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(route);
    if (method === 'POST' && route === '/v3/conversations') {
      call.kind = 'create';
    } else if (activities && method === 'POST') {
      call.kind = 'send';
      call.conversationId = decodeURIComponent(activities[1]!);
    } else if (oneActivity && (method === 'POST' || method === 'PUT')) {
      call.kind = method === 'POST' ? 'reply' : 'update';
      call.conversationId = decodeURIComponent(oneActivity[1]!);
      call.activityId = decodeURIComponent(oneActivity[2]!);
    } else if (member && method === 'GET') {
      call.kind = 'member';
      call.conversationId = decodeURIComponent(member[1]!);
      call.activityId = decodeURIComponent(member[2]!);
    }

    const bearer = /^Bearer (.+)$/.exec(auth ?? '')?.[1];
    if (!bearer || !this.issuedTokens.has(bearer)) {
      call.status = 401;
      this.record(call);
      return json(res, 401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } });
    }
    if (this.failNext && this.failNext.count > 0) {
      call.status = this.failNext.status;
      if (--this.failNext.count === 0) this.failNext = undefined;
      this.record(call);
      return json(res, call.status, { error: { code: 'Failed', message: 'injected failure' } });
    }
    switch (call.kind) {
      case 'send':
      case 'reply':
        call.answeredId = `${Date.now()}${String(++this.seq).padStart(4, '0')}`;
        call.status = 201;
        this.record(call);
        return json(res, 201, { id: call.answeredId });
      case 'update':
        call.answeredId = call.activityId;
        this.record(call);
        return json(res, 200, { id: call.activityId });
      case 'create': {
        const id = `a:fake-conversation-${++this.seq}`;
        call.answeredId = id;
        call.status = 201;
        this.record(call);
        const activityId = body && typeof body === 'object' && body.activity ? `${Date.now()}${String(this.seq).padStart(4, '0')}` : undefined;
        return json(res, 201, activityId ? { id, activityId, serviceUrl: this.serviceUrl } : { id, serviceUrl: this.serviceUrl });
      }
      case 'member':
        this.record(call);
        return json(res, 200, { id: call.activityId, name: 'Test User', aadObjectId: call.activityId, role: 'user' });
      default:
        call.status = 404;
        this.record(call);
        return json(res, 404, { error: { code: 'NotFound', message: `no fake for ${method} ${route}` } });
    }
  }

  private record(call: ConnectorCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      if (w.pred(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// ------------------------------------------------------------------------- run on its own

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await FakeTeams.start({ clientId: process.env.TEAMS_APP_ID, clientSecret: process.env.TEAMS_APP_PASSWORD });
  process.stdout.write(`${JSON.stringify({ serviceUrl: fake.serviceUrl, tokenUrl: fake.tokenUrl, baseUrl: fake.baseUrl })}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
