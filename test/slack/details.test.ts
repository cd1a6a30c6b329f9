// The Slack platform's edges, on PGlite: field errors in the modal, the inline form,
// private answers, forged and stale requests, retried deliveries, who may resolve
// (SLACK_MANAGERS by user and by user group), languages from the Slack locale, and
// faults that must never reach the chat as a stack trace.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTarget } from '../support/databases.js';
import { buttonsOf, openedView, slackSignature, startBot, textOf, type Bot } from '../support/fake-slack.js';

const INCIDENT_ERRORS = {
  impact: 'Påverkan måste vara 1, 2, 3 eller 4 (inte "").',
  title: 'Rubriken saknas. Beskriv felet kort, t.ex. "Skatteverket svarar inte".',
  org: 'Okänd myndighet "okand". Välj en av: forsakringskassan, skatteverket, csn, arbetsformedlingen, pensionsmyndigheten, transportstyrelsen, a-kassorna.',
};

describe('Slack: details (PGlite, no incident channel, managers U0BOSS and group S0LEADS)', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(
      await pgliteTarget.open(),
      { managers: ['U0BOSS', 'S0LEADS'] },
      { groups: { S0LEADS: ['U0LEAD'] }, locales: { U0ENGLISH: 'en-US', U0GERMAN: 'de-DE' } },
    );
  });
  afterAll(() => bot.close());
  afterEach(() => {
    expect(bot.fake.violations).toEqual([]);
  });

  const incidentCount = () => bot.db.prisma.incident.count();

  async function openModal(user = 'U0REPORTER', channel = 'C0GENERAL') {
    const from = bot.fake.calls.length;
    await bot.requester.command('incident', { user, channel });
    return openedView(await bot.fake.waitFor('views.open', () => true, { from }));
  }

  /** Opens an incident through the inline form; returns its ref and card message. */
  async function inline(title: string, user = 'U0REPORTER', channel = 'C0GENERAL') {
    const from = bot.fake.calls.length;
    const res = await bot.requester.command(`incident påverkan=2 tidpunkt=3 titel="${title}" myndighet=csn`, { user, channel });
    expect(res.status).toBe(200);
    const post = await bot.fake.waitFor('chat.postMessage', (b) => !b.thread_ts && String(b.text).includes(title), { from });
    const ref = /INC-\d+/.exec(post.body.text)![0];
    return {
      ref,
      id: Number(ref.slice(4)),
      card: { channel: post.body.channel as string, ts: post.response.ts as string, blocks: post.body.blocks as any[] },
      responseId: res.responseId,
    };
  }

  it('invalid fields come back as errors in the modal itself (impact missing, title empty, unknown agency) and nothing is stored', async () => {
    const view = await openModal();
    const before = bot.fake.calls.length;
    const res = await bot.requester.interaction(bot.requester.viewSubmission(view, { impact: null, title: '   ', org: 'okand' }));
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: INCIDENT_ERRORS });
    await bot.slack.idle();
    expect(await incidentCount()).toBe(0);
    expect(bot.fake.calls.slice(before).map((c) => c.method)).toEqual([]);
  });

  it('each field error alone, in the modal', async () => {
    const view = await openModal();
    for (const [values, errors] of [
      [{ impact: null, title: 'Avbrott' }, { impact: INCIDENT_ERRORS.impact }],
      [{ impact: '1', title: '' }, { title: INCIDENT_ERRORS.title }],
      [{ impact: '1', title: 'Avbrott', org: 'okand' }, { org: INCIDENT_ERRORS.org }],
    ] as const) {
      const res = await bot.requester.interaction(bot.requester.viewSubmission(view, values));
      expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors });
    }
    expect(await incidentCount()).toBe(0);
  });

  it('the inline form skips the modal; without SLACK_INCIDENT_CHANNEL the card goes to the channel the command came from', async () => {
    const before = bot.fake.callsOf('views.open').length;
    const { ref, card, responseId } = await inline('Två bastjänster borta', 'U0REPORTER', 'C0OPS');
    expect(card.channel).toBe('C0OPS');
    expect(textOf(card.blocks)).toContain(`🟡 *${ref} · MEDEL · Öppen*`);
    expect(buttonsOf(card.blocks)).toEqual(['Kvittera', 'Åtgärdad', 'Ändra prioritet']);
    const reply = await bot.fake.waitForResponse(responseId);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(textOf(reply.body.blocks)).toContain(`🟡 ${ref} är registrerad som *Medel* och postad i <#C0OPS>.`);
    expect(bot.fake.callsOf('views.open').length).toBe(before);
  });

  it('command text arrives as Slack encodes it (&amp;, <links>) and is stored as typed', async () => {
    const res = await bot.requester.command('incident påverkan=4 titel="Svar &amp; fel från &lt;CSN&gt; <https://status.example.se|status>"');
    await bot.fake.waitForResponse(res.responseId);
    const stored = await bot.db.prisma.incident.findFirstOrThrow({ where: { title: { startsWith: 'Svar & fel' } } });
    expect(stored.title).toBe('Svar & fel från <CSN> status');
    const card = await bot.fake.waitFor('chat.postMessage', (b) => String(b.text).includes('Svar & fel'));
    expect(textOf(card.body.blocks)).toContain('*Svar &amp; fel från &lt;CSN&gt; status*');
  });

  it('/ssbtek help, list and status answer privately through the response_url', async () => {
    const { ref } = await inline('Långsamma svar');
    const help = await bot.requester.command('help');
    const helpReply = await bot.fake.waitForResponse(help.responseId);
    expect(helpReply.body.response_type).toBe('ephemeral');
    expect(textOf(helpReply.body.blocks)).toContain('SSBTEK-boten – kommandon');

    const list = await bot.requester.command('list');
    const listReply = await bot.fake.waitForResponse(list.responseId);
    expect(listReply.body.response_type).toBe('ephemeral');
    expect(textOf(listReply.body.blocks)).toMatch(/Öppna incidenter \(\d+\), närmaste tidsgräns först:/);
    expect(textOf(listReply.body.blocks)).toContain('Långsamma svar');

    const status = await bot.requester.command(`status ${ref}`);
    const statusReply = await bot.fake.waitForResponse(status.responseId);
    expect(statusReply.body.response_type).toBe('ephemeral');
    expect(textOf(statusReply.body.blocks)).toContain(`${ref} · MEDEL · Öppen`);
    expect(textOf(statusReply.body.blocks)).toContain('Responstid: senast');

    const overview = await bot.requester.command('status');
    expect(textOf((await bot.fake.waitForResponse(overview.responseId)).body.blocks)).toMatch(/Öppna incidenter: \d+, varav med bruten tidsgräns: 0/);

    const unknown = await bot.requester.command('radera allt');
    expect(textOf((await bot.fake.waitForResponse(unknown.responseId)).body.blocks)).toContain('Okänt kommando "radera"');
  });

  it('/ssbtek ack changes the incident: the thread tells it, the asker gets a short private word', async () => {
    const { ref, card } = await inline('Timeout hos CSN');
    const from = bot.fake.calls.length;
    const res = await bot.requester.command(`ack ${ref}`, { user: 'U0RESPONDER' });
    const line = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts, { from });
    expect(line.body.text).toBe('Kvitterad av <@U0RESPONDER>: arbetet har påbörjats.');
    await bot.fake.waitFor('chat.update', (b) => b.ts === card.ts, { from });
    const reply = await bot.fake.waitForResponse(res.responseId);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toBe(`${ref} är kvitterad: arbetet har påbörjats. Se tråden i <#C0GENERAL>.`);
  });

  it('a wrong signature is refused with 401: nothing changes and no Web API call is made', async () => {
    await bot.slack.idle();
    const calls = bot.fake.calls.length;
    const incidents = await incidentCount();
    const fields = bot.requester.commandFields('incident påverkan=1 titel="Förfalskad"');
    const body = new URLSearchParams(fields).toString();
    const forged = await fetch(bot.requester.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
        'x-slack-signature': slackSignature('not-the-secret', Math.floor(Date.now() / 1000), body),
      },
      body,
    });
    expect(forged.status).toBe(401);
    const noSignature = await fetch(bot.requester.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(noSignature.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(await incidentCount()).toBe(incidents);
    expect(bot.fake.calls.length).toBe(calls);
    expect(bot.fake.responses.filter((r) => r.id === decodeURIComponent((fields.response_url ?? '').split('/response/')[1] ?? ''))).toEqual([]);
  });

  it('a request older than five minutes is refused with 401 even when correctly signed', async () => {
    await bot.slack.idle();
    const calls = bot.fake.calls.length;
    const incidents = await incidentCount();
    const old = await bot.requester.command('incident påverkan=1 titel="Gammal"', { timestamp: Math.floor(Date.now() / 1000) - 5 * 60 - 10 });
    expect(old.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(await incidentCount()).toBe(incidents);
    expect(bot.fake.calls.length).toBe(calls);
  });

  it('a retried view submission (same view id, x-slack-retry-num: 1) creates one incident, one card and one confirmation', async () => {
    const view = await openModal('U0REPORTER', 'C0RETRY');
    const incidents = await incidentCount();
    const submission = bot.requester.viewSubmission(view, { impact: '3', title: 'Dubbelt levererad' });
    const first = await bot.requester.interaction(submission);
    const retry = await bot.requester.interaction(submission, { retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await bot.fake.waitFor('chat.postEphemeral', (b) => b.channel === 'C0RETRY');
    await new Promise((r) => setTimeout(r, 200));
    await bot.slack.idle();
    expect(await incidentCount()).toBe(incidents + 1);
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0RETRY')).toHaveLength(1);
    expect(bot.fake.callsOf('chat.postEphemeral').filter((c) => c.body.channel === 'C0RETRY')).toHaveLength(1);

    // Even when both deliveries arrive at once.
    const view2 = await openModal('U0REPORTER', 'C0RACE');
    const again = bot.requester.viewSubmission(view2, { impact: '3', title: 'Samtidigt levererad' });
    await Promise.all([bot.requester.interaction(again), bot.requester.interaction(again, { retryNum: 1 })]);
    await bot.fake.waitFor('chat.postEphemeral', (b) => b.channel === 'C0RACE');
    await new Promise((r) => setTimeout(r, 200));
    await bot.slack.idle();
    expect(await bot.db.prisma.incident.count({ where: { title: 'Samtidigt levererad' } })).toBe(1);
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0RACE')).toHaveLength(1);
  });

  it('SLACK_MANAGERS: a non-manager may not resolve (translated refusal, nothing changes); a member of a manager group may', async () => {
    const { ref, id, card } = await inline('Behörighetstest');
    const refuse = await bot.requester.command(`resolve ${ref} Fixat`, { user: 'U0WORKER' });
    const refusal = await bot.fake.waitForResponse(refuse.responseId);
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(textOf(refusal.body.blocks)).toBe('Du har inte behörighet att åtgärda. Be en incidentansvarig.');
    expect((await bot.db.prisma.incident.findUniqueOrThrow({ where: { id } })).status).toBe('open');

    // The Åtgärdad button refuses too, before any modal.
    const opens = bot.fake.callsOf('views.open').length;
    const from = bot.fake.calls.length;
    await bot.requester.interaction(bot.requester.buttonClick(card, 'ssbtek_resolve', 'U0WORKER'));
    const eph = await bot.fake.waitFor('chat.postEphemeral', (b) => b.user === 'U0WORKER', { from });
    expect(eph.body.text).toBe('Du har inte behörighet att åtgärda. Be en incidentansvarig.');
    expect(bot.fake.callsOf('views.open').length).toBe(opens);
    // Acknowledging is for everyone.
    await bot.requester.interaction(bot.requester.buttonClick(card, 'ssbtek_ack', 'U0WORKER'));
    await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts && String(b.text).includes('U0WORKER'), { from });

    const allow = await bot.requester.command(`resolve ${ref} Återrapporterat till SPOC`, { user: 'U0LEAD' });
    const ok = await bot.fake.waitForResponse(allow.responseId);
    expect(ok.body.text).toBe(`${ref} är åtgärdad och återrapporterad. Se tråden i <#C0GENERAL>.`);
    expect(await bot.db.prisma.incident.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'resolved', resolvedBy: 'U0LEAD' });
    expect(bot.fake.callsOf('usergroups.users.list').map((c) => c.body.usergroup)).toContain('S0LEADS');
    expect((await bot.db.prisma.auditEntry.findFirstOrThrow({ where: { action: 'resolved', entityId: ref } })).actor).toBe('U0LEAD');

    // A listed user may close.
    const close = await bot.requester.command(`close ${ref}`, { user: 'U0BOSS' });
    expect((await bot.fake.waitForResponse(close.responseId)).body.text).toContain(`${ref} är stängd.`);
  });

  it('Ändra prioritet: a modal with Påverkan, Tidpunkt and reason; the same priority is a field error; a new one is recomputed and told in the thread', async () => {
    const { ref, id, card } = await inline('Prioritetstest');
    const from = bot.fake.calls.length;
    await bot.requester.interaction(bot.requester.buttonClick(card, 'ssbtek_priority', 'U0BOSS'));
    const open = await bot.fake.waitFor('views.open', () => true, { from });
    const view = openedView(open);
    expect(view.callback_id).toBe('ssbtek_priority');
    expect(view.title.text).toBe('Ändra prioritet');
    expect(view.blocks.filter((b: any) => b.type === 'input').map((b: any) => b.block_id)).toEqual(['impact', 'timing', 'reason']);
    expect(view.blocks[1].element.initial_option.value).toBe('2');
    expect(view.blocks[2].element.initial_option.value).toBe('3');

    const same = await bot.requester.interaction(bot.requester.viewSubmission(view, { reason: 'Ingen ändring' }, 'U0BOSS'));
    expect(JSON.parse(same.body)).toEqual({ response_action: 'errors', errors: { impact: `${ref} har redan den påverkan och tidpunkten. Inget ändrades.` } });
    const noReason = await bot.requester.interaction(bot.requester.viewSubmission(view, { impact: '1', timing: '1', reason: '' }, 'U0BOSS'));
    expect(JSON.parse(noReason.body)).toEqual({ response_action: 'errors', errors: { reason: 'Skriv varför prioriteten ändras.' } });

    const res = await bot.requester.interaction(bot.requester.viewSubmission(view, { impact: '1', timing: '1', reason: 'Alla kommuner drabbade' }, 'U0BOSS'));
    expect(res.body).toBe('');
    const line = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts, { from });
    expect(line.body.text).toBe(
      '🔴 Ny prioritet Kritisk (Påverkan 1, Tidpunkt 1) satt av <@U0BOSS>. Orsak: Alla kommuner drabbade. Tidsgränserna är omräknade från mottagandet.',
    );
    const update = await bot.fake.waitFor('chat.update', (b) => b.ts === card.ts, { from });
    expect(textOf(update.body.blocks)).toContain(`🔴 *${ref} · KRITISK · Öppen*`);
    expect(await bot.db.prisma.incident.findUniqueOrThrow({ where: { id } })).toMatchObject({ priority: 'critical', impact: 1, timing: 1 });

    // A non-manager gets no modal.
    const opens = bot.fake.callsOf('views.open').length;
    await bot.requester.interaction(bot.requester.buttonClick(card, 'ssbtek_priority', 'U0WORKER'));
    const eph = await bot.fake.waitFor('chat.postEphemeral', (b) => b.user === 'U0WORKER' && String(b.text).includes('ändra prioritet'), { from });
    expect(eph.body.text).toBe('Du har inte behörighet att ändra prioritet. Be en incidentansvarig.');
    expect(bot.fake.callsOf('views.open').length).toBe(opens);
  });

  it('speaks English to a user whose Slack locale is en-US (the channel card stays in SSBTEK_LANG)', async () => {
    const help = await bot.requester.command('help', { user: 'U0ENGLISH' });
    expect(textOf((await bot.fake.waitForResponse(help.responseId)).body.blocks)).toContain('SSBTEK bot – commands');

    const view = await openModal('U0ENGLISH', 'C0EN');
    expect(view.title.text).toBe('New SSBTEK incident');
    expect(view.submit.text).toBe('Register');
    expect(view.blocks[0].label.text).toBe('Impact');
    expect(view.blocks[0].element.options[0].text.text).toBe('1 – Total outage of the flow, no call can be answered');
    const bad = await bot.requester.interaction(bot.requester.viewSubmission(view, { impact: '1', title: ' ' }, 'U0ENGLISH'));
    expect(JSON.parse(bad.body).errors.title).toMatch(/^The title is missing/);

    await bot.requester.interaction(bot.requester.viewSubmission(view, { impact: '1', title: 'No answers' }, 'U0ENGLISH'));
    const eph = await bot.fake.waitFor('chat.postEphemeral', (b) => b.user === 'U0ENGLISH');
    expect(textOf(eph.body.blocks)).toMatch(/🔴 INC-\d+ is registered as \*Critical\* and posted in <#C0EN>\./);
    expect(textOf(eph.body.blocks)).toContain('Response: by Tue 24 Nov 2026 10:30 (30 min) – 30 min left on the support clock');
    const card = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0EN');
    expect(textOf(card.body.blocks)).toContain('KRITISK');

    // An unsupported locale falls back to SSBTEK_LANG.
    const german = await bot.requester.command('help', { user: 'U0GERMAN' });
    expect(textOf((await bot.fake.waitForResponse(german.responseId)).body.blocks)).toContain('SSBTEK-boten – kommandon');
    expect(bot.fake.callsOf('users.info').filter((c) => c.body.user === 'U0ENGLISH')).toHaveLength(1);
  });

  it('a fault never shows a stack trace: the user gets the translated internal-error text and the fault is logged', async () => {
    bot.fake.fail('views.open', 'internal_error');
    const res = await bot.requester.command('incident', { user: 'U0REPORTER' });
    expect(res.status).toBe(200);
    const reply = await bot.fake.waitForResponse(res.responseId);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.text).toBe('Något gick fel hos boten, och inget ändrades. Försök igen om en stund; felet är loggat.');
    expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.(js|ts):\d+/);
    expect(bot.logs.some((l) => l.level === 'error' && l.msg.includes('Slack: fault while handling command'))).toBe(true);
  });

  it('a Web API failure while telling the channel is logged and does not fail the change', async () => {
    bot.fake.fail('chat.postMessage', 'channel_not_found');
    const res = await bot.requester.command('incident påverkan=4 titel="Kanal saknas"', { user: 'U0REPORTER', channel: 'C0GONE' });
    const reply = await bot.fake.waitForResponse(res.responseId);
    expect(textOf(reply.body.blocks)).toContain('är registrerad som *Låg*');
    await bot.slack.idle();
    expect(await bot.db.prisma.incident.count({ where: { title: 'Kanal saknas' } })).toBe(1);
    expect(bot.logs.some((l) => l.level === 'error' && l.msg.includes('channel_not_found'))).toBe(true);
  });

  it("/slack/events is a POST route on the bot's own HTTP server (Bolt opens no server of its own)", async () => {
    const res = await fetch(bot.requester.url, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toMatch(/POST/);
    // Health lives on the bot's server (src/http), not inside Bolt: no /healthz here.
    expect((await fetch(bot.requester.url.replace('/slack/events', '/healthz'))).status).toBe(404);
  });
});
