// Inbound security in front of the Teams SDK, over real HTTP through the adapter's handler:
// every forged request is refused (401, or 503 when the key endpoint is down) within 3 s,
// never 500, and — where the check comes before the key lookup — with no request to the
// JWKS endpoint and none to the connector or token endpoint.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TEST_APP_ID } from '../support/teams-keys.js';
import { startHarness, type Harness } from './harness.js';

type Req = { body: unknown; headers: Record<string, string> };

function countHandled(h: Harness): { n: number } {
  const counter = { n: 0 };
  h.teamsApp.app.on('activity', async () => {
    counter.n++;
  });
  return counter;
}

describe('forged tokens refused before any network call (cold key cache)', () => {
  let h: Harness;
  let handled: { n: number };
  beforeAll(async () => {
    h = await startHarness({ extraHosts: ['smba.trafficmanager.net', '*.smba.trafficmanager.net'] });
    handled = countHandled(h);
  });
  afterAll(async () => h.close());
  afterEach(() => {
    // The point of the table: nothing left the process.
    expect(h.jwks.requests).toBe(0);
    expect(h.teams.requestCount).toBe(0);
    expect(handled.n).toBe(0);
  });

  const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
  const nowSec = () => Math.floor(Date.now() / 1000);

  const table: Array<[string, (h: Harness) => Promise<Req>]> = [
    ['no token', async (h) => ({ body: h.activity(), headers: {} })],
    ['garbage instead of a token', async (h) => ({ body: h.activity(), headers: bearer('garbage') })],
    ['a Basic credential instead of a bearer token', async (h) => ({ body: h.activity(), headers: { authorization: 'Basic dXNlcjpwYXNz' } })],
    ['three segments that are not JSON', async (h) => ({ body: h.activity(), headers: bearer('aGVsbG8.d29ybGQ.c2ln') })],
    ['alg none', async (h) => ({ body: h.activity(), headers: bearer(h.keys.forge({ header: { alg: 'none', kid: 'test-key-1' }, claims: h.keys.claims() })) })],
    [
      'HS256 keyed with the public key (alg confusion)',
      async (h) => ({
        body: h.activity(),
        headers: bearer(await h.keys.hs256(h.keys.claims(), new TextEncoder().encode(JSON.stringify(h.keys.jwks().keys[0])))),
      }),
    ],
    [
      'RS512 instead of RS256',
      async (h) => ({
        body: h.activity(),
        headers: bearer(h.keys.forge({ header: { alg: 'RS512', kid: 'test-key-1' }, claims: h.keys.claims(), signature: 'c2ln' })),
      }),
    ],
    ['no kid in the header', async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ header: { kid: undefined } })) })],
    [
      'wrong audience (another bot)',
      async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ claims: { aud: 'ffffffff-0000-4000-8000-000000000000' } })) }),
    ],
    ['foreign issuer', async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ claims: { iss: 'https://evil.example.com' } })) })],
    [
      'Entra token (v1 issuer sts.windows.net, audience our app id)',
      async (h) => ({
        body: h.activity(),
        headers: bearer(await h.keys.sign({ claims: { iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/', appid: 'attacker-app' } })),
      }),
    ],
    [
      'Entra token (v2 issuer login.microsoftonline.com, audience our app id)',
      async (h) => ({
        body: h.activity(),
        headers: bearer(
          await h.keys.sign({ claims: { iss: 'https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0', azp: 'attacker-app' } }),
        ),
      }),
    ],
    [
      'expired',
      async (h) => ({
        body: h.activity(),
        headers: bearer(await h.keys.sign({ claims: { exp: nowSec() - 3600, nbf: nowSec() - 7200, iat: nowSec() - 7200 } })),
      }),
    ],
    ['no exp', async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ claims: { exp: undefined } })) })],
    ['not valid before an hour from now', async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ claims: { nbf: nowSec() + 3600 } })) })],
    [
      'serviceUrl not allowed (claim and activity agree on an attacker host)',
      async (h) => ({
        body: h.activity({ serviceUrl: 'https://evil.example.com/teams/' }),
        headers: bearer(await h.keys.sign({ claims: { serviceurl: 'https://evil.example.com/teams/' } })),
      }),
    ],
    [
      'serviceUrl claim mismatch (activity names another allowed host)',
      async (h) => ({ body: h.activity({ serviceUrl: 'https://smba.trafficmanager.net/emea/' }), headers: bearer(await h.keys.sign()) }),
    ],
    [
      'serviceUrl claim mismatch (claim names an attacker host)',
      async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ claims: { serviceurl: 'https://evil.example.com/teams/' } })) }),
    ],
    ['no serviceurl claim', async (h) => ({ body: h.activity(), headers: bearer(await h.keys.sign({ claims: { serviceurl: undefined } })) })],
    [
      'serviceUrl with credentials in it',
      async (h) => {
        const url = h.teams.serviceUrl.replace('http://', 'http://user:pw@');
        return { body: h.activity({ serviceUrl: url }), headers: bearer(await h.keys.sign({ claims: { serviceurl: url } })) };
      },
    ],
    ['activity without channelId', async (h) => ({ body: h.activity({ channelId: undefined }), headers: bearer(await h.keys.sign()) })],
  ];

  it.each(table)('%s → 401 at once, nothing fetched, nothing sent', async (_name, build) => {
    const req = await build(h);
    const res = await h.post(req.body, req.headers);
    expect(res.status).toBe(401);
    expect(res.ms).toBeLessThan(3000);
    expect(JSON.parse(res.body)).toEqual({ error: 'Unauthorized' });
  });

  it('the refusal is logged with its reason (and no token)', async () => {
    const token = await h.keys.sign({ claims: { iss: 'https://sts.windows.net/x/' } });
    await h.post(h.activity(), { authorization: `Bearer ${token}` });
    const line = h.logs.filter((l) => l.startsWith('warn teams: request refused 401')).at(-1) ?? '';
    expect(line).toMatch(/Entra-issued token refused/);
    expect(line).not.toContain(token.slice(0, 40));
  });
});

describe('forged tokens that need the key', () => {
  let h: Harness;
  let handled: { n: number };
  beforeAll(async () => {
    h = await startHarness({ keySpecs: [{ kid: 'test-key-1' }, { kid: 'webchat-only', endorsements: ['webchat'] }] });
    handled = countHandled(h);
  });
  afterAll(async () => h.close());
  afterEach(() => {
    expect(h.teams.requestCount).toBe(0);
    expect(handled.n).toBe(0);
    expect(h.jwks.requests).toBeLessThanOrEqual(1);
  });

  it('bad signature (a key outside the JWKS, under a known kid) → 401', async () => {
    const res = await h.postSigned(h.activity(), { foreignKey: true });
    expect(res.status).toBe(401);
    expect(res.ms).toBeLessThan(3000);
    expect(h.logs.at(-1)).toMatch(/bad signature/);
  });

  it('a valid token with a tampered payload → 401', async () => {
    const [hd, , sig] = (await h.keys.sign()).split('.');
    const payload = Buffer.from(JSON.stringify({ ...h.keys.claims(), aud: TEST_APP_ID, extra: 'x' })).toString('base64url');
    const res = await h.post(h.activity(), { authorization: `Bearer ${hd}.${payload}.${sig}` });
    expect(res.status).toBe(401);
  });

  it('unknown kid → 401', async () => {
    const res = await h.postSigned(h.activity(), { header: { kid: 'no-such-key' }, foreignKey: true });
    expect(res.status).toBe(401);
    expect(h.logs.at(-1)).toMatch(/unknown kid/);
  });

  it('key not endorsed for msteams (endorsed for webchat only) → 401', async () => {
    const res = await h.postSigned(h.activity(), { kid: 'webchat-only' });
    expect(res.status).toBe(401);
    expect(h.logs.at(-1)).toMatch(/not endorsed for channel msteams/);
  });

  it('the same key is accepted for the channel it is endorsed for', async () => {
    const verdict = await h.verifier({ authorization: `Bearer ${await h.keys.sign({ kid: 'webchat-only' })}`, activity: h.activity({ channelId: 'webchat' }) });
    expect(verdict.ok).toBe(true);
  });
});

describe('the key endpoint', () => {
  it('hanging → 503 within 3 s, never 500, no connector call; concurrent requests wait on one fetch', async () => {
    const h = await startHarness();
    try {
      h.jwks.mode = 'hang';
      const started = performance.now();
      const results = await Promise.all([h.postSigned(), h.postSigned(), h.postSigned()]);
      const elapsed = performance.now() - started;
      expect(results.map((r) => r.status)).toEqual([503, 503, 503]);
      expect(elapsed).toBeLessThan(3000);
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(h.jwks.requests).toBe(1);
      expect(h.teams.requestCount).toBe(0);
      // Right after a failure the endpoint is not hammered: the next request is 503 at once.
      const again = await h.postSigned();
      expect(again.status).toBe(503);
      expect(again.ms).toBeLessThan(500);
      expect(h.jwks.requests).toBe(1);
    } finally {
      await h.close();
    }
  });

  it('answering 500 or garbage → 503', async () => {
    for (const mode of ['fail', 'garbage'] as const) {
      const h = await startHarness();
      try {
        h.jwks.mode = mode;
        const res = await h.postSigned();
        expect(res.status).toBe(503);
        expect(h.teams.requestCount).toBe(0);
      } finally {
        await h.close();
      }
    }
  });

  it('5 tokens with random kids cost at most one JWKS fetch', async () => {
    const h = await startHarness();
    try {
      for (let i = 0; i < 5; i++) {
        const res = await h.postSigned(h.activity(), { header: { kid: randomBytes(8).toString('hex') }, foreignKey: true });
        expect(res.status).toBe(401);
      }
      expect(h.jwks.requests).toBeLessThanOrEqual(1);
      expect(h.verifier.stats.jwksFetches).toBeLessThanOrEqual(1);
    } finally {
      await h.close();
    }
  });

  it('20 concurrent valid requests share one JWKS fetch and all pass', async () => {
    const h = await startHarness();
    try {
      const handled = countHandled(h);
      const results = await Promise.all(Array.from({ length: 20 }, () => h.postSigned()));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(h.jwks.requests).toBe(1);
      expect(handled.n).toBe(20);
    } finally {
      await h.close();
    }
  });
});

describe('the body and the activity', () => {
  let h: Harness;
  let handled: { n: number };
  beforeAll(async () => {
    h = await startHarness();
    handled = countHandled(h);
  });
  afterAll(async () => h.close());

  it('a body over 1 MB → 413, without verifying or fetching anything', async () => {
    const big = h.activity({ text: 'x'.repeat(1024 * 1024 + 10) });
    const res = await h.post(big, { authorization: `Bearer ${await h.keys.sign()}` });
    expect(res.status).toBe(413);
    expect(h.jwks.requests).toBe(0);
    expect(handled.n).toBe(0);
  });

  it('a body over 1 MB sent without a Content-Length (chunked) → 413', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(h.url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', (e) => (String((e as NodeJS.ErrnoException).code).match(/EPIPE|ECONNRESET/) ? undefined : reject(e)));
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < 2 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return req.once('drain', pump);
          }
          req.end();
        };
        pump();
      }, reject);
    });
    expect(res).toBe(413);
  });

  it('exactly at the limit is not refused for size', async () => {
    const base = JSON.stringify(h.activity({ text: '' }));
    const padded = JSON.stringify(h.activity({ text: 'y'.repeat(1024 * 1024 - base.length) }));
    expect(Buffer.byteLength(padded)).toBe(1024 * 1024);
    const res = await h.post(padded, { authorization: `Bearer ${await h.keys.sign()}` });
    expect(res.status).toBe(200);
  });

  it('bad JSON → 400', async () => {
    const res = await h.post('{"type": "message",', { authorization: `Bearer ${await h.keys.sign()}` });
    expect(res.status).toBe(400);
  });

  it('an activity without type → 400 (the SDK would answer 200)', async () => {
    const { type: _t, ...noType } = h.activity();
    const res = await h.post(noType, { authorization: `Bearer ${await h.keys.sign()}` });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'Activity has no type' });
  });

  it('a JSON array or an empty type → 400', async () => {
    expect((await h.post([h.activity()])).status).toBe(400);
    expect((await h.post(h.activity({ type: '' }))).status).toBe(400);
  });

  it('a form body → 415, a GET → 405', async () => {
    expect((await h.post('type=message', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const get = await fetch(h.url);
    expect(get.status).toBe(405);
  });

  it('a valid token passes: 200 and the SDK sees the activity', async () => {
    const before = handled.n;
    const res = await h.postSigned();
    expect(res.status).toBe(200);
    expect(handled.n).toBe(before + 1);
  });
});
