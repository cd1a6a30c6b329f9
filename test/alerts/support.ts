// Alertmanager payloads as Alertmanager 0.27+ sends them (webhook payload version 4), and a
// running bot with the alert webhooks mounted on its HTTP server.
import { DateTime } from 'luxon';
import type { AppOptions } from '../../src/app.js';
import { buildContract, type ContractOverrides } from '../../src/config/load.js';
import { HttpServer } from '../../src/http/server.js';
import { type AlertsMount, mountAlerts } from '../../src/http/webhooks/alerts.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { SlackOptions } from '../../src/platforms/slack/index.js';
import type { Database } from '../../src/store/index.js';
import { type Bot, startBot } from '../support/fake-slack.js';

export const TOKEN = 'am-shared-token-0123456789abcdef';
export const HMAC_SECRET = 'grafana-hmac-secret-0123456789';

/** The mapping rules the tests use (the example file's shape). */
export const TEST_ALERTS: ContractOverrides['alerts'] = {
  quietPeriodMinutes: 30,
  senders: [{ id: 'grafana', auth: 'hmac', secretEnv: 'GRAFANA_ALERT_SECRET' }],
  rules: [
    {
      name: 'inkomster nere',
      match: ['severity="critical"', 'service=~"inkomster|bostadsbidrag"'],
      agency: 'skatteverket',
      baseServices: ['Inkomster'],
      impact: 2,
      title: '{{ .Labels.alertname }}: {{ .Annotations.summary }}',
      description: '{{ .Annotations.description }}',
    },
    {
      name: 'långsamt',
      match: '{severity="warning", job="ssbtek"}',
      agency: 'forsakringskassan',
      impact: 3,
      timing: 3,
      title: 'Långsamma svar ({{ .Labels.instance }})',
    },
  ],
};

export interface AmAlert {
  status?: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint: string;
}

/** A notification as Alertmanager's webhook notifier marshals it (notify/webhook.Message). */
export function amPayload(groupLabels: Record<string, string>, alerts: AmAlert[], status?: 'firing' | 'resolved') {
  const full = alerts.map((a) => ({
    status: a.status ?? 'firing',
    labels: a.labels,
    annotations: a.annotations ?? {},
    startsAt: a.startsAt,
    endsAt: a.endsAt ?? ((a.status ?? 'firing') === 'firing' ? '0001-01-01T00:00:00Z' : a.startsAt),
    generatorURL: `http://prometheus:9090/graph?g0.expr=up%7Bjob%3D%22ssbtek%22%7D+%3D%3D+0&g0.tab=1`,
    fingerprint: a.fingerprint,
  }));
  const common = (pick: (a: (typeof full)[number]) => Record<string, string>) => {
    const first = pick(full[0]!);
    return Object.fromEntries(Object.entries(first).filter(([k, v]) => full.every((a) => pick(a)[k] === v)));
  };
  const groupKey = `{}/{severity="critical"}:{${Object.entries(groupLabels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
  return {
    receiver: 'ssbtek',
    status: status ?? (full.some((a) => a.status === 'firing') ? 'firing' : 'resolved'),
    alerts: full,
    groupLabels,
    commonLabels: common((a) => a.labels),
    commonAnnotations: common((a) => a.annotations),
    externalURL: 'http://alertmanager:9093',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}

/** Stockholm local time → RFC 3339 with nanoseconds and an offset, as Go prints it. */
export function rfc3339(local: string): string {
  return DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Stockholm' }).toFormat("yyyy-MM-dd'T'HH:mm:ss'.123456789'ZZ");
}

export interface AlertBot extends Bot {
  url: string;
  http: HttpServer;
  metrics: Metrics;
  alerts: AlertsMount;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

/** The bot with Slack on a fake and the alert webhooks on its HTTP server, all on `db`. */
export async function startAlertBot(
  db: Database,
  alerts: ContractOverrides['alerts'] = TEST_ALERTS,
  slack: Partial<SlackOptions> = { incidentChannel: 'C0INCIDENTS' },
  appOptions: Partial<AppOptions> = {},
  mount: { clock?: () => number } = {},
): Promise<AlertBot> {
  const contract = buildContract({ alerts });
  const bot = await startBot(db, slack, {}, contract, appOptions);
  const metrics = createMetrics({ defaultMetrics: false });
  const http = new HttpServer({ log: bot.app.log, onResponse: metrics.httpResponse });
  metrics.mount(http);
  const mounted = mountAlerts(http, { app: bot.app, metrics, env: { SSBTEK_ALERT_TOKEN: TOKEN, GRAFANA_ALERT_SECRET: HMAC_SECRET }, ...mount });
  const port = await http.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const closeBot = bot.close;
  return Object.assign(bot, {
    url,
    http,
    metrics,
    alerts: mounted,
    async post(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    },
    close: async () => {
      await http.close(1000);
      await closeBot();
    },
  });
}
