// Wires the Teams security layer to local fakes over real HTTP: JWKS server, fake connector
// and token endpoint, our verifier and token source, the SDK App behind our adapter, and a
// node:http server that mounts the adapter's handler on POST /api/messages.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServiceUrlAllowList } from '../../src/platforms/teams/auth/service-urls.js';
import { createClientCredentialsTokenSource, type TokenSource } from '../../src/platforms/teams/auth/token-source.js';
import { createBotFrameworkVerifier, type BotFrameworkVerifier } from '../../src/platforms/teams/auth/verify.js';
import { createTeamsApp, MESSAGING_ENDPOINT, type TeamsAppHandle, type TeamsLogger } from '../../src/platforms/teams/http-adapter.js';
import { FakeTeams } from '../support/fake-teams.js';
import { JwksServer, TeamsKeys, TEST_APP_ID, type KeySpec } from '../support/teams-keys.js';

export interface Harness {
  keys: TeamsKeys;
  jwks: JwksServer;
  teams: FakeTeams;
  verifier: BotFrameworkVerifier;
  tokenSource: TokenSource;
  teamsApp: TeamsAppHandle;
  /** http://127.0.0.1:<port>/api/messages */
  url: string;
  logs: string[];
  activity(overrides?: Record<string, unknown>): Record<string, any>;
  /** POST JSON to the bot; returns status, body and elapsed ms. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string; ms: number }>;
  /** POST a signed activity. */
  postSigned(activity?: Record<string, unknown>, sign?: Parameters<TeamsKeys['sign']>[0]): Promise<{ status: number; body: string; ms: number }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  keySpecs?: KeySpec[];
  /** Extra allowed host patterns besides the fake connector. */
  extraHosts?: string[];
  jwksTimeoutMs?: number;
}

export const CHANNEL_CONVERSATION_ID = '19:3a1b2c3d4e5f@thread.tacv2;messageid=1732900000000';

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const teams = await FakeTeams.start({ clientId: TEST_APP_ID });
  const keys = await TeamsKeys.create(options.keySpecs, { appId: TEST_APP_ID, serviceUrl: teams.serviceUrl });
  const jwks = await JwksServer.start(keys);
  const logs: string[] = [];
  const log: TeamsLogger = {
    info: (m) => logs.push(`info ${m}`),
    warn: (m) => logs.push(`warn ${m}`),
    error: (m, e) => logs.push(`error ${m}${e ? ` ${(e as Error).message}` : ''}`),
  };
  const fakeHost = new URL(teams.serviceUrl).host;
  const { allowList } = createServiceUrlAllowList([fakeHost, ...(options.extraHosts ?? [])], { production: false });
  const verifier = createBotFrameworkVerifier({
    appId: TEST_APP_ID,
    jwksUrl: jwks.url,
    serviceUrlHosts: allowList,
    jwksTimeoutMs: options.jwksTimeoutMs,
  });
  const tokenSource = createClientCredentialsTokenSource({
    tokenUrl: teams.tokenUrl,
    clientId: TEST_APP_ID,
    clientSecret: 'test-secret',
    timeoutMs: 2000,
  });
  const teamsApp = await createTeamsApp({
    appId: TEST_APP_ID,
    tenantId: 'test-tenant',
    verifier,
    tokenSource,
    serviceUrls: allowList,
    serviceUrl: teams.serviceUrl,
    connectorTimeoutMs: 3000,
    log,
  });
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] === MESSAGING_ENDPOINT) return teamsApp.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${MESSAGING_ENDPOINT}`;

  let seq = 0;
  const activity = (overrides: Record<string, unknown> = {}) => ({
    type: 'message',
    id: `17329000000${String(++seq).padStart(2, '0')}`,
    timestamp: new Date().toISOString(),
    serviceUrl: teams.serviceUrl,
    channelId: 'msteams',
    from: { id: '29:1user-anna', name: 'Anna Andersson', aadObjectId: '6a5b4c3d-0000-4000-8000-000000000001' },
    conversation: { id: CHANNEL_CONVERSATION_ID, conversationType: 'channel', isGroup: true, tenantId: 'test-tenant' },
    recipient: { id: `28:${TEST_APP_ID}`, name: 'SSBTEK' },
    text: '<at>SSBTEK</at> status',
    textFormat: 'plain',
    locale: 'sv-SE',
    channelData: { tenant: { id: 'test-tenant' }, team: { id: '19:team@thread.tacv2' }, channel: { id: '19:3a1b2c3d4e5f@thread.tacv2' } },
    ...overrides,
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(data);
    });

  const postSigned = async (act: Record<string, unknown> = activity(), sign: Parameters<TeamsKeys['sign']>[0] = {}) =>
    post(act, { authorization: `Bearer ${await keys.sign(sign)}` });

  return {
    keys,
    jwks,
    teams,
    verifier,
    tokenSource,
    teamsApp,
    url,
    logs,
    activity,
    post,
    postSigned,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await jwks.close();
      await teams.close();
    },
  };
}
