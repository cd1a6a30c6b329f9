// The bot's own HTTP server: routing, body limits, timeouts, errors without stack traces,
// graceful close. Everything over real sockets on 127.0.0.1.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError, HttpServer, sendJson, sendText, type HttpServerOptions } from '../../src/http/server.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

async function start(setup: (s: HttpServer) => void, options: HttpServerOptions = {}): Promise<{ server: HttpServer; url: string }> {
  const server = new HttpServer(options);
  setup(server);
  servers.push(server);
  const port = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${port}` };
}

/** Writes raw bytes on a fresh connection and resolves with everything the server sends until it closes. */
function rawExchange(port: number, chunks: string[], gapMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', (err) => (received ? resolve(received) : reject(err)));
    socket.on('connect', async () => {
      for (const c of chunks) {
        socket.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('routing', () => {
  it('answers a routed path and method, and 404 with JSON for an unknown path', async () => {
    const { url } = await start((s) => s.route('GET', '/livez', (_req, res) => sendText(res, 200, 'ok')));
    const ok = await fetch(`${url}/livez`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok');
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not found' });
  });

  it('a known path with another method is 405 and says which methods are allowed', async () => {
    const { url } = await start((s) => s.route('GET', '/metrics', (_req, res) => sendText(res, 200, 'x')));
    const res = await fetch(`${url}/metrics`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('a GET route also answers HEAD, without a body', async () => {
    const { url } = await start((s) => s.route('GET', '/livez', (_req, res) => sendText(res, 200, 'ok')));
    const res = await fetch(`${url}/livez`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('a mount takes its prefix and everything below it; the longest prefix and exact routes win', async () => {
    const seen: string[] = [];
    const { url } = await start((s) => {
      s.mount('/webhooks', (req, res) => {
        seen.push(`webhooks:${req.subpath}`);
        sendJson(res, 200, { at: 'webhooks', subpath: req.subpath });
      });
      s.mount('/webhooks/grafana', (req, res) => sendJson(res, 200, { at: 'grafana', subpath: req.subpath }));
      s.route('GET', '/webhooks/health', (_req, res) => sendJson(res, 200, { at: 'exact' }));
    });
    expect(await (await fetch(`${url}/webhooks/x/y?a=1`, { method: 'POST', body: '{}' })).json()).toEqual({ at: 'webhooks', subpath: '/x/y' });
    expect(await (await fetch(`${url}/webhooks`)).json()).toEqual({ at: 'webhooks', subpath: '' });
    expect(await (await fetch(`${url}/webhooks/grafana/alert`, { method: 'POST' })).json()).toEqual({ at: 'grafana', subpath: '/alert' });
    expect(await (await fetch(`${url}/webhooks/health`)).json()).toEqual({ at: 'exact' });
    // "/webhooksX" is not below "/webhooks".
    expect((await fetch(`${url}/webhooksX`)).status).toBe(404);
    expect(seen).toEqual(['webhooks:/x/y', 'webhooks:']);
  });

  it('a mount limited to POST refuses GET with 405', async () => {
    const { url } = await start((s) => s.mount('/slack/events', (_req, res) => sendText(res, 200, ''), { methods: ['POST'] }));
    const res = await fetch(`${url}/slack/events`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('routing the same method and path twice is a programming error', () => {
    const s = new HttpServer();
    s.route('GET', '/a', () => {});
    expect(() => s.route('get', '/a', () => {})).toThrow(/already routed/);
    expect(() => s.route('GET', 'a', () => {})).toThrow(/starts with/);
  });

  it('hands the handler the body, the query and a JSON reader that answers 400 for non-JSON', async () => {
    const { url } = await start((s) => s.route('POST', '/echo', (req, res) => sendJson(res, 200, { q: req.query.get('q'), body: req.json<{ a: number }>() })));
    const res = await fetch(`${url}/echo?q=hej`, { method: 'POST', body: JSON.stringify({ a: 1 }) });
    expect(await res.json()).toEqual({ q: 'hej', body: { a: 1 } });
    const bad = await fetch(`${url}/echo`, { method: 'POST', body: 'not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'body is not JSON' });
  });
});

describe('body limit', () => {
  it('a body over the default 1 MB is refused with 413 before the handler runs', async () => {
    let called = false;
    const { url } = await start((s) =>
      s.route('POST', '/in', (_req, res) => {
        called = true;
        sendText(res, 200, 'ok');
      }),
    );
    const res = await fetch(`${url}/in`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(called).toBe(false);
    const fits = await fetch(`${url}/in`, { method: 'POST', body: 'x'.repeat(1024 * 1024) });
    expect(fits.status).toBe(200);
  });

  it('a route sets its own limit; a chunked body without Content-Length is counted as it arrives', async () => {
    const { server, url } = await start((s) => s.route('POST', '/small', (req, res) => sendText(res, 200, String(req.body.length)), { bodyLimit: 10 }));
    expect(await (await fetch(`${url}/small`, { method: 'POST', body: '0123456789' })).text()).toBe('10');
    expect((await fetch(`${url}/small`, { method: 'POST', body: '0123456789A' })).status).toBe(413);
    const raw = await rawExchange(
      server.port!,
      ['POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', '6\r\nabcdef\r\n', '6\r\nghijkl\r\n', '0\r\n\r\n'],
      20,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 413/);
  });
});

describe('faults and timeouts', () => {
  it('a handler that throws gives a generic 500: no message, no stack trace; the fault is logged', async () => {
    const logged: unknown[] = [];
    const log = { warn() {}, error: (_msg: string, err?: unknown) => logged.push(err) };
    const { url } = await start(
      (s) =>
        s.route('GET', '/boom', () => {
          throw new Error('secret detail at /srv/app/src/x.ts:12');
        }),
      { log },
    );
    const res = await fetch(`${url}/boom`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal error' });
    expect(text).not.toMatch(/secret|\.ts|at /);
    expect(logged).toHaveLength(1);
  });

  it('an HttpError answers its own status and message', async () => {
    const { url } = await start((s) =>
      s.route('GET', '/teapot', () => {
        throw new HttpError(409, 'already done');
      }),
    );
    const res = await fetch(`${url}/teapot`);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'already done' });
  });

  it('a handler that does not answer in time gets 503', async () => {
    const { url } = await start((s) => s.route('GET', '/slow', () => new Promise(() => {}), { timeoutMs: 100 }), { log: { warn() {}, error() {} } });
    const started = Date.now();
    const res = await fetch(`${url}/slow`);
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a handler that fails after its deadline was answered is logged, and the process carries on', async () => {
    const warnings: string[] = [];
    const { url } = await start(
      (s) =>
        s.route(
          'GET',
          '/late',
          async (_req, res) => {
            await sleep(150);
            res.writeHead(200); // the 503 went out already: this throws
          },
          { timeoutMs: 50 },
        ),
      { log: { warn: (m) => warnings.push(m), error() {} } },
    );
    expect((await fetch(`${url}/late`)).status).toBe(503);
    await sleep(200);
    expect(warnings).toEqual(['http: GET /late did not answer within 50 ms', 'http: GET /late failed after its deadline (Error)']);
  });

  it('a client that sends its headers too slowly gets 408 and the connection is closed', async () => {
    const { server } = await start((s) => s.route('GET', '/livez', (_req, res) => sendText(res, 200, 'ok')), { headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const started = Date.now();
    const raw = await rawExchange(server.port!, ['GET /livez HTTP/1.1\r\nHost: x\r\n']);
    expect(raw).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('a malformed request line gets a bare 400', async () => {
    const { server } = await start(() => {});
    const raw = await rawExchange(server.port!, ['NOT HTTP AT ALL\r\n\r\n']);
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
  });
});

describe('graceful close', () => {
  it('stops taking connections, lets the request in flight finish, then resolves', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const ctx = await start((s) =>
      s.route('GET', '/work', async (_req, res) => {
        entered();
        await new Promise<void>((r) => (release = r));
        sendText(res, 200, 'finished');
      }),
    );
    const inFlight = fetch(`${ctx.url}/work`);
    await inside;
    let closed = false;
    const closing = ctx.server.close(5_000).then(() => (closed = true));
    await sleep(50);
    // New connections are refused while the old request is still running.
    await expect(fetch(`${ctx.url}/work`)).rejects.toThrow();
    expect(closed).toBe(false);
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('finished');
    await closing;
    expect(closed).toBe(true);
  });

  it('after the deadline, requests still running are cut off', async () => {
    const { server, url } = await start((s) => s.route('GET', '/forever', () => new Promise(() => {}), { timeoutMs: 60_000 }), {
      log: { warn() {}, error() {} },
    });
    const stuck = fetch(`${url}/forever`).then(
      () => 'answered',
      () => 'cut',
    );
    await sleep(50);
    const started = Date.now();
    await server.close(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await stuck).toBe('cut');
  });
});
