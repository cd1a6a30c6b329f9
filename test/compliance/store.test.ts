// The contract's compliance cases through the store: facts written by the services (and
// the information routine's outage writer), read by ComplianceReader, judged by the
// domain. On PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { CaseService } from '../../src/services/cases.js';
import { OutageLog } from '../../src/services/cases-outages.js';
import { ComplianceReader } from '../../src/services/compliance.js';
import { IncidentService, type Actor } from '../../src/services/incidents.js';
import { recordOutages } from '../../src/services/outages.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { at } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const anna: Actor = { id: 'anna', source: 'console' };
const SECOND = 1_000;

describe.each(databases)('compliance from the store on $name', (target) => {
  let db: Database;
  let incidents: IncidentService;
  let cases: CaseService;
  let reader: ComplianceReader;
  beforeAll(async () => {
    db = await target.open();
    incidents = new IncidentService({ prisma: db.prisma, contract, calendar });
    cases = new CaseService({ prisma: db.prisma, contract, calendar });
    reader = new ComplianceReader({ prisma: db.prisma, contract, calendar });
  });
  afterAll(() => db.close());

  it('an incident resolved one second after its resolution deadline is missed; one resolved at the deadline is met', async () => {
    const late = await incidents.open({ impact: 2, timing: 3, title: 'Sen', agencyId: 'csn' }, anna, at('2026-02-03 09:00'));
    const onTime = await incidents.open({ impact: 2, timing: 3, title: 'I tid', agencyId: 'csn' }, anna, at('2026-02-03 09:00'));
    await incidents.acknowledge(late.id, anna, at('2026-02-03 09:05'));
    await incidents.acknowledge(onTime.id, anna, at('2026-02-03 09:05'));
    await incidents.resolve(late.id, 'Klart', anna, late.resolution.due + SECOND);
    await incidents.resolve(onTime.id, 'Klart', anna, onTime.resolution.due);
    const report = await reader.report('2026-02', at('2026-03-10 08:00'));
    expect(report.incidents.resolved).toBe(2);
    expect(report.incidents.resolutionMet).toBe(1);
    expect(report.incidents.resolutionMissed).toBe(1);
    expect(report.incidents.breaches.map((b) => b.ref)).toEqual([late.ref]);
    expect(report.incidents.breaches[0]).toMatchObject({ resolutionMissed: true, responseMissed: false });
  });

  it('an incident opened on 31 October and resolved on 2 November counts in November, and is open at the end of October', async () => {
    const v = await incidents.open({ impact: 3, timing: 3, title: 'Över månadsskiftet', agencyId: 'skatteverket' }, anna, at('2026-10-31 10:00'));
    await incidents.resolve(v.id, 'Åtgärdad', anna, at('2026-11-02 10:00'));
    const october = await reader.report('2026-10', at('2026-12-10 08:00'));
    const november = await reader.report('2026-11', at('2026-12-10 08:00'));
    expect(october.incidents.resolved).toBe(0);
    expect(october.incidents.openAtMonthEnd.cases.map((c) => c.ref)).toContain(v.ref);
    expect(november.incidents.resolved).toBe(1);
    expect(november.incidents.byPriority[v.priority].resolved).toBe(1);
  });

  it('an unplanned outage from Friday 16:00 to Monday 09:00 costs 2 hours of opening time', async () => {
    await recordOutages(db.prisma, [
      {
        start: at('2026-04-17 16:00'),
        end: at('2026-04-20 09:00'),
        agencies: [],
        baseServices: ['Inkomstuppgifter'],
        cause: 'Nätverk',
        actionPlan: 'Byt switch',
        planned: false,
        kind: 'unplanned',
      },
    ]);
    const report = await reader.report('2026-04', at('2026-05-10 08:00'));
    expect(report.availability.downtimeMinutes).toBe(120);
    expect(report.outages.unplanned).toBe(1);
    expect(report.outages.list[0]).toMatchObject({
      cause: 'Nätverk',
      actionPlan: 'Byt switch',
      baseServices: ['Inkomstuppgifter'],
      downtimeMinutes: 120,
      lengthMinutes: (2 * 24 + 17) * 60,
    });
  });

  it('a month with five unplanned outages misses reliability (at most four a month)', async () => {
    const days = ['2026-06-01', '2026-06-02', '2026-06-03', '2026-06-04', '2026-06-05'];
    await recordOutages(
      db.prisma,
      days.map((d) => ({
        start: at(`${d} 10:00`),
        end: at(`${d} 10:10`),
        agencies: [],
        baseServices: [],
        cause: 'Krasch',
        planned: false,
        kind: 'unplanned' as const,
      })),
    );
    const june = await reader.report('2026-06', at('2026-07-10 08:00'));
    expect(june.outages.unplanned).toBe(5);
    expect(june.outages.monthMet).toBe(false);
    const may = await reader.report('2026-05', at('2026-07-10 08:00'));
    expect(may.outages.monthMet).toBe(true);
  });

  it('9 of 10 incidents resolved in time is exactly the goal (90 %)', async () => {
    for (let i = 0; i < 10; i++) {
      const v = await incidents.open({ impact: 3, timing: 3, title: `Ärende ${i}`, agencyId: 'forsakringskassan' }, anna, at('2026-03-03 09:00'));
      await incidents.resolve(v.id, 'Klart', anna, i === 0 ? v.resolution.due + SECOND : at('2026-03-03 10:00'));
    }
    const report = await reader.report('2026-03', at('2026-04-10 08:00'), 'forsakringskassan');
    expect(report.incidents.resolved).toBe(10);
    expect(report.incidents.resolutionShare).toBeCloseTo(0.9, 12);
    expect(report.incidents.resolutionGoalMet).toBe(true);
  });

  it('orders and problems are judged against their own tables, and problems list root cause, action and linked incidents', async () => {
    const order = await cases.openOrder({ type: 'question', title: 'Fråga om fält', agencyId: 'csn' }, anna, at('2026-07-06 09:00'));
    expect(order.ref).toMatch(/^BES-\d+$/);
    expect(order.responseDueAt).toBeNull();
    await cases.resolve('order', order.number, 'Besvarad', anna, order.resolutionDueAt + SECOND);
    const incident = await incidents.open({ impact: 2, timing: 3, title: 'Återkommande fel', agencyId: 'csn' }, anna, at('2026-07-06 09:00'));
    const problem = await cases.openProblem(
      { impact: 2, timing: 3, title: 'Rotorsak till återkommande fel', agencyId: 'csn', linkedIncidents: [incident.id] },
      anna,
      at('2026-07-06 10:00'),
    );
    expect(problem.ref).toMatch(/^PRB-\d+$/);
    await cases.setRootCause(problem.number, 'Minnesläcka i adaptern', anna, at('2026-07-07 10:00'));
    await cases.setAction(problem.number, 'Uppgradera adaptern', anna, at('2026-07-07 10:05'));
    await cases.acknowledge('problem', problem.number, anna, at('2026-07-06 10:30'));
    await cases.resolve('problem', problem.number, 'Rättad', anna, at('2026-07-08 10:00'));
    const report = await reader.report('2026-07', at('2026-08-10 08:00'));
    expect(report.orders).toMatchObject({ resolved: 1, resolutionMet: 0 });
    expect(report.orders.byType.question.resolutionMissed).toBe(1);
    expect(report.problems.resolved).toBe(1);
    expect(report.problems.list).toEqual([
      expect.objectContaining({ ref: problem.ref, rootCause: 'Minnesläcka i adaptern', action: 'Uppgradera adaptern', linkedIncidents: [incident.ref] }),
    ]);
  });
});

describe.each(databases)('outages from Påverkan-1 incidents on $name', (target) => {
  let db: Database;
  let incidents: IncidentService;
  let outages: OutageLog;
  let reader: ComplianceReader;
  beforeAll(async () => {
    db = await target.open();
    outages = new OutageLog({ prisma: db.prisma, contract, calendar });
    incidents = new IncidentService({ prisma: db.prisma, contract, calendar, hooks: [outages.hook] });
    reader = new ComplianceReader({ prisma: db.prisma, contract, calendar });
  });
  afterAll(() => db.close());

  it('an open Påverkan-1 incident is an outage going on; resolved, it is recorded from receipt to resolution and can be edited', async () => {
    const v = await incidents.open(
      { impact: 1, timing: 1, title: 'Inga svar', agencyId: 'csn', baseServices: ['Inkomstuppgifter'] },
      anna,
      at('2026-09-08 10:00'),
    );
    const running = await reader.report('2026-09', at('2026-09-08 11:00'));
    expect(running.outages.list).toEqual([expect.objectContaining({ ref: v.ref, end: null, cause: 'Inga svar', downtimeMinutes: 60 })]);
    expect(running.outages.unplanned).toBe(1);
    await incidents.resolve(v.id, 'Omstart av adaptern', anna, at('2026-09-08 12:00'));
    const rows = await db.prisma.outage.findMany({ where: { sourceIncidentId: v.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'unplanned',
      planned: false,
      cause: 'Inga svar',
      actionPlan: 'Omstart av adaptern',
      baseServices: ['Inkomstuppgifter'],
    });
    expect([rows[0]!.startAt.getTime(), rows[0]!.endAt.getTime()]).toEqual([at('2026-09-08 10:00'), at('2026-09-08 12:00')]);
    await outages.edit(rows[0]!.id, { start: at('2026-09-08 09:45'), actionPlan: 'Övervaka adapterns minne' }, anna, at('2026-09-09 10:00'));
    const report = await reader.report('2026-09', at('2026-10-10 08:00'));
    expect(report.outages.unplanned).toBe(1);
    expect(report.availability.downtimeMinutes).toBe(135);
    expect(report.outages.list[0]).toMatchObject({ ref: `AVB-${rows[0]!.id}`, actionPlan: 'Övervaka adapterns minne' });
  });

  it('a new Påverkan other than 1 takes the outage away again', async () => {
    const v = await incidents.open({ impact: 1, timing: 1, title: 'Felbedömt', agencyId: 'csn' }, anna, at('2026-09-15 10:00'));
    await incidents.resolve(v.id, 'Klart', anna, at('2026-09-15 10:30'));
    expect(await db.prisma.outage.count({ where: { sourceIncidentId: v.id } })).toBe(1);
    await incidents.reprioritise(v.id, { impact: 3, timing: 1 }, 'Bara enstaka anrop', anna, at('2026-09-15 11:00'));
    expect(await db.prisma.outage.count({ where: { sourceIncidentId: v.id } })).toBe(0);
  });

  it('"available with disturbance" is listed with its incident but is neither downtime nor an unplanned outage', async () => {
    const v = await incidents.open({ impact: 3, timing: 1, title: 'Långsamt', agencyId: 'csn' }, anna, at('2026-09-22 10:00'));
    await outages.record(
      { start: at('2026-09-22 10:00'), end: at('2026-09-22 12:00'), cause: 'Hälften av anropen svarar', kind: 'disturbed', incidentId: v.id },
      anna,
      at('2026-09-22 13:00'),
    );
    const report = await reader.report('2026-09', at('2026-10-10 08:00'));
    expect(report.outages.list.filter((o) => o.state === 'disturbed')).toHaveLength(1);
    expect(report.outages.unplanned).toBe(1);
    expect(report.availability.downtimeMinutes).toBe(135);
  });
});
