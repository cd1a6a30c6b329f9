// Teams end to end: signed activities over HTTP into the real Teams SDK mounted on the
// bot's own HTTP server, the fake Bot Framework connector recording every call, a real
// database and the clock the test moves. Every card the bot sends, and every card it
// answers a button with, is checked against Adaptive Cards 1.5 at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TITLE_MAX } from '../../src/services/incidents.js';
import { pgliteTarget } from '../support/databases.js';
import type { ConnectorCall } from '../support/fake-teams.js';
import { teamsRoutineTransport } from '../../src/app/routine-chat.js';
import { TEST_APP_ID } from '../support/teams-keys.js';
import { at } from '../support/time.js';
import {
  adaptiveCardProblems,
  buttonsOf,
  cardsOf,
  cardText,
  CHANNEL,
  CHAT,
  ESCALATION_CHANNEL,
  INCIDENT_CHANNEL,
  inputOf,
  PEOPLE,
  startTeamsBot,
  type TeamsBot,
} from './bot-harness.js';

const VERB = { submit: 'ssbtek.submit', ack: 'ssbtek.ack', resolve: 'ssbtek.resolve', priority: 'ssbtek.priority', snooze: 'ssbtek.snooze' };
const console_ = { id: 'operatör', source: 'console' as const };

/** Every card in the connector's calls and in the invoke answers so far. */
function allCards(bot: TeamsBot): unknown[] {
  return [...bot.fake.calls.flatMap(cardsOf), ...bot.cards];
}

const sendsTo = (conversation: string) => (c: ConnectorCall) => c.kind === 'send' && c.conversationId === conversation;

describe('Teams: an incident from a channel, its card, buttons, reminders and roles', () => {
  let bot: TeamsBot;
  let card1: ConnectorCall;
  let formMessage: ConnectorCall;
  beforeAll(async () => {
    bot = await startTeamsBot(await pgliteTarget.open(), {
      now: at('2026-11-24 10:00'),
      incidentChannel: INCIDENT_CHANNEL,
      contract: {
        escalation: {
          default: {
            level1: { teams: { users: [PEOPLE.jour.aadObjectId] } },
            level2: { teams: { users: [PEOPLE.eskal.aadObjectId], channel: ESCALATION_CHANNEL } },
          },
        },
        roles: { manager: { teams: [PEOPLE.chef.aadObjectId] } },
      } as never,
    });
  });
  afterAll(() => bot?.close());

  it('@SSBTEK incident in a channel answers with the form card generated from the incident form: Påverkan and Tidpunkt with four descriptions each, the suggestion preselected with its reason', async () => {
    const res = await bot.message('incident');
    expect(res.status).toBe(200);
    formMessage = await bot.call(sendsTo(CHANNEL));
    const form = cardsOf(formMessage)[0];
    expect(form.version).toBe('1.5');
    expect(form.body.filter((e: any) => e.id && !String(e.id).endsWith('-error')).map((e: any) => e.id)).toEqual([
      'impact',
      'timing',
      'title',
      'org',
      'services',
      'description',
      'security',
    ]);
    const impact = inputOf(form, 'impact');
    expect(impact).toMatchObject({ type: 'Input.ChoiceSet', style: 'expanded', label: 'Påverkan', isRequired: true });
    expect(impact.choices.map((c: any) => c.value)).toEqual(['1', '2', '3', '4']);
    expect(impact.choices[0].title).toBe('1 – Totalt avbrott i flödet, inga anrop kan besvaras');
    const timing = inputOf(form, 'timing');
    expect(timing.choices).toHaveLength(4);
    expect(timing.value).toBe('1');
    expect(cardText(form)).toContain('Förslag: 1 – den 24:e är i den kritiska perioden (från den 20:e till månadens slut)');
    expect(inputOf(form, 'org').choices.map((c: any) => c.value)).toContain('skatteverket');
    expect(inputOf(form, 'security')).toMatchObject({ type: 'Input.Toggle', valueOn: 'ja', valueOff: 'nej' });
    expect(form.actions[0]).toMatchObject({ type: 'Action.Execute', verb: VERB.submit, title: 'Registrera' });
  });

  it('a submitted form with a title that is too long comes back with the message beside the title, and nothing is stored', async () => {
    const res = await bot.invoke(VERB.submit, {
      ssbtekForm: 'incident',
      ssbtekHidden: {},
      ssbtekLang: 'sv',
      impact: '1',
      timing: '1',
      title: 'x'.repeat(TITLE_MAX + 1),
      org: 'skatteverket',
      security: 'nej',
    });
    expect(res.status).toBe(200);
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const body = res.body.value.body as any[];
    const title = body.findIndex((e) => e.id === 'title');
    const error = body.find((e) => e.id === 'title-error');
    expect(error).toMatchObject({ type: 'TextBlock', color: 'attention' });
    expect(error.text).toMatch(/150/);
    // Beside the field: after the title input (and its hint), before the next input.
    expect(body.indexOf(error)).toBeGreaterThan(title);
    expect(body.indexOf(error)).toBeLessThan(body.findIndex((e) => e.id === 'org'));
    // What was typed is kept.
    expect(inputOf(res.body.value, 'impact').value).toBe('1');
    expect(await bot.app.database.prisma.incident.count()).toBe(0);
  });

  it('a valid submit turns the form into the result in place and posts the incident card to TEAMS_INCIDENT_CHANNEL with Kvittera, Åtgärdad, Ändra prioritet and Snooze', async () => {
    const res = await bot.invoke(
      VERB.submit,
      {
        ssbtekForm: 'incident',
        ssbtekHidden: {},
        ssbtekLang: 'sv',
        impact: '1',
        timing: '1',
        title: 'Inga svar från SSBTEK',
        org: 'skatteverket',
        services: 'Inkomster, Bostadsbidrag',
        description: 'Alla anrop ger timeout *nu*',
        security: 'ja',
      },
      { replyToId: formMessage.answeredId },
    );
    expect(res.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(res.body.value)).toContain('INC-1 är registrerad');
    // The form message itself turns into the result for everyone in the channel.
    const closed = await bot.call((c) => c.kind === 'update' && c.activityId === formMessage.answeredId);
    expect(closed.conversationId).toBe(CHANNEL);
    expect(cardText(cardsOf(closed)[0])).toContain('INC-1 är registrerad');
    card1 = await bot.call(sendsTo(INCIDENT_CHANNEL));
    const card = cardsOf(card1)[0];
    const text = cardText(card);
    expect(text).toContain('🔴 INC-1 · KRITISK · Öppen');
    expect(text).toContain('SÄKERHETSINCIDENT');
    expect(text).toContain('Myndighet: Skatteverket');
    expect(text).toContain('Rapporterad av: Anna Andersson');
    expect(text).toContain('Responstid: senast tis 24 nov. 2026 10:30 (30 min) – 30 min kvar på supportklockan');
    expect(text).toContain('Alla anrop ger timeout *nu*');
    expect(card.body.some((e: any) => String(e.text ?? '').includes('\\*nu\\*'))).toBe(true);
    expect(buttonsOf(card)).toEqual(['Kvittera', 'Åtgärdad', 'Ändra prioritet', 'Snooze']);
    expect(card.actions[3].card.actions.map((a: any) => a.title)).toEqual(['Snooza 15 min', 'Snooza 60 min']);
    const incident = await bot.app.database.prisma.incident.findFirstOrThrow();
    expect(incident).toMatchObject({ priority: 'critical', source: 'teams', reporter: PEOPLE.anna.aadObjectId, agencyId: 'skatteverket', security: true });
    // The incident channel never spoke to the bot: the card went through TEAMS_SERVICE_URL.
    expect(await bot.app.database.prisma.chatReference.count({ where: { platform: 'teams', channelId: INCIDENT_CHANNEL, incidentId: null } })).toBe(0);
    expect(card1.rawPath.startsWith(new URL(bot.fake.serviceUrl).pathname)).toBe(true);
    // The card's place is remembered for updates in place.
    await bot.teams.idle();
    const ref = await bot.app.database.prisma.chatReference.findFirstOrThrow({ where: { incidentId: incident.id, platform: 'teams' } });
    expect(ref).toMatchObject({ channelId: INCIDENT_CHANNEL, messageId: card1.answeredId });
  });

  it('Kvittera in Teams answers with the updated card in place, updates the channel card in place (PUT) and adds a line to its reply chain', async () => {
    bot.clock.t = at('2026-11-24 10:05');
    const res = await bot.invoke(VERB.ack, { ssbtekIncident: 1, ssbtekLang: 'sv' }, { from: PEOPLE.bo });
    expect(cardText(res.body.value)).toContain('INC-1 · KRITISK · Påbörjad');
    const update = await bot.call((c) => c.kind === 'update' && c.activityId === card1.answeredId);
    expect(update.conversationId).toBe(INCIDENT_CHANNEL);
    const text = cardText(cardsOf(update)[0]);
    expect(text).toContain('INC-1 · KRITISK · Påbörjad');
    expect(text).toContain('Kvitterad av: Bo Berg');
    expect(buttonsOf(cardsOf(update)[0])).toEqual(['Åtgärdad', 'Ändra prioritet', 'Snooze']);
    const line = await bot.call(sendsTo(`${INCIDENT_CHANNEL};messageid=${card1.answeredId}`));
    expect(line.body.text).toBe('Kvitterad av Bo Berg: arbetet har påbörjats.');
    expect(line.rawPath).toContain(`${INCIDENT_CHANNEL};messageid=${card1.answeredId}/activities`);
  });

  it('an incident opened and acknowledged in the terminal shows up in Teams, and its card is updated in place by `ack`', async () => {
    bot.clock.t = at('2026-11-24 10:10');
    const opened = await bot.app.conversation.handle('incident påverkan=2 tidpunkt=1 titel="Långsamma svar" myndighet=csn', { actor: console_, lang: 'sv' });
    expect(opened.kind).toBe('card');
    const post = await bot.call((c) => sendsTo(INCIDENT_CHANNEL)(c) && cardText(cardsOf(c)[0]).includes('INC-2'));
    expect(cardText(cardsOf(post)[0])).toContain('INC-2 · HÖG · Öppen');
    await bot.app.conversation.handle('ack 2', { actor: console_, lang: 'sv' });
    const update = await bot.call((c) => c.kind === 'update' && c.activityId === post.answeredId);
    expect(cardText(cardsOf(update)[0])).toContain('INC-2 · HÖG · Påbörjad');
    expect(cardText(cardsOf(update)[0])).toContain('Kvitterad av: operatör');
    const line = await bot.call(sendsTo(`${INCIDENT_CHANNEL};messageid=${post.answeredId}`));
    expect(line.body.text).toBe('Kvitterad av operatör via terminalen: arbetet har påbörjats.');
  });

  it('a breach reminder reaches the reply chain with real mentions of level 1; level 2 adds its people and also goes to the escalation channel', async () => {
    // INC-3 (critical, 30 min response) left unacknowledged.
    bot.clock.t = at('2026-11-24 10:20');
    await bot.message('incident påverkan=1 tidpunkt=1 titel="Ingen når tjänsten" myndighet=csn', { from: PEOPLE.jour });
    const post = await bot.call((c) => sendsTo(INCIDENT_CHANNEL)(c) && cardText(cardsOf(c)[0]).includes('INC-3'));
    const chain = `${INCIDENT_CHANNEL};messageid=${post.answeredId}`;
    bot.clock.t = at('2026-11-24 10:50');
    await bot.app.scheduler.tick(bot.clock.t);
    await bot.teams.idle();
    const breach = await bot.call((c) => sendsTo(chain)(c) && cardsOf(c).length > 0 && cardText(cardsOf(c)[0]).includes('Jonas Jour'));
    const reminder = cardsOf(breach)[0];
    expect(cardText(reminder)).toContain('INC-3');
    expect(cardText(reminder)).toContain('Till: <at>Jonas Jour</at>');
    expect(reminder.msteams.entities).toEqual([
      { type: 'mention', text: '<at>Jonas Jour</at>', mentioned: { id: PEOPLE.jour.aadObjectId, name: 'Jonas Jour' } },
    ]);
    expect(buttonsOf(reminder)).toEqual(['Kvittera', 'Åtgärdad', 'Snooze']);
    // Level 2 (30 min after the breach): level 1 and level 2 people, in the reply chain and in the escalation channel.
    bot.clock.t = at('2026-11-24 11:20');
    await bot.app.scheduler.tick(bot.clock.t);
    await bot.teams.idle();
    const escalation = await bot.call((c) => sendsTo(ESCALATION_CHANNEL)(c));
    const escalated = cardsOf(escalation)[0];
    expect(cardText(escalated)).toContain('Eskalering för INC-3');
    const ids = escalated.msteams.entities.map((e: any) => e.mentioned.id).sort();
    expect(ids).toEqual([PEOPLE.jour.aadObjectId, PEOPLE.eskal.aadObjectId].sort());
    // Elsa never spoke to the bot: her name came from the connector's member lookup.
    expect(bot.fake.calls.some((c) => c.kind === 'member' && c.activityId === PEOPLE.eskal.aadObjectId)).toBe(true);
    const inChain = await bot.call((c) => sendsTo(chain)(c) && cardsOf(c).some((k) => (k.msteams?.entities ?? []).length === 2));
    expect(cardText(cardsOf(inChain)[0])).toContain('INC-3');
  });

  it("Snooze on the card pauses the incident's reminders and answers the person who clicked", async () => {
    const res = await bot.invoke(VERB.snooze, { ssbtekIncident: 3, ssbtekMinutes: 15, ssbtekLang: 'sv' }, { from: PEOPLE.jour });
    expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(res.body.value).toMatch(/^Påminnelserna om INC-3 \(\w+\) är pausade till /);
  });

  it('Kvittera on a reminder acknowledges the incident: the clicker gets a word, the reminder stays, the incident card changes in place', async () => {
    const reminder = bot.fake.calls.flatMap(cardsOf).find((c) => cardText(c).includes('Till: <at>Jonas Jour</at>') && cardText(c).includes('INC-3'))!;
    const ack = reminder.actions.find((a: any) => a.verb === VERB.ack);
    expect(ack.data).toMatchObject({ ssbtekIncident: 3, ssbtekOn: 'reminder' });
    const res = await bot.invoke(VERB.ack, ack.data, { from: PEOPLE.jour });
    expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(res.body.value).toContain('INC-3');
    const card3 = bot.fake.calls.find((c) => sendsTo(INCIDENT_CHANNEL)(c) && cardText(cardsOf(c)[0] ?? {}).includes('INC-3 ·'))!;
    const update = await bot.call((c) => c.kind === 'update' && c.activityId === card3.answeredId);
    expect(cardText(cardsOf(update)[0])).toContain('Kvitterad av: Jonas Jour');
    await bot.teams.idle();
  });

  it("Åtgärdad by someone who is not a manager is refused with the conversation's text, and nothing changes", async () => {
    const before = bot.fake.calls.length;
    const res = await bot.invoke(VERB.resolve, { ssbtekIncident: 1, ssbtekLang: 'sv' }, { from: PEOPLE.anna });
    expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
    expect(res.body.value).toMatch(/behörighet|incidentansvarig|får inte/i);
    const priority = await bot.invoke(VERB.priority, { ssbtekIncident: 1, ssbtekLang: 'sv' }, { from: PEOPLE.bo });
    expect(priority.body.type).toBe('application/vnd.microsoft.activity.message');
    await bot.teams.idle();
    expect(bot.fake.calls.slice(before).filter((c) => c.kind === 'send' || c.kind === 'update')).toEqual([]);
    expect((await bot.app.incidents.get(1, bot.clock.t)).status).toBe('acknowledged');
  });

  it('Åtgärdad by a manager opens the resolve form under the card; its submit resolves the incident and the card changes in place', async () => {
    // The click comes from the card in the channel (the invoke names the card's message).
    const res = await bot.invoke(
      VERB.resolve,
      { ssbtekIncident: 1, ssbtekLang: 'sv' },
      { from: PEOPLE.chef, conversation: INCIDENT_CHANNEL, replyToId: card1.answeredId },
    );
    expect(res.body.type).toBe('application/vnd.microsoft.activity.message');
    const formPost = await bot.call((c) => sendsTo(`${INCIDENT_CHANNEL};messageid=${card1.answeredId}`)(c) && cardsOf(c).some((k) => inputOf(k, 'note')));
    const form = cardsOf(formPost)[0];
    expect(cardText(form)).toContain('INC-1');
    expect(form.actions[0].data.ssbtekHidden).toEqual({ i: 1 });
    const empty = await bot.invoke(VERB.submit, { ...form.actions[0].data, note: '  ' }, { from: PEOPLE.chef });
    expect(empty.body.value.body.find((e: any) => e.id === 'note-error')).toBeTruthy();
    expect((await bot.app.incidents.get(1, bot.clock.t)).status).toBe('acknowledged');
    const done = await bot.invoke(
      VERB.submit,
      { ...form.actions[0].data, note: 'Omstart av lastbalanseraren' },
      { from: PEOPLE.chef, conversation: `${INCIDENT_CHANNEL};messageid=${card1.answeredId}`, replyToId: formPost.answeredId },
    );
    expect(cardText(done.body.value)).toContain('INC-1');
    // The form in the reply chain is closed for everyone.
    await bot.call((c) => c.kind === 'update' && c.activityId === formPost.answeredId);
    const update = await bot.call((c) => c.kind === 'update' && c.activityId === card1.answeredId && cardText(cardsOf(c)[0]).includes('Åtgärdad'));
    expect(cardText(cardsOf(update)[0])).toContain('Återrapportering: Omstart av lastbalanseraren');
    expect(buttonsOf(cardsOf(update)[0])).toEqual(['Ändra prioritet']);
  });

  it('every card the bot sent or answered with is a valid Adaptive Card 1.5 (zero parse and validation events)', () => {
    const cards = allCards(bot);
    expect(cards.length).toBeGreaterThan(10);
    for (const card of cards) expect(adaptiveCardProblems(card)).toEqual([]);
  });
});

describe('Teams: an incident from a 1:1 chat', () => {
  let bot: TeamsBot;
  beforeAll(async () => {
    bot = await startTeamsBot(await pgliteTarget.open(), { now: at('2026-11-24 10:00') });
  });
  afterAll(() => bot?.close());

  it('`incident` without a mention in a personal chat gets the form; its submit posts the card in that chat (no TEAMS_INCIDENT_CHANNEL)', async () => {
    await bot.message('incident', { conversation: CHAT, from: PEOPLE.bo });
    const form = cardsOf(await bot.call(sendsTo(CHAT)))[0];
    expect(inputOf(form, 'impact').choices).toHaveLength(4);
    const res = await bot.invoke(
      VERB.submit,
      { ...form.actions[0].data, impact: '3', timing: '2', title: 'Fel i ett svar', org: 'csn', security: 'nej' },
      { from: PEOPLE.bo, conversation: CHAT },
    );
    expect(cardText(res.body.value)).toContain('INC-1');
    const post = await bot.call((c) => sendsTo(CHAT)(c) && cardText(cardsOf(c)[0] ?? {}).includes('INC-1 ·'));
    expect(post.rawPath).toContain(CHAT);
    expect(buttonsOf(cardsOf(post)[0])).toContain('Kvittera');
    expect(await bot.app.database.prisma.incident.findFirstOrThrow()).toMatchObject({ reporter: PEOPLE.bo.aadObjectId, source: 'teams', agencyId: 'csn' });
  });

  it("`hjälp` and a line that is no command answer in the chat with the conversation's texts", async () => {
    const from = bot.fake.calls.length;
    await bot.message('hjälp', { conversation: CHAT });
    const help = await bot.call((c) => bot.fake.calls.indexOf(c) >= from && sendsTo(CHAT)(c));
    expect(cardText(cardsOf(help)[0])).toContain('incident');
    expect(cardsOf(help)[0].body[0].fontType).toBe('Monospace');
    await bot.message('blahonga', { conversation: CHAT });
    const refused = await bot.call((c) => sendsTo(CHAT)(c) && cardText(cardsOf(c)[0] ?? {}).includes('blahonga'));
    expect(cardsOf(refused)[0].body[0].color).toBe('attention');
  });

  it('installing the app in a chat stores its reference and says hello', async () => {
    const chat = 'a:1Hk2-new-install;x@chat.v1';
    const token = await bot.keys.sign({});
    const res = await fetch(bot.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        type: 'installationUpdate',
        action: 'add',
        id: 'install-1',
        serviceUrl: bot.fake.serviceUrl,
        channelId: 'msteams',
        from: PEOPLE.anna,
        recipient: { id: `28:${TEST_APP_ID}` },
        conversation: { id: chat, conversationType: 'personal', tenantId: 'test-tenant' },
        locale: 'sv-SE',
      }),
    });
    expect(res.status).toBe(200);
    const hello = await bot.call(sendsTo(chat));
    expect(cardText(cardsOf(hello)[0])).toContain('Hej! Jag är SSBTEK-boten.');
    expect(await bot.app.database.prisma.chatReference.count({ where: { platform: 'teams', channelId: chat, incidentId: null } })).toBe(1);
  });

  it('the conversation reference is stored when the bot hears a conversation, for proactive posts', async () => {
    const row = await bot.app.database.prisma.chatReference.findFirstOrThrow({ where: { platform: 'teams', channelId: CHAT, incidentId: null } });
    expect(row.conversation).toMatchObject({ serviceUrl: bot.fake.serviceUrl, conversationId: CHAT });
  });

  it('every card is a valid Adaptive Card 1.5', () => {
    for (const card of allCards(bot)) expect(adaptiveCardProblems(card)).toEqual([]);
  });
});

describe('Teams: the connector failing', () => {
  let bot: TeamsBot;
  beforeAll(async () => {
    bot = await startTeamsBot(await pgliteTarget.open(), { now: at('2026-11-24 10:00'), incidentChannel: INCIDENT_CHANNEL });
  });
  afterAll(() => bot?.close());

  it('a card deleted in Teams (404 on the update) is posted again, and the new message is the one updated from then on', async () => {
    await bot.app.conversation.handle('incident påverkan=3 tidpunkt=2 titel="Fel i svar" myndighet=csn', { actor: console_, lang: 'sv' });
    const first = await bot.call(sendsTo(INCIDENT_CHANNEL));
    await bot.teams.idle();
    bot.fake.failNext = { status: 404, count: 1 };
    await bot.app.conversation.handle('ack 1', { actor: console_, lang: 'sv' });
    const again = await bot.call((c) => sendsTo(INCIDENT_CHANNEL)(c) && c !== first);
    expect(cardText(cardsOf(again)[0])).toContain('INC-1 · MEDEL · Påbörjad');
    await bot.teams.idle();
    const ref = await bot.app.database.prisma.chatReference.findFirstOrThrow({ where: { incidentId: 1, platform: 'teams' } });
    expect(ref.messageId).toBe(again.answeredId);
  });

  it('a 429 holds the conversation back and the update goes out afterwards, once', async () => {
    bot.fake.failNext = { status: 429, count: 1 };
    const before = bot.fake.calls.length;
    await bot.app.conversation.handle('notera 1 "ringt leverantören"', { actor: console_, lang: 'sv' });
    await bot.call((c) => bot.fake.calls.indexOf(c) >= before && c.status === 429);
    // The runner comes back when the conversation's Retry-After has passed (drain waits for it).
    await bot.teams.idle();
    const update = await bot.call((c) => bot.fake.calls.indexOf(c) >= before && c.kind === 'update' && c.status === 200);
    expect(cardText(cardsOf(update)[0])).toContain('INC-1');
    await bot.teams.idle();
    const after = bot.fake.calls.slice(before);
    expect(after.filter((c) => c.status === 429)).toHaveLength(1);
    expect(after.filter((c) => c.kind === 'update' && c.status === 200)).toHaveLength(1);
    expect(after.some((c) => c.kind === 'send' && String(c.body?.text ?? '').includes('ringt leverantören'))).toBe(true);
  });
});

describe('Teams: what other parts of the bot use', () => {
  let bot: TeamsBot;
  beforeAll(async () => {
    bot = await startTeamsBot(await pgliteTarget.open(), { now: at('2026-11-24 10:00') });
  });
  afterAll(() => bot?.close());

  it("the routine's announcements go out through sendText (teamsRoutineTransport), proactively and through the allow-listed service URL", async () => {
    const transport = teamsRoutineTransport(bot.teams.sendText);
    await transport.send(ESCALATION_CHANNEL, { subject: 'Servicefönster tis 1 dec 18–20', text: 'SSBTEK uppdateras.', key: 'k1' });
    const call = await bot.call(sendsTo(ESCALATION_CHANNEL));
    expect(call.body).toMatchObject({ type: 'message', textFormat: 'markdown', text: '**Servicefönster tis 1 dec 18–20**\n\nSSBTEK uppdateras.' });
    expect(call.rawPath.startsWith(new URL(bot.fake.serviceUrl).pathname)).toBe(true);
  });

  it("the readiness check gets the bot's outbound token", async () => {
    expect(bot.teams.check.name).toBe('teams');
    await expect(bot.teams.check.check()).resolves.toBeUndefined();
  });
});
