// The verifier's key cache on a fake clock: 24 h cache, one refetch a minute for an unknown
// kid, key rollover, a failing endpoint, and the order of checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { createServiceUrlAllowList } from '../../src/platforms/teams/auth/service-urls.js';
import { createBotFrameworkVerifier, type FetchLike } from '../../src/platforms/teams/auth/verify.js';
import { TeamsKeys, TEST_APP_ID } from '../support/teams-keys.js';

const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const HOUR = 3600_000;
const T0 = Date.parse('2026-11-30T08:00:00Z');

function setup(keys: TeamsKeys, start = T0) {
  const clock = { now: start };
  let doc: () => unknown = () => keys.jwks();
  let mode: 'ok' | 'fail' | 'hang' = 'ok';
  const fetches: number[] = [];
  const fetchImpl: FetchLike = (_url, init) => {
    fetches.push(clock.now);
    if (mode === 'hang') {
      return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    }
    if (mode === 'fail') return Promise.reject(new Error('ECONNREFUSED'));
    return Promise.resolve({ ok: true, status: 200, text: async () => JSON.stringify(doc()) });
  };
  const verifier = createBotFrameworkVerifier({
    appId: TEST_APP_ID,
    jwksUrl: 'https://login.botframework.com/v1/.well-known/keys',
    serviceUrlHosts: createServiceUrlAllowList(undefined, { production: true }).allowList,
    fetch: fetchImpl,
    now: () => clock.now,
    jwksTimeoutMs: 200,
  });
  const activity = { type: 'message', serviceUrl: SERVICE_URL, channelId: 'msteams' };
  const check = async (opts: Parameters<TeamsKeys['sign']>[0] = {}) =>
    verifier({ authorization: `Bearer ${await keys.sign({ now: clock.now, ...opts })}`, activity });
  return {
    clock,
    fetches,
    verifier,
    check,
    serve: (d: () => unknown) => (doc = d),
    setMode: (m: typeof mode) => (mode = m),
  };
}

describe('JWKS cache', () => {
  let keys: TeamsKeys;
  beforeAll(async () => {
    keys = await TeamsKeys.create([{ kid: 'k1' }, { kid: 'k2' }], { serviceUrl: SERVICE_URL });
  });

  it('a valid token passes and its claims come back', async () => {
    const s = setup(keys);
    const v = await s.check();
    expect(v).toMatchObject({ ok: true, kid: 'k1', claims: { aud: TEST_APP_ID, serviceurl: SERVICE_URL } });
  });

  it('keys are cached for 24 hours, then fetched again', async () => {
    const s = setup(keys);
    expect((await s.check()).ok).toBe(true);
    s.clock.now += 23 * HOUR;
    expect((await s.check()).ok).toBe(true);
    expect(s.fetches.length).toBe(1);
    s.clock.now += 1 * HOUR + 1;
    expect((await s.check()).ok).toBe(true);
    expect(s.fetches.length).toBe(2);
  });

  it('an unknown kid refetches at most once a minute', async () => {
    const s = setup(keys);
    await s.check(); // warm
    s.clock.now += 61_000;
    for (let i = 0; i < 10; i++) {
      const v = await s.check({ header: { kid: `rolled-${i}` } });
      expect(v).toMatchObject({ ok: false, status: 401, reason: 'unknown kid' });
      s.clock.now += 1000;
    }
    expect(s.fetches.length).toBe(2); // the warm-up and one refetch
    s.clock.now += 60_000;
    await s.check({ header: { kid: 'rolled-again' } });
    expect(s.fetches.length).toBe(3);
  });

  it('a rolled-over key is picked up by the refetch', async () => {
    const rolled = await TeamsKeys.create([{ kid: 'k-new' }], { serviceUrl: SERVICE_URL });
    const s = setup(keys);
    await s.check();
    s.serve(() => ({ keys: [...keys.jwks().keys, ...rolled.jwks().keys] }));
    s.clock.now += 61_000;
    const token = await rolled.sign({ now: s.clock.now });
    const v = await s.verifier({ authorization: `Bearer ${token}`, activity: { serviceUrl: SERVICE_URL, channelId: 'msteams' } });
    expect(v.ok).toBe(true);
    expect(s.fetches.length).toBe(2);
  });

  it('a stale key set is still used when the endpoint fails, and the endpoint is not retried for 5 s', async () => {
    const s = setup(keys);
    await s.check();
    s.setMode('fail');
    s.clock.now += 25 * HOUR;
    expect((await s.check()).ok).toBe(true); // stale k1 used
    expect(s.fetches.length).toBe(2);
    s.clock.now += 1000;
    expect((await s.check()).ok).toBe(true);
    expect(s.fetches.length).toBe(2); // backoff
  });

  it('no keys at all and the endpoint down → 503, then 503 without a fetch during the backoff', async () => {
    const s = setup(keys);
    s.setMode('fail');
    expect(await s.check()).toMatchObject({ ok: false, status: 503 });
    s.clock.now += 1000;
    expect(await s.check()).toMatchObject({ ok: false, status: 503 });
    expect(s.fetches.length).toBe(1);
    s.setMode('ok');
    s.clock.now += 5000;
    expect((await s.check()).ok).toBe(true);
  });

  it('a hanging endpoint is given up after the timeout → 503', async () => {
    const s = setup(keys);
    s.setMode('hang');
    const started = performance.now();
    const v = await s.check();
    expect(v).toMatchObject({ ok: false, status: 503 });
    expect(v.ok ? '' : v.reason).toMatch(/timed out/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a fetch that ignores the abort signal still cannot hold a request past the timeout', async () => {
    const verifier = createBotFrameworkVerifier({
      appId: TEST_APP_ID,
      jwksUrl: 'https://login.botframework.com/v1/.well-known/keys',
      serviceUrlHosts: ['smba.trafficmanager.net', '*.smba.trafficmanager.net'],
      fetch: () => new Promise(() => {}),
      jwksTimeoutMs: 150,
    });
    const started = performance.now();
    const v = await verifier({ authorization: `Bearer ${await keys.sign()}`, activity: { serviceUrl: SERVICE_URL, channelId: 'msteams' } });
    expect(v).toMatchObject({ ok: false, status: 503 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('checks and their order', () => {
  let keys: TeamsKeys;
  beforeAll(async () => {
    keys = await TeamsKeys.create([{ kid: 'k1' }], { serviceUrl: SERVICE_URL });
  });

  it('a token expired beyond the 5-minute clock skew is refused; within it, accepted', async () => {
    const s = setup(keys);
    const exp = Math.floor(T0 / 1000) - 200;
    expect((await s.check({ claims: { exp, nbf: exp - 3600, iat: exp - 3600 } })).ok).toBe(true);
    const old = Math.floor(T0 / 1000) - 400;
    expect(await s.check({ claims: { exp: old, nbf: old - 3600, iat: old - 3600 } })).toMatchObject({ ok: false, status: 401, reason: 'token expired' });
  });

  it('an audience list containing our app id is still refused (one audience only)', async () => {
    const s = setup(keys);
    expect(await s.check({ claims: { aud: [TEST_APP_ID, 'other'] } })).toMatchObject({ ok: false, reason: 'audience is not our app id' });
    expect(s.fetches.length).toBe(0);
  });

  it('an http serviceUrl is refused in production even on an allowed host', async () => {
    const s = setup(keys);
    const url = 'http://smba.trafficmanager.net/emea/';
    const v = await s.verifier({
      authorization: `Bearer ${await keys.sign({ now: T0, claims: { serviceurl: url } })}`,
      activity: { serviceUrl: url, channelId: 'msteams' },
    });
    expect(v).toMatchObject({ ok: false, status: 401 });
    expect(s.fetches.length).toBe(0);
  });

  it('never throws, whatever the activity is', async () => {
    const s = setup(keys);
    const token = await keys.sign({ now: T0 });
    for (const activity of [null, undefined, 42, 'x', [], { serviceUrl: {} }, { serviceUrl: SERVICE_URL, channelId: 7 }]) {
      const v = await s.verifier({ authorization: `Bearer ${token}`, activity });
      expect(v.ok).toBe(false);
    }
    expect(s.fetches.length).toBe(0);
  });

  it('several Authorization values: only the first counts', async () => {
    const s = setup(keys);
    const v = await s.verifier({
      authorization: ['Bearer nope', `Bearer ${await keys.sign({ now: T0 })}`],
      activity: { serviceUrl: SERVICE_URL, channelId: 'msteams' },
    });
    expect(v.ok).toBe(false);
  });
});
