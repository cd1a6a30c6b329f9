// Reminders before breach, the breach ping and escalation, each sent exactly once,
// driven by an injected clock on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Priority } from '../../src/config/contract.js';
import { loadContract } from '../../src/config/load.js';
import type { Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { TestClock, testApp } from '../support/app.js';
import { at, local } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'console' };
const said = (m: { reminder: { target: string; kind: string }; late: boolean }) => `${m.reminder.target}:${m.reminder.kind}${m.late ? ' (late)' : ''}`;

describe.each(databases)('reminder scheduler on $name', (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db.close());

  async function fresh() {
    await db.prisma.reminder.deleteMany();
    await db.prisma.incident.deleteMany();
    const clock = new TestClock(at('2026-11-09 10:00'));
    const app = await testApp(db, clock);
    return { clock, app };
  }

  /** Ticks at every pending due time up to `until`, returning what was said in order. */
  async function runUntil(app: Awaited<ReturnType<typeof testApp>>, clock: TestClock, until: number): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const next = await app.reminders.nextDueAt();
      if (next === null || next > until) break;
      clock.set(next);
      await app.scheduler.tick(next);
      for (const m of app.sink.take()) out.push(`${local(m.reminder.dueAt.getTime()).slice(4)} ${said(m)}`);
    }
    clock.set(until);
    return out;
  }

  const ladders: Array<[Priority, number, number, string[]]> = [
    ['critical', 1, 1, ['2026-11-09 10:15 response:warning', '2026-11-09 10:20 response:warning', '2026-11-09 10:30 response:breach']],
    ['high', 2, 2, ['2026-11-09 10:30 response:warning', '2026-11-09 10:50 response:warning', '2026-11-09 11:00 response:breach']],
    ['medium', 3, 3, ['2026-11-09 16:00 response:warning', '2026-11-09 17:00 response:warning', '2026-11-10 09:00 response:breach']],
    ['low', 4, 3, ['2026-11-11 13:36 response:warning', '2026-11-11 16:00 response:breach', '2026-11-12 16:00 response:repeat']],
  ];
  it.each(ladders)('a %s incident nobody acts on walks its whole response ladder, each rung once', async (priority, impact, timing, firstThree) => {
    const { clock, app } = await fresh();
    const v = await app.incidents.open({ impact, timing, title: `Ladder ${priority}` }, anna, clock.now());
    expect(v.priority).toBe(priority);
    const planned = app.reminders.plan(await db.prisma.incident.findUniqueOrThrow({ where: { id: v.id } }));
    const said = await runUntil(app, clock, v.resolution.due + 30 * 86_400_000);
    expect(said.slice(0, 3)).toEqual(firstThree);
    // One message per target and moment (a repeat and the escalation due together are
    // said once, as the escalation); every planned rung is accounted for exactly once.
    const moments = new Set(planned.map((r) => `${r.target}@${r.dueAt}`));
    expect(said).toHaveLength(moments.size);
    const sent = await db.prisma.reminder.count({ where: { status: 'sent' } });
    const superseded = await db.prisma.reminder.count({ where: { status: 'dropped', dropReason: { contains: 'superseded' } } });
    expect(sent).toBe(moments.size);
    expect(sent + superseded).toBe(planned.length);
    expect(await db.prisma.reminder.count({ where: { status: 'pending' } })).toBe(0);
    expect(await app.scheduler.tick(clock.now())).toMatchObject({ sent: 0 });
  });

  it('acknowledging drops the response reminders; the resolution ladder goes on', async () => {
    const { clock, app } = await fresh();
    const v = await app.incidents.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, clock.now());
    expect(await runUntil(app, clock, at('2026-11-09 10:16'))).toEqual(['2026-11-09 10:15 response:warning']);
    await app.incidents.acknowledge(v.id, anna, at('2026-11-09 10:18'));
    expect(await runUntil(app, clock, at('2026-11-09 16:30'))).toEqual(['2026-11-09 14:00 resolution:warning', '2026-11-09 16:00 resolution:warning']);
    await app.incidents.resolve(v.id, 'Återrapporterat', anna, at('2026-11-09 16:30'));
    expect(await db.prisma.reminder.count({ where: { incidentId: v.id, status: 'pending' } })).toBe(0);
  });

  it('the breach pings the escalation contacts, and level 2 when nobody acts', async () => {
    const { clock } = await fresh();
    const app = await testApp(db, clock, { escalation: { default: { level1: { slackGroups: ['S0DRIFT'] }, level2: { slackUsers: ['U0CHEF'] } } } });
    await app.incidents.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, clock.now());
    clock.set(at('2026-11-09 10:30'));
    await app.scheduler.tick(clock.now());
    const breach = app.sink.take();
    expect(breach.map(said)).toEqual(['response:breach']);
    expect(breach[0]!.contacts).toMatchObject({ slack: { groups: ['S0DRIFT'] } });
    clock.set(at('2026-11-09 11:00'));
    await app.scheduler.tick(clock.now());
    const eleven = app.sink.take();
    expect(eleven.map(said)).toEqual(['response:escalation']);
    expect(eleven[0]!.contacts).toMatchObject({ slack: { users: ['U0CHEF'], groups: ['S0DRIFT'] } });
    // The 10:45 and 11:00 repeats were due in the same pass: said once, as the escalation.
    expect(await db.prisma.reminder.count({ where: { kind: 'repeat', status: 'dropped', dropReason: { contains: 'superseded' } } })).toBe(2);
  });

  it('snooze pauses a target and speaks again when it ends', async () => {
    const { clock, app } = await fresh();
    const v = await app.incidents.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, clock.now());
    await runUntil(app, clock, at('2026-11-09 10:15'));
    const reply = await app.conversation.handle(`snooze ${v.ref} 15`, { actor: anna, lang: 'sv' });
    expect(reply.text).toBe(`Påminnelserna om ${v.ref} (Responstid) är pausade till mån 9 nov. 2026 10:30.`);
    // The snooze is on the incident's timeline, not only in the audit.
    const snoozed = (await app.incidents.timeline(v.id)).filter((e) => e.type === 'snoozed');
    expect(snoozed).toEqual([
      expect.objectContaining({ actor: anna.id, data: { target: 'response', minutes: 15, until: new Date(at('2026-11-09 10:30')).toISOString() } }),
    ]);
    expect(await runUntil(app, clock, at('2026-11-09 10:31'))).toEqual(['2026-11-09 10:30 response:snooze']);
    const bad = await app.conversation.handle(`snooze ${v.ref} 7`, { actor: anna, lang: 'en' });
    expect(bad).toMatchObject({ kind: 'error', text: 'Snooze takes 15, 60 minutes (not "7").' });
    expect((await app.conversation.handle(`snooze ${v.ref} länge`, { actor: anna, lang: 'sv' })).text).toBe('Snooze går i 15, 60 minuter (inte "länge").');
  });

  it('reprioritising moves the ladder; a deadline already passed is told at once', async () => {
    const { clock, app } = await fresh();
    const v = await app.incidents.open({ impact: 3, timing: 3, title: 'Timeouts' }, anna, clock.now());
    clock.set(at('2026-11-09 10:40'));
    await app.incidents.reprioritise(v.id, { impact: 1, timing: 1 }, 'Totalt avbrott', anna, clock.now());
    const pending = await db.prisma.reminder.findMany({ where: { incidentId: v.id, status: 'pending', target: 'response' }, orderBy: { dueAt: 'asc' } });
    expect(pending.slice(0, 2).map((r) => `${r.kind}@${local(r.dueAt.getTime()).slice(4)}`)).toEqual(['breach@2026-11-09 10:40', 'repeat@2026-11-09 10:45']);
    expect(await runUntil(app, clock, at('2026-11-09 10:41'))).toEqual(['2026-11-09 10:40 response:breach']);
  });

  it('after downtime each target is told once, marked late, and stale rungs are dropped', async () => {
    const { clock, app } = await fresh();
    const v = await app.incidents.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, clock.now());
    await app.scheduler.stop();
    // The bot was down from 10:00 to 11:07; a new process starts on the same store.
    const restarted = await testApp(db, new TestClock(at('2026-11-09 11:07')), {}, 'second-process');
    const result = await restarted.scheduler.tick(at('2026-11-09 11:07'));
    expect(restarted.sink.take().map(said)).toEqual(['response:escalation (late)']);
    expect(result.sent).toBe(1);
    expect(result.dropped).toBe(5);
    expect(await restarted.scheduler.tick(at('2026-11-09 11:07'))).toMatchObject({ sent: 0, dropped: 0 });
    const next = await db.prisma.reminder.findFirst({ where: { incidentId: v.id, status: 'pending' }, orderBy: { dueAt: 'asc' } });
    expect(local(next!.dueAt.getTime())).toBe('Mon 2026-11-09 11:15');
  });

  it('the README demo: with examples/fast-ladder.yaml the whole ladder plays out in minutes, at night too', async () => {
    await db.prisma.reminder.deleteMany();
    await db.prisma.incident.deleteMany();
    const clock = new TestClock(at('2026-11-27 00:57'));
    const app = await testApp(db, clock, loadContract(new URL('../../examples/fast-ladder.yaml', import.meta.url).pathname));
    await app.incidents.open({ impact: 1, timing: 1, title: 'Demo' }, anna, clock.now());
    expect(await runUntil(app, clock, at('2026-11-27 01:05'))).toEqual([
      '2026-11-27 00:58 response:warning',
      '2026-11-27 00:59 response:breach',
      '2026-11-27 00:59 resolution:warning',
      '2026-11-27 01:00 response:repeat',
      '2026-11-27 01:00 resolution:warning',
      '2026-11-27 01:01 response:repeat',
      '2026-11-27 01:01 resolution:breach',
      '2026-11-27 01:02 resolution:repeat',
    ]);
  });

  it('firing is one transaction: a reminder locked by another firing process is skipped, not sent twice', async () => {
    const { clock, app } = await fresh();
    await app.incidents.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, clock.now());
    clock.set(at('2026-11-09 10:15'));
    const second = await testApp(db, clock, {}, 'second-process');
    const [a, b] = await Promise.all([app.scheduler.tick(clock.now()), second.scheduler.tick(clock.now())]);
    expect(a.sent + b.sent).toBe(1);
    expect([...app.sink.take(), ...second.sink.take()].map(said)).toEqual(['response:warning']);
    expect(await db.prisma.reminder.count({ where: { status: 'sent' } })).toBe(1);
  });

  it('a fired reminder becomes one delivery job per destination and place, due when the reminder was', async () => {
    const { clock } = await fresh();
    const app = await testApp(db, clock, { escalation: { default: { level1: { slackGroups: ['S0DRIFT'], slackChannel: 'C0ESK' } } } });
    await app.jobs.outbox.register('slack', { incidentChannel: 'C0INC' }, 'test');
    const v = await app.incidents.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, clock.now());
    clock.set(at('2026-11-09 10:30'));
    await app.scheduler.tick(clock.now());
    const jobs = await db.prisma.job.findMany({ where: { incidentId: v.id, kind: 'reminder' }, orderBy: { id: 'asc' } });
    expect(jobs.map((j) => `${j.destination}:${j.channel}:${(j.payload as { place: string }).place}`)).toEqual(['slack:C0INC:thread', 'slack:C0ESK:channel']);
    expect(jobs.every((j) => j.dueAt.getTime() === at('2026-11-09 10:30') && j.status === 'pending')).toBe(true);
    await db.prisma.chatDestination.deleteMany();
  });
});
