// The terminal session over streams, in process: Ctrl+C, the end of input in the middle
// of a form, and what an operator's screen receives.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../src/platforms/console/session.js';
import { runConsole } from '../../src/platforms/console/run.js';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { TestClock, testApp } from '../support/app.js';
import { at } from '../support/time.js';

describe('the terminal session', () => {
  let db: Database;
  let app: Awaited<ReturnType<typeof testApp>>;
  const clock = new TestClock(at('2026-11-24 10:00'));
  beforeAll(async () => {
    db = await pgliteTarget.open();
    app = await testApp(db, clock);
  });
  afterAll(() => db.close());

  const session = (lang: 'sv' | 'en' = 'sv') => new ConsoleSession(app.conversation, app.contract, { actor: { id: 'anna', source: 'console' }, lang });

  /** Runs the session on a fake terminal; `type` feeds keys; resolves with all output when the session ends. */
  function terminal(interactive: boolean) {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d) => (out += d));
    const done = runConsole(session(), { input, output, interactive }, 'BANNER').then(() => out);
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
      expect(out).toContain(text);
    };
    return { input, done, waitFor, output: () => out };
  }

  it('the end of input in the middle of a form says the form was cancelled', async () => {
    const t = terminal(false);
    t.input.end('incident\n1\n');
    const out = await t.done;
    expect(out).toContain('Inmatningen tog slut mitt i formuläret: avbrutet, inget registrerades.');
    expect(await db.prisma.incident.count()).toBe(0);
  });

  it('Ctrl+C cancels the form on the first press and ends the session on the second', async () => {
    const t = terminal(true);
    t.input.write('incident\r');
    await t.waitFor('Påverkan:');
    t.input.write('\x03');
    await t.waitFor('Avbrutet, inget registrerades.');
    t.input.write('\x03');
    await t.done;
    expect(await db.prisma.incident.count()).toBe(0);
  });

  it('Ctrl+C at an empty prompt ends the session; with half a line typed it clears the line first', async () => {
    const empty = terminal(true);
    await empty.waitFor('ssbtek> ');
    empty.input.write('\x03');
    await empty.done;

    const typed = terminal(true);
    await typed.waitFor('ssbtek> ');
    typed.input.write('lis');
    typed.input.write('\x03');
    await typed.waitFor('^C');
    typed.input.write('list\r');
    await typed.waitFor('Inga öppna incidenter.');
    typed.input.write('\x03');
    await typed.done;
  });

  it("text from chat cannot drive the operator's terminal: control characters are shown, not obeyed", async () => {
    // A title stored before input cleaning existed, straight in the store.
    const v = await app.incidents.open({ impact: 4, title: 'Ren titel' }, { id: 'U0X', source: 'slack' }, clock.now());
    await db.prisma.incident.update({ where: { id: v.id }, data: { title: 'Rensa\u001b[2J skärmen\u0007 \u202egnirts' } });
    const t = terminal(false);
    t.input.end(`status ${v.ref}\nlist\n`);
    const out = await t.done;
    expect(out).not.toMatch(/[\u0007\u001b\u202e]/);
    expect(out).toContain('Rensa␛[2J skärmen␇');
  });

  it('in a pipe, resolve without a note is refused with the usage; at a keyboard it asks for the note', async () => {
    const piped = session();
    expect(await piped.feed('incident påverkan=3 titel="Långsamt"')).toContain('är registrerad');
    const id = (await db.prisma.incident.findFirstOrThrow({ where: { title: 'Långsamt' } })).id;
    expect(await piped.feed(`resolve INC-${id}`)).toBe(`Skriv hur INC-${id} återrapporterades: resolve INC-${id} <text>.`);
    const keyboard = session();
    keyboard.interactive = true;
    expect(await keyboard.feed(`resolve INC-${id}`)).toContain('Hur återrapporterades det?\n> ');
    expect(keyboard.asking).toBe(true);
    expect(await keyboard.feed('Per telefon till SPOC')).toContain(`INC-${id} är åtgärdad och återrapporterad.`);
  });
});
