// Extra opening hours (UC 4.1.2) and disturbance notices (UC 6) through the command
// language, on PGlite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { buildContract } from '../../src/config/load.js';
import { at, PARTIES, routineBot, sentSteps, type RoutineBot } from './support.js';

describe.each(databases)('extra opening hours on $name', (target) => {
  let db: Database;
  let bot: RoutineBot;

  beforeAll(async () => {
    db = await target.open();
    bot = await routineBot(db, at('2027-02-20T10:00'));
  });
  afterAll(async () => {
    await bot?.app.close();
    await db?.close();
  });

  it('a request in time names the decision meeting and the deadlines and is recorded', async () => {
    const reply = await bot.say('extratid 2027-03-13 09:00–13:00');
    expect(reply).toBe(
      'EXH-1 begärt: extra öppethållande lör 13 mars 2027 09:00–13:00.\n  Beslutsmöte:     tors 11 mars 2027 13:00\n  Begäran senast:  tors 25 feb. 2027 13:00 (i tid)\n  Underlag senast: tors 11 mars 2027 09:00',
    );
    expect(bot.received).toHaveLength(0); // a request is not announced; the decision is
  });

  it('extra hours requested 13 days before the meeting are refused with the next possible date', async () => {
    bot.clock.set(at('2027-02-26T13:00'));
    const reply = await bot.say('extra-hours 2027-03-13 09:00–13:00', 'anna', 'en');
    expect(reply).toBe(
      'Extra opening hours Sat 13 Mar 2027 09:00–13:00 can no longer be requested: the decision meeting is Thu 11 Mar 2027 13:00 and the request was due by Thu 25 Feb 2027 13:00. Earliest possible now: Thu 18 Mar 2027 17:00.',
    );
  });

  it('extra hours that leave a gap to the opening hours are refused, naming what would be accepted', async () => {
    bot.clock.set(at('2027-02-20T10:00'));
    expect(await bot.say('extratid 2027-03-16 19:00–21:00')).toContain('på en dag med öppettid ska det börja vid stängning eller sluta vid öppning');
  });

  it('an approval is announced to every party, and the hours become opening hours: a window in them is refused', async () => {
    bot.clock.set(at('2027-02-20T10:00'));
    expect(bot.app.calendar.opening.isOpen(at('2027-03-13T10:00'))).toBe(false);
    expect(await bot.say('extratid godkänn EXH-1')).toContain('EXH-1 godkänt: lör 13 mars 2027 09:00–13:00 blir öppettid');
    expect(bot.received).toHaveLength(7);
    expect(bot.received.find((r) => r.channel === 'ops@skv.example.se')!.text).toContain(
      'Extra opening hours EXH-1 are decided: SSBTEK is open Sat 13 Mar 2027 09:00–13:00.',
    );
    expect(bot.app.calendar.opening.isOpen(at('2027-03-13T10:00'))).toBe(true);
    expect(bot.app.calendar.opening.isOpen(at('2027-03-13T13:00'))).toBe(false);
    const refused = await bot.say('fönster 2027-03-13 08:00–11:00 Uppgradering');
    expect(refused).toContain('Öppettid: fönstret går in i öppettiden lör 13 mars 2027 09:00–11:00');
    // A decision is taken once.
    expect(await bot.say('extratid avslå EXH-1 För sent')).toBe('EXH-1 är redan godkänt.');
  });

  it("a decision made by another process reaches this calendar on the runner's next pass", async () => {
    const other = await routineBot(db, at('2027-02-20T10:00'));
    try {
      await other.say('extratid 2027-03-20 09:00–12:00');
      expect(await other.say('extratid godkänn EXH-2')).toContain('EXH-2 godkänt');
      expect(bot.app.calendar.opening.isOpen(at('2027-03-20T10:00'))).toBe(false);
      await bot.app.jobs.runner.pass(true);
      expect(bot.app.calendar.opening.isOpen(at('2027-03-20T10:00'))).toBe(true);
    } finally {
      await other.app.close();
    }
  });

  it('approved hours are opening hours again after a restart (fed into the calendar at start)', async () => {
    const again = await routineBot(db, at('2027-02-21T10:00'));
    try {
      expect(again.app.calendar.opening.isOpen(at('2027-03-13T12:59'))).toBe(true);
    } finally {
      await again.app.close();
    }
  });
});

describe('who may decide and change', () => {
  it('deciding extra hours needs the manager role; a window is changed by whoever planned it or a manager', async () => {
    const { pgliteTarget } = await import('../support/databases.js');
    const db = await pgliteTarget.open();
    const bot = await routineBot(db, at('2027-02-20T10:00'), buildContract({ routine: { parties: PARTIES }, roles: { manager: { console: ['maja'] } } }));
    try {
      await bot.say('extratid 2027-03-13 09:00–13:00', 'anna');
      expect(await bot.say('extratid godkänn EXH-1', 'anna')).toBe(
        'Att besluta om extra öppethållande (EXH-1) kräver rollen incidentansvarig (roles.manager).',
      );
      expect(await bot.say('extratid godkänn EXH-1', 'maja')).toContain('EXH-1 godkänt');
      await bot.say('fönster 2027-03-27 02:00–04:00 Byte', 'anna');
      expect(await bot.say('fönster ställ in WIN-1', 'olle')).toBe(
        'WIN-1 planerades av anna; bara den som planerade fönstret eller en incidentansvarig kan ändra det.',
      );
      expect(await bot.say('fönster ställ in WIN-1', 'maja')).toContain('WIN-1 inställt');
    } finally {
      await bot.app.close();
      await db.close();
    }
  });
});

describe.each(databases)('disturbance notices on $name', (target) => {
  let db: Database;
  let bot: RoutineBot;

  beforeAll(async () => {
    db = await target.open();
    bot = await routineBot(db, at('2027-03-02T09:00'));
  });
  afterAll(async () => {
    await bot?.app.close();
    await db?.close();
  });

  it('a critical incident: the owner is asked for a public text, the notice goes to every party without the internal title, a reminder every 60 minutes, the all-clear when resolved', async () => {
    const opened = await bot.say('incident påverkan=1 tidpunkt=1 titel="Databasen nere hos Anna Svensson 19811218-9876" myndighet=csn');
    expect(opened).toContain('INC-1');
    // The owner (at the terminal) is asked through the operator's channels, at once.
    const asked = bot.received.filter((r) => r.subject === 'SSBTEK INC-1: störningsmeddelande behövs');
    expect(asked.map((r) => r.channel).sort()).toEqual(['C0DRIFT', 'servicedesk@drift.example.se']);
    expect(asked[0]!.text).toContain('meddelande INC-1 <text>');
    bot.received.length = 0;

    expect(await bot.say('meddelande INC-1 Inkomstuppgifter kan inte hämtas just nu. Vi arbetar på det.')).toBe(
      'Störningsmeddelande för INC-1 skickat till 5 parter: Inkomstuppgifter kan inte hämtas just nu. Vi arbetar på det.',
    );
    expect(bot.received).toHaveLength(7);
    for (const r of bot.received) {
      expect(r.text).not.toContain('Databasen nere');
      expect(r.text).not.toContain('9876');
    }
    expect(bot.received.find((r) => r.channel === 'it-drift@csn.example.se')!.text).toContain(
      'Störning i SSBTEK (INC-1):\n\nInkomstuppgifter kan inte hämtas just nu.',
    );
    bot.received.length = 0;

    // 59 minutes: nothing; 60: the reminder to post an update; 120: the next one.
    await bot.advance(at('2027-03-02T09:59'));
    expect(bot.received).toHaveLength(0);
    await bot.advance(at('2027-03-02T10:00'));
    expect(bot.received.map((r) => r.subject)).toEqual(['SSBTEK INC-1: dags för en uppdatering', 'SSBTEK INC-1: dags för en uppdatering']);
    await bot.advance(at('2027-03-02T11:00'));
    expect(bot.received).toHaveLength(4);
    bot.received.length = 0;

    await bot.say('notice INC-1 Partial service restored.', 'anna', 'en');
    expect(bot.received.filter((r) => r.subject.includes('uppdatering') || r.subject.includes('update'))).toHaveLength(7);
    bot.received.length = 0;
    await bot.say('åtgärdad INC-1 Servern bytt');
    const clear = bot.received.filter((r) => r.subject === 'SSBTEK störning INC-1: åtgärdad' || r.subject === 'SSBTEK disturbance INC-1: resolved');
    expect(clear).toHaveLength(7);
    expect(clear.find((r) => r.channel === 'drift@fk.example.se')!.text).toContain('Partial service restored.');
    // Resolved: no more reminders.
    bot.received.length = 0;
    await bot.advance(at('2027-03-02T14:00'));
    expect(bot.received).toHaveLength(0);
    const steps = await sentSteps(db, 'INC-1');
    const keys = steps.map((s) => `${s.step}|${s.party}|${s.channel}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('a medium incident gets no request for a notice; a notice on a resolved incident is refused', async () => {
    bot.received.length = 0;
    await bot.say('incident påverkan=3 tidpunkt=3 titel="Långsamt"');
    expect(bot.received).toHaveLength(0);
    expect(await bot.say('meddelande INC-1 Igen')).toBe(
      'INC-1 är åtgärdad; störningsmeddelanden skickas bara medan incidenten är öppen (friklarningen går ut när den åtgärdas).',
    );
  });
});
