// One command language on every surface: the test walks the command table and drives
// each command through the terminal and through Slack (signed requests to the real
// Bolt app, buttons and modals included) on two stores set up alike, and expects the
// same outcome (the same incidents afterwards, the same kind of answer) and, for every
// refusal, the same text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandName } from '../../src/conversation/commands.js';
import { ConsoleSession } from '../../src/platforms/console/session.js';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { TestClock, testApp } from '../support/app.js';
import { openedView, startBot, textOf, type Bot } from '../support/fake-slack.js';

type Expect = 'changes' | 'refused' | 'answers' | 'shows' | 'form';
/** Every command in the table has cases here: a new command without them fails the test. */
const CASES: Record<CommandName, [string, Expect][]> = {
  incident: [
    ['incident påverkan=3 titel="Paritet" myndighet=csn', 'changes'],
    ['incident påverkan=5 titel=x', 'refused'],
    ['incident påverkan=1 impact=2 titel=x', 'refused'],
    ['incident titel="Halv', 'refused'],
    ['incident påverkan=1 prio=1 titel=x', 'refused'],
    ['open', 'form'],
  ],
  status: [
    ['status INC-1', 'shows'],
    ['status INC-99', 'refused'],
    ['status 811218-9876', 'refused'],
  ],
  list: [
    ['list', 'answers'],
    ['lista nu', 'refused'],
  ],
  ack: [
    ['ack INC-1', 'changes'],
    ['kvittera INC-1', 'refused'],
    ['ack', 'refused'],
    ['"ack" INC-99', 'refused'],
  ],
  resolve: [
    ['resolve INC-2 Återrapporterat per telefon', 'changes'],
    ['åtgärdad INC-2 igen', 'refused'],
    ['resolve INC-1', 'form'],
  ],
  reopen: [
    ['reopen INC-2 Felet kom tillbaka pnr=811218-9876', 'changes'],
    ['reopen INC-1', 'refused'],
  ],
  priority: [
    ['priority INC-1 påverkan=1 tidpunkt=1 Alla drabbade', 'changes'],
    ['priority INC-1 påverkan=1 tidpunkt=1 igen', 'refused'],
    ['priority INC-1 påverkan=9 tidpunkt=1 x', 'refused'],
    ['priority INC-1', 'form'],
  ],
  close: [
    ['close INC-1', 'refused'],
    ['resolve INC-3 Klart', 'changes'],
    ['close INC-3', 'changes'],
    ['stäng INC-3', 'refused'],
  ],
  snooze: [
    ['snooze INC-1 15', 'answers'],
    ['snooze INC-1 7', 'refused'],
    ['snooze INC-3', 'refused'],
  ],
  note: [
    ['note INC-1 Larmet kom igen', 'changes'],
    ['notera INC-1', 'refused'],
    ['note INC-3 Efter stängningen: orsaken hittad', 'changes'],
  ],
  window: [
    ['fönster', 'form'],
    ['window 2020-01-04 02:00–06:00 Redan passerat', 'refused'],
    ['window move WIN-99 2030-01-05 02:00–06:00', 'refused'],
  ],
  windows: [['windows', 'answers']],
  extraHours: [
    ['extratid', 'answers'],
    ['extra-hours approve EXH-9', 'refused'],
  ],
  notice: [
    ['notice INC-99 Störning i flödet', 'refused'],
    ['meddelande', 'refused'],
  ],
  order: [
    ['beställning anslutning "Paritet" myndighet=csn', 'answers'],
    ['order ack BES-1', 'answers'],
    ['order close BES-9', 'refused'],
    ['beställning', 'refused'],
  ],
  problem: [
    ['problem impact=2 timing=3 Paritet', 'answers'],
    ['problem link PRB-1 INC-99', 'refused'],
    ['problem', 'refused'],
  ],
  outage: [
    ['outage list', 'answers'],
    ['avbrott störning start="2026-11-20 10:00" slut="2026-11-20 11:00" orsak=x', 'refused'],
  ],
  compliance: [
    ['efterlevnad', 'answers'],
    ['compliance 2026-13', 'refused'],
  ],
  help: [
    ['help', 'answers'],
    ['hjälp', 'answers'],
  ],
};

describe('the same command gives the same outcome in the terminal and in Slack', () => {
  let termDb: Database;
  let term: Awaited<ReturnType<typeof testApp>>;
  let session: ConsoleSession;
  let bot: Bot;
  const clock = new TestClock(0);

  beforeAll(async () => {
    bot = await startBot(await pgliteTarget.open(), { incidentChannel: 'C0INCIDENTS' });
    clock.set(bot.clock.t);
    termDb = await pgliteTarget.open();
    term = await testApp(termDb, clock);
    session = new ConsoleSession(term.conversation, term.contract, { actor: { id: 'anna', source: 'console' }, lang: 'sv' });
    session.interactive = true;
    for (const title of ['Ett', 'Två']) {
      await session.feed(`incident påverkan=2 tidpunkt=3 titel="${title}"`);
      await bot.requester.command(`incident påverkan=2 tidpunkt=3 titel="${title}"`);
      await bot.fake.waitFor('chat.postMessage', (b) => !b.thread_ts && String(b.text).includes(title));
    }
  });
  afterAll(async () => {
    await bot.close();
    await termDb.close();
  });

  /** The incidents as both stores have them: what a command may change. */
  const state = (db: Database) =>
    db.prisma.incident.findMany({
      orderBy: { id: 'asc' },
      select: { id: true, title: true, status: true, impact: true, timing: true, priority: true, resolutionNote: true },
    });

  /** Sends `/ssbtek <line>`; the private answer's text, or the modal it opened. */
  async function slack(line: string): Promise<{ text?: string; modal?: any }> {
    const from = bot.fake.calls.length;
    const res = await bot.requester.command(line, { user: 'U0PARITY', channel: 'C0GENERAL' });
    expect(res.status).toBe(200);
    for (let i = 0; i < 500; i++) {
      const response = bot.fake.responses.find((r) => r.id === res.responseId);
      if (response) return { text: String(response.body.text) };
      const opened = bot.fake.calls.slice(from).find((c) => c.method === 'views.open');
      if (opened) return { modal: openedView(opened) };
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no answer to /ssbtek ${line}`);
  }

  const walked: string[] = [];
  for (const spec of COMMANDS) {
    it(`${spec.name}: every case in the terminal and in Slack`, async () => {
      const cases = CASES[spec.name];
      expect(cases.length).toBeGreaterThan(0);
      for (const [line, expected] of cases) {
        walked.push(spec.name);
        const printed = await session.feed(line);
        const answered = await slack(line);
        await bot.slack.idle();
        expect(await state(bot.db), line).toEqual(await state(termDb));
        switch (expected) {
          case 'refused':
            expect(session.lastOutcome, line).toBe('error');
            expect(answered.text, line).toBe(printed);
            break;
          case 'answers':
            expect(answered.text, line).toBe(printed);
            break;
          case 'shows':
            // The terminal prints the incident; Slack shows its card (the text is its notification line).
            expect(session.lastOutcome, line).toBe('card');
            expect(answered.text, line).toContain(printed.split('\n')[1]!);
            break;
          case 'changes': {
            expect(session.lastOutcome, line).toBe('card');
            const said = printed.split('\n')[0]!;
            expect(answered.text, line).toContain(said);
            break;
          }
          case 'form': {
            expect(session.asking, line).toBe(true);
            const modal = answered.modal;
            expect(modal, line).toBeDefined();
            // The same fields: the terminal asks the required ones, the modal shows them all.
            const asked = printed
              .split('\n')
              .filter((l) => /^\S.*[:?]$/.test(l))
              .map((l) => l.replace(/:$/, ''));
            const labels = modal.blocks.filter((b: any) => b.type === 'input' && !b.optional).map((b: any) => b.label.text);
            expect(asked, line).toEqual(labels.slice(0, 1));
            session.cancelForm();
            break;
          }
        }
      }
    });
  }

  it('a submitted form refuses the same field with the same text and changes the same way', async () => {
    // The priority form with the priority the incident already has.
    const printed = await session.feed('priority INC-2');
    expect(printed).toContain('Påverkan:');
    await session.feed('2');
    await session.feed('3');
    const same = await session.feed('Ingen ändring');
    const modal = (await slack('priority INC-2')).modal;
    const refused = await bot.requester.interaction(bot.requester.viewSubmission(modal, { reason: 'Ingen ändring' }, 'U0PARITY'));
    expect(JSON.parse(refused.body).errors.impact).toBe(same);
    // A real change, both ways.
    await session.feed('priority INC-2');
    for (const answer of ['1', '2', 'Fler drabbade']) await session.feed(answer);
    await bot.requester.interaction(bot.requester.viewSubmission(modal, { impact: '1', timing: '2', reason: 'Fler drabbade' }, 'U0PARITY'));
    await bot.fake.waitFor('chat.postMessage', (b) => String(b.text).includes('Fler drabbade'));
    await bot.slack.idle();
    expect(await state(bot.db)).toEqual(await state(termDb));
  });

  it("a button is the same command: a stale Kvittera is refused with the terminal's text", async () => {
    const post = bot.fake.callsOf('chat.postMessage').find((c) => !c.body.thread_ts && String(c.body.text).includes('INC-2'))!;
    const from = bot.fake.calls.length;
    await bot.requester.interaction(
      bot.requester.buttonClick({ channel: post.body.channel, ts: post.response.ts, blocks: post.body.blocks }, 'ssbtek_ack', 'U0PARITY'),
    );
    const eph = await bot.fake.waitFor('chat.postEphemeral', (b) => b.user === 'U0PARITY', { from });
    expect(eph.body.text).toBe(await session.feed('ack INC-2'));
    expect(textOf(eph.body.blocks)).toContain('Kan inte kvittera INC-2');
  });

  it('walked every command in the table', () => {
    expect(new Set(walked)).toEqual(new Set(COMMANDS.map((c) => c.name)));
  });
});
