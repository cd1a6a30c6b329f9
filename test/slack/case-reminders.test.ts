// Reminders about orders and problems in Slack, through real Bolt and the fake Slack Web
// API: a case has no card, so its reminders go to the incident channel, and from the
// breach on also to the escalation channel, mentioning the contacts; acting on the case
// in Slack stops them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { pgliteTarget } from '../support/databases.js';
import { startBot, textOf, type Bot } from '../support/fake-slack.js';
import { at } from '../support/time.js';

describe('Slack: reminders about orders and problems', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(
      await pgliteTarget.open(),
      { incidentChannel: 'C0INCIDENTS', digestThreshold: 5 },
      {},
      buildContract({ escalation: { default: { level1: { slackGroups: ['S0DRIFT'] }, level2: { slackUsers: ['U0CHEF'], slackChannel: 'C0ESKALERING' } } } }),
    );
  });
  afterAll(() => bot.close());

  it('a question order typed in Slack is warned about in the incident channel halfway through its two working days', async () => {
    bot.clock.t = at('2026-11-23 10:00');
    const opened = await bot.requester.command('beställning fråga Hur länge sparas loggarna <!channel> myndighet=csn', {
      user: 'U0KOMMUN',
      channel: 'C0GENERAL',
      triggerId: 't-1',
    });
    expect(JSON.stringify((await bot.fake.waitForResponse(opened.responseId)).body)).toContain('BES-1');
    expect(await bot.db.prisma.reminder.count({ where: { case: { number: 1 }, status: 'pending' } })).toBeGreaterThan(0);
    // Two working days of 08–17 from Monday 10:00: due Wednesday 10:00; half is Tuesday 10:00.
    bot.clock.t = at('2026-11-24 10:00');
    expect(await bot.app.scheduler.tick(bot.clock.t)).toMatchObject({ sent: 1 });
    const warning = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS' && textOf(b).includes('BES-1'));
    expect(warning.body.thread_ts).toBeUndefined();
    expect(textOf(warning.body)).toContain(
      '⏰ BES-1 (Fråga/information) Hur länge sparas loggarna !channel – Åtgärdstid senast ons 25 nov. 2026 10:00: 1 arbetsdag kvar.',
    );
    expect(textOf(warning.body)).toContain('Nästa steg: beställning åtgärdad BES-1 &lt;vad som gjordes&gt;');
    expect(warning.body.metadata.event_type).toBe('ssbtek_delivery');
    expect(bot.fake.violations).toEqual([]);
  });

  it('the breach mentions level 1 in the incident channel; level 2 adds its people and also goes to the escalation channel', async () => {
    bot.clock.t = at('2026-11-25 10:00');
    await bot.app.scheduler.tick(bot.clock.t);
    const breach = await bot.fake.waitFor(
      'chat.postMessage',
      (b) => b.channel === 'C0INCIDENTS' && textOf(b).includes('BES-1 (Fråga/information)') && textOf(b).includes('BRUTEN'),
    );
    expect(textOf(breach.body)).toContain('Till: <!subteam^S0DRIFT>');
    // 16 support hours after the breach: Thursday 17:00.
    bot.clock.t = at('2026-11-26 17:00');
    await bot.app.scheduler.tick(bot.clock.t);
    const inChannel = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0ESKALERING' && textOf(b).includes('BES-1'));
    expect(textOf(inChannel.body)).toContain('🚨🚨 Eskalering: BES-1 (Fråga/information)');
    expect(textOf(inChannel.body)).toContain('Till: <@U0CHEF> <!subteam^S0DRIFT>');
    const inIncidents = bot.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0INCIDENTS' && textOf(c.body).includes('Eskalering: BES-1'));
    expect(inIncidents).toHaveLength(1);
    expect(bot.fake.violations).toEqual([]);
  });

  it('resolving the order in Slack stops its reminders; one fired but not yet delivered is dropped, not sent', async () => {
    // The next repeat falls due and is fired; the order is resolved before it is delivered.
    bot.clock.t = at('2026-11-27 16:00');
    const before = bot.fake.callsOf('chat.postMessage').length;
    await bot.app.scheduler.fire(bot.clock.t);
    const resolved = await bot.requester.command('beställning åtgärdad BES-1 Svarat: loggarna sparas i 18 månader', {
      user: 'U0JOUR',
      channel: 'C0GENERAL',
      triggerId: 't-2',
    });
    expect(JSON.stringify((await bot.fake.waitForResponse(resolved.responseId)).body)).toContain('BES-1 åtgärdad');
    await bot.app.scheduler.tick(bot.clock.t);
    await bot.slack.idle();
    expect(
      bot.fake
        .callsOf('chat.postMessage')
        .slice(before)
        .filter((c) => textOf(c.body).includes('BES-1')),
    ).toEqual([]);
    expect(await bot.db.prisma.reminder.count({ where: { case: { number: 1 }, status: 'pending' } })).toBe(0);
    const dropped = await bot.db.prisma.job.findMany({ where: { kind: 'case-reminder', status: 'dropped' } });
    expect(dropped.map((j) => j.lastError)).toContain('no longer relevant (resolved)');
  });

  it('a burst of case reminders in one channel goes out as one digest whose mentions still ping', async () => {
    // Six question orders opened on Monday 30 November; the bot is away until Thursday,
    // when all six breaches are due at once (threshold 5).
    bot.clock.t = at('2026-11-30 09:00');
    for (let i = 1; i <= 6; i++)
      await bot.app.compliance.cases.openOrder({ type: 'question', title: `Fråga ${i}` }, { id: 'anna', source: 'console' }, bot.clock.t);
    const before = bot.fake.callsOf('chat.postMessage').length;
    bot.clock.t = at('2026-12-03 08:30');
    expect(await bot.app.scheduler.tick(bot.clock.t)).toMatchObject({ sent: 6 });
    const digest = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS' && textOf(b).includes('6 påminnelser'));
    expect(
      bot.fake
        .callsOf('chat.postMessage')
        .slice(before)
        .filter((c) => c.body.channel === 'C0INCIDENTS'),
    ).toHaveLength(1);
    const text = textOf(digest.body.blocks);
    for (let n = 2; n <= 7; n++) expect(text).toContain(`BES-${n} (Fråga/information)`);
    // A mention in a block is Slack's <!subteam^…> syntax, not escaped text.
    expect(text).toContain('Till: <!subteam^S0DRIFT>');
    expect(text).not.toContain('&lt;!subteam');
    expect(String(digest.body.metadata.event_payload.job_ids).split(',')).toHaveLength(6);
    expect(bot.fake.violations).toEqual([]);
  });
});
