// Two replicas of the bot on one PostgreSQL database, each with its own HTTP server and
// connection pool, receiving the same alert group at the same time (an Alertmanager HA pair
// behind a load balancer): one incident, every new alert noted once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { HttpServer } from '../../src/http/server.js';
import { mountAlerts } from '../../src/http/webhooks/alerts.js';
import type { Database } from '../../src/store/index.js';
import { type EmptyTestDatabase, postgresTarget } from '../support/databases.js';
import { at } from '../support/time.js';
import { amPayload, rfc3339, TEST_ALERTS, TOKEN } from './support.js';

describe('several replicas on PostgreSQL', () => {
  let empty: EmptyTestDatabase;
  const replicas: Array<{ db: Database; app: App; http: HttpServer; url: string }> = [];
  beforeAll(async () => {
    empty = await postgresTarget.openEmpty();
    const contract = buildContract({ alerts: TEST_ALERTS });
    for (let i = 0; i < 2; i++) {
      const db = await empty.open();
      const app = await createApp({ contract, database: db, now: () => at('2026-11-24 10:00'), schedulerOwner: `replica-${i}` });
      const http = new HttpServer();
      mountAlerts(http, { app, env: { SSBTEK_ALERT_TOKEN: TOKEN, GRAFANA_ALERT_SECRET: 'grafana-hmac-secret-0123456789' } });
      replicas.push({ db, app, http, url: `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}` });
    }
  });
  afterAll(async () => {
    for (const r of replicas) {
      await r.http.close(1000);
      await r.app.close();
    }
    await empty.dispose();
  });

  it('the same group posted 40 times at once to two replicas, growing and retried, opens one incident and notes each new alert once', async () => {
    const alerts = Array.from({ length: 8 }, (_, i) => ({
      labels: { alertname: 'SsbtekInkomsterNere', severity: 'critical', service: 'inkomster', instance: `n${i}` },
      annotations: { summary: 'Inga svar' },
      startsAt: rfc3339('2026-11-24 09:50'),
      fingerprint: `rep-${i}`,
    }));
    const posts = Array.from({ length: 40 }, (_, k) => {
      const replica = replicas[k % 2]!;
      const payload = amPayload({ alertname: 'SsbtekInkomsterNere' }, alerts.slice(0, 1 + (k % 8)));
      return fetch(`${replica.url}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    });
    const results = await Promise.all(posts);
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    const { prisma } = replicas[0]!.db;
    const incidents = await prisma.incident.findMany();
    expect(incidents).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.groups[0].incident).filter(Boolean))).toEqual(new Set([`INC-${incidents[0]!.id}`]));
    expect(results.filter((r) => r.body.groups[0].outcome === 'opened')).toHaveLength(1);
    const rows = await prisma.alertGroup.findMany();
    expect(rows).toHaveLength(1);
    expect([...rows[0]!.fingerprints].sort()).toEqual(alerts.map((a) => a.fingerprint).sort());
    expect(rows[0]!.notifications).toBe(40);
    // Alerts known at opening + alerts noted as joining = all 8, none twice.
    const opener = results.find((r) => r.body.groups[0].outcome === 'opened')!;
    const notes = (await replicas[0]!.app.incidents.timeline(incidents[0]!.id)).filter((e) => e.type === 'noted');
    const joined = notes.reduce((n, e) => n + Number(/(\d+) larm till/.exec(String((e.data as any).note))?.[1] ?? 0), 0);
    expect(opener.body.groups[0].alerts + joined).toBe(8);
  });
});
