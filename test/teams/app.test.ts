// The Teams SDK v2 behind our adapter, end to end over HTTP against the fake connector.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServiceUrlAllowList } from '../../src/platforms/teams/auth/service-urls.js';
import { createClientCredentialsTokenSource } from '../../src/platforms/teams/auth/token-source.js';
import { createBotFrameworkVerifier } from '../../src/platforms/teams/auth/verify.js';
import { createTeamsApp } from '../../src/platforms/teams/http-adapter.js';
import { FakeTeams } from '../support/fake-teams.js';
import { TEST_APP_ID } from '../support/teams-keys.js';
import { CHANNEL_CONVERSATION_ID, startHarness, type Harness } from './harness.js';

describe('a signed Teams activity through our adapter into the SDK', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    h.teamsApp.app.on('message', async ({ activity, reply }) => {
      await reply(`pong: ${activity.text}`);
    });
  });
  afterAll(async () => h.close());
  afterEach(() => h.teams.reset());

  it('a message reaches app.on("message") and its reply reaches the connector under the unencoded conversation id', async () => {
    const act = h.activity({ text: 'ping' });
    const res = await h.postSigned(act);
    expect(res.status).toBe(200);
    const call = await h.teams.waitFor((c) => c.kind === 'send' || c.kind === 'reply');
    expect(call.conversationId).toBe(CHANNEL_CONVERSATION_ID);
    expect(call.rawPath).toContain('19:3a1b2c3d4e5f@thread.tacv2;messageid=1732900000000');
    expect(call.body.text).toContain('pong: ping');
    // The SDK's reply() quotes the message it answers.
    expect(call.body.entities).toContainEqual({ type: 'quotedReply', quotedReply: { messageId: act.id } });
    expect(call.status).toBe(201);
  });

  it('the outbound call carries a token from our client-credentials source, fetched once for two replies', async () => {
    await h.postSigned(h.activity({ text: 'one' }));
    await h.postSigned(h.activity({ text: 'two' }));
    await h.teams.waitFor((c) => (c.kind === 'send' || c.kind === 'reply') && String(c.body?.text).includes('two'));
    const calls = h.teams.calls.filter((c) => c.kind === 'send' || c.kind === 'reply');
    expect(calls.length).toBe(2);
    for (const c of calls) {
      expect(c.status).toBe(201);
      expect(h.teams.issuedTokens.has(String(c.auth).replace(/^Bearer /, ''))).toBe(true);
    }
    // The token source caches: at most the one request of the first test's reply, none here.
    expect(h.teams.tokenRequests.length).toBe(0);
    expect(h.tokenSource.stats.requests).toBe(1);
  });

  it('a proactive send to a conversation goes to the configured service URL', async () => {
    const sent = await h.teamsApp.app.send('a:1on1-chat-with;odd@chars:x', 'proactive hello');
    expect(sent.id).toBeTruthy();
    const call = await h.teams.waitFor((c) => c.kind === 'send');
    expect(call.conversationId).toBe('a:1on1-chat-with;odd@chars:x');
    expect(call.body.text).toBe('proactive hello');
  });

  it('a threaded reply (SDK 2.1.0) is a POST on …/activities with replyToId in the body', async () => {
    const res = await h.teamsApp.app.api.conversations.activities(CHANNEL_CONVERSATION_ID).reply('1732900000000', { type: 'message', text: 'in the thread' });
    expect(res.id).toBeTruthy();
    const call = await h.teams.waitFor((c) => c.kind === 'send');
    expect(call.conversationId).toBe(CHANNEL_CONVERSATION_ID);
    expect(call.body.replyToId).toBe('1732900000000');
  });

  it('the fake connector also answers the REST reply route POST …/activities/{replyToId}', async () => {
    const token = await h.tokenSource.getToken();
    const res = await fetch(`${h.teams.serviceUrl}v3/conversations/${CHANNEL_CONVERSATION_ID}/activities/1732900000000`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'rest reply' }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { id: string }).id).toBeTruthy();
    const call = await h.teams.waitFor((c) => c.kind === 'reply');
    expect(call.conversationId).toBe(CHANNEL_CONVERSATION_ID);
    expect(call.activityId).toBe('1732900000000');
  });

  it('an update in place is a PUT on the activity id', async () => {
    const sent = await h.teamsApp.app.send(CHANNEL_CONVERSATION_ID, 'card v1');
    await h.teamsApp.app.api.conversations.activities(CHANNEL_CONVERSATION_ID).update(sent.id, { type: 'message', text: 'card v2' });
    const update = await h.teams.waitFor((c) => c.kind === 'update');
    expect(update.activityId).toBe(sent.id);
    expect(update.body.text).toBe('card v2');
  });
});

describe('outbound only to allow-listed service URLs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('a send to a service URL off the list is refused before a token is fetched or a request made', async () => {
    const before = h.tokenSource.stats.requests;
    const evil = h.teamsApp.app.api.clone({ serviceUrl: 'https://evil.example.com/teams' });
    await expect(evil.conversations.activities('a:victim').create({ type: 'message', text: 'leak' })).rejects.toThrow(/outbound Teams request refused/);
    expect(h.tokenSource.stats.requests).toBe(before);
    expect(h.teams.requestCount).toBe(0);
    expect(h.logs.some((l) => l.includes('outbound request to https://evil.example.com refused'))).toBe(true);
  });

  it('an app whose default TEAMS_SERVICE_URL is off the list is not built', async () => {
    await expect(
      createTeamsApp({
        appId: TEST_APP_ID,
        verifier: h.verifier,
        tokenSource: h.tokenSource,
        serviceUrls: createServiceUrlAllowList(undefined, { production: true }).allowList,
        serviceUrl: h.teams.serviceUrl,
      }),
    ).rejects.toThrow(/TEAMS_SERVICE_URL is not allowed/);
  });
});

describe('the environment cannot change the SDK', () => {
  const stray = {
    CLIENT_ID: 'attacker-app-id',
    CLIENT_SECRET: 'attacker-secret',
    TENANT_ID: 'attacker-tenant',
    MANAGED_IDENTITY_CLIENT_ID: 'system',
    SERVICE_URL: 'https://evil.example.com/teams',
    CLOUD: 'China',
    DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS: 'true',
    PORT: '1',
  };
  const saved: Record<string, string | undefined> = {};
  let teams: FakeTeams;
  beforeAll(async () => {
    for (const [k, v] of Object.entries(stray)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    teams = await FakeTeams.start({ clientId: TEST_APP_ID });
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await teams.close();
  });

  it('with CLIENT_ID, CLIENT_SECRET, SERVICE_URL, CLOUD and DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS set, the app uses only what we passed', async () => {
    const { allowList } = createServiceUrlAllowList([new URL(teams.serviceUrl).host], { production: false });
    const { app } = await createTeamsApp({
      appId: TEST_APP_ID,
      verifier: createBotFrameworkVerifier({ appId: TEST_APP_ID, jwksUrl: 'http://127.0.0.1:9/keys', serviceUrlHosts: allowList }),
      tokenSource: createClientCredentialsTokenSource({ tokenUrl: teams.tokenUrl, clientId: TEST_APP_ID, clientSecret: 'test-secret' }),
      serviceUrls: allowList,
      serviceUrl: teams.serviceUrl,
    });
    expect(app.id).toBe(TEST_APP_ID);
    expect(app.cloud.botScope).toBe('https://api.botframework.com/.default');
    expect(app.api.serviceUrl).toBe(teams.serviceUrl.replace(/\/+$/, ''));
    // The SDK's own check is still on: a request without our token, handed to the SDK directly, is 401.
    const direct = await app.server.handleRequest({ body: { type: 'message', serviceUrl: 'https://evil.example.com/' }, headers: {} });
    expect(direct.status).toBe(401);
    // Outbound tokens come from our source (the fake token endpoint), not MSAL with CLIENT_SECRET.
    await app.send('a:env-test', 'hello');
    expect(teams.tokenRequests.map((r) => r.form.client_secret)).toEqual(['test-secret']);
    expect(teams.callsOf('send')[0]!.status).toBe(201);
  });
});
