// Socket Mode: with SLACK_APP_TOKEN the bot opens a WebSocket (apps.connections.open)
// instead of listening for HTTP. A local WebSocket server plays Slack: it says hello,
// sends envelopes ({envelope_id, type, payload}) and collects the acks ({envelope_id, payload}).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTarget } from '../support/databases.js';
import { openedView, startBot, textOf, type Bot } from '../support/fake-slack.js';

describe('Slack over Socket Mode', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(await pgliteTarget.open(), { appToken: 'xapp-1-A0SSBTEK-test', signingSecret: undefined, incidentChannel: 'C0INCIDENTS' });
  });
  afterAll(() => bot.close());
  afterEach(() => {
    expect(bot.fake.violations).toEqual([]);
    expect(bot.logs.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('connects with the app token through apps.connections.open and listens on no port', async () => {
    expect(bot.slack.mode).toBe('socket');
    expect(bot.slack.port).toBeUndefined();
    const open = bot.fake.callsOf('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.auth).toBe('Bearer xapp-1-A0SSBTEK-test');
    await bot.fake.socketConnected();
  });

  it('a slash command envelope is acknowledged with its envelope_id and answered privately', async () => {
    const fields = bot.requester.commandFields('help', { responseId: 'sm-help' });
    const ack = await bot.fake.sendEnvelope('slash_commands', fields);
    expect(ack.payload).toEqual({});
    const reply = await bot.fake.waitForResponse('sm-help');
    expect(reply.body.response_type).toBe('ephemeral');
    expect(textOf(reply.body.blocks)).toContain('SSBTEK-boten – kommandon');
  });

  it('/ssbtek incident opens the modal; field errors come back in the ack; a good submission opens the incident', async () => {
    const from = bot.fake.calls.length;
    await bot.fake.sendEnvelope('slash_commands', bot.requester.commandFields('incident', { channel: 'C0GENERAL' }));
    const view = openedView(await bot.fake.waitFor('views.open', () => true, { from }));
    expect(view.callback_id).toBe('ssbtek_incident');

    const bad = await bot.fake.sendEnvelope('interactive', bot.requester.viewSubmission(view, { impact: null, title: 'Via socket' }));
    expect(bad.payload).toEqual({ response_action: 'errors', errors: { impact: 'Påverkan måste vara 1, 2, 3 eller 4 (inte "").' } });

    const good = await bot.fake.sendEnvelope('interactive', bot.requester.viewSubmission(view, { impact: '2', title: 'Via socket' }));
    expect(good.payload).toEqual({});
    const card = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS', { from });
    expect(textOf(card.body.blocks)).toContain('INC-1 · HÖG · Öppen');
    expect(await bot.db.prisma.incident.count()).toBe(1);
  });
});
