// Random routine command lines (seeded): no line gets a fault reply or logs an error, no
// answer or announcement repeats a personnummer, and a refused line stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { at, routineBot, type RoutineBot } from './support.js';
import { mulberry32 as random } from '../support/random.js';

const SEED = Number(process.env.SSBTEK_FUZZ_SEED ?? 20_261_130);
const LINES = Number(process.env.SSBTEK_ROUTINE_FUZZ_LINES ?? 600);
const PNR = '811218-9876';

const HEADS = ['fönster', 'window', 'fönstren', 'windows', 'extratid', 'extra-hours', 'meddelande', 'notice'];
const SUBS = ['flytta', 'move', 'ställ in', 'cancel', 'klart', 'done', 'förläng', 'extend', 'lista', 'godkänn', 'approve', 'avslå', 'reject', ''];
const PIECES = [
  '2027-02-27',
  '2027-02-30',
  '2027-13-01',
  '2027-03-06',
  '1999-01-01',
  '02:00–06:00',
  '22:00–06:00',
  '08:00-17:00',
  '25:00–26:00',
  '02:00',
  '07:30',
  '7.30',
  'WIN-1',
  'WIN-2',
  'WIN-999999999',
  'win-x',
  'EXH-1',
  'EXH-2',
  'INC-1',
  'INC-0',
  'release',
  'akut',
  'emergency',
  'tjänster=Inkomst,Folkbokföring',
  'tjänster=',
  'myndigheter=csn',
  'myndigheter=okänd',
  'agencies=Skatteverket',
  'text="Publik text"',
  'text=',
  'start=2027-02-27T02:00',
  'slut=2027-02-27T06:00',
  'end=nonsense',
  `pnr=${PNR}`,
  PNR,
  '"osluten',
  '‮',
  '\u0000',
  'x'.repeat(300),
  'Byte av databasserver',
  '=',
  '==',
  'å',
  '–',
  '—',
];

describe('routine commands under random input', () => {
  let db: Database;
  let bot: RoutineBot;
  const faults: string[] = [];
  let original: ((msg: string, err?: unknown) => void) | undefined;

  beforeAll(async () => {
    db = await pgliteTarget.open();
    bot = await routineBot(db, at('2027-01-29T10:00'));
    // The app's logger (the shared silent one in tests): record errors, restored after.
    original = bot.app.log.error;
    bot.app.log.error = (msg: string, err?: unknown) => faults.push(`${msg}: ${String(err)}`);
    await bot.say('incident påverkan=1 tidpunkt=1 titel="Storm"');
  });
  afterAll(async () => {
    if (original) bot.app.log.error = original;
    await bot?.app.close();
    await db?.close();
  });

  it(`${LINES} random lines (seed ${SEED}): no fault, no personnummer echoed or announced`, async () => {
    const next = random(SEED);
    const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
    const problems: string[] = [];
    const tally = { text: 0, error: 0 };
    for (let n = 0; n < LINES; n++) {
      // A third of the lines start like a real command, so the services are reached too.
      const parts =
        next() < 0.33
          ? [
              pick(['fönster', 'window', 'extratid', 'fönster flytta WIN-1', 'window extend WIN-2', 'meddelande INC-1']),
              pick(['2027-03-06', '2027-03-13', '2027-03-20', '2027-04-03']),
              pick(['02:00–06:00', '22:00–04:00', '01:00–02:00', '17:00–19:00']),
            ]
          : [pick(HEADS), pick(SUBS)];
      const count = Math.floor(next() * 6);
      for (let i = 0; i < count; i++) parts.push(pick(PIECES));
      const line = parts.filter(Boolean).join(' ');
      const reply = await bot.app.conversation.handle(line, {
        actor: { id: next() < 0.5 ? 'anna' : 'maja', source: 'console' },
        lang: next() < 0.5 ? 'sv' : 'en',
      });
      if (reply.kind === 'text' || reply.kind === 'error') tally[reply.kind]++;
      if (reply.kind === 'error' && /Något gick fel hos boten|Something went wrong in the bot/.test(reply.text)) problems.push(`fault: ${line}`);
      if (reply.text.includes(PNR) || reply.text.includes('8112189876')) problems.push(`personnummer echoed: ${line}`);
      if (n % 100 === 99) bot.clock.set(bot.clock.t + 3_600_000);
    }
    await bot.app.jobs.runner.drain(10_000);
    for (const r of bot.received) if (r.text.includes(PNR) || r.subject.includes(PNR)) problems.push(`personnummer announced to ${r.channel}`);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(faults).toEqual([]);
    // Both kinds of answer occur: the generator reaches the services, not only the parser.
    expect(tally.text).toBeGreaterThan(LINES / 50);
    expect(tally.error).toBeGreaterThan(LINES / 4);
    expect(await db.prisma.serviceWindow.count()).toBeGreaterThan(0);
  }, 120_000);
});
