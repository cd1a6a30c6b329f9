// Incidents from monitoring, end to end (contract 4.2, issue 15): real Alertmanager
// notifications posted over HTTP to the running bot, checked in the store, in Slack (a fake
// that records every call) and in the terminal. On PGlite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/http/webhooks/alerts.js';
import { ConsoleSession } from '../../src/platforms/console/session.js';
import { databases } from '../support/databases.js';
import { textOf } from '../support/fake-slack.js';
import { at, local } from '../support/time.js';
import { type AlertBot, amPayload, HMAC_SECRET, rfc3339, startAlertBot, TEST_ALERTS, TOKEN } from './support.js';

const AM = '/webhooks/alertmanager';
const GENERIC = '/webhooks/alerts';

const down = (instance: string, startsAt: string, extra: Record<string, string> = {}) => ({
  labels: { alertname: 'SsbtekInkomsterNere', severity: 'critical', service: 'inkomster', job: 'ssbtek', instance, ...extra },
  annotations: { summary: 'Inkomster svarar inte', description: `Inga svar från ${instance} sedan ${startsAt}` },
  startsAt,
  fingerprint: `fp-${instance}`,
});
const group = { alertname: 'SsbtekInkomsterNere', service: 'inkomster' };

describe.each(databases)('Alertmanager → incidents on $name', (target) => {
  let bot: AlertBot;
  beforeAll(async () => {
    bot = await startAlertBot(await target.open());
  });
  afterAll(() => bot.close());

  const incidents = () => bot.db.prisma.incident.findMany({ orderBy: { id: 'asc' } });
  const cardPosts = () => bot.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0INCIDENTS' && !c.body.thread_ts);
  const threadLines = () =>
    bot.fake
      .callsOf('chat.postMessage')
      .filter((c) => c.body.thread_ts)
      .map((c) => String(c.body.text));

  it("a firing alert group opens one incident, received when the fault began (startsAt), with the rule's agency, services and Påverkan", async () => {
    const res = await bot.post(AM, amPayload(group, [down('app1:8080', rfc3339('2026-11-24 09:40'))]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', groups: [{ outcome: 'opened', incident: 'INC-1', alerts: 1 }] });
    const [incident, ...rest] = await incidents();
    expect(rest).toEqual([]);
    expect(incident).toMatchObject({
      source: 'monitoring',
      reporter: 'monitoring:default',
      agencyId: 'skatteverket',
      baseServices: ['Inkomster'],
      impact: 2,
      status: 'open',
      title: 'SsbtekInkomsterNere: Inkomster svarar inte',
    });
    expect(local(incident!.receivedAt.getTime())).toBe('Tue 2026-11-24 09:40:00');
    // Tidpunkt suggested at startsAt (the 24th is in the critical period, within opening hours) → Hög.
    expect(incident).toMatchObject({ timing: 1, suggestedTiming: 1, priority: 'high' });
    // The response deadline counts from 09:40, not from when the bot heard of it (10:00).
    expect(local(incident!.responseDueAt.getTime())).toBe('Tue 2026-11-24 10:40:00');
  });

  it('the card is posted to the incident channel like any other incident', async () => {
    await bot.slack.idle();
    const cards = cardPosts();
    expect(cards).toHaveLength(1);
    const text = textOf(cards[0]!.body.blocks);
    expect(text).toContain('INC-1 · HÖG');
    expect(text).toContain('SsbtekInkomsterNere: Inkomster svarar inte');
    expect(text).toContain('Skatteverket');
  });

  it('a retried delivery (same group, same startsAt) creates nothing and adds nothing', async () => {
    const payload = amPayload(group, [down('app1:8080', rfc3339('2026-11-24 09:40'))]);
    const again = await Promise.all([bot.post(AM, payload), bot.post(AM, payload), bot.post(AM, payload)]);
    for (const r of again) expect(r.body.groups).toEqual([{ outcome: 'unchanged', incident: 'INC-1', alerts: 1 }]);
    expect(await incidents()).toHaveLength(1);
    expect((await bot.app.incidents.timeline(1)).map((e) => e.type)).toEqual(['opened']);
  });

  it('another alert firing in the same group adds a line to the timeline and the thread, not an incident', async () => {
    bot.clock.t = at('2026-11-24 10:05');
    const res = await bot.post(AM, amPayload(group, [down('app1:8080', rfc3339('2026-11-24 09:40')), down('app2:8080', rfc3339('2026-11-24 10:02'))]));
    expect(res.body.groups).toEqual([{ outcome: 'joined', incident: 'INC-1', alerts: 2 }]);
    expect(await incidents()).toHaveLength(1);
    const timeline = await bot.app.incidents.timeline(1);
    expect(timeline.map((e) => e.type)).toEqual(['opened', 'noted']);
    expect(timeline[1]!.data).toMatchObject({
      source: 'monitoring',
      monitoring: 'firing',
      kind: 'joined',
      note: 'Övervakningen: 1 larm till i samma grupp (SsbtekInkomsterNere).',
    });
    await bot.slack.idle();
    expect(threadLines().some((l) => l.includes('1 larm till i samma grupp'))).toBe(true);
  });

  it('resolved alerts never resolve the incident: "monitoring has cleared" on the timeline, in the thread and on the card', async () => {
    bot.clock.t = at('2026-11-24 10:30');
    const res = await bot.post(
      AM,
      amPayload(group, [
        { ...down('app1:8080', rfc3339('2026-11-24 09:40')), status: 'resolved', endsAt: rfc3339('2026-11-24 10:28') },
        { ...down('app2:8080', rfc3339('2026-11-24 10:02')), status: 'resolved', endsAt: rfc3339('2026-11-24 10:28') },
      ]),
    );
    expect(res.body.groups).toEqual([{ outcome: 'cleared', incident: 'INC-1', alerts: 2 }]);
    const [incident] = await incidents();
    expect(incident!.status).toBe('open');
    expect(incident!.resolvedAt).toBeNull();
    const last = (await bot.app.incidents.timeline(1)).at(-1)!;
    expect(last.data).toMatchObject({ monitoring: 'cleared' });
    expect(String((last.data as any).note)).toContain('Övervakningen har friskförklarat');
    await bot.slack.idle();
    expect(threadLines().some((l) => l.includes('Övervakningen har friskförklarat'))).toBe(true);
    // The card's monitoring line comes from the incident's alert groups.
    const states = await bot.alerts.service.monitoringStates([1]);
    expect(states.get(1)).toEqual({ state: 'cleared', at: at('2026-11-24 10:30') });
    // …and the card, updated in place, says so.
    const updates = bot.fake.callsOf('chat.update');
    expect(textOf(updates.at(-1)!.body.blocks)).toContain('Övervakningen har friskförklarat');
    // A retried "resolved" notification adds nothing more.
    await bot.post(AM, amPayload(group, [{ ...down('app1:8080', rfc3339('2026-11-24 09:40')), status: 'resolved' }]));
    expect((await bot.app.incidents.timeline(1)).filter((e) => (e.data as any).monitoring === 'cleared')).toHaveLength(1);
  });

  it('a re-fire within the quiet period is noted on the same incident and opens nothing', async () => {
    bot.clock.t = at('2026-11-24 10:50');
    const res = await bot.post(AM, amPayload(group, [down('app1:8080', rfc3339('2026-11-24 10:49'))]));
    expect(res.body.groups).toEqual([{ outcome: 'refired', incident: 'INC-1', alerts: 1 }]);
    expect(await incidents()).toHaveLength(1);
    const last = (await bot.app.incidents.timeline(1)).at(-1)!;
    expect(String((last.data as any).note)).toContain('inom tystnadsperioden på 30 min');
  });

  it('firing again after the quiet period while the incident is still open joins it, without calling it the quiet period', async () => {
    bot.clock.t = at('2026-11-24 10:55');
    expect((await bot.post(AM, amPayload(group, [{ ...down('app1:8080', rfc3339('2026-11-24 10:49')), status: 'resolved' }]))).body.groups[0].outcome).toBe(
      'cleared',
    );
    bot.clock.t = at('2026-11-24 11:40');
    const res = await bot.post(AM, amPayload(group, [down('app1:8080', rfc3339('2026-11-24 11:39'))]));
    expect(res.body.groups).toEqual([{ outcome: 'refired', incident: 'INC-1', alerts: 1 }]);
    expect(await incidents()).toHaveLength(1);
    const last = String(((await bot.app.incidents.timeline(1)).at(-1)!.data as any).note);
    expect(last).toContain('incidenten pågår fortfarande');
    expect(last).not.toContain('tystnadsperioden');
  });

  it('after a person resolved it and the quiet period passed, the same group firing again is a new incident', async () => {
    bot.clock.t = at('2026-11-24 11:45');
    await bot.post(AM, amPayload(group, [{ ...down('app1:8080', rfc3339('2026-11-24 11:39')), status: 'resolved' }]));
    await bot.app.incidents.resolve(1, 'Omstart av app1, återrapporterat till Skatteverket', { id: 'U0OPS', source: 'slack' }, at('2026-11-24 11:50'));
    bot.clock.t = at('2026-11-24 13:00');
    const res = await bot.post(AM, amPayload(group, [down('app1:8080', rfc3339('2026-11-24 12:58'))]));
    expect(res.body.groups).toEqual([{ outcome: 'opened', incident: 'INC-2', alerts: 1 }]);
    const all = await incidents();
    expect(all.map((i) => [i.id, i.status])).toEqual([
      [1, 'resolved'],
      [2, 'open'],
    ]);
    expect(local(all[1]!.receivedAt.getTime())).toBe('Tue 2026-11-24 12:58:00');
  });

  it('a burst of 1,000 alerts for the same cause, in concurrent deliveries, opens one incident', async () => {
    bot.clock.t = at('2026-11-24 14:00');
    const burst = { alertname: 'SsbtekBostadNere', service: 'bostadsbidrag' };
    const alerts = Array.from({ length: 1000 }, (_, i) => ({
      ...down(`node${i}:9100`, rfc3339('2026-11-24 13:59'), { alertname: 'SsbtekBostadNere', service: 'bostadsbidrag' }),
      fingerprint: `burst-${i}`,
    }));
    // Alertmanager sends the group as it grows; several replicas of it may send at once.
    const deliveries = Array.from({ length: 20 }, (_, k) => amPayload(burst, alerts.slice(0, 50 * (k + 1))));
    const results = await Promise.all(deliveries.map((p) => bot.post(AM, p)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    const opened = await bot.db.prisma.incident.findMany({ where: { title: { startsWith: 'SsbtekBostadNere' } } });
    expect(opened).toHaveLength(1);
    // Deliveries that arrived while it was being opened answer without its number.
    const refs = new Set(results.map((r) => r.body.groups[0].incident).filter(Boolean));
    expect([...refs]).toEqual([`INC-${opened[0]!.id}`]);
    // Every alert is remembered once: no more "joined" lines than deliveries that brought new alerts.
    const notes = (await bot.app.incidents.timeline(opened[0]!.id)).filter((e) => e.type === 'noted');
    expect(notes.length).toBeLessThanOrEqual(19);
    const joinedCount = notes.reduce((n, e) => n + Number(/(\d+) larm till/.exec(String((e.data as any).note))?.[1] ?? 0), 0);
    const openedBy = results.findIndex((r) => r.body.groups[0].outcome === 'opened');
    expect(results.filter((r) => r.body.groups[0].outcome === 'opened')).toHaveLength(1);
    // The delivery that opened it brought 50·(k+1) alerts; every other alert joined exactly once.
    expect(joinedCount).toBe(1000 - 50 * (openedBy + 1));
    const group = await bot.db.prisma.alertGroup.findFirstOrThrow({ where: { incidentId: opened[0]!.id } });
    expect(group.fingerprints).toHaveLength(1000);
    expect(group.notifications).toBe(20);
  });

  it('the terminal shows the incidents from monitoring with their receipt time', async () => {
    const session = new ConsoleSession(bot.app.conversation, bot.app.contract, { actor: { id: 'operatör', source: 'console' }, lang: 'sv' });
    const list = await session.feed('lista');
    expect(list).toContain('INC-2');
    expect(list).toContain('SsbtekInkomsterNere');
    const status = await session.feed('visa INC-2');
    expect(status).toContain('SsbtekInkomsterNere: Inkomster svarar inte');
    expect(status).toContain('12:58');
  });

  it('alerts no rule matches are counted and logged by name, never turned into incidents, never with label values', async () => {
    const before = (await incidents()).length;
    const res = await bot.post(
      AM,
      amPayload({ alertname: 'DiskFull' }, [
        { labels: { alertname: 'DiskFull', severity: 'info', owner: 'kalle 19121212-1212' }, startsAt: rfc3339('2026-11-24 13:00'), fingerprint: 'disk' },
      ]),
    );
    expect(res.body.groups).toEqual([{ outcome: 'unmatched', alerts: 1 }]);
    expect(await incidents()).toHaveLength(before);
    const line = bot.logs.find((l) => l.msg.includes('no rule matches'))!;
    expect(line.msg).toContain('DiskFull');
    expect(line.msg).toContain('alertname,owner,severity');
    expect(line.msg).not.toContain('kalle');
    expect(line.msg).not.toContain('19121212');
  });

  it('a personnummer in an annotation is masked in the store and in Slack', async () => {
    const res = await bot.post(
      AM,
      amPayload({ alertname: 'SsbtekInkomsterNere', service: 'bostadsbidrag', instance: 'pn' }, [
        {
          ...down('pn:1', rfc3339('2026-11-24 14:10'), { service: 'bostadsbidrag' }),
          annotations: { summary: 'fel för 19121212-1212', description: 'ärende 19121212-1212' },
          fingerprint: 'pn',
        },
      ]),
    );
    const ref = res.body.groups[0].incident as string;
    const incident = await bot.db.prisma.incident.findUniqueOrThrow({ where: { id: Number(ref.slice(4)) } });
    expect(incident.title).toBe('SsbtekInkomsterNere: fel för [personnummer]');
    expect(incident.description).toBe('ärende [personnummer]');
    await bot.slack.idle();
    expect(JSON.stringify(bot.fake.calls)).not.toContain('19121212');
  });

  it('counts alerts received, matched, grouped and rejected on /metrics', async () => {
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    expect(text).toMatch(/ssbtek_alerts_received_total\{source="alertmanager"\} \d+/);
    expect(text).toMatch(/ssbtek_alerts_matched_total \d+/);
    expect(text).toMatch(/ssbtek_alerts_grouped_total\{outcome="opened"\} [1-9]/);
    expect(text).toMatch(/ssbtek_alerts_rejected_total\{reason="unmatched"\} 1/);
  });
});

describe.each(databases.slice(0, 1))('the webhooks refuse what they must ($name)', (target) => {
  let bot: AlertBot;
  beforeAll(async () => {
    bot = await startAlertBot(await target.open());
  });
  afterAll(() => bot.close());
  const ok = () => amPayload(group, [down('app1:8080', rfc3339('2026-11-24 09:40'))]);

  it('unsigned: 401 with WWW-Authenticate, nothing stored', async () => {
    const res = await bot.post(AM, ok(), {});
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(res.body).toEqual({ error: 'unauthorized' });
    expect(await bot.db.prisma.incident.count()).toBe(0);
  });

  it('a wrong token, a token of another length, or a Basic header: 401', async () => {
    for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, 'Bearer short', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, TOKEN]) {
      expect((await bot.post(AM, ok(), { authorization })).status, authorization).toBe(401);
    }
  });

  it('HMAC: a correct signature of the exact body is accepted on the generic format; a wrong one is 401', async () => {
    const body = JSON.stringify({
      alerts: [{ key: 'grafana-1', labels: { alertname: 'Långsamt', severity: 'warning', job: 'ssbtek', instance: 'lb1' }, startsAt: '2026-11-24T08:55:00Z' }],
    });
    const good = await bot.post(GENERIC, body, { 'x-ssbtek-signature': signBody(HMAC_SECRET, body) });
    expect(good.status).toBe(200);
    expect(good.body.groups).toEqual([{ outcome: 'opened', incident: 'INC-1', alerts: 1 }]);
    const incident = await bot.db.prisma.incident.findUniqueOrThrow({ where: { id: 1 } });
    expect(incident).toMatchObject({ agencyId: 'forsakringskassan', impact: 3, timing: 3, title: 'Långsamma svar (lb1)', reporter: 'monitoring:grafana' });
    expect(incident.receivedAt.toISOString()).toBe('2026-11-24T08:55:00.000Z');
    expect((await bot.post(GENERIC, body, { 'x-ssbtek-signature': signBody('another-secret-0123456789', body) })).status).toBe(401);
    expect((await bot.post(GENERIC, `${body} `, { 'x-ssbtek-signature': signBody(HMAC_SECRET, body) })).status).toBe(401);
  });

  it('malformed: not JSON, a missing startsAt, another payload version, a bad status — 400 naming the field', async () => {
    expect((await bot.post(AM, '{"version": "4",')).body).toEqual({ error: 'body is not JSON' });
    const noStart = ok() as any;
    delete noStart.alerts[0].startsAt;
    const missing = await bot.post(AM, noStart);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: 'invalid payload', field: 'alerts.0.startsAt' });
    const v3 = await bot.post(AM, { ...ok(), version: '3' });
    expect(v3.body).toMatchObject({ field: 'version' });
    const badStatus = ok() as any;
    badStatus.alerts[0].status = 'pending';
    expect((await bot.post(AM, badStatus)).body).toMatchObject({ field: 'alerts.0.status' });
    const badTime = ok() as any;
    badTime.alerts[0].startsAt = 'igår 19121212-1212';
    const bad = await bot.post(AM, badTime);
    expect(bad.body).toMatchObject({ field: 'alerts.0.startsAt' });
    expect(JSON.stringify(bad.body)).not.toContain('19121212');
    expect((await bot.post(GENERIC, { alerts: [{ labels: {} }] })).body).toMatchObject({ field: 'alerts.0.labels' });
    expect(await bot.db.prisma.incident.count()).toBe(1);
  });

  it('a body over the limit is 413', async () => {
    const huge = ok() as any;
    huge.alerts[0].annotations.description = 'x'.repeat(1024 * 1024 + 10);
    expect((await bot.post(AM, huge)).status).toBe(413);
  });

  it('the rejections are counted by reason', async () => {
    const text = await (await fetch(`${bot.url}/metrics`)).text();
    expect(text).toMatch(/ssbtek_alerts_rejected_total\{reason="unauthorized"\} [1-9]/);
    expect(text).toMatch(/ssbtek_alerts_rejected_total\{reason="invalid"\} [1-9]/);
  });

  it('generic format: alerts sharing a key are one incident, an alert without a key is grouped by its labels, a resolved post clears', async () => {
    const post = (alerts: unknown[]) => {
      const body = JSON.stringify({ alerts });
      return bot.post(GENERIC, body, { 'x-ssbtek-signature': signBody(HMAC_SECRET, body) });
    };
    const lbl = (instance: string, alertname = 'BatchLate') => ({ alertname, severity: 'warning', job: 'ssbtek', instance });
    const first = await post([
      { key: 'batch', labels: lbl('a'), startsAt: '2026-11-24T09:00:00Z' },
      { key: 'batch', labels: lbl('b'), startsAt: '2026-11-24T09:01:00Z' },
      { labels: lbl('c', 'Other'), startsAt: '2026-11-24T09:02:00Z' },
    ]);
    expect(first.body.groups.map((g: any) => [g.outcome, g.alerts])).toEqual([
      ['opened', 2],
      ['opened', 1],
    ]);
    const again = await post([{ labels: lbl('c', 'Other'), startsAt: '2026-11-24T09:02:00Z' }]);
    expect(again.body.groups).toEqual([{ outcome: 'unchanged', incident: first.body.groups[1].incident, alerts: 1 }]);
    const cleared = await post([{ key: 'batch', status: 'resolved', labels: lbl('a'), startsAt: '2026-11-24T09:00:00Z' }]);
    expect(cleared.body.groups).toEqual([{ outcome: 'cleared', incident: first.body.groups[0].incident, alerts: 1 }]);
    const id = Number(String(first.body.groups[0].incident).slice(4));
    expect((await bot.db.prisma.incident.findUniqueOrThrow({ where: { id } })).status).toBe('open');
  });
});

describe('per-sender rate limit', () => {
  let bot: AlertBot;
  // The limiter's clock stands still unless the test moves it.
  let limiterClock = 0;
  beforeAll(async () => {
    bot = await startAlertBot(
      await databases[0]!.open(),
      { ...TEST_ALERTS, rateLimit: { perSecond: 1, burst: 3 } },
      undefined,
      {},
      { clock: () => limiterClock },
    );
  });
  afterAll(() => bot.close());

  it('beyond the burst a sender gets 429 with Retry-After; another sender is not affected', async () => {
    const payload = amPayload(group, [down('a', rfc3339('2026-11-24 09:40'))]);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await bot.post(AM, payload);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const body = JSON.stringify({ alerts: [{ labels: { alertname: 'x' } }] });
    expect((await bot.post(GENERIC, body, { 'x-ssbtek-signature': signBody(HMAC_SECRET, body) })).status).toBe(200);
    // After Retry-After the sender is served again.
    limiterClock += Number(retryAfter) * 1000;
    expect((await bot.post(AM, payload)).status).toBe(200);
  });
});

describe('a fault that goes on after a person resolved its incident', () => {
  let bot: AlertBot;
  beforeAll(async () => {
    bot = await startAlertBot(await databases[0]!.open());
  });
  afterAll(() => bot.close());

  it('an alert of it that still fires is the same fault (no second incident); after it cleared and the quiet period passed, a new firing is a new incident', async () => {
    const a = down('a:1', rfc3339('2026-11-24 09:00'));
    const b = down('b:1', rfc3339('2026-11-24 09:30'));
    expect((await bot.post(AM, amPayload(group, [a, b]))).body.groups[0].outcome).toBe('opened');
    await bot.app.incidents.resolve(1, 'Åtgärdat och återrapporterat', { id: 'U0OPS', source: 'slack' }, at('2026-11-24 10:00'));
    // Alertmanager stops listing the alert that resolved; the other one still fires.
    bot.clock.t = at('2026-11-24 10:20');
    const still = await bot.post(AM, amPayload(group, [b]));
    expect(still.body.groups).toEqual([{ outcome: 'unchanged', incident: 'INC-1', alerts: 1 }]);
    bot.clock.t = at('2026-11-24 10:30');
    expect((await bot.post(AM, amPayload(group, [{ ...b, status: 'resolved' }]))).body.groups).toEqual([{ outcome: 'cleared', incident: 'INC-1', alerts: 1 }]);
    bot.clock.t = at('2026-11-24 11:10');
    const next = await bot.post(AM, amPayload(group, [down('c:1', rfc3339('2026-11-24 11:09'))]));
    expect(next.body.groups).toEqual([{ outcome: 'opened', incident: 'INC-2', alerts: 1 }]);
    expect(await bot.db.prisma.incident.count()).toBe(2);
  });
});
