// Incidents from monitoring under load (issue 15): Alertmanager notifications carrying
// 1,000 alerts a second for 30 s, spread over 50 alert groups, posted over HTTP to the bot's
// webhook on PostgreSQL. Expected: exactly 50 incidents, no error, and the response times.
//
// Alertmanager sends one notification per group with all the group's current alerts in it,
// so the load is BENCH_ALERTS_RATE / BENCH_ALERTS_PER_REQUEST (10) notifications a second,
// round-robin over the groups, all 50 groups firing at once at the start; every 10 s one
// more instance joins each group (staggered), so most notifications repeat what is known
// (group_interval, repeat_interval, an HA pair sending twice) and some bring a new alert
// (a "joined" line on the incident). The load comes from a worker thread, open loop (sent
// on schedule whether or not earlier requests were answered).
import { Worker } from 'node:worker_threads';
import { createApp, silentLogger } from '../src/app.js';
import { buildContract } from '../src/config/load.js';
import { HttpServer } from '../src/http/server.js';
import { mountAlerts } from '../src/http/webhooks/alerts.js';
import { createMetrics } from '../src/observability/metrics.js';
import type { BenchResult } from './run.js';
import { benchDatabase, percentile, round } from './support.js';

const RATE = Number(process.env.BENCH_ALERTS_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_ALERTS_SECONDS ?? 30);
const GROUPS = Number(process.env.BENCH_ALERTS_GROUPS ?? 50);
const PER_REQUEST = Number(process.env.BENCH_ALERTS_PER_REQUEST ?? 10);
/** Every this many ms one more instance joins each group (a "joined" line on its incident). */
const GROW_EVERY_MS = Number(process.env.BENCH_ALERTS_GROW_MS ?? 10_000);
const TOKEN = 'bench-alert-token-0123456789abcdef';
/** The opening burst (50 incidents at once) is reported apart as well. */
const WARMUP_MS = 10_000;

interface LoadResult {
  latencies: number[];
  /** When each answered request was sent, ms from the start (same order as latencies). */
  sentAt: number[];
  statuses: Record<string, number>;
  errors: number;
  requests: number;
  alerts: number;
  achievedAlertRate: number;
}

const LOAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, token, rate, seconds, groups, perRequest, growEveryMs, startsAt } = workerData;
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const requestsPerSecond = rate / perRequest;
const total = Math.round(requestsPerSecond * seconds);
const interval = 1000 / requestsPerSecond;
const latencies = [];
const sentAt = [];
const statuses = {};
let errors = 0, finished = 0, alerts = 0;
const start = performance.now();
function payload(i) {
  const g = i % groups;
  // Alertmanager sends a group's current alerts in every notification; one more instance
  // joins each group every growEveryMs (staggered across groups).
  const elapsed = performance.now() - start;
  const size = perRequest + Math.floor((elapsed + g * (growEveryMs / groups)) / growEveryMs);
  const list = [];
  for (let n = 0; n < size; n++) {
    list.push({
      status: 'firing',
      labels: { alertname: 'SsbtekBench' + g, severity: 'critical', service: 'inkomster', job: 'ssbtek', instance: 'node' + n + ':9100' },
      annotations: { summary: 'Inga svar från bastjänst ' + g, description: 'Bench group ' + g },
      startsAt, endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus:9090/graph', fingerprint: 'g' + g + 'n' + n,
    });
  }
  alerts += list.length;
  return JSON.stringify({
    receiver: 'ssbtek', status: 'firing', alerts: list, groupLabels: { alertname: 'SsbtekBench' + g },
    commonLabels: { alertname: 'SsbtekBench' + g, severity: 'critical' }, commonAnnotations: {}, externalURL: 'http://alertmanager:9093',
    version: '4', groupKey: '{}:{alertname="SsbtekBench' + g + '"}', truncatedAlerts: 0,
  });
}
function send(i) {
  const body = payload(i);
  const t0 = performance.now();
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: {
    'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token } }, (res) => {
    res.resume();
    res.on('end', () => { latencies.push(performance.now() - t0); sentAt.push(t0 - start); statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1; done(); });
  });
  req.on('error', () => { errors++; done(); });
  req.end(body);
}
function done() {
  finished++;
  if (finished === total) {
    agent.destroy();
    parentPort.postMessage({ latencies, sentAt, statuses, errors, requests: total, alerts, achievedAlertRate: alerts / ((performance.now() - start) / 1000) });
  }
}
let next = 0;
function tick() {
  const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
  while (next < due) send(next++);
  if (next < total) setTimeout(tick, Math.max(0, Math.min(interval, 5)));
}
tick();
`;

function runLoad(url: string, startsAt: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_SOURCE, {
      eval: true,
      workerData: { url, token: TOKEN, rate: RATE, seconds: SECONDS, groups: GROUPS, perRequest: PER_REQUEST, growEveryMs: GROW_EVERY_MS, startsAt },
    });
    worker.once('message', (m: LoadResult) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

export const name = 'alerts';

export async function run(): Promise<BenchResult[]> {
  const db = await benchDatabase('postgres');
  const contract = buildContract({
    alerts: {
      rateLimit: { perSecond: 100_000, burst: 100_000 },
      rules: [
        {
          name: 'bench',
          match: ['severity="critical"', 'service="inkomster"'],
          agency: 'skatteverket',
          baseServices: ['Inkomster'],
          impact: 2,
          title: '{{ .Labels.alertname }}: {{ .Annotations.summary }}',
        },
      ],
    },
  });
  const errors: string[] = [];
  const log = {
    ...silentLogger,
    error: (msg: string, err?: unknown) => void errors.push(`${msg}: ${err instanceof Error ? err.message.split('\n').slice(-2).join(' ') : String(err)}`),
  };
  const app = await createApp({ contract, database: db, log });
  const metrics = createMetrics({ defaultMetrics: false });
  const server = new HttpServer({ log, onResponse: metrics.httpResponse });
  mountAlerts(server, { app, metrics, env: { SSBTEK_ALERT_TOKEN: TOKEN } });
  const port = await server.listen(0, '127.0.0.1');
  try {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const load = await runLoad(`http://127.0.0.1:${port}/webhooks/alertmanager`, startsAt);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const wallSeconds = (performance.now() - wall0) / 1000;
    const incidents = await db.prisma.incident.count();
    const groups = await db.prisma.alertGroup.count();
    const notes = await db.prisma.incidentEvent.count({ where: { type: 'noted' } });
    const failed =
      load.errors +
      Object.entries(load.statuses)
        .filter(([s]) => s !== '200')
        .reduce((n, [, c]) => n + c, 0);
    const sorted = [...load.latencies].sort((a, b) => a - b);
    // After the opening burst: all 50 groups fire at once at t = 0 and each opens an incident.
    const steady = load.latencies.filter((_, i) => load.sentAt[i]! >= WARMUP_MS).sort((a, b) => a - b);
    process.stderr.write(
      `alerts: ${load.alerts} alerts in ${load.requests} requests (${PER_REQUEST} per request), ${round(load.achievedAlertRate)} alerts/s; statuses ${JSON.stringify(load.statuses)}, ${load.errors} network errors; ${incidents} incidents, ${groups} alert_groups rows, ${notes} timeline notes\n`,
    );
    if (errors.length) process.stderr.write(`alerts: ${errors.length} errors logged, e.g. ${errors[0]}\n`);
    if (incidents !== GROUPS) process.stderr.write(`alerts: expected ${GROUPS} incidents, got ${incidents}\n`);
    return [
      { metric: `alerts sent (${SECONDS} s, ${GROUPS} groups, ${PER_REQUEST}/request)`, value: load.alerts, unit: 'alerts' },
      { metric: 'achieved alert rate', value: round(load.achievedAlertRate), unit: 'alerts/s', goal: `>= ${Math.floor(RATE * 0.95)}` },
      { metric: 'incidents opened (one per group)', value: incidents, unit: 'incidents', goal: `<= ${GROUPS}` },
      { metric: 'incidents missing', value: GROUPS - incidents, unit: 'groups', goal: '<= 0' },
      { metric: 'failed requests (non-200 or network)', value: failed, unit: 'requests', goal: '<= 0' },
      { metric: 'response time p50', value: round(percentile(sorted, 50)), unit: 'ms' },
      { metric: 'response time p99', value: round(percentile(sorted, 99)), unit: 'ms', goal: '<= 1000' },
      { metric: 'response time max', value: round(sorted.at(-1) ?? Number.NaN), unit: 'ms' },
      { metric: `response time p99 after the first ${WARMUP_MS / 1000} s`, value: round(percentile(steady, 99)), unit: 'ms', goal: '<= 1000' },
      { metric: 'timeline notes (alerts joining)', value: notes, unit: 'notes' },
      // The bot and the load generator share this process: CPU per alert bounds the rate on a busy machine.
      { metric: 'process CPU per alert (bot + load generator)', value: round((cpuSeconds * 1e6) / load.alerts), unit: 'µs' },
      { metric: 'process CPU / wall time', value: round(cpuSeconds / wallSeconds, 2), unit: 'cores' },
    ];
  } finally {
    await server.close(1000);
    await app.close();
    await db.close();
  }
}
