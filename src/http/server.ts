// The bot's one HTTP server (node:http, no framework). Platforms and operations mount
// their endpoints here: Slack's /slack/events, Teams' /api/messages, /webhooks/…,
// /livez, /readyz, /metrics, /status….
//
// What every route gets for free:
//   * a body read up to a limit (1 MB unless the route says otherwise; 413 beyond it),
//   * header and whole-request timeouts (408 from node), and a handler deadline (503),
//   * 404 for an unknown path, 405 (with Allow) for a known path and another method,
//   * no stack trace in any response: a fault is a generic JSON 500 and a log line,
//   * a graceful close(): stop accepting, let in-flight requests finish until a
//     deadline, then destroy what is left.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The subset of the bot's logger the server needs (compatible with app.ts's Logger). */
export interface HttpLogger {
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export interface HttpRequest {
  readonly raw: IncomingMessage;
  /** Upper-case method ("GET", "POST", …). */
  readonly method: string;
  /** The decoded path without the query string, e.g. "/slack/events". */
  readonly path: string;
  /** For a mount: the rest of the path after its prefix ("" or "/…"); for a route: "". */
  readonly subpath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The request body (empty when the route streams it itself, see RouteOptions.streamBody). */
  readonly body: Buffer;
  /** The body as UTF-8 text. */
  text(): string;
  /** The body parsed as JSON; an HttpError 400 when it is not JSON. */
  json<T = unknown>(): T;
}

export type Handler = (req: HttpRequest, res: ServerResponse) => void | Promise<void>;

export interface RouteOptions {
  /** Largest accepted body in bytes (413 beyond it). Default: the server's bodyLimit. */
  bodyLimit?: number;
  /** Leave the body unread: the handler consumes `req.raw` itself (no limit is applied). */
  streamBody?: boolean;
  /** The handler must have answered within this many ms, else 503. Default: the server's handlerTimeoutMs. */
  timeoutMs?: number;
}

export interface MountOptions extends RouteOptions {
  /** Methods the mount accepts (405 for others). Default: all. */
  methods?: readonly string[];
}

export interface HttpServerOptions {
  /** Default body limit in bytes. Default 1 MB. */
  bodyLimit?: number;
  /** Time to receive the request headers (node's headersTimeout, answers 408). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time to receive the whole request (node's requestTimeout, answers 408). Default 30 s. */
  requestTimeoutMs?: number;
  /** Time a handler has to answer before the server answers 503. Default 30 s. */
  handlerTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this long. Default 5 s. */
  keepAliveTimeoutMs?: number;
  log?: HttpLogger;
  /** Called once per answered request (metrics). `route` is the registered pattern, not the raw path. */
  onResponse?: (info: { method: string; route: string; status: number; ms: number }) => void;
}

/** An error a handler throws to answer with a status and a short message (never a stack). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Sends `body` as JSON with `status`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Sends plain text (or another text type) with `status`. */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'bad request',
  404: 'not found',
  405: 'method not allowed',
  408: 'request timeout',
  413: 'payload too large',
  500: 'internal error',
  503: 'unavailable',
};

interface Route {
  pattern: string;
  methods: Map<string, Handler>;
  options: Map<string, RouteOptions>;
}

interface Mount {
  prefix: string;
  handler: Handler;
  options: MountOptions;
}

interface Match {
  route: string;
  handler: Handler;
  options: RouteOptions;
  subpath: string;
}

export class HttpServer {
  private readonly routes = new Map<string, Route>();
  private readonly mounts: Mount[] = [];
  private readonly server: Server;
  private readonly bodyLimit: number;
  private readonly handlerTimeoutMs: number;
  private readonly log: HttpLogger | undefined;
  private readonly onResponse: HttpServerOptions['onResponse'];
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private drained: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private listening = false;

  constructor(options: HttpServerOptions = {}) {
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
    this.log = options.log;
    this.onResponse = options.onResponse;
    const requestTimeout = options.requestTimeoutMs ?? 30_000;
    const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
    this.server = createServer(
      {
        requestTimeout,
        headersTimeout,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
        // How often node checks the two timeouts above (its default, 30 s, would make a 1 s timeout take 30 s).
        connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 2))),
      },
      (req, res) => void this.dispatch(req, res),
    );
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    // Malformed requests and timeouts: a bare status line, never details.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      socket.end(
        `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    });
  }

  /** Answers `method`(s) on exactly `path`. GET routes also answer HEAD. */
  route(method: string | readonly string[], path: string, handler: Handler, options: RouteOptions = {}): this {
    assertPath(path);
    const route = this.routes.get(path) ?? { pattern: path, methods: new Map(), options: new Map() };
    for (const m of typeof method === 'string' ? [method] : method) {
      const upper = m.toUpperCase();
      if (route.methods.has(upper)) throw new Error(`${upper} ${path} is already routed`);
      route.methods.set(upper, handler);
      route.options.set(upper, options);
    }
    this.routes.set(path, route);
    return this;
  }

  /** Hands every request on `prefix` or below it (`/prefix/…`) to `handler`. Exact routes win over mounts. */
  mount(prefix: string, handler: Handler, options: MountOptions = {}): this {
    assertPath(prefix);
    const normalized = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
    if (this.mounts.some((m) => m.prefix === normalized)) throw new Error(`${normalized} is already mounted`);
    this.mounts.push({ prefix: normalized, handler, options: { ...options, methods: options.methods?.map((m) => m.toUpperCase()) } });
    // Longest prefix first.
    this.mounts.sort((a, b) => b.prefix.length - a.prefix.length);
    return this;
  }

  /** Starts listening; resolves with the bound port (0 picks a free one). */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.listening = true;
        resolve(this.port!);
      });
    });
  }

  /** The bound port, once listening. */
  get port(): number | undefined {
    const address = this.server.address() as AddressInfo | null;
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** The underlying node server (for tests and upgrades). */
  get node(): Server {
    return this.server;
  }

  /**
   * Stops accepting connections, closes idle keep-alive connections, waits for the
   * requests being handled until `deadlineMs`, then destroys whatever is still open.
   */
  close(deadlineMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      const closed = this.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
      this.listening = false;
      this.server.closeIdleConnections();
      if (this.inFlight > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => {
            this.drained = resolve;
          }),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, deadlineMs);
          }),
        ]);
        clearTimeout(timer);
        if (this.inFlight > 0) this.log?.warn(`http: ${this.inFlight} request(s) still open after ${deadlineMs} ms; closing their connections`);
      }
      this.server.closeAllConnections();
      for (const socket of this.sockets) socket.destroy();
      await closed;
    })();
    return this.closing;
  }

  private match(method: string, path: string): Match | { status: 404 } | { status: 405; allow: string[] } {
    const route = this.routes.get(path);
    if (route) {
      const lookup = method === 'HEAD' && !route.methods.has('HEAD') ? 'GET' : method;
      const handler = route.methods.get(lookup);
      if (handler) return { route: route.pattern, handler, options: route.options.get(lookup) ?? {}, subpath: '' };
      const allow = [...route.methods.keys()];
      if (allow.includes('GET') && !allow.includes('HEAD')) allow.push('HEAD');
      return { status: 405, allow };
    }
    for (const mount of this.mounts) {
      const inside = mount.prefix === '/' || path === mount.prefix || path.startsWith(`${mount.prefix}/`);
      if (!inside) continue;
      if (mount.options.methods && !mount.options.methods.includes(method)) return { status: 405, allow: [...mount.options.methods] };
      return {
        route: `${mount.prefix}/*`,
        handler: mount.handler,
        options: mount.options,
        subpath: mount.prefix === '/' ? path : path.slice(mount.prefix.length),
      };
    }
    return { status: 404 };
  }

  private async dispatch(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (raw.method ?? 'GET').toUpperCase();
    this.inFlight++;
    let routeName = 'unmatched';
    res.once('close', () => {
      this.inFlight--;
      this.onResponse?.({ method, route: routeName, status: res.statusCode, ms: performance.now() - started });
      if (this.closing && this.inFlight === 0) this.drained?.();
    });
    // While closing, keep-alive clients are told to go elsewhere.
    if (this.closing) res.setHeader('connection', 'close');

    let url: URL;
    try {
      url = new URL(raw.url ?? '/', 'http://localhost');
      decodeURIComponent(url.pathname);
    } catch {
      return this.fail(raw, res, new HttpError(400, STATUS_TEXT[400]!));
    }
    const path = decodeURIComponent(url.pathname);
    const found = this.match(method, path);
    if (!('handler' in found)) {
      if (found.status === 405) return this.fail(raw, res, new HttpError(405, STATUS_TEXT[405]!, { allow: found.allow.join(', ') }));
      return this.fail(raw, res, new HttpError(404, STATUS_TEXT[404]!));
    }
    routeName = found.route;
    const { options } = found;

    let body: Buffer = EMPTY;
    if (!options.streamBody) {
      try {
        body = await readBody(raw, options.bodyLimit ?? this.bodyLimit);
      } catch (err) {
        return this.fail(raw, res, err instanceof HttpError ? err : new HttpError(400, STATUS_TEXT[400]!));
      }
    }
    const request: HttpRequest = {
      raw,
      method,
      path,
      subpath: found.subpath,
      query: url.searchParams,
      headers: raw.headers,
      body,
      text: () => body.toString('utf8'),
      json<T>() {
        try {
          return JSON.parse(body.toString('utf8')) as T;
        } catch {
          throw new HttpError(400, 'body is not JSON');
        }
      },
    };

    const timeoutMs = options.timeoutMs ?? this.handlerTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const work = Promise.resolve().then(() => found.handler(request, res));
    // A handler that fails after its deadline (already answered 503) is logged, never an unhandled rejection.
    work.catch((err: unknown) => {
      if (late) this.log?.warn(`http: ${method} ${routeName} failed after its deadline (${err instanceof Error ? err.name : typeof err})`);
    });
    try {
      await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new HandlerTimeout(timeoutMs)), timeoutMs);
          timer.unref();
        }),
      ]);
    } catch (err) {
      if (err instanceof HandlerTimeout) {
        late = true;
        this.log?.warn(`http: ${method} ${routeName} did not answer within ${timeoutMs} ms`);
        return this.fail(raw, res, new HttpError(503, STATUS_TEXT[503]!, { 'retry-after': '1' }));
      }
      if (!(err instanceof HttpError) || err.status >= 500) this.log?.error(`http: ${method} ${routeName} failed`, err);
      return this.fail(raw, res, err instanceof HttpError ? err : new HttpError(500, STATUS_TEXT[500]!));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Answers with the error's status and message as JSON; never a stack trace. */
  private fail(raw: IncomingMessage, res: ServerResponse, err: HttpError): void {
    if (res.headersSent) {
      // Half an answer cannot be corrected: cut the connection so the client sees a failure.
      if (!res.writableEnded) res.destroy();
      return;
    }
    const headers: Record<string, string> = { ...err.headers };
    // An unread body (413, 404 before reading) would be parsed as the next request: close instead.
    if (!raw.complete) headers.connection = 'close';
    sendJson(res, err.status, { error: err.message }, headers);
    if (!raw.complete) res.once('finish', () => raw.socket.destroySoon?.());
  }
}

class HandlerTimeout extends Error {
  constructor(ms: number) {
    super(`handler timeout after ${ms} ms`);
  }
}

const EMPTY = Buffer.alloc(0);

function assertPath(path: string): void {
  if (!path.startsWith('/')) throw new Error(`a route path starts with "/": ${path}`);
}

/** Reads the body up to `limit` bytes; an HttpError 413 beyond it (checked on Content-Length first). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(new HttpError(413, STATUS_TEXT[413]!));
  if (req.complete) return Promise.resolve(EMPTY);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new HttpError(413, STATUS_TEXT[413]!));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => {
      cleanup();
      reject(new HttpError(400, 'request aborted'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/** Shorthand for `new HttpServer(options)`. */
export function createHttpServer(options?: HttpServerOptions): HttpServer {
  return new HttpServer(options);
}
