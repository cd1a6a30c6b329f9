// The whole bot with Teams, over real HTTP and fully offline: a test database, the clock
// the test moves, the bot's own HTTP server with mountTeams on POST /api/messages, the fake
// Bot Framework connector and token endpoint, and a local JWKS whose key signs the tokens.
import { createRequire } from 'node:module';
import { request as httpRequest } from 'node:http';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { mountTeams, MESSAGING_ENDPOINT, readTeamsSettings, type TeamsHandle } from '../../src/platforms/teams/index.js';
import type { ContractOverrides } from '../../src/config/load.js';
import type { Database } from '../../src/store/index.js';
import { testApp, TestClock } from '../support/app.js';
import { FakeTeams, type ConnectorCall } from '../support/fake-teams.js';
import { JwksServer, TeamsKeys, TEST_APP_ID } from '../support/teams-keys.js';

export const CHANNEL = '19:ops0channel0000000000000000000@thread.tacv2';
export const INCIDENT_CHANNEL = '19:incidents000000000000000000000@thread.tacv2';
export const ESCALATION_CHANNEL = '19:escalation0000000000000000000@thread.tacv2';
export const CHAT = 'a:1Hk2-anna;tenant@chat.v1';

export const PEOPLE = {
  anna: { id: '29:1anna', name: 'Anna Andersson', aadObjectId: '6a5b4c3d-0000-4000-8000-000000000001' },
  bo: { id: '29:1bo', name: 'Bo Berg', aadObjectId: '6a5b4c3d-0000-4000-8000-000000000002' },
  chef: { id: '29:1chef', name: 'Cecilia Chef', aadObjectId: '6a5b4c3d-0000-4000-8000-00000000000c' },
  jour: { id: '29:1jour', name: 'Jonas Jour', aadObjectId: '6a5b4c3d-0000-4000-8000-00000000000a' },
  eskal: { id: '29:1eskal', name: 'Elsa Eskal', aadObjectId: '6a5b4c3d-0000-4000-8000-00000000000e' },
} as const;
export type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

export interface TeamsBot {
  app: Awaited<ReturnType<typeof testApp>>;
  clock: TestClock;
  fake: FakeTeams;
  keys: TeamsKeys;
  jwks: JwksServer;
  teams: TeamsHandle;
  server: HttpServer;
  url: string;
  /** Every card the bot sent or answered with (for the schema check). */
  cards: unknown[];
  message(
    text: string,
    options?: { from?: Person; conversation?: string; conversationType?: string; mention?: boolean; locale?: string },
  ): Promise<{ status: number; body: string }>;
  /** Clicks an Action.Execute button / submits a form card: the `adaptiveCard/action` invoke; returns the parsed invoke answer. */
  invoke(
    verb: string,
    data: Record<string, unknown>,
    options?: { from?: Person; conversation?: string; replyToId?: string },
  ): Promise<{ status: number; body: any }>;
  /** Waits for a connector call. */
  call(pred: (c: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  close(): Promise<void>;
}

let seq = 0;

export async function startTeamsBot(
  db: Database,
  options: { now: number; contract?: ContractOverrides; incidentChannel?: string } = { now: Date.now() },
): Promise<TeamsBot> {
  const clock = new TestClock(options.now);
  const app = await testApp(db, clock, options.contract ?? {});
  const fake = await FakeTeams.start({ clientId: TEST_APP_ID });
  const keys = await TeamsKeys.create(undefined, { appId: TEST_APP_ID, serviceUrl: fake.serviceUrl });
  const jwks = await JwksServer.start(keys);
  const settings = readTeamsSettings(
    {
      TEAMS_APP_ID: TEST_APP_ID,
      TEAMS_APP_PASSWORD: 'test-secret',
      TEAMS_TENANT_ID: 'test-tenant.onmicrosoft.com',
      TEAMS_JWKS_URL: jwks.url,
      TEAMS_TOKEN_URL: fake.tokenUrl,
      TEAMS_SERVICE_URL: fake.serviceUrl,
      TEAMS_SERVICE_URL_HOSTS: new URL(fake.serviceUrl).host,
      ...(options.incidentChannel ? { TEAMS_INCIDENT_CHANNEL: options.incidentChannel } : {}),
    },
    { production: false },
  )!;
  const server = createHttpServer();
  const teams = await mountTeams(server, app, settings, { lang: 'sv', connectorTimeoutMs: 3_000, paceMs: 0 });
  const port = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}${MESSAGING_ENDPOINT}`;
  const cards: unknown[] = [];

  const post = async (activity: Record<string, unknown>) => {
    const token = await keys.sign({});
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(JSON.stringify(activity));
    });
  };

  const base = (from: Person, conversation: string, conversationType: string, locale = 'sv-SE') => ({
    id: `1732${String(++seq).padStart(9, '0')}`,
    timestamp: new Date(clock.t).toISOString(),
    serviceUrl: fake.serviceUrl,
    channelId: 'msteams',
    from,
    conversation: { id: conversation, conversationType, tenantId: 'test-tenant', ...(conversationType === 'channel' ? { isGroup: true } : {}) },
    recipient: { id: `28:${TEST_APP_ID}`, name: 'SSBTEK' },
    locale,
    channelData: {
      tenant: { id: 'test-tenant' },
      ...(conversationType === 'channel' ? { team: { id: '19:team@thread.tacv2' }, channel: { id: conversation.split(';')[0] } } : {}),
    },
  });

  const bot: TeamsBot = {
    app,
    clock,
    fake,
    keys,
    jwks,
    teams,
    server,
    url,
    cards,
    async message(text, o = {}) {
      const conversation = o.conversation ?? CHANNEL;
      const type = o.conversationType ?? (conversation.startsWith('19:') ? 'channel' : 'personal');
      const mention = o.mention ?? type === 'channel';
      return post({
        ...base(o.from ?? PEOPLE.anna, conversation, type, o.locale),
        type: 'message',
        text: mention ? `<at>SSBTEK</at> ${text}` : text,
        textFormat: 'plain',
        ...(mention ? { entities: [{ type: 'mention', text: '<at>SSBTEK</at>', mentioned: { id: `28:${TEST_APP_ID}`, name: 'SSBTEK' } }] } : {}),
      });
    },
    async invoke(verb, data, o = {}) {
      const conversation = o.conversation ?? CHANNEL;
      const res = await post({
        ...base(o.from ?? PEOPLE.anna, conversation, conversation.startsWith('19:') ? 'channel' : 'personal'),
        type: 'invoke',
        name: 'adaptiveCard/action',
        ...(o.replyToId ? { replyToId: o.replyToId } : {}),
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
      const body = res.body ? JSON.parse(res.body) : undefined;
      if (body?.type === 'application/vnd.microsoft.card.adaptive') cards.push(body.value);
      return { status: res.status, body };
    },
    call: (pred, timeoutMs = 5_000) => fake.waitFor(pred, timeoutMs),
    async close() {
      await teams.stop();
      await server.close(1_000);
      await jwks.close();
      await fake.close();
      await app.close();
    },
  };
  return bot;
}

/** The Adaptive Cards in a connector call's activity. */
export function cardsOf(call: ConnectorCall): any[] {
  return (call.body?.attachments ?? []).filter((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a: any) => a.content);
}

/** All text of a card (TextBlocks, facts, choice titles), in order. */
export function cardText(card: any): string {
  const out: string[] = [];
  const walk = (node: any) => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node.type === 'TextBlock') out.push(String(node.text));
    if (node.type === 'FactSet') for (const f of node.facts) out.push(`${f.title}: ${f.value}`);
    for (const key of ['body', 'items', 'columns', 'card']) if (node[key]) walk(node[key]);
  };
  walk(card);
  return out.join('\n').replace(/\\(.)/g, '$1');
}

/** The titles of a card's top-level buttons. */
export function buttonsOf(card: any): string[] {
  return (card?.actions ?? []).map((a: any) => a.title);
}

/** An input of a form card by id. */
export function inputOf(card: any, id: string): any {
  return (card?.body ?? []).find((e: any) => e.id === id);
}

const require = createRequire(import.meta.url);

/** Parse and validation events of a card against Adaptive Cards 1.5 (the `adaptivecards` package's UMD bundle; no DOM needed). */
export function adaptiveCardProblems(json: unknown): string[] {
  const AC = require('adaptivecards/dist/adaptivecards.js');
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) problems.push(`validate: ${e.message}`);
  const version = (json as { version?: string }).version;
  if (version !== '1.5') problems.push(`version is ${version}, not 1.5`);
  return problems;
}
