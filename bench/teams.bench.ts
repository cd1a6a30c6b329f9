// Answer latency in Microsoft Teams: the time from posting an incoming activity (a signed
// `@SSBTEK status` message in a channel) to its answer, at 20 activities per second for
// about 20 seconds, against our bot and against a minimal Teams SDK app on the same
// machine that answers every message with a fixed text.
//
// "Answer": the Teams SDK v2 answers the HTTP request only after the handler has run, and
// the handler sends its reply to the connector before it returns, so the request's
// latency includes the reply reaching the (fake) Bot Framework connector. The bench also
// checks that the connector received one reply per activity.
//
// Both apps sit behind the same security layer (our JWT verification, allow-list, token
// source; the JWKS is fetched once and cached), so the difference is our adapter: the
// conversation, the database, the Adaptive Card. The connector and token endpoint are the
// local fake (test/support/fake-teams.ts) in its own process, as Teams is in production;
// the load comes from a worker thread (its own event loop), open loop: activities are sent
// on schedule whether or not earlier ones were answered. One warm-up second per app is not
// counted. BENCH_TEAMS_SECONDS and BENCH_TEAMS_RATE change the duration and rate.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createApp, silentLogger } from '../src/app.js';
import { buildContract } from '../src/config/load.js';
import { createHttpServer } from '../src/http/server.js';
import { createTeamsAppFromSettings, readTeamsSettings, type TeamsSettings } from '../src/platforms/teams/config.js';
import { mountTeams, MESSAGING_ENDPOINT } from '../src/platforms/teams/index.js';
import { JwksServer, TeamsKeys, TEST_APP_ID } from '../test/support/teams-keys.js';
import { benchDatabase, percentile, round } from './support.js';

const SECONDS = Number(process.env.BENCH_TEAMS_SECONDS ?? 20);
const RATE = Number(process.env.BENCH_TEAMS_RATE ?? 20);
const WARMUP_SECONDS = 1;
const CONVERSATION = '19:benchchannel0000000000000000@thread.tacv2';

interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  achievedRate: number;
}

const LOAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, token, rate, seconds, serviceUrl, appId, conversation, tag } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const total = Math.round(rate * seconds);
const interval = 1000 / rate;
const latencies = [];
const statuses = {};
let errors = 0, finished = 0;
const start = performance.now();
function send(i) {
  const user = i % 20;
  const body = JSON.stringify({
    type: 'message', id: tag + String(i).padStart(7, '0'), timestamp: new Date().toISOString(), serviceUrl, channelId: 'msteams',
    from: { id: '29:bench-' + user, name: 'Bench ' + user, aadObjectId: '6a5b4c3d-0000-4000-8000-' + String(user).padStart(12, '0') },
    conversation: { id: conversation, conversationType: 'channel', isGroup: true, tenantId: 'bench-tenant' },
    recipient: { id: '28:' + appId, name: 'SSBTEK' },
    text: '<at>SSBTEK</at> status', textFormat: 'plain', locale: 'sv-SE',
    entities: [{ type: 'mention', text: '<at>SSBTEK</at>', mentioned: { id: '28:' + appId, name: 'SSBTEK' } }],
    channelData: { tenant: { id: 'bench-tenant' } },
  });
  const t0 = performance.now();
  const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token } }, (res) => {
    res.resume();
    res.on('end', () => {
      statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1;
      if (t0 - start >= ${WARMUP_SECONDS * 1000}) latencies.push(performance.now() - t0);
      done();
    });
  });
  req.on('error', () => { errors++; done(); });
  req.end(body);
}
function done() {
  if (++finished === total) {
    agent.destroy();
    parentPort.postMessage({ latencies, statuses, errors, achievedRate: total / ((performance.now() - start) / 1000) });
  }
}
for (let i = 0; i < total; i++) setTimeout(() => send(i), i * interval);
`;

function load(url: string, token: string, serviceUrl: string, tag: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_SOURCE, {
      eval: true,
      workerData: { url, token, rate: RATE, seconds: SECONDS + WARMUP_SECONDS, serviceUrl, appId: TEST_APP_ID, conversation: CONVERSATION, tag },
    });
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

interface Fake {
  child: ChildProcess;
  serviceUrl: string;
  tokenUrl: string;
  baseUrl: string;
}

async function startFake(): Promise<Fake> {
  const file = fileURLToPath(new URL('../test/support/fake-teams.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TEAMS_APP_ID: TEST_APP_ID, TEAMS_APP_PASSWORD: 'bench-secret' },
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fake Teams connector exited (${code})`)));
  });
  return { child, ...(JSON.parse(line) as { serviceUrl: string; tokenUrl: string; baseUrl: string }) };
}

async function replies(fake: Fake): Promise<number> {
  const res = await fetch(`${fake.baseUrl}/_calls`);
  const body = (await res.json()) as { calls: Array<{ kind: string; status: number }> };
  await fetch(`${fake.baseUrl}/_reset`, { method: 'POST' });
  return body.calls.filter((c) => c.kind === 'send' && c.status === 201).length;
}

function settingsFor(fake: Fake, jwks: JwksServer): TeamsSettings {
  return readTeamsSettings(
    {
      TEAMS_APP_ID: TEST_APP_ID,
      TEAMS_APP_PASSWORD: 'bench-secret',
      TEAMS_JWKS_URL: jwks.url,
      TEAMS_TOKEN_URL: fake.tokenUrl,
      TEAMS_SERVICE_URL: fake.serviceUrl,
      TEAMS_SERVICE_URL_HOSTS: new URL(fake.serviceUrl).host,
    },
    { production: false },
  )!;
}

interface Measured {
  p50: number;
  p99: number;
  max: number;
  ok: number;
  total: number;
  replies: number;
  achievedRate: number;
}

function summarise(result: LoadResult, replyCount: number): Measured {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const total = Object.values(result.statuses).reduce((a, b) => a + b, 0) + result.errors;
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    ok: result.statuses['200'] ?? 0,
    total,
    replies: replyCount,
    achievedRate: round(result.achievedRate),
  };
}

/** Our bot: the whole app (PGlite in memory) with mountTeams on the bot's HTTP server. */
async function measureBot(fake: Fake, keys: TeamsKeys, jwks: JwksServer): Promise<Measured> {
  const db = await benchDatabase('pglite');
  const app = await createApp({ contract: buildContract({}), database: db, log: silentLogger });
  const server = createHttpServer();
  const teams = await mountTeams(server, app, settingsFor(fake, jwks), { lang: 'sv' });
  const port = await server.listen(0, '127.0.0.1');
  try {
    const result = await load(`http://127.0.0.1:${port}${MESSAGING_ENDPOINT}`, await keys.sign({}), fake.serviceUrl, 'bot');
    return summarise(result, await replies(fake));
  } finally {
    await teams.stop();
    await server.close(2_000);
    await app.close();
    await db.close();
  }
}

/** A minimal Teams SDK app behind the same security layer: answers every message with a fixed text. */
async function measureMinimal(fake: Fake, keys: TeamsKeys, jwks: JwksServer): Promise<Measured> {
  const { app, handler } = await createTeamsAppFromSettings(settingsFor(fake, jwks), {});
  app.on('message', async ({ send }) => {
    await send('pong');
  });
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const result = await load(`http://127.0.0.1:${(server.address() as AddressInfo).port}${MESSAGING_ENDPOINT}`, await keys.sign({}), fake.serviceUrl, 'min');
    return summarise(result, await replies(fake));
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export const name = 'teams';

export async function run(): Promise<Array<{ metric: string; value: number; unit: string; goal?: string }>> {
  const fake = await startFake();
  const keys = await TeamsKeys.create(undefined, { appId: TEST_APP_ID, serviceUrl: fake.serviceUrl });
  const jwks = await JwksServer.start(keys);
  try {
    const minimal = await measureMinimal(fake, keys, jwks);
    const bot = await measureBot(fake, keys, jwks);
    const lost = (m: Measured) => m.total - m.ok + Math.abs(m.ok - m.replies);
    process.stderr.write(
      `teams bench: ${RATE}/s for ${SECONDS} s (+${WARMUP_SECONDS} s warm-up) — bot ${JSON.stringify(bot)}; minimal SDK app ${JSON.stringify(minimal)}\n`,
    );
    return [
      { metric: `bot: activity → answer p99 at ${RATE}/s`, value: bot.p99, unit: 'ms', goal: '<= 500' },
      { metric: `bot: activity → answer p50 at ${RATE}/s`, value: bot.p50, unit: 'ms' },
      { metric: `minimal Teams SDK app: activity → answer p99 at ${RATE}/s`, value: minimal.p99, unit: 'ms' },
      { metric: `minimal Teams SDK app: activity → answer p50 at ${RATE}/s`, value: minimal.p50, unit: 'ms' },
      { metric: 'bot: activities not answered (non-200 or no reply at the connector)', value: lost(bot), unit: 'count', goal: '<= 0' },
      { metric: 'minimal app: activities not answered', value: lost(minimal), unit: 'count', goal: '<= 0' },
      { metric: 'bot: achieved rate', value: bot.achievedRate, unit: 'activities/s' },
    ];
  } finally {
    await jwks.close();
    fake.child.kill('SIGTERM');
  }
}

export default { name, run };
