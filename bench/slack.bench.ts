// Acknowledgement latency of `/ssbtek incident` (no arguments: the bot acks, then opens
// the modal with views.open) under 50 signed requests per second, against our bot and
// against a minimal Bolt app on the same machine that only acks the same command.
// Loopback only: the Web API is the local fake Slack (test/support/fake-slack.ts), run in
// its own process as Slack is in production, so its work does not count as the bot's.
//
// The load comes from a worker thread (its own event loop, so a busy bot cannot hide its
// own slowness by also slowing the load generator), open loop: requests are sent on
// schedule whether or not earlier ones were answered. One warm-up second per app is not
// counted. BENCH_SLACK_SECONDS sets the measured duration (default 30).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App as BoltApp, LogLevel } from '@slack/bolt';
import { createApp, silentLogger } from '../src/app.js';
import { buildContract } from '../src/config/load.js';
import { startSlack } from '../src/platforms/slack/index.js';
import { benchDatabase, percentile, round } from './support.js';

const SECONDS = Number(process.env.BENCH_SLACK_SECONDS ?? 30);
const RATE = Number(process.env.BENCH_SLACK_RATE ?? 50);
const WARMUP_SECONDS = 1;
const SECRET = 'bench-signing-secret';

interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  /** trigger_id → absolute send time (ms), for the modal-open latency. */
  sent: Record<string, number>;
  achievedRate: number;
}

const LOAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const crypto = require('node:crypto');
const { url, secret, rate, seconds, responseBase, tag } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
const total = Math.round(rate * seconds);
const interval = 1000 / rate;
const latencies = [];
const statuses = {};
const sent = {};
let errors = 0, finished = 0, next = 0;
const now = () => performance.timeOrigin + performance.now();
const start = performance.now();
function send(i) {
  const trigger = tag + '.' + i + '.' + crypto.randomBytes(6).toString('hex');
  const body = new URLSearchParams({
    token: 'unused', team_id: 'T0SSBTEK', team_domain: 'bench', channel_id: 'C0BENCH', channel_name: 'bench',
    user_id: 'U0BENCH' + (i % 20), user_name: 'bench', command: '/ssbtek', text: 'incident', api_app_id: 'A0SSBTEK',
    is_enterprise_install: 'false', response_url: responseBase + tag + i, trigger_id: trigger,
  }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const signature = 'v0=' + crypto.createHmac('sha256', secret).update('v0:' + ts + ':' + body).digest('hex');
  sent[trigger] = now();
  const t0 = performance.now();
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: {
    'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body),
    'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature } }, (res) => {
    res.resume();
    res.on('end', () => { latencies.push(performance.now() - t0); statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1; done(); });
  });
  req.on('error', () => { errors++; done(); });
  req.end(body);
}
function done() {
  finished++;
  if (finished === total) {
    agent.destroy();
    parentPort.postMessage({ latencies, statuses, errors, sent, achievedRate: total / ((performance.now() - start) / 1000) });
  }
}
function tick() {
  const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
  while (next < due) send(next++);
  if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
}
tick();
`;

function load(url: string, responseBase: string, seconds: number, tag: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_SOURCE, { eval: true, workerData: { url, secret: SECRET, rate: RATE, seconds, responseBase, tag } });
    worker.once('message', (result: LoadResult) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

function summary(label: string, result: LoadResult, goal?: string) {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const ok = result.statuses['200'] ?? 0;
  return [
    { metric: `${label}: ack latency p50`, value: round(percentile(sorted, 50), 2), unit: 'ms' },
    { metric: `${label}: ack latency p99`, value: round(percentile(sorted, 99), 2), unit: 'ms', ...(goal ? { goal } : {}) },
    {
      metric: `${label}: ack latency max`,
      value: round(sorted.at(-1) ?? Number.NaN, 2),
      unit: 'ms',
      ...(goal ? { goal: '< 3000 ms (Slack gives up at 3 s)' } : {}),
    },
    {
      metric: `${label}: answered 200 (sent at ${round(result.achievedRate)} req/s)`,
      value: ok,
      unit: 'requests',
      goal: `>= ${result.latencies.length + result.errors} (all sent)`,
    },
  ];
}

/** The fake Slack in a child process: its Web API URL and its call log. */
async function startFake(): Promise<{
  apiUrl: string;
  baseUrl: string;
  child: ChildProcess;
  calls(): Promise<Array<{ method: string; at: number; trigger_id: string | null }>>;
  reset(): Promise<void>;
}> {
  const file = fileURLToPath(new URL('../test/support/fake-slack.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the fake Slack exited (${code})`)));
  });
  const { apiUrl, baseUrl } = JSON.parse(line) as { apiUrl: string; baseUrl: string };
  return {
    apiUrl,
    baseUrl,
    child,
    calls: async () => (await fetch(`${baseUrl}/_calls`)).json() as Promise<Array<{ method: string; at: number; trigger_id: string | null }>>,
    reset: async () => void (await fetch(`${baseUrl}/_reset`, { method: 'POST' })),
  };
}

type Fake = Awaited<ReturnType<typeof startFake>>;

async function measureOurs(fake: Fake) {
  const db = await benchDatabase('pglite');
  const app = await createApp({ contract: buildContract(), database: db, log: silentLogger });
  const slack = await startSlack(app, {
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    retries: 0,
    lang: 'sv',
  });
  try {
    const url = `http://127.0.0.1:${slack.port}/slack/events`;
    await load(url, `${fake.baseUrl}/response/`, WARMUP_SECONDS, 'warm');
    await new Promise((r) => setTimeout(r, 500));
    await fake.reset();
    const result = await load(url, `${fake.baseUrl}/response/`, SECONDS, 'ours');
    // The modal must open within the trigger_id's 3 s too: time from sending to views.open.
    let opened: Array<{ at: number; trigger_id: string | null }> = [];
    for (let i = 0; i < 50; i++) {
      opened = (await fake.calls()).filter((c) => c.method === 'views.open');
      if (opened.length >= result.latencies.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const opens = opened.map((c) => c.at - (result.sent[String(c.trigger_id)] ?? c.at)).sort((a, b) => a - b);
    return { result, opens };
  } finally {
    await slack.stop();
    await app.close();
  }
}

async function measureMinimal(fake: Fake) {
  const bolt = new BoltApp({
    token: 'xoxb-bench',
    signingSecret: SECRET,
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
    clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
  });
  bolt.command('/ssbtek', async ({ ack }) => {
    await ack();
  });
  await bolt.init();
  const server = (await bolt.start({ port: 0, host: '127.0.0.1' })) as Server;
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    await load(url, `${fake.baseUrl}/response/`, WARMUP_SECONDS, 'warm');
    return await load(url, `${fake.baseUrl}/response/`, SECONDS, 'minimal');
  } finally {
    await bolt.stop();
  }
}

export const name = 'slack';

export async function run(): Promise<Array<{ metric: string; value: number; unit: string; goal?: string }>> {
  const fake = await startFake();
  try {
    const ours = await measureOurs(fake);
    await fake.reset();
    const minimal = await measureMinimal(fake);
    const label = `/ssbtek incident at ${RATE}/s for ${SECONDS} s`;
    return [
      ...summary(`our bot, ${label}`, ours.result, '< 3000 ms (Slack gives up at 3 s)'),
      { metric: `our bot: views.open after the command p50`, value: round(percentile(ours.opens, 50), 2), unit: 'ms' },
      {
        metric: `our bot: views.open after the command p99`,
        value: round(percentile(ours.opens, 99), 2),
        unit: 'ms',
        goal: '< 3000 ms (the trigger_id expires)',
      },
      { metric: `our bot: modals opened`, value: ours.opens.length, unit: 'views.open', goal: `>= ${ours.result.latencies.length}` },
      ...summary(`minimal Bolt app (ack only), ${label}`, minimal),
    ];
  } finally {
    fake.child.kill('SIGTERM');
  }
}

export default { name, run };
