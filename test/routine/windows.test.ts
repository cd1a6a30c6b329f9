// Service windows end to end (UC 4.6): planned through the command language, announced
// to each party by the ladder (queued jobs, delivered as the clock moves), moved and
// cancelled to everyone who heard of them, and an overrun into opening hours recorded
// as unavailability. On PGlite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOutages } from '../../src/services/outages.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { at, routineBot, sentSteps, type RoutineBot } from './support.js';

const LADDER = ['published', 'before-4-weeks', 'before-1-weeks', 'before-1-workingDays', 'before-1-hours', 'start', 'end'];
/** Every party hears a window on every agency: fk (e-mail + Slack), csn, skatteverket (en), the operator (Slack + e-mail), the owner. */
const CHANNELS_ALL = 7;

describe.each(databases)('service windows on $name', (target) => {
  let db: Database;
  let bot: RoutineBot;

  beforeAll(async () => {
    db = await target.open();
    bot = await routineBot(db, at('2027-01-29T10:00'));
  });
  afterAll(async () => {
    await bot?.app.close();
    await db?.close();
  });

  it('a window Saturday 02:00–06:00 four weeks and a day ahead is accepted and announced by the ladder, each step once to each party, in its language', async () => {
    const reply = await bot.say(
      'fönster 2027-02-27 02:00–06:00 tjänster=Inkomst,Folkbokföring text="Inkomst- och folkbokföringsuppgifter kan inte hämtas." Byte av databasserver',
    );
    expect(reply).toContain('WIN-1 planerat: lör 27 feb. 2027 02:00–06:00 (4 h), planerad ändring utanför release.');
    expect(reply).toContain('fre 26 feb. 2027 08:00  1 arbetsdag före');
    // Published at once to every party on every channel.
    expect(bot.received).toHaveLength(CHANNELS_ALL);
    const fk = bot.received.find((r) => r.channel === 'drift@fk.example.se')!;
    expect(fk.subject).toBe('SSBTEK servicefönster WIN-1: lör 27 feb. 2027 02:00–06:00 (vid publicering)');
    expect(fk.text).toContain('När: lör 27 feb. 2027 02:00–06:00 (4 h)');
    expect(fk.text).toContain('Tjänster: Inkomst, Folkbokföring');
    expect(fk.text).toContain('Vad: Inkomst- och folkbokföringsuppgifter kan inte hämtas.');
    expect(fk.text).toContain('Kontakt: Driftleverantörens servicedesk');
    const skv = bot.received.find((r) => r.channel === 'ops@skv.example.se')!;
    expect(skv.text).toContain('When: Sat 27 Feb 2027 02:00–06:00 (4 h)');

    // The clock walks through the ladder; each step goes out when due, not before.
    for (const [when, step] of [
      ['2027-01-30T02:00', 'before-4-weeks'],
      ['2027-02-20T02:00', 'before-1-weeks'],
      ['2027-02-26T08:00', 'before-1-workingDays'],
      ['2027-02-27T01:00', 'before-1-hours'],
      ['2027-02-27T02:00', 'start'],
      ['2027-02-27T06:00', 'end'],
    ] as const) {
      await bot.advance(at(when) - 60_000);
      expect(
        (await sentSteps(db, 'WIN-1')).filter((s) => s.step === step),
        `${step} early`,
      ).toHaveLength(0);
      await bot.advance(at(when));
      expect(
        (await sentSteps(db, 'WIN-1')).filter((s) => s.step === step),
        step,
      ).toHaveLength(CHANNELS_ALL);
    }
    const sent = (await sentSteps(db, 'WIN-1')).filter((s) => !s.party.startsWith('owner:'));
    expect(new Set(sent.map((s) => s.step))).toEqual(new Set(LADDER));
    const keys = sent.map((s) => `${s.step}|${s.party}|${s.channel}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(bot.received.filter((r) => !r.subject.includes('har nått sitt slut'))).toHaveLength(LADDER.length * CHANNELS_ALL);
    // Not marked done at its end: the owner (in the terminal) is asked through the operator's channels.
    expect((await bot.app.routine.windows.get(1)).status).toBe('overrun');
    expect(
      bot.received
        .filter((r) => r.subject === 'SSBTEK WIN-1: fönstret har nått sitt slut')
        .map((r) => r.channel)
        .sort(),
    ).toEqual(['C0DRIFT', 'servicedesk@drift.example.se']);
    expect(await bot.say('fönster klart WIN-1')).toBe('WIN-1 klart lör 27 feb. 2027 06:00.');
  });

  it('a window three weeks ahead is refused for notice, naming the rule and the earliest accepted start; as a release it is accepted', async () => {
    bot.clock.set(at('2027-01-29T10:00'));
    const refused = await bot.say('fönster 2027-02-20 02:00–06:00 Byte av lastbalanserare');
    expect(refused).toContain(
      'Varsel: en planerad ändring utanför en release ska meddelas minst 4 veckor före starten, så fönstret kan starta tidigast fre 26 feb. 2027 10:00.',
    );
    expect(refused).toContain('Tidigaste start som godtas för ett fönster av samma längd (4 h): fre 26 feb. 2027 17:00–21:00.');
    const release = await bot.say('window 2027-02-20 02:00–06:00 release Load balancer', 'anna', 'en');
    expect(release).toMatch(/^WIN-\d+ planned: Sat 20 Feb 2027 02:00–06:00 \(4 h\), release\./);
  });

  it('a window that ends 08:30 on a Monday is refused (opening hours)', async () => {
    const refused = await bot.say('window 2027-03-01 05:00–08:30 Patch', 'anna', 'en');
    expect(refused).toContain('Opening hours: the window runs into opening hours Mon 1 Mar 2027 08:00–08:30');
  });

  it('a move and a cancel reach everyone who heard the original, and nothing of the old schedule goes out', async () => {
    bot.clock.set(at('2027-01-29T10:00'));
    bot.received.length = 0;
    const planned = await bot.say(
      'fönster 2027-03-06 02:00–05:00 myndigheter=csn tjänster=Studiestöd text="Studiestödsuppgifter kan inte hämtas." Uppgradering',
    );
    const ref = /^(WIN-\d+)/.exec(planned)![1]!;
    // CSN, the operator and the contract owner heard it; Försäkringskassan and Skatteverket did not.
    expect(new Set(bot.received.map((r) => r.channel))).toEqual(
      new Set(['it-drift@csn.example.se', 'C0DRIFT', 'servicedesk@drift.example.se', 'avtal@example.se']),
    );
    bot.received.length = 0;
    await bot.advance(at('2027-01-29T11:00'));
    const moved = await bot.say(`fönster flytta ${ref} 2027-03-13 02:00–05:00`);
    expect(moved).toContain(`${ref} flyttat till lör 13 mars 2027 02:00–05:00`);
    expect(bot.received.map((r) => r.channel).sort()).toEqual(['C0DRIFT', 'avtal@example.se', 'it-drift@csn.example.se', 'servicedesk@drift.example.se']);
    const csn = bot.received.find((r) => r.channel === 'it-drift@csn.example.se')!;
    expect(csn.subject).toBe(`SSBTEK servicefönster ${ref} flyttat: lör 13 mars 2027 02:00–05:00`);
    expect(csn.text).toContain('är FLYTTAT. Tidigare: lör 6 mars 2027 02:00–05:00.');
    // The old "4 weeks before" (6 Feb) is never sent; the new one (13 Feb) is.
    bot.received.length = 0;
    await bot.advance(at('2027-02-06T02:00'));
    expect(bot.received.filter((r) => r.subject.includes(ref))).toHaveLength(0);
    await bot.advance(at('2027-02-13T02:00'));
    expect(bot.received.filter((r) => r.subject.includes(ref)).map((r) => r.subject)).toEqual(
      Array(4).fill(`SSBTEK servicefönster ${ref}: lör 13 mars 2027 02:00–05:00 (4 veckor före)`),
    );
    bot.received.length = 0;
    expect(await bot.say(`fönster ställ in ${ref}`)).toContain(`${ref} inställt`);
    expect(bot.received.map((r) => r.channel).sort()).toEqual(['C0DRIFT', 'avtal@example.se', 'it-drift@csn.example.se', 'servicedesk@drift.example.se']);
    expect(bot.received[0]!.text).toContain('är INSTÄLLT (var planerat lör 13 mars 2027 02:00–05:00)');
    bot.received.length = 0;
    await bot.advance(at('2027-03-13T06:00'));
    expect(bot.received.filter((r) => r.subject.includes(ref))).toHaveLength(0);
    expect((await bot.app.routine.windows.get(Number(ref.slice(4)))).status).toBe('cancelled');
    // Who changed what, in the audit log.
    const audit = await db.prisma.auditEntry.findMany({ where: { entityType: 'service_window', entityId: ref }, orderBy: { id: 'asc' } });
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['planned', 'anna'],
      ['moved', 'anna'],
      ['cancelled', 'anna'],
    ]);
  });

  it('an overrun into Monday 08:00–08:40 records 40 minutes of unavailability, and the parties are told', async () => {
    bot.clock.set(at('2027-01-29T12:00'));
    const planned = await bot.say('fönster 2027-02-28 22:00–06:00 tjänster=Inkomst text="Inkomstuppgifter kan inte hämtas." Migrering');
    const ref = /^(WIN-\d+)/.exec(planned)![1]!;
    const id = Number(ref.slice(4));
    await bot.advance(at('2027-03-01T06:00'));
    expect((await bot.app.routine.windows.get(id)).status).toBe('overrun');
    // An extension announced after the end does not count.
    await bot.advance(at('2027-03-01T07:00'));
    const late = await bot.say(`fönster förläng ${ref} 09:00`);
    expect(late).toContain('räknas som otillgänglighet');
    bot.received.length = 0;
    await bot.advance(at('2027-03-01T08:40'));
    const done = await bot.say(`fönster klart ${ref}`);
    expect(done).toBe(
      `${ref} klart mån 1 mars 2027 08:40. Fönstret drog över in i öppettiden utan förlängning i tid: 40 min otillgänglighet registrerad (mån 1 mars 2027 08:00–08:40); parterna informeras.`,
    );
    const outages = await listOutages(db.prisma, at('2027-03-01T00:00'), at('2027-03-02T00:00'));
    expect(outages).toEqual([
      expect.objectContaining({
        start: at('2027-03-01T08:00'),
        end: at('2027-03-01T08:40'),
        kind: 'overrun',
        planned: false,
        sourceWindowId: id,
        baseServices: ['Inkomst'],
        agencies: [],
      }),
    ]);
    const told = bot.received.filter((r) => r.subject.includes(ref));
    expect(told.map((r) => r.subject)).toContain(`SSBTEK servicefönster ${ref}: överdrag in i öppettiden`);
    expect(told).toHaveLength(7);
    expect(bot.received.find((r) => r.channel === 'ops@skv.example.se')!.text).toContain('40 min counts as unavailability');
  });

  it('done reported afterwards with the time the work ended: the overrun counts up to that time', async () => {
    bot.clock.set(at('2027-01-29T12:00'));
    const planned = await bot.say('fönster 2027-03-14 22:00–06:00 Migrering, del 3');
    const ref = /^(WIN-\d+)/.exec(planned)![1]!;
    await bot.advance(at('2027-03-15T10:00'));
    expect(await bot.say(`fönster klart ${ref} 11:00`)).toBe(
      `${ref}: ange när arbetet blev klart, efter starten (sön 14 mars 2027 22:00) och senast nu (mån 15 mars 2027 10:00).`,
    );
    expect(await bot.say(`fönster klart ${ref} 08:25`)).toContain(
      `${ref} klart mån 15 mars 2027 08:25. Fönstret drog över in i öppettiden utan förlängning i tid: 25 min otillgänglighet registrerad`,
    );
    const outages = await listOutages(db.prisma, at('2027-03-15T00:00'), at('2027-03-16T00:00'));
    expect(outages.map((o) => [o.start, o.end])).toEqual([[at('2027-03-15T08:00'), at('2027-03-15T08:25')]]);
  });

  it('an extension announced before the end keeps an overrun from counting', async () => {
    bot.clock.set(at('2027-01-29T12:00'));
    const planned = await bot.say('fönster 2027-03-07 22:00–06:00 Migrering, del 2');
    const ref = /^(WIN-\d+)/.exec(planned)![1]!;
    await bot.advance(at('2027-03-08T05:30'));
    bot.received.length = 0;
    expect(await bot.say(`fönster förläng ${ref} 09:00`)).toContain(`${ref} förlängt: sön 7 mars 2027 22:00 – mån 8 mars 2027 09:00`);
    expect(bot.received.filter((r) => r.subject.includes(`${ref} förlängt`) || r.subject.includes(`${ref} extended`))).toHaveLength(7);
    await bot.advance(at('2027-03-08T08:40'));
    expect(await bot.say(`fönster klart ${ref}`)).toBe(`${ref} klart mån 8 mars 2027 08:40.`);
    expect(await listOutages(db.prisma, at('2027-03-08T00:00'), at('2027-03-09T00:00'))).toEqual([]);
  });

  it('a bot that was down sends only the step now due, never a burst of stale ones', async () => {
    bot.clock.set(at('2027-01-29T10:00'));
    const planned = await bot.say('fönster 2027-03-20 02:00–04:00 Uppgradering');
    const ref = /^(WIN-\d+)/.exec(planned)![1]!;
    bot.received.length = 0;
    // Down from the publication until after "1 week before": "4 weeks before" is stale by then.
    await bot.advance(at('2027-03-13T03:00'));
    const subjects = bot.received
      .filter((r) => r.subject.includes(ref))
      .map((r) => r.subject)
      .sort();
    expect(subjects).toEqual(
      [
        ...Array(6).fill(`SSBTEK servicefönster ${ref}: lör 20 mars 2027 02:00–04:00 (1 vecka före)`),
        `SSBTEK service window ${ref}: Sat 20 Mar 2027 02:00–04:00 (1 week before)`,
      ].sort(),
    );
    const dropped = await db.prisma.routineAnnouncement.count({ where: { subject: ref, step: 'before-4-weeks', status: 'dropped' } });
    expect(dropped).toBe(7);
  });

  it('windows lists what is planned', async () => {
    const list = await bot.say('fönstren');
    expect(list).toMatch(/^Servicefönster \(\d+\):/);
    expect(list).toContain('inställt');
  });
});
