// Who may send alerts: the shared SSBTEK_ALERT_TOKEN, configured senders with their own
// secret in the environment, and nobody when nothing is configured.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { HttpServer } from '../../src/http/server.js';
import { authenticate, mountAlerts, RateLimiter, signBody } from '../../src/http/webhooks/alerts.js';

const servers: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

function fakeApp(alerts: unknown = {}) {
  const warnings: string[] = [];
  const app = {
    contract: buildContract({ alerts } as never),
    database: { prisma: undefined },
    incidents: undefined,
    now: () => 0,
    log: { ...silentLogger, warn: (m: string) => warnings.push(m) },
  };
  return { app: app as never, warnings };
}

describe('senders', () => {
  it('without SSBTEK_ALERT_TOKEN or senders both webhooks refuse everything, and the start says so', async () => {
    const { app, warnings } = fakeApp();
    const server = new HttpServer();
    servers.push(server);
    const mounted = mountAlerts(server, { app, env: {} });
    expect(mounted.senders).toEqual([]);
    expect(warnings.join('\n')).toContain('refuse every request');
    const url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    for (const path of ['/webhooks/alertmanager', '/webhooks/alerts']) {
      const res = await fetch(url + path, { method: 'POST', headers: { authorization: 'Bearer anything-at-all-0123456789' }, body: '{}' });
      expect(res.status).toBe(401);
    }
  });

  it('a configured sender whose secret variable is unset or short stops the start, naming the variable (never a value)', () => {
    const senders = [{ id: 'grafana', auth: 'hmac', secretEnv: 'GRAFANA_SECRET' }];
    // Start-up errors: main.ts prints them as one translated line and exits 2.
    expect(() => mountAlerts(new HttpServer(), { app: fakeApp({ senders }).app, env: {} })).toThrow(
      expect.objectContaining({ code: 'alerts.secretMissing', params: expect.objectContaining({ variable: 'GRAFANA_SECRET' }) }),
    );
    expect(() => mountAlerts(new HttpServer(), { app: fakeApp({ senders }).app, env: { GRAFANA_SECRET: 'short' } })).toThrow(
      expect.objectContaining({ code: 'alerts.secretShort', params: expect.objectContaining({ min: 16 }) }),
    );
    const ok = mountAlerts(new HttpServer(), {
      app: fakeApp({ senders }).app,
      env: { GRAFANA_SECRET: 'long-enough-secret-123', SSBTEK_ALERT_TOKEN: 'shared-token-0123456789' },
    });
    expect(ok.senders).toEqual(['default', 'grafana']);
  });

  it('authenticate: bearer tokens and HMAC signatures identify their sender; a bearer token never passes as an HMAC secret', () => {
    const credentials = [
      { id: 'default', auth: 'bearer' as const, secret: Buffer.from('shared-token-0123456789'), digest: require256('shared-token-0123456789') },
      { id: 'grafana', auth: 'hmac' as const, secret: Buffer.from('hmac-secret-0123456789'), digest: require256('hmac-secret-0123456789') },
    ];
    const body = Buffer.from('{"alerts":[]}');
    expect(authenticate({ headers: { authorization: 'Bearer shared-token-0123456789' }, body }, credentials)).toBe('default');
    expect(authenticate({ headers: { authorization: 'bearer   shared-token-0123456789' }, body }, credentials)).toBe('default');
    expect(authenticate({ headers: { 'x-ssbtek-signature': signBody('hmac-secret-0123456789', body) }, body }, credentials)).toBe('grafana');
    // The HMAC secret used as a bearer token, or the bearer token as an HMAC key: refused.
    expect(authenticate({ headers: { authorization: 'Bearer hmac-secret-0123456789' }, body }, credentials)).toBeNull();
    expect(authenticate({ headers: { 'x-ssbtek-signature': signBody('shared-token-0123456789', body) }, body }, credentials)).toBeNull();
    expect(authenticate({ headers: { 'x-ssbtek-signature': 'sha256=zz' }, body }, credentials)).toBeNull();
  });

  it('the token bucket refills at its rate and never above its burst', () => {
    let t = 0;
    const limiter = new RateLimiter(2, 3, () => t);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 0]);
    expect(limiter.take('a')).toBe(500);
    expect(limiter.take('b')).toBe(0);
    t += 500;
    expect(limiter.take('a')).toBe(0);
    t += 60_000;
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a') > 0]).toEqual([0, 0, 0, true]);
  });
});

/** The digest the module keeps for a bearer token. */
function require256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
