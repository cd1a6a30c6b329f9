// The Slack platform end to end: signed requests to the real Bolt app over HTTP, the Web
// API pointed at a fake Slack that records every call, a real database. The whole flow
// runs on PGlite and on PostgreSQL.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databases } from '../support/databases.js';
import { buttonsOf, openedView, startBot, textOf, type Bot } from '../support/fake-slack.js';
import { at } from '../support/time.js';

describe.each(databases)('Slack: the whole incident flow on $name', (target) => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(await target.open(), { incidentChannel: 'C0INCIDENTS' });
  });
  afterAll(() => bot.close());
  afterEach(() => {
    expect(bot.fake.violations).toEqual([]);
    expect(bot.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  let card: { channel: string; ts: string; blocks: any[] };

  it('starts by verifying the token (auth.test) with the bot token as Bearer', () => {
    const auth = bot.fake.callsOf('auth.test');
    expect(auth).toHaveLength(1);
    expect(auth[0]?.auth).toBe('Bearer xoxb-test-token');
  });

  it('/ssbtek incident opens the modal with Påverkan, Tidpunkt (suggested, with why), title, agency, services, description, security', async () => {
    const res = await bot.requester.command('incident', { user: 'U0REPORTER', channel: 'C0GENERAL', triggerId: '1001.42.abcdef' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(res.ms).toBeLessThan(3000);
    const open = await bot.fake.waitFor('views.open');
    expect(open.body.trigger_id).toBe('1001.42.abcdef');
    const view = open.body.view;
    expect(view.callback_id).toBe('ssbtek_incident');
    expect(view.title.text).toBe('Ny SSBTEK-incident');
    expect(view.blocks.map((b: any) => b.block_id)).toEqual(['impact', 'timing', 'title', 'org', 'services', 'description', 'security']);
    const impact = view.blocks[0].element;
    expect(impact.type).toBe('static_select');
    expect(impact.options.map((o: any) => o.value)).toEqual(['1', '2', '3', '4']);
    expect(impact.options[0].text.text).toBe('1 – Totalt avbrott i flödet, inga anrop kan besvaras');
    const timing = view.blocks[1];
    expect(timing.element.initial_option.value).toBe('1');
    expect(timing.hint.text).toBe('Förslag: 1 – den 24:e är i den kritiska perioden (från den 20:e till månadens slut)');
    expect(view.blocks[3].element.options.map((o: any) => o.value)).toContain('skatteverket');
    expect(view.blocks[6].element.type).toBe('checkboxes');
    expect(JSON.parse(view.private_metadata)).toMatchObject({ c: 'C0GENERAL', l: 'sv' });
    // The user's language came from Slack.
    expect(bot.fake.callsOf('users.info')[0]?.body).toMatchObject({ user: 'U0REPORTER', include_locale: 'true' });
  });

  it('submitting the modal opens the incident, posts the card to the incident channel and confirms privately to the reporter', async () => {
    const view = openedView(bot.fake.callsOf('views.open')[0]!);
    const submission = bot.requester.viewSubmission(
      view,
      {
        impact: '1',
        title: 'Inga svar från SSBTEK',
        org: 'skatteverket',
        services: 'Inkomster, Bostadsbidrag',
        description: 'Alla anrop ger timeout <!channel>',
        security: 'ja',
      },
      'U0REPORTER',
    );
    const res = await bot.requester.interaction(submission);
    expect(res.status).toBe(200);
    expect(res.body).toBe('');

    const post = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS' && !b.thread_ts);
    const text = textOf(post.body.blocks);
    expect(post.body.text).toContain('🔴 INC-1 · Kritisk · Öppen · Inga svar från SSBTEK');
    expect(text).toContain('🔴 *INC-1 · KRITISK · Öppen* · *SÄKERHETSINCIDENT*');
    expect(text).toContain('Skatteverket');
    expect(text).toContain('<@U0REPORTER>');
    expect(text).toContain('Responstid: senast tis 24 nov. 2026 10:30 (30 min) – 30 min kvar på supportklockan');
    expect(text).toContain('Åtgärdstid: senast ons 25 nov. 2026 09:00 (8 timmar) – 8 h kvar på supportklockan');
    expect(text).toContain('Inkomster, Bostadsbidrag');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('<!channel>');
    expect(buttonsOf(post.body.blocks)).toEqual(['Kvittera', 'Åtgärdad', 'Ändra prioritet']);

    const eph = await bot.fake.waitFor('chat.postEphemeral', (b) => b.user === 'U0REPORTER');
    expect(eph.body.channel).toBe('C0GENERAL');
    expect(textOf(eph.body.blocks)).toContain('🔴 INC-1 är registrerad som *Kritisk* och postad i <#C0INCIDENTS>.');
    expect(textOf(eph.body.blocks)).toContain('Responstid: senast tis 24 nov. 2026 10:30');

    const incident = await bot.db.prisma.incident.findFirstOrThrow();
    expect(incident).toMatchObject({
      priority: 'critical',
      reporter: 'U0REPORTER',
      source: 'slack',
      agencyId: 'skatteverket',
      security: true,
      baseServices: ['Inkomster', 'Bostadsbidrag'],
    });
    expect(incident.idempotencyKey).toBe(`slack:view:${view.id}`);
    await bot.slack.idle();
    const ref = await bot.db.prisma.chatReference.findFirstOrThrow();
    expect(ref).toMatchObject({
      incidentId: incident.id,
      platform: 'slack',
      channelId: 'C0INCIDENTS',
      messageId: post.response.ts,
      threadId: post.response.ts,
    });
    card = { channel: 'C0INCIDENTS', ts: ref.messageId, blocks: post.body.blocks };
    const audit = await bot.db.prisma.auditEntry.findFirstOrThrow({ where: { action: 'opened' } });
    expect(audit.actor).toBe('U0REPORTER');
  });

  it('Kvittera updates the card and adds "Kvitterad av <@U…>" to its thread', async () => {
    bot.clock.t = at('2026-11-24 10:12');
    const from = bot.fake.calls.length;
    const res = await bot.requester.interaction(bot.requester.buttonClick(card, 'ssbtek_ack', 'U0RESPONDER'));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const update = await bot.fake.waitFor('chat.update', (b) => b.ts === card.ts, { from });
    expect(update.body.channel).toBe('C0INCIDENTS');
    expect(textOf(update.body.blocks)).toContain('INC-1 · KRITISK · Påbörjad');
    expect(textOf(update.body.blocks)).toContain('Responstid: senast tis 24 nov. 2026 10:30 (30 min) – uppfylld tis 24 nov. 2026 10:12');
    expect(textOf(update.body.blocks)).toContain('<@U0RESPONDER>');
    expect(buttonsOf(update.body.blocks)).toEqual(['Åtgärdad', 'Ändra prioritet']);
    const line = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts, { from });
    expect(line.body.text).toBe('Kvitterad av <@U0RESPONDER>: arbetet har påbörjats.');
    expect(line.body.channel).toBe('C0INCIDENTS');
    const incident = await bot.db.prisma.incident.findFirstOrThrow();
    expect(incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'U0RESPONDER' });
    expect((await bot.db.prisma.auditEntry.findFirstOrThrow({ where: { action: 'acknowledged' } })).actor).toBe('U0RESPONDER');
    card = { ...card, blocks: update.body.blocks };
  });

  it('Åtgärdad opens a modal for the report-back note; an empty note is a field error; a note resolves', async () => {
    bot.clock.t = at('2026-11-24 14:00');
    const from = bot.fake.calls.length;
    await bot.requester.interaction(bot.requester.buttonClick(card, 'ssbtek_resolve', 'U0RESPONDER'));
    const open = await bot.fake.waitFor('views.open', () => true, { from });
    const view = open.body.view;
    expect(view.callback_id).toBe('ssbtek_resolve');
    expect(view.title.text).toBe('Återrapportering');
    expect(textOf(view.blocks)).toContain('*INC-1* Inga svar från SSBTEK');

    const empty = await bot.requester.interaction(bot.requester.viewSubmission({ ...view, id: 'VNOTE1' }, { note: '   ' }, 'U0RESPONDER'));
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.body)).toEqual({ response_action: 'errors', errors: { note: 'Skriv hur incidenten återrapporterades till anmälaren.' } });
    expect((await bot.db.prisma.incident.findFirstOrThrow()).status).toBe('acknowledged');

    const res = await bot.requester.interaction(
      bot.requester.viewSubmission({ ...view, id: 'VNOTE1' }, { note: 'Återrapporterat per telefon till SPOC' }, 'U0RESPONDER'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    const update = await bot.fake.waitFor('chat.update', (b) => textOf(b.blocks).includes('Åtgärdad'), { from });
    expect(textOf(update.body.blocks)).toContain('INC-1 · KRITISK · Åtgärdad');
    expect(textOf(update.body.blocks)).toContain('*Återrapportering:* Återrapporterat per telefon till SPOC');
    expect(buttonsOf(update.body.blocks)).toEqual(['Ändra prioritet']);
    const line = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts && String(b.text).startsWith('Åtgärdad'), { from });
    expect(line.body.text).toBe('Åtgärdad av <@U0RESPONDER>. Återrapportering: Återrapporterat per telefon till SPOC');
    const incident = await bot.db.prisma.incident.findFirstOrThrow();
    expect(incident).toMatchObject({ status: 'resolved', resolvedBy: 'U0RESPONDER', resolutionNote: 'Återrapporterat per telefon till SPOC' });
  });

  it('a change from another platform (the terminal) updates the same card and thread', async () => {
    const from = bot.fake.calls.length;
    const reply = await bot.app.conversation.handle('reopen INC-1 Felet kom tillbaka', { actor: { id: 'anna', source: 'console' }, lang: 'sv' });
    expect(reply.kind).toBe('card');
    const line = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts, { from });
    expect(line.body.text).toBe('Återöppnad av anna via terminalen. Orsak: Felet kom tillbaka');
    const update = await bot.fake.waitFor('chat.update', () => true, { from });
    expect(textOf(update.body.blocks)).toContain('INC-1 · KRITISK · Påbörjad');
  });
});
