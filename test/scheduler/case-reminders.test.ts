// Orders (4.4.1) and problems (4.5.1) are reminded like incidents: a warning before the
// deadline, the breach, repeats and the second escalation level, on the support clock and
// each rung once; acting on the case stops what no longer applies. On both databases.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract, contractFromSnapshot } from '../../src/config/load.js';
import { caseReminderText } from '../../src/conversation/render.js';
import { translator } from '../../src/i18n/index.js';
import { ConsoleReminderSink } from '../../src/platforms/console/reminders.js';
import type { CaseReminderMessage } from '../../src/scheduler/case-reminders.js';
import type { Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { TestClock, testApp } from '../support/app.js';
import { databases } from '../support/databases.js';
import { at, local } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'console' };
const said = (m: CaseReminderMessage) =>
  `${local(m.reminder.dueAt).slice(4)} ${m.subject.ref} ${m.reminder.target}:${m.reminder.kind}${m.contacts ? ` L${m.reminder.level}` : ''}`;

const escalation = {
  default: { level1: { slack: { groups: ['S0DRIFT'] } }, level2: { slack: { users: ['U0CHEF'] } } },
  agencies: { csn: { default: { level1: { slack: { users: ['U0CSN'] } }, level2: { slack: { users: ['U0CSNCHEF'] } } } } },
};
const contract = buildContract({ escalation } as never);

describe.each(databases)('reminders about orders and problems on $name', (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db.close());

  async function fresh(start: string) {
    await db.prisma.reminder.deleteMany();
    await db.prisma.case.deleteMany();
    const clock = new TestClock(at(start));
    const app = await testApp(db, clock, contract);
    return { clock, app };
  }

  /** Ticks at every pending due time up to `until`; what was said, in order. */
  async function runUntil(app: Awaited<ReturnType<typeof testApp>>, clock: TestClock, until: number, messages: CaseReminderMessage[] = []): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const next = await app.reminders.nextDueAt();
      if (next === null || next > until) break;
      clock.set(next);
      await app.scheduler.tick(next);
      for (const m of app.sink.cases.splice(0)) {
        messages.push(m);
        out.push(said(m));
      }
    }
    clock.set(until);
    return out;
  }

  it('a connection order received on a Friday at 16:00 that nobody acts on: warned at 60 % of its five working days, broken on the Friday after, repeated each working day, escalated after two', async () => {
    const { clock, app } = await fresh('2026-11-13 16:00');
    const order = await app.compliance.cases.openOrder({ type: 'connection', title: 'Ny kommun ansluts', agencyId: 'csn' }, anna, clock.now());
    // Five working days of 08–17 from Friday 16:00: Friday's last hour, Monday–Thursday, and Friday until 16:00.
    expect(local(order.resolutionDueAt)).toBe('Fri 2026-11-20 16:00');
    expect(await runUntil(app, clock, at('2026-12-31 00:00'))).toEqual([
      '2026-11-18 16:00 BES-1 resolution:warning',
      '2026-11-20 16:00 BES-1 resolution:breach L1',
      '2026-11-23 15:00 BES-1 resolution:repeat L1',
      // The second repeat and the escalation fall together: said once, as the escalation.
      '2026-11-24 14:00 BES-1 resolution:escalation L2',
      '2026-11-25 13:00 BES-1 resolution:repeat L1',
    ]);
    expect(await db.prisma.reminder.count({ where: { caseId: order.id, status: 'pending' } })).toBe(0);
    expect(await app.scheduler.tick(clock.now())).toMatchObject({ sent: 0 });
  });

  it("an order's breach pings the agency's contacts (orders have no priority); level 2 adds its people", async () => {
    const { clock, app } = await fresh('2026-11-09 10:00');
    await app.compliance.cases.openOrder({ type: 'question', title: 'Fråga om behörighet', agencyId: 'csn' }, anna, clock.now());
    await app.compliance.cases.openOrder({ type: 'question', title: 'Fråga om loggar', agencyId: 'skatteverket' }, anna, clock.now());
    const messages: CaseReminderMessage[] = [];
    await runUntil(app, clock, at('2026-11-12 18:00'), messages);
    const contacts = (ref: string, kind: string) => messages.find((m) => m.subject.ref === ref && m.reminder.kind === kind)?.contacts;
    expect(contacts('BES-1', 'warning')).toBeNull();
    expect(contacts('BES-1', 'breach')).toEqual({ slack: { users: ['U0CSN'], groups: [] }, teams: { users: [] } });
    expect(contacts('BES-1', 'escalation')?.slack.users.sort()).toEqual(['U0CSN', 'U0CSNCHEF']);
    expect(contacts('BES-2', 'breach')?.slack.groups).toEqual(['S0DRIFT']);
    expect(contacts('BES-2', 'escalation')?.slack.users).toEqual(['U0CHEF']);
  });

  it('acknowledging a problem drops its response reminders and keeps the resolution ladder; resolving it drops the rest', async () => {
    const { clock, app } = await fresh('2026-11-09 10:00');
    // Påverkan 2, Tidpunkt 2: Hög — response within 3 working days, resolution within 15.
    const p = await app.compliance.cases.openProblem({ impact: 2, timing: 2, title: 'Återkommande timeout', agencyId: 'csn' }, anna, clock.now());
    expect(p.priority).toBe('high');
    expect(local(p.responseDueAt!)).toBe('Thu 2026-11-12 10:00');
    expect(await runUntil(app, clock, at('2026-11-11 12:00'))).toEqual(['2026-11-11 08:12 PRB-1 response:warning']);
    await app.compliance.cases.acknowledge('problem', 1, anna, clock.now());
    expect(await db.prisma.reminder.count({ where: { caseId: p.id, target: 'response', status: 'pending' } })).toBe(0);
    const resolution = await db.prisma.reminder.findMany({ where: { caseId: p.id, status: 'pending' }, orderBy: { dueAt: 'asc' } });
    expect(resolution.map((r) => r.target)).toEqual(['resolution', 'resolution', 'resolution', 'resolution', 'resolution', 'resolution']);
    expect(local(resolution[0]!.deadlineAt.getTime())).toBe(local(p.resolutionDueAt));
    await app.compliance.cases.resolve('problem', 1, 'Rotorsaken åtgärdad', anna, clock.now());
    expect(await db.prisma.reminder.count({ where: { caseId: p.id, status: 'pending' } })).toBe(0);
    expect(await runUntil(app, clock, at('2027-03-01 00:00'))).toEqual([]);
  });

  it('a Kritisk problem: response within one working day on the support clock, resolution within six calendar days on the wall clock', async () => {
    const { clock, app } = await fresh('2026-12-18 15:00');
    const p = await app.compliance.cases.openProblem({ impact: 1, timing: 1, title: 'Tjänsten faller varje natt' }, anna, clock.now());
    expect(p.priority).toBe('critical');
    await app.compliance.cases.acknowledge('problem', 1, anna, at('2026-12-18 15:30'));
    const said = await runUntil(app, clock, at('2027-01-10 00:00'));
    // Six calendar days from Friday 18 December 15:00 is Thursday 24 December 15:00
    // (julafton): a wall-clock target, so its reminders keep the wall clock — half (3 days)
    // and 80 % (4.8 days) warn, the breach is said on julafton and repeats every 24 hours.
    expect(said.slice(0, 4)).toEqual([
      '2026-12-21 15:00 PRB-1 resolution:warning',
      '2026-12-23 10:12 PRB-1 resolution:warning',
      '2026-12-24 15:00 PRB-1 resolution:breach L1',
      // The first repeat and the escalation (both 24 h after) are said once, as the escalation.
      '2026-12-25 15:00 PRB-1 resolution:escalation L2',
    ]);
  });

  it('a reminder due while the bot was down is said once, late, as the latest rung; earlier ones are superseded', async () => {
    const { clock, app } = await fresh('2026-11-13 16:00');
    // The terminal's sink prints it too.
    let printed = '';
    app.sinks.push(new ConsoleReminderSink(new Writable({ write: (chunk, _enc, done) => done(void (printed += String(chunk))) }), contract, 'sv'));
    await app.compliance.cases.openOrder({ type: 'connection', title: 'Ny kommun', agencyId: 'csn' }, anna, clock.now());
    clock.set(at('2026-11-23 16:00'));
    await app.scheduler.tick(clock.now());
    const out = app.sink.cases.splice(0);
    expect(printed).toBe(`\n${caseReminderText(translator('sv'), contract, out[0]!)}\n`);
    expect(out.map(said)).toEqual(['2026-11-23 15:00 BES-1 resolution:repeat L1']);
    expect(out[0]!.late).toBe(true);
    const text = caseReminderText(translator('sv'), contract, out[0]!);
    // 9 h over on the support clock: Friday's last hour and Monday 08–16.
    expect(text.split('\n')).toEqual([
      '🚨 BES-1 (Anslutning) Ny kommun – Åtgärdstid fortfarande bruten, 9 h över (senast fre 20 nov. 2026 16:00).',
      'Till: U0CSN',
      '(Försenad påminnelse: skulle ha gått ut mån 23 nov. 2026 15:00, 1 h sent.)',
      'Nästa steg: beställning åtgärdad BES-1 <vad som gjordes>',
    ]);
    expect(caseReminderText(translator('en'), contract, out[0]!).split('\n')[3]).toBe('Next: order resolve BES-1 <what was done>');
    expect(await db.prisma.reminder.count({ where: { status: 'dropped', dropReason: { contains: 'superseded' } } })).toBe(2); // the warning and the breach
  });

  it('three schedulers firing at once over 90 orders and problems opened at once: each reminder said once, one delivery job per channel', async () => {
    const { clock, app } = await fresh('2026-11-09 10:00');
    await app.jobs.outbox.register('slack', { incidentChannel: 'C0INC' }, 'test');
    const others = [await testApp(db, clock, contract, 'second'), await testApp(db, clock, contract, 'third')];
    const all = [app, ...others];
    // 30 question orders and 60 problems, opened from the three processes at once (numbers per kind stay unique).
    await Promise.all(
      Array.from({ length: 90 }, (_, i) =>
        i % 3 === 0
          ? all[i % 3]!.compliance.cases.openOrder({ type: 'question', title: `Fråga ${i}` }, anna, clock.now())
          : all[i % 3]!.compliance.cases.openProblem({ impact: 3, timing: 3, title: `Problem ${i}` }, anna, clock.now()),
      ),
    );
    expect(await db.prisma.case.count()).toBe(90);
    // Tuesday 10:00 is halfway through the orders' two working days (their warning); the
    // problems (Medel: response within 4 working days) warn at 75 %, later.
    clock.set(at('2026-11-10 10:00'));
    const results = await Promise.all(all.map((a) => a.scheduler.fire(clock.now())));
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(30);
    const heard = all.flatMap((a) => a.sink.cases.splice(0).map((m) => m.subject.ref));
    expect(heard.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `BES-${i + 1}`).sort());
    expect(await db.prisma.job.count({ where: { kind: 'case-reminder', destination: 'slack', channel: 'C0INC' } })).toBe(30);
    await db.prisma.chatDestination.deleteMany();
    await db.prisma.job.deleteMany();
  });

  it('a fired rung not yet delivered is dropped when a later rung of the same case and target fires', async () => {
    const { clock, app } = await fresh('2026-11-09 10:00');
    await app.jobs.outbox.register('slack', { incidentChannel: 'C0INC' }, 'test');
    const order = await app.compliance.cases.openOrder({ type: 'question', title: 'Fråga' }, anna, clock.now());
    // No Slack handler runs in this process: the jobs wait. The warning (Tuesday 10:00), then the breach (Wednesday 10:00).
    await app.scheduler.fire(at('2026-11-10 10:00'));
    await app.scheduler.fire(at('2026-11-11 10:00'));
    const jobs = await db.prisma.job.findMany({ where: { kind: 'case-reminder' }, orderBy: { id: 'asc' } });
    expect(jobs.map((j) => [(j.payload as { kind: string; caseId: number }).kind, (j.payload as { caseId: number }).caseId, j.status, j.lastError])).toEqual([
      ['warning', order.id, 'dropped', 'superseded by a later reminder'],
      ['breach', order.id, 'pending', null],
    ]);
    await db.prisma.chatDestination.deleteMany();
    await db.prisma.job.deleteMany();
  });

  it("a problem's ladder stays its own contract's when it is replanned under a new contract", async () => {
    const { clock, app } = await fresh('2026-11-09 10:00');
    // Medel: resolution within 25 working days, warned at 80 % under this contract.
    const p = await app.compliance.cases.openProblem({ impact: 3, timing: 3, title: 'Långsamma svar' }, anna, clock.now());
    const resolutionRungs = async () =>
      (await db.prisma.reminder.findMany({ where: { caseId: p.id, target: 'resolution', status: 'pending' }, orderBy: { dueAt: 'asc' } })).map((r) =>
        r.dueAt.getTime(),
      );
    const before = await resolutionRungs();
    // A new contract warns at 30 %; the problem is acknowledged by a process that runs it.
    const changed = buildContract({ escalation, reminders: { problems: { medium: { resolution: { warnAtFractions: [0.3] } } } } } as never);
    expect(changed.version).not.toBe(contract.version);
    const newer = await testApp(db, clock, changed, 'newer');
    await newer.compliance.cases.acknowledge('problem', 1, anna, at('2026-11-10 10:00'));
    expect(await resolutionRungs()).toEqual(before);
    // A problem opened under the new contract gets the new ladder.
    const q = await newer.compliance.cases.openProblem({ impact: 3, timing: 3, title: 'Nytt' }, anna, at('2026-11-10 10:00'));
    const first = await db.prisma.reminder.findFirstOrThrow({ where: { caseId: q.id, target: 'resolution' }, orderBy: { dueAt: 'asc' } });
    expect(first.dueAt.getTime()).toBeLessThan(before[0]! - 86_400_000);
  });

  it('a reminder row belongs to exactly one incident or one case (the database refuses both and neither)', async () => {
    const { clock, app } = await fresh('2026-11-09 10:00');
    const order = await app.compliance.cases.openOrder({ type: 'question', title: 'Fråga' }, anna, clock.now());
    const incident = await app.incidents.open({ impact: 3, timing: 3, title: 'Långsamt' }, anna, clock.now());
    const row = { target: 'resolution', kind: 'warning', seq: 99, level: 0, dueAt: new Date(), deadlineAt: new Date(), status: 'pending' };
    await expect(db.prisma.reminder.create({ data: { ...row, incidentId: incident.id, caseId: order.id } })).rejects.toThrow();
    await expect(db.prisma.reminder.create({ data: { ...row } })).rejects.toThrow();
  });
});

describe('case reminder ladders in the contract', () => {
  it('a contract snapshot stored before orders and problems had ladders still reads, with the seed ladders', () => {
    const { version: _v, reminders, ...rest } = buildContract() as unknown as Record<string, unknown> & { reminders: Record<string, unknown> };
    const { orders: _o, problems: _p, ...older } = reminders;
    const read = contractFromSnapshot({ ...rest, reminders: older }, 'old-version');
    expect(read.reminders.orders.connection.resolution.warnAtFractions).toEqual([0.6]);
    expect(read.reminders.problems.low.resolution.repeatMax).toBe(2);
  });

  it('a ladder span longer than the support clock can reach is refused with its path', () => {
    expect(() => buildContract({ reminders: { orders: { question: { resolution: { escalateAfter: { amount: 8_000, unit: 'hours' } } } } } } as never)).toThrow(
      /reminders\.orders\.question\.resolution\.escalateAfter\.amount/,
    );
  });
});
