// The Teams adapter's translations, one at a time: a typed message into a command line, a
// button into a Command, the conversation's forms and views into Adaptive Cards 1.5, the
// connector's failures into job failures, and where proactive posts may go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { priorityForm, resolveForm } from '../../src/conversation/forms.js';
import { allowedActions, INCIDENT_STATUSES } from '../../src/domain/lifecycle.js';
import { translator } from '../../src/i18n/index.js';
import { teamsFailure, threadLine } from '../../src/platforms/teams/announcer.js';
import { createServiceUrlAllowList } from '../../src/platforms/teams/auth/service-urls.js';
import { formCard, incidentCard, plain, readFormData, reminderCard, textCard, VERB } from '../../src/platforms/teams/cards.js';
import { baseConversationId, isChannelConversation, replyChainId, TeamsConversations } from '../../src/platforms/teams/conversations.js';
import { buttonCommand, commandText, messageFor, type TeamsHandlerDeps } from '../../src/platforms/teams/handlers.js';
import { readFileSync } from 'node:fs';
import { teamsActor, TeamsNames } from '../../src/platforms/teams/people.js';
import type { IncidentView } from '../../src/services/incidents.js';
import { testApp, TestClock } from '../support/app.js';
import { pgliteTarget } from '../support/databases.js';
import { at } from '../support/time.js';
import { adaptiveCardProblems, cardText } from './bot-harness.js';

const tr = translator('sv');
const BOT = { id: '28:bot' };

describe('a typed Teams message as a command line', () => {
  it("the bot's own mention is removed; the rest is the command", () => {
    expect(
      commandText({ text: '<at>SSBTEK</at> incident', recipient: BOT, entities: [{ type: 'mention', text: '<at>SSBTEK</at>', mentioned: { id: '28:bot' } }] }),
    ).toBe('incident');
  });
  it("a leading mention counts as the bot's even when Teams sent no entity for it", () => {
    expect(commandText({ text: '<at>SSBTEK Bot</at>&nbsp;status INC-4', recipient: BOT })).toBe('status INC-4');
  });
  it("another person's mention later in the line keeps their name as text, and HTML entities are decoded", () => {
    expect(
      commandText({
        text: '<at>SSBTEK</at> notera INC-2 &quot;ring <at>Bo Berg</at>&quot; &amp; kolla &lt;loggen&gt;',
        recipient: BOT,
        entities: [
          { type: 'mention', text: '<at>SSBTEK</at>', mentioned: { id: '28:bot' } },
          { type: 'mention', text: '<at>Bo Berg</at>', mentioned: { id: '29:bo' } },
        ],
      }),
    ).toBe('notera INC-2 "ring Bo Berg" & kolla <loggen>');
  });
  it('in a 1:1 chat there is no mention: the text is the command', () => {
    expect(commandText({ text: 'kvittera 7', recipient: BOT })).toBe('kvittera 7');
  });
});

describe('a card button as a Command', () => {
  it("each verb names its command; the incident id comes from the button's data", () => {
    expect(buttonCommand(VERB.ack, { ssbtekIncident: 4 })).toEqual({ name: 'ack', id: 4 });
    expect(buttonCommand(VERB.resolve, { ssbtekIncident: 'INC-4' })).toEqual({ name: 'resolve', id: 4 });
    expect(buttonCommand(VERB.priority, { ssbtekIncident: 4 })).toEqual({ name: 'priority', id: 4 });
    expect(buttonCommand(VERB.snooze, { ssbtekIncident: 4, ssbtekMinutes: 15 })).toEqual({ name: 'snooze', id: 4, minutes: 15 });
  });
  it('a button without a readable incident id, or an unknown verb, is no command', () => {
    expect(buttonCommand(VERB.ack, { ssbtekIncident: 'x' })).toBeNull();
    expect(buttonCommand('ssbtek.delete', { ssbtekIncident: 4 })).toBeNull();
  });
  it('submitted form data: the inputs by field id, the control keys apart', () => {
    expect(
      readFormData({ ssbtekForm: 'priority', ssbtekHidden: { i: 3, im: 2, tm: 2 }, ssbtekLang: 'en', impact: '1', timing: '2', reason: 'fel', verb: 'x' }),
    ).toEqual({
      form: 'priority',
      hidden: { i: 3, im: 2, tm: 2 },
      lang: 'en',
      values: { impact: '1', timing: '2', reason: 'fel' },
    });
  });
});

describe('text on a card', () => {
  it('what a person typed cannot become a link, emphasis, a heading or a mention', () => {
    expect(plain('[klicka](https://evil.example) *fet* _k_')).toBe('\\[klicka\\](https://evil.example) \\*fet\\* \\_k\\_');
    expect(plain('# Rubrik')).toBe('\\# Rubrik');
    expect(plain('hej <at>Alla</at>')).toBe('hej ‹at›Alla‹/at›');
  });
});

describe('the people', () => {
  it('a Teams actor is their Entra object id', () => {
    expect(teamsActor({ id: '29:1x', name: 'Anna', aadObjectId: '6A5B4C3D-0000-4000-8000-000000000001' })).toEqual({
      id: '6a5b4c3d-0000-4000-8000-000000000001',
      source: 'teams',
      name: 'Anna',
    });
  });
  it('mentions carry the object id, and the name learned or looked up', async () => {
    const names = new TeamsNames();
    names.learn('6a5b4c3d-0000-4000-8000-000000000001', 'Anna <Andersson>');
    const mentions = await names.mentions(
      ['6a5b4c3d-0000-4000-8000-000000000001', 'ffffffff-0000-4000-8000-000000000002', 'eeeeeeee-0000-4000-8000-000000000003'],
      async (id) => (id.startsWith('ffff') ? 'Bo Berg' : null),
    );
    expect(mentions.map((m) => m.text)).toEqual(['<at>Anna Andersson</at>', '<at>Bo Berg</at>', '<at>eeeeeeee-0000-4000-8000-000000000003</at>']);
    expect(mentions[1]).toEqual({ type: 'mention', text: '<at>Bo Berg</at>', mentioned: { id: 'ffffffff-0000-4000-8000-000000000002', name: 'Bo Berg' } });
  });
});

describe("the connector's answers as job failures", () => {
  it('429 waits for its Retry-After; 404 and 403 are permanent; 502 is retried; an off-list URL is permanent', () => {
    expect(teamsFailure({ response: { status: 429, headers: { 'retry-after': '7' } } })).toEqual({ code: 'ratelimited', retryAfterMs: 7000 });
    expect(teamsFailure({ response: { status: 404 } })).toEqual({ code: 'http_404', permanent: true });
    expect(teamsFailure({ response: { status: 403 } })).toEqual({ code: 'http_403', permanent: true });
    expect(teamsFailure({ response: { status: 502 } })).toEqual({ code: 'http_502', permanent: false });
    expect(teamsFailure(new Error('outbound Teams request refused: host not allowed'))).toEqual({ code: 'service_url_not_allowed', permanent: true });
  });
});

describe('conversation ids', () => {
  it('a channel conversation has reply chains addressed by ;messageid=', () => {
    expect(isChannelConversation('19:abc@thread.tacv2')).toBe(true);
    expect(isChannelConversation('a:1Hk2-chat')).toBe(false);
    expect(baseConversationId('19:abc@thread.tacv2;messageid=1732900000000')).toBe('19:abc@thread.tacv2');
    expect(replyChainId('19:abc@thread.tacv2;messageid=1', '1732900000042')).toBe('19:abc@thread.tacv2;messageid=1732900000042');
  });
});

describe("cards from the conversation's views, on a real incident", () => {
  let app: Awaited<ReturnType<typeof testApp>>;
  const views = new Map<string, IncidentView>();
  const clock = new TestClock(at('2026-11-24 10:00'));
  const actor = { id: '6a5b4c3d-0000-4000-8000-000000000001', source: 'teams' as const };
  beforeAll(async () => {
    app = await testApp(await pgliteTarget.open(), clock);
    const opened = await app.incidents.open(
      { impact: 2, timing: 1, title: 'Långsamma svar [länk](x)', agencyId: 'csn', description: 'Beskrivning', security: false, baseServices: ['Inkomster'] },
      actor,
      clock.t,
    );
    views.set('open', opened);
    views.set('acknowledged', await app.incidents.acknowledge(opened.id, actor, clock.t));
    views.set('resolved', await app.incidents.resolve(opened.id, 'Fixat', actor, clock.t));
    views.set('closed', await app.incidents.close(opened.id, actor, clock.t));
  });
  afterAll(() => app?.close());

  it('the card shows, in every status, exactly the buttons the lifecycle table allows (snooze as a choice of minutes)', () => {
    const verbOf: Record<string, string> = { ack: 'Kvittera', resolve: 'Åtgärdad', priority: 'Ändra prioritet', snooze: 'Snooze' };
    for (const status of INCIDENT_STATUSES) {
      const v = views.get(status)!;
      const card = incidentCard(tr, app.contract, v, { buttons: true, asOf: clock.t, lang: 'sv', snoozeMinutes: app.contract.reminders.snoozeMinutes });
      const expected = allowedActions(status)
        .filter((a) => a in verbOf)
        .map((a) => verbOf[a]);
      expect((card.actions ?? []).map((a) => a.title)).toEqual(expected);
      expect(adaptiveCardProblems(card)).toEqual([]);
    }
  });

  it("the resolve and priority forms, with and without errors, are generated from the conversation's forms and validate as Adaptive Card 1.5", () => {
    const v = views.get('acknowledged')!;
    const suggestion = app.incidents.suggestTiming(v.receivedAt);
    for (const form of [resolveForm(tr, v), priorityForm(tr, app.contract, v, suggestion), app.conversation.incidentForm('en')]) {
      const clean = formCard(tr, form, { lang: 'sv' });
      expect(adaptiveCardProblems(clean)).toEqual([]);
      expect(clean.body.filter((e) => typeof e.id === 'string').map((e) => e.id)).toEqual(form.fields.map((f) => f.id));
      const firstField = form.fields[0]!.id;
      const withErrors = formCard(tr, form, { lang: 'sv', errors: { [firstField]: 'Fel här', form: 'Fel i formuläret' }, values: { [firstField]: '9' } });
      expect(adaptiveCardProblems(withErrors)).toEqual([]);
      expect(cardText(withErrors)).toContain('Fel här');
      expect(cardText(withErrors)).toContain('Fel i formuläret');
    }
    const priority = formCard(tr, priorityForm(tr, app.contract, v, suggestion), { lang: 'sv' });
    expect(priority.actions![0]!.data).toMatchObject({ ssbtekForm: 'priority', ssbtekHidden: { i: v.id, im: 2, tm: 1 } });
  });

  it('a reminder card keeps its mention markup while everything else is escaped', () => {
    const v = views.get('open')!;
    const mention = { type: 'mention' as const, text: '<at>Jonas Jour</at>', mentioned: { id: 'x', name: 'Jonas Jour' } };
    const card = reminderCard(tr, v, `⏰ ${v.title}\nTill: <at>Jonas Jour</at>`, [mention], { lang: 'sv', snoozeMinutes: [15] }, 'response');
    expect(card.body[1]!.text).toBe('Till: <at>Jonas Jour</at>');
    expect(String(card.body[0]!.text)).toContain('\\[länk\\](x)');
    expect(card.msteams?.entities).toEqual([mention]);
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  it('a text card keeps its lines; help in a monospace font', () => {
    const card = textCard('rad ett\n  indragen rad', { monospace: true });
    expect(card.body.map((b) => b.fontType)).toEqual(['Monospace', 'Monospace']);
    expect(adaptiveCardProblems(card)).toEqual([]);
  });

  it('a reply-chain line names a Teams person by name and others by id and surface', () => {
    const v = views.get('acknowledged')!;
    expect(threadLine(tr, { change: 'acknowledged', actor, detail: {}, incident: v }, () => 'Anna Andersson')).toBe(
      'Kvitterad av Anna Andersson: arbetet har påbörjats.',
    );
    expect(threadLine(tr, { change: 'acknowledged', actor: { id: 'U0ABC', source: 'slack' }, detail: {}, incident: v })).toBe(
      'Kvitterad av U0ABC via Slack: arbetet har påbörjats.',
    );
  });

  it('a conversation is remembered only with an allowed service URL; one never heard from uses TEAMS_SERVICE_URL', async () => {
    const { allowList } = createServiceUrlAllowList(['smba.trafficmanager.net', '*.smba.trafficmanager.net'], { production: true });
    const warnings: string[] = [];
    const conversations = new TeamsConversations({
      prisma: app.database.prisma,
      allowList,
      defaultServiceUrl: 'https://smba.trafficmanager.net/teams/',
      log: { warn: (m) => warnings.push(m) },
    });
    expect(await conversations.heard({ serviceUrl: 'https://evil.example.com/', conversation: { id: '19:x@thread.tacv2' } })).toBeNull();
    expect(await app.database.prisma.chatReference.count({ where: { platform: 'teams', channelId: '19:x@thread.tacv2' } })).toBe(0);
    await conversations.heard({
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      conversation: { id: '19:y@thread.tacv2;messageid=17', conversationType: 'channel' },
    });
    const fresh = new TeamsConversations({
      prisma: app.database.prisma,
      allowList,
      defaultServiceUrl: 'https://smba.trafficmanager.net/teams/',
      log: { warn: (m) => warnings.push(m) },
    });
    expect(await fresh.lookup('19:y@thread.tacv2')).toMatchObject({
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      heard: true,
      conversationType: 'channel',
    });
    expect(await fresh.lookup('19:never@thread.tacv2')).toMatchObject({ serviceUrl: 'https://smba.trafficmanager.net/teams/', heard: false });
    // A stored reference whose URL is no longer allowed (the allow-list changed) is not used.
    await app.database.prisma.chatReference.create({
      data: { platform: 'teams', channelId: '19:old@thread.tacv2', messageId: 'conversation', conversation: { serviceUrl: 'https://smba.old-cloud.example/' } },
    });
    expect(await fresh.lookup('19:old@thread.tacv2')).toBeNull();
    expect(warnings.some((w) => w.includes('not allowed'))).toBe(true);
  });
});

describe('a text reply with a picture (the compliance chart)', () => {
  const deps = {} as TeamsHandlerDeps;
  const png = new Uint8Array(readFileSync(new URL('../../teams/outline.png', import.meta.url)));
  it('the picture goes inline into the card when it fits in a Teams message', () => {
    const activity = messageFor(deps, tr, 'sv', {
      kind: 'text',
      visibility: 'private',
      text: 'Efterlevnad november',
      image: { filename: 'c.png', title: 'Efterlevnad', alt: 'Diagram', png },
    }) as any;
    const card = activity.attachments[0].content;
    expect(card.body.at(-1)).toMatchObject({ type: 'Image', altText: 'Diagram' });
    expect(card.body.at(-1).url.startsWith('data:image/png;base64,iVBOR')).toBe(true);
    expect(adaptiveCardProblems(card)).toEqual([]);
  });
  it('a picture too large for a Teams message is left out, the text stays', () => {
    const activity = messageFor(deps, tr, 'sv', {
      kind: 'text',
      visibility: 'private',
      text: 'Efterlevnad',
      image: { filename: 'c.png', title: 't', alt: 'a', png: new Uint8Array(100_000) },
    }) as any;
    expect(activity.attachments[0].content.body.map((b: any) => b.type)).toEqual(['TextBlock']);
  });
});
