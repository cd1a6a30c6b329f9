// The TEAMS_* settings: off when none is set, one clear error when half set, defaults for
// the public cloud, and plain-http / loopback endpoints only outside production.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsAppFromSettings, DEFAULT_TEAMS_SERVICE_URL, readTeamsSettings, TeamsConfigError } from '../../src/platforms/teams/config.js';
import { FakeTeams } from '../support/fake-teams.js';
import { JwksServer, TeamsKeys, TEST_APP_ID } from '../support/teams-keys.js';

const prod = { production: true };
const dev = { production: false };

describe('readTeamsSettings', () => {
  it('no TEAMS_ variable: Teams is off', () => {
    expect(readTeamsSettings({ SLACK_BOT_TOKEN: 'x', TEAMS_APP_ID: '  ' }, prod)).toBeUndefined();
  });

  it('app id without password (or the reverse, or only a URL): one line naming what is missing', () => {
    expect(() => readTeamsSettings({ TEAMS_APP_ID: TEST_APP_ID }, prod)).toThrow(/half configured: TEAMS_APP_ID set but TEAMS_APP_PASSWORD missing/);
    expect(() => readTeamsSettings({ TEAMS_APP_PASSWORD: 'p' }, prod)).toThrow(/TEAMS_APP_ID missing/);
    expect(() => readTeamsSettings({ TEAMS_SERVICE_URL: DEFAULT_TEAMS_SERVICE_URL }, prod)).toThrow(/TEAMS_APP_ID and TEAMS_APP_PASSWORD missing/);
    const err = (() => {
      try {
        readTeamsSettings({ TEAMS_APP_ID: TEST_APP_ID }, prod);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(TeamsConfigError);
    expect(err?.message).not.toContain('\n');
  });

  it('public-cloud defaults', () => {
    const s = readTeamsSettings({ TEAMS_APP_ID: TEST_APP_ID, TEAMS_APP_PASSWORD: 'p', TEAMS_TENANT_ID: 'c0ffee00-0000-4000-8000-000000000000' }, prod);
    expect(s).toMatchObject({
      jwksUrl: 'https://login.botframework.com/v1/.well-known/keys',
      tokenUrl: 'https://login.microsoftonline.com/c0ffee00-0000-4000-8000-000000000000/oauth2/v2.0/token',
      serviceUrl: DEFAULT_TEAMS_SERVICE_URL,
      incidentChannel: undefined,
      warnings: [],
    });
    expect(s?.allowList.allows('https://smba.trafficmanager.net/emea/')).toBe(true);
  });

  it('an app id that is not a GUID is refused', () => {
    expect(() => readTeamsSettings({ TEAMS_APP_ID: 'my-bot', TEAMS_APP_PASSWORD: 'p' }, prod)).toThrow(/TEAMS_APP_ID must be/);
  });

  it('local fakes: accepted with warnings outside production, refused in production', () => {
    const env = {
      TEAMS_APP_ID: TEST_APP_ID,
      TEAMS_APP_PASSWORD: 'p',
      TEAMS_JWKS_URL: 'http://127.0.0.1:4001/keys',
      TEAMS_TOKEN_URL: 'http://127.0.0.1:4002/t/oauth2/v2.0/token',
      TEAMS_SERVICE_URL: 'http://127.0.0.1:4003/teams/',
      TEAMS_SERVICE_URL_HOSTS: '127.0.0.1:4003',
    };
    const s = readTeamsSettings(env, dev);
    expect(s?.warnings).toHaveLength(4);
    expect(() => readTeamsSettings(env, prod)).toThrow(TeamsConfigError);
  });

  it('a TEAMS_SERVICE_URL outside TEAMS_SERVICE_URL_HOSTS is refused', () => {
    expect(() => readTeamsSettings({ TEAMS_APP_ID: TEST_APP_ID, TEAMS_APP_PASSWORD: 'p', TEAMS_SERVICE_URL: 'https://bots.example.org/' }, prod)).toThrow(
      /TEAMS_SERVICE_URL is not covered by TEAMS_SERVICE_URL_HOSTS/,
    );
  });
});

describe('createTeamsAppFromSettings against the local fakes', () => {
  let teams: FakeTeams;
  let keys: TeamsKeys;
  let jwks: JwksServer;
  beforeAll(async () => {
    teams = await FakeTeams.start({ clientId: TEST_APP_ID, clientSecret: 'p' });
    keys = await TeamsKeys.create(undefined, { serviceUrl: teams.serviceUrl });
    jwks = await JwksServer.start(keys);
  });
  afterAll(async () => {
    await jwks.close();
    await teams.close();
  });

  it('verifies with TEAMS_JWKS_URL and sends with a token from TEAMS_TOKEN_URL', async () => {
    const settings = readTeamsSettings(
      {
        TEAMS_APP_ID: TEST_APP_ID,
        TEAMS_APP_PASSWORD: 'p',
        TEAMS_JWKS_URL: jwks.url,
        TEAMS_TOKEN_URL: teams.tokenUrl,
        TEAMS_SERVICE_URL: teams.serviceUrl,
        TEAMS_SERVICE_URL_HOSTS: new URL(teams.serviceUrl).host,
      },
      dev,
    );
    if (!settings) throw new Error('settings expected');
    const handle = await createTeamsAppFromSettings(settings);
    const verdict = await handle.verifier({
      authorization: `Bearer ${await keys.sign()}`,
      activity: { type: 'message', serviceUrl: teams.serviceUrl, channelId: 'msteams' },
    });
    expect(verdict.ok).toBe(true);
    expect(jwks.requests).toBe(1);
    await handle.app.send('19:abc@thread.tacv2', 'hello');
    const call = await teams.waitFor((c) => c.kind === 'send');
    expect(call.status).toBe(201);
    expect(teams.tokenRequests).toHaveLength(1);
  });
});
