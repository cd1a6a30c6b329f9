// Reminders in Slack: in the incident's thread, mentioning the escalation contacts,
// with the next step and snooze as buttons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { pgliteTarget } from '../support/databases.js';
import { buttonsOf, startBot, textOf, type Bot } from '../support/fake-slack.js';
import { at } from '../support/time.js';

describe('Slack: reminders and escalation', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(
      await pgliteTarget.open(),
      {
        incidentChannel: 'C0INCIDENTS',
      },
      {},
      buildContract({ escalation: { default: { level1: { slackGroups: ['S0DRIFT'] }, level2: { slackUsers: ['U0CHEF'], slackChannel: 'C0ESKALERING' } } } }),
    );
  });
  afterAll(() => bot.close());

  let card: { channel: string; ts: string };
  it('a warning goes into the incident thread with Kvittera, Åtgärdad and snooze', async () => {
    bot.clock.t = at('2026-11-24 10:00');
    await bot.requester.command('incident påverkan=1 tidpunkt=1 titel="Inga svar" myndighet=csn', {
      user: 'U0REPORTER',
      channel: 'C0GENERAL',
      triggerId: 't-1',
    });
    const post = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS' && !b.thread_ts);
    card = { channel: post.response.channel, ts: post.response.ts };
    await bot.slack.idle();
    bot.clock.t = at('2026-11-24 10:15');
    expect(await bot.app.scheduler.tick(bot.clock.t)).toMatchObject({ sent: 1 });
    const reminder = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts && textOf(b).includes('⏰'));
    expect(reminder.body.channel).toBe(card.channel);
    expect(textOf(reminder.body)).toContain('⏰ INC-1 (Kritisk) Inga svar – Responstid senast tis 24 nov. 2026 10:30: 15 min kvar på supportklockan.');
    expect(buttonsOf(reminder.body.blocks)).toEqual(['Kvittera', 'Åtgärdad', 'Snooza 15 min', 'Snooza 60 min']);
    expect(bot.fake.violations).toEqual([]);
  });

  it('the snooze button pauses the reminders and answers privately', async () => {
    const reminder = bot.fake.callsOf('chat.postMessage').find((c) => c.body.thread_ts === card.ts && textOf(c.body).includes('⏰'))!;
    const click = bot.requester.buttonClick({ channel: card.channel, ts: reminder.response.ts, blocks: reminder.body.blocks }, 'ssbtek_snooze_15', 'U0JOUR');
    expect((await bot.requester.interaction(click)).status).toBe(200);
    const answer = await bot.fake.waitFor('chat.postEphemeral', (b) => b.user === 'U0JOUR');
    expect(answer.body.text).toBe('Påminnelserna om INC-1 (Responstid) är pausade till tis 24 nov. 2026 10:30.');
    const audit = await bot.db.prisma.auditEntry.findFirst({ where: { action: 'snoozed' } });
    expect(audit).toMatchObject({ actor: 'U0JOUR', entityId: 'INC-1' });
  });

  it('the breach mentions level 1; level 2 adds its people and posts in the escalation channel too', async () => {
    bot.clock.t = at('2026-11-24 10:30');
    await bot.app.scheduler.tick(bot.clock.t);
    const snoozeOver = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts && textOf(b).includes('Snooze slut'));
    expect(textOf(snoozeOver.body)).toContain('Responstid senast tis 24 nov. 2026 10:30');
    bot.clock.t = at('2026-11-24 10:45');
    await bot.app.scheduler.tick(bot.clock.t);
    const repeat = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts && textOf(b).includes('fortfarande bruten'));
    expect(textOf(repeat.body)).toContain('Till: <!subteam^S0DRIFT>');
    bot.clock.t = at('2026-11-24 11:00');
    await bot.app.scheduler.tick(bot.clock.t);
    const inThread = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.ts && textOf(b).includes('Eskalering'));
    expect(textOf(inThread.body)).toContain('Till: <@U0CHEF> <!subteam^S0DRIFT>');
    const inChannel = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0ESKALERING');
    expect(inChannel.body.thread_ts).toBeUndefined();
    expect(textOf(inChannel.body)).toContain(
      '🚨🚨 Eskalering: INC-1 (Kritisk) Inga svar – Responstid bruten sedan tis 24 nov. 2026 10:30 och ingen har agerat.',
    );
  });

  it('Kvittera on a reminder acknowledges the incident and stops the response reminders', async () => {
    const last = bot.fake
      .callsOf('chat.postMessage')
      .filter((c) => c.body.thread_ts === card.ts && textOf(c.body).includes('Eskalering'))
      .at(-1)!;
    const click = bot.requester.buttonClick({ channel: card.channel, ts: last.response.ts, blocks: last.body.blocks }, 'ssbtek_ack', 'U0JOUR');
    await bot.requester.interaction(click);
    await bot.fake.waitFor('chat.update', (b) => b.ts === card.ts && textOf(b).includes('Påbörjad'));
    expect(await bot.db.prisma.reminder.count({ where: { target: 'response', status: 'pending' } })).toBe(0);
    expect(bot.fake.violations).toEqual([]);
  });
});
