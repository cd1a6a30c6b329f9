// The window form: `fönster` alone asks for the window field by field in the terminal and
// opens a modal in Slack; submitted, it is the same `window` command as the one-line form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../src/platforms/console/session.js';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { openedView, startBot, type Bot } from '../support/fake-slack.js';
import { at, routineBot, routineContract, type RoutineBot } from './support.js';

describe('the window form in the terminal', () => {
  let db: Database;
  let bot: RoutineBot;

  beforeAll(async () => {
    db = await pgliteTarget.open();
    bot = await routineBot(db, at('2027-01-29T10:00'));
  });
  afterAll(async () => {
    await bot?.app.close();
    await db?.close();
  });

  it('asks the date, the time and the text for the parties, re-asks a bad answer, and plans the window', async () => {
    const session = new ConsoleSession(bot.app.conversation, bot.app.contract, { actor: { id: 'anna', source: 'console' }, lang: 'sv' });
    session.interactive = true;
    const first = await session.feed('fönster');
    expect(first).toContain('Ett servicefönster (4.6)');
    expect(first).toContain('Datum');
    expect(await session.feed('2027-02-30')).toContain('Ange datumet som ÅÅÅÅ-MM-DD');
    expect(session.lastOutcome).toBe('reasked');
    expect(await session.feed('2027-02-27')).toContain('Tid');
    expect(await session.feed('02:00–06:00')).toContain('Text till parterna');
    const done = await session.feed('Inkomstuppgifter kan inte hämtas.');
    expect(done).toContain('WIN-1 planerat: lör 27 feb. 2027 02:00–06:00 (4 h), planerad ändring utanför release.');
    expect((await bot.app.routine.windows.get(1)).publicText).toBe('Inkomstuppgifter kan inte hämtas.');
  });
});

describe('the window form in Slack', () => {
  let bot: Bot;

  beforeAll(async () => {
    bot = await startBot(await pgliteTarget.open(), {}, {}, routineContract());
    bot.clock.t = at('2027-01-29T10:00');
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('/ssbtek fönster opens a modal; a bad time is shown next to its field; a good submission plans the window', async () => {
    const res = await bot.requester.command('fönster', { user: 'U0ANNA', channel: 'C0GENERAL' });
    expect(res.status).toBe(200);
    const opened = await bot.fake.waitFor('views.open', () => true);
    const modal = openedView(opened);
    expect(modal.callback_id).toBe('ssbtek_window');
    const bad = await bot.requester.interaction(
      bot.requester.viewSubmission(modal, { date: '2027-02-27', time: 'två till sex', text: 'Inkomstuppgifter kan inte hämtas.' }, 'U0ANNA'),
    );
    expect(JSON.parse(bad.body).errors.time).toBe('Ange tiden som 02:00–06:00 (fick "två till sex").');
    await bot.requester.interaction(
      bot.requester.viewSubmission(
        modal,
        { date: '2027-02-27', time: '02:00–06:00', text: 'Inkomstuppgifter kan inte hämtas.', services: 'Inkomst', kind: 'release' },
        'U0ANNA',
      ),
    );
    for (let i = 0; i < 100 && (await bot.db.prisma.serviceWindow.count()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const w = await bot.app.routine.windows.get(1);
    expect(w).toMatchObject({ services: ['Inkomst'], kind: 'release', publicText: 'Inkomstuppgifter kan inte hämtas.', owner: 'U0ANNA', ownerSource: 'slack' });
  });
});
