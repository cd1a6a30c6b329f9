// Our client-credentials token source against the fake token endpoint (real HTTP) and on a
// fake clock: one request shared, cached until shortly before expiry, a timeout, errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BOT_FRAMEWORK_SCOPE,
  createClientCredentialsTokenSource,
  defaultTokenUrl,
  TokenSourceError,
  type TokenFetch,
} from '../../src/platforms/teams/auth/token-source.js';
import { FakeTeams } from '../support/fake-teams.js';
import { TEST_APP_ID } from '../support/teams-keys.js';

describe('against the fake token endpoint', () => {
  let teams: FakeTeams;
  beforeAll(async () => {
    teams = await FakeTeams.start({ clientId: TEST_APP_ID, clientSecret: 's3cret' });
  });
  afterAll(async () => teams.close());
  afterEach(() => teams.reset());

  const source = (over: Partial<Parameters<typeof createClientCredentialsTokenSource>[0]> = {}) =>
    createClientCredentialsTokenSource({ tokenUrl: teams.tokenUrl, clientId: TEST_APP_ID, clientSecret: 's3cret', timeoutMs: 500, ...over });

  it('posts a client-credentials grant for the Bot Framework scope and returns the JWT', async () => {
    const s = source();
    const token = await s.getToken();
    expect(token.split('.')).toHaveLength(3);
    expect(teams.issuedTokens.has(token)).toBe(true);
    expect(teams.tokenRequests).toHaveLength(1);
    expect(teams.tokenRequests[0]!.form).toEqual({
      grant_type: 'client_credentials',
      client_id: TEST_APP_ID,
      client_secret: 's3cret',
      scope: BOT_FRAMEWORK_SCOPE,
    });
  });

  it('ten concurrent callers share one request; later callers get the cached token', async () => {
    const s = source();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => s.getToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(await s.getToken()).toBe(tokens[0]);
    expect(teams.tokenRequests).toHaveLength(1);
  });

  it('is the SDK token option: (scope, tenantId) => Promise<string>', async () => {
    const s = source();
    const token = await s.provider(BOT_FRAMEWORK_SCOPE, 'botframework.com');
    expect(teams.issuedTokens.has(token)).toBe(true);
    await expect(s.provider('https://graph.microsoft.com/.default')).rejects.toBeInstanceOf(TokenSourceError);
    expect(teams.tokenRequests).toHaveLength(1);
  });

  it('a wrong secret is an error naming the OAuth error code, not the secret', async () => {
    const s = source({ clientSecret: 'wrong-secret' });
    const err = await s.getToken().catch((e) => e);
    expect(err).toBeInstanceOf(TokenSourceError);
    expect(err.message).toMatch(/401 \(invalid_client\)/);
    expect(err.message).not.toContain('wrong-secret');
  });

  it('a hanging endpoint fails after the timeout, and the next call tries again', async () => {
    const s = source({ timeoutMs: 300 });
    teams.tokenMode = 'hang';
    const started = performance.now();
    await expect(s.getToken()).rejects.toThrow(/did not answer within 300 ms/);
    expect(performance.now() - started).toBeLessThan(1500);
    teams.tokenMode = 'ok';
    expect(teams.issuedTokens.has(await s.getToken())).toBe(true);
  });

  it('a 503 from the endpoint is an error and is not cached', async () => {
    const s = source();
    teams.tokenMode = 'fail';
    await expect(s.getToken()).rejects.toThrow(/503/);
    teams.tokenMode = 'ok';
    await expect(s.getToken()).resolves.toMatch(/\./);
    expect(s.stats).toEqual({ requests: 2, failures: 1 });
  });
});

describe('expiry, on a fake clock', () => {
  const jwt = (exp: number) =>
    `${Buffer.from('{"alg":"RS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.c2ln`;

  function fake(answers: Array<{ status?: number; body: unknown }>) {
    const calls: string[] = [];
    const f: TokenFetch = async (_url, init) => {
      calls.push(init.body);
      const a = answers.shift() ?? { status: 500, body: { error: 'no_more' } };
      return { ok: (a.status ?? 200) < 300, status: a.status ?? 200, text: async () => JSON.stringify(a.body) };
    };
    return { f, calls };
  }

  it('renews 5 minutes before expiry, not earlier', async () => {
    const clock = { now: 1_000_000_000_000 };
    const exp = clock.now / 1000 + 3600;
    const { f, calls } = fake([{ body: { access_token: jwt(exp), expires_in: 3600 } }, { body: { access_token: jwt(exp + 3600), expires_in: 3600 } }]);
    const s = createClientCredentialsTokenSource({ tokenUrl: 'https://login.example/t', clientId: 'a', clientSecret: 'b', fetch: f, now: () => clock.now });
    const first = await s.getToken();
    clock.now += 54 * 60_000;
    expect(await s.getToken()).toBe(first);
    expect(calls).toHaveLength(1);
    clock.now += 2 * 60_000; // 56 min: inside the 5-minute margin
    expect(await s.getToken()).not.toBe(first);
    expect(calls).toHaveLength(2);
  });

  it('the earlier of expires_in and the exp claim wins', async () => {
    const clock = { now: 1_000_000_000_000 };
    const { f, calls } = fake([
      { body: { access_token: jwt(clock.now / 1000 + 600), expires_in: 3600 } },
      { body: { access_token: jwt(clock.now / 1000 + 9999), expires_in: 3600 } },
    ]);
    const s = createClientCredentialsTokenSource({ tokenUrl: 'https://login.example/t', clientId: 'a', clientSecret: 'b', fetch: f, now: () => clock.now });
    await s.getToken();
    clock.now += 6 * 60_000; // past 600 s − 5 min
    await s.getToken();
    expect(calls).toHaveLength(2);
  });

  it('while the old token is still valid, a failed renewal hands out the old one', async () => {
    const clock = { now: 1_000_000_000_000 };
    const { f } = fake([
      { body: { access_token: jwt(clock.now / 1000 + 3600), expires_in: 3600 } },
      { status: 503, body: { error: 'temporarily_unavailable' } },
    ]);
    const s = createClientCredentialsTokenSource({ tokenUrl: 'https://login.example/t', clientId: 'a', clientSecret: 'b', fetch: f, now: () => clock.now });
    const first = await s.getToken();
    clock.now += 57 * 60_000;
    expect(await s.getToken()).toBe(first);
  });

  it('an access token that is not a JWT, or says nothing about expiry, is refused', async () => {
    const { f } = fake([
      { body: { access_token: 'opaque-token', expires_in: 3600 } },
      { body: { access_token: `${jwt(0).split('.')[0]}.${Buffer.from('{}').toString('base64url')}.x` } },
    ]);
    const s = createClientCredentialsTokenSource({ tokenUrl: 'https://login.example/t', clientId: 'a', clientSecret: 'b', fetch: f });
    await expect(s.getToken()).rejects.toThrow(/not a JWT/);
    await expect(s.getToken()).rejects.toThrow(/nothing about expiry/);
  });

  it('the default token URL is the tenant’s Entra v2 endpoint (botframework.com without a tenant)', () => {
    expect(defaultTokenUrl('c0ffee00-0000-4000-8000-000000000000')).toBe(
      'https://login.microsoftonline.com/c0ffee00-0000-4000-8000-000000000000/oauth2/v2.0/token',
    );
    expect(defaultTokenUrl(undefined)).toBe('https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token');
  });
});
