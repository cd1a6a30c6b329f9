// /livez and /readyz over real HTTP. /readyz turns 503 (with the reason) while the
// database does not answer, and 200 again once it does, without a restart: PostgreSQL
// behind a TCP proxy that the test cuts and restores, and PGlite held busy.
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databasePing, mountHealth, type HealthOptions } from '../../src/http/health.js';
import { HttpServer } from '../../src/http/server.js';
import { openDatabase, parsePostgresUrl, type Database } from '../../src/store/index.js';
import { testPostgresUrl } from '../support/databases.js';

/** A TCP proxy in front of PostgreSQL that can be cut (connections dropped, new ones refused) and restored on the same port. */
class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** The database becomes unreachable: open connections are reset, new ones refused. */
  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = undefined;
  }

  async restore(): Promise<void> {
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.server) await this.cut();
  }
}

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

async function serve(options: HealthOptions): Promise<string> {
  const server = new HttpServer();
  mountHealth(server, options);
  servers.push(server);
  return `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
}

async function readyz(
  url: string,
): Promise<{ status: number; body: { status: string; checks: Record<string, { ok: boolean; reason?: string }>; failing?: string[] } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('/livez', () => {
  it('answers 200 whenever the process answers, even with the database down', async () => {
    const url = await serve({ ping: () => Promise.reject(new Error('down')) });
    const res = await fetch(`${url}/livez`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'live' });
  });
});

describe('/readyz on PostgreSQL behind a proxy', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const real = new URL(testPostgresUrl());
  const proxy = new TcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
  let db: Database;

  beforeAll(async () => {
    await proxy.start();
    const url = new URL(real);
    url.host = `127.0.0.1:${proxy.port}`;
    url.searchParams.set('schema', schema);
    db = await openDatabase({ url: url.toString() });
  });
  afterAll(async () => {
    await db?.close();
    await proxy.stop();
    const admin = new pg.Client(parsePostgresUrl(testPostgresUrl()).config);
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('is 200 while the database answers, 503 with the reason while it is cut off, and 200 again after, without a restart', async () => {
    const url = await serve({ ping: databasePing(db) });
    const before = await readyz(url);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'ready', checks: { database: { ok: true } } });

    await proxy.cut();
    const started = Date.now();
    const during = await readyz(url);
    expect(during.status).toBe(503);
    expect(during.body.status).toBe('not ready');
    expect(during.body.checks.database!.ok).toBe(false);
    expect(during.body.checks.database!.reason).toBeTruthy();
    expect(during.body.failing?.[0]).toMatch(/^database: /);
    // Within the 1 s the database is given, plus the answer.
    expect(Date.now() - started).toBeLessThan(2_000);
    // And it stays not ready while the database is away.
    expect((await readyz(url)).status).toBe(503);

    await proxy.restore();
    const after = await until(
      () => readyz(url),
      (r) => r.status === 200,
      5_000,
    );
    expect(after.status).toBe(200);
    expect(after.body.checks.database!.ok).toBe(true);
  });
});

describe('/readyz on PGlite', () => {
  let pglite: PGlite;
  let db: Database;
  beforeAll(async () => {
    pglite = await PGlite.create('memory://');
    db = await openDatabase({ pglite });
  });
  afterAll(async () => {
    await db.close();
    await pglite.close();
  });

  it('is 200 while the embedded store answers, 503 while it is held busy beyond 1 s, and 200 once it is free', async () => {
    const url = await serve({ ping: databasePing(db) });
    expect((await readyz(url)).status).toBe(200);

    // A long transaction holds the single-session embedded store.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = pglite.transaction(async () => {
      await held;
    });
    const during = await readyz(url);
    expect(during.status).toBe(503);
    expect(during.body.checks.database!.reason).toMatch(/did not answer within 1000 ms/);

    release();
    await tx;
    const after = await until(
      () => readyz(url),
      (r) => r.status === 200,
      3_000,
    );
    expect(after.status).toBe(200);
  });
});

describe('/readyz: scheduler, platforms, shutdown', () => {
  const ok = () => Promise.resolve();

  it('the scheduler is stale when its last pass is older than three poll intervals', async () => {
    let clock = 1_000_000;
    let last: number | undefined;
    const url = await serve({ ping: ok, lastPassAt: () => last, pollIntervalMs: 5_000, now: () => clock });
    let r = await readyz(url);
    expect(r.status).toBe(503);
    expect(r.body.checks.scheduler!.reason).toMatch(/not completed a pass/);
    last = clock - 14_000;
    expect((await readyz(url)).status).toBe(200);
    clock += 2_000; // 16 s > 15 s
    r = await readyz(url);
    expect(r.status).toBe(503);
    expect(r.body.checks.scheduler!.reason).toMatch(/16 s ago \(limit 15 s\)/);
  });

  it('an unreachable platform makes the replica not ready, naming it; its answer is cached briefly', async () => {
    let calls = 0;
    let up = false;
    const clock = { t: 0 };
    const url = await serve({
      ping: ok,
      now: () => clock.t,
      platforms: [
        {
          name: 'slack',
          check: async () => {
            calls++;
            if (!up) throw Object.assign(new Error('getaddrinfo ENOTFOUND slack.com'), { code: 'ENOTFOUND' });
          },
        },
      ],
    });
    const r = await readyz(url);
    expect(r.status).toBe(503);
    expect(r.body.checks['platform:slack']).toMatchObject({ ok: false, reason: 'getaddrinfo ENOTFOUND slack.com' });
    up = true;
    expect((await readyz(url)).status).toBe(503); // cached failure (5 s)
    expect(calls).toBe(1);
    clock.t += 5_000;
    expect((await readyz(url)).status).toBe(200);
    clock.t += 10_000;
    expect((await readyz(url)).status).toBe(200); // cached success (30 s)
    expect(calls).toBe(2);
  });

  it('after markShuttingDown() the replica is not ready (drained), while /livez still answers', async () => {
    const server = new HttpServer();
    const health = mountHealth(server, { ping: ok });
    servers.push(server);
    const url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    expect((await readyz(url)).status).toBe(200);
    health.markShuttingDown();
    const r = await readyz(url);
    expect(r.status).toBe(503);
    expect(r.body.failing).toEqual(['shutdown: the process is shutting down']);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });
});
