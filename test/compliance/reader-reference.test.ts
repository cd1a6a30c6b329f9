// ComplianceReader against a reference: a seeded random year of incidents, orders, problems
// and outages (month boundaries, open Påverkan-1 incidents, outages recorded from an
// incident, security incidents, linked incidents) written to the store; the reference reads
// EVERY row with a plain SELECT and hands it to the pure arithmetic, which skips what does
// not belong to the month itself. The reader (cursor pages, the period's rows only, the
// ongoing Påverkan-1 outages from the same pass over the incidents) must give the same
// facts and the same figures, with pages of 1, 7 and 5,000 rows, on PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_TYPES, PRIORITIES, type OrderType, type Priority } from '../../src/config/contract.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { complianceSeries, computeCompliance, monthBounds, type CaseFact, type OutageFact } from '../../src/domain/compliance.js';
import { buildReport } from '../../src/domain/report.js';
import { ComplianceReader } from '../../src/services/compliance.js';
import { Prisma, type Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { mulberry32 as random } from '../support/random.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const zone = contract.timezone;
const NOW = Date.UTC(2027, 0, 10, 6);
const MONTHS = [...Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`), '2027-01'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Lifecycle {
  received: number;
  responseDue: number | null;
  resolutionDue: number;
  acknowledged: number | null;
  resolved: number | null;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Writes the seeded data. */
async function seed(db: Database): Promise<void> {
  const rnd = random(20261014);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const agencies = contract.agencies.slice(0, 4).map((a) => a.id);
  // Instants the month arithmetic is sensitive to: month starts and ends, in Stockholm time.
  const edges = MONTHS.flatMap((m) => {
    const { start, end } = monthBounds(zone, m);
    return [start, start - 1, end - 1, end];
  });
  const instant = (from: number, span: number) => (rnd() < 0.1 ? pick(edges) : from + Math.floor(rnd() * span));
  const lifecycle = (withResponse: boolean): Lifecycle => {
    const received = instant(Date.UTC(2025, 10, 20), 420 * DAY);
    const resolutionDue = received + HOUR + Math.floor(rnd() * 10 * DAY);
    const responseDue = withResponse ? received + Math.floor(rnd() * 2 * DAY) : null;
    const later = edges.filter((e) => e >= received);
    const resolved = rnd() < 0.8 ? (rnd() < 0.1 && later.length > 0 ? pick(later) : received + Math.floor(rnd() * 25 * DAY)) : null;
    const ack = rnd() < 0.7 ? received + Math.floor(rnd() * 3 * DAY) : null;
    return { received, responseDue, resolutionDue, acknowledged: resolved !== null && ack !== null && ack > resolved ? null : ack, resolved };
  };

  await db.prisma.configSnapshot.create({ data: { version: contract.version, content: {} } });
  const incidents = Array.from({ length: 420 }, (_, i) => {
    const impact = 1 + Math.floor(rnd() * 4);
    return {
      title: rnd() < 0.05 ? `Fel | "med" tecken, rad\nbrytning ${i}` : `Incident ${i}`,
      agency: pick(agencies),
      impact,
      priority: PRIORITIES[impact - 1]!,
      security: rnd() < 0.1,
      baseServices: rnd() < 0.3 ? [] : rnd() < 0.5 ? ['Inkomst'] : ['Inkomst', 'Folkbokföring'],
      ...lifecycle(true),
    };
  });
  const col = <T>(f: (c: (typeof incidents)[number]) => T) => incidents.map(f);
  await db.prisma.$executeRaw`
    INSERT INTO incidents (title, org_id, impact, timing, suggested_timing, priority, security, status, reporter, source, base_services,
      received_at, response_due_at, resolution_due_at, config_version, acknowledged_at, resolved_at, closed_at, updated_at)
    SELECT t, o, i, 3, 3, p, s, CASE WHEN x IS NULL THEN 'open' ELSE 'closed' END, 'test', 'cli', string_to_array(b, ';'),
      ra::timestamptz, rd::timestamptz, sd::timestamptz, ${contract.version}, a::timestamptz, x::timestamptz, x::timestamptz, now()
    FROM unnest(${col((c) => c.title)}::text[], ${col((c) => c.agency)}::text[], ${col((c) => c.impact)}::int[], ${col((c) => c.priority)}::text[],
      ${col((c) => c.security)}::boolean[], ${col((c) => c.baseServices.join(';'))}::text[], ${col((c) => iso(c.received))}::text[],
      ${col((c) => iso(c.responseDue))}::text[], ${col((c) => iso(c.resolutionDue))}::text[], ${col((c) => iso(c.acknowledged))}::text[],
      ${col((c) => iso(c.resolved))}::text[]) AS r(t, o, i, p, s, b, ra, rd, sd, a, x)`;

  const ids = await db.prisma.$queryRaw<Array<{ id: number; open1: boolean }>>`SELECT id, (impact = 1 AND resolved_at IS NULL) AS open1 FROM incidents`;
  const orderTypes: readonly OrderType[] = ORDER_TYPES;
  let orders = 0;
  let problems = 0;
  const cases = Array.from({ length: 160 }, (_, i) => {
    const order = rnd() < 0.5;
    return {
      kind: order ? 'order' : 'problem',
      number: order ? ++orders : ++problems,
      title: `Ärende ${i}`,
      agency: pick(agencies),
      orderType: order ? pick(orderTypes) : null,
      priority: order ? null : (pick(PRIORITIES) as Priority),
      security: !order && rnd() < 0.1,
      rootCause: !order && rnd() < 0.6 ? `Rotorsak ${i}` : null,
      action: !order && rnd() < 0.5 ? `Åtgärd ${i}` : null,
      linked: order || rnd() < 0.4 ? '' : [pick(ids).id, pick(ids).id].join(';'),
      ...lifecycle(!order),
    };
  });
  const cc = <T>(f: (c: (typeof cases)[number]) => T) => cases.map(f);
  await db.prisma.$executeRaw`
    INSERT INTO cases (kind, number, title, org_id, order_type, priority, security, status, reporter, source, received_at, response_due_at, resolution_due_at,
      config_version, acknowledged_at, resolved_at, closed_at, root_cause, action, linked_incidents, updated_at)
    SELECT k, n, t, o, ot, p, s, CASE WHEN x IS NULL THEN 'open' ELSE 'closed' END, 'test', 'cli', ra::timestamptz, rd::timestamptz, sd::timestamptz,
      ${contract.version}, a::timestamptz, x::timestamptz, x::timestamptz, rc, ac, string_to_array(l, ';')::int[], now()
    FROM unnest(${cc((c) => c.kind)}::text[], ${cc((c) => c.number)}::int[], ${cc((c) => c.title)}::text[], ${cc((c) => c.agency)}::text[],
      ${cc((c) => c.orderType)}::text[], ${cc((c) => c.priority)}::text[], ${cc((c) => c.security)}::boolean[], ${cc((c) => iso(c.received))}::text[],
      ${cc((c) => iso(c.responseDue))}::text[], ${cc((c) => iso(c.resolutionDue))}::text[], ${cc((c) => iso(c.acknowledged))}::text[],
      ${cc((c) => iso(c.resolved))}::text[], ${cc((c) => c.rootCause)}::text[], ${cc((c) => c.action)}::text[], ${cc((c) => c.linked)}::text[])
      AS r(k, n, t, o, ot, p, s, ra, rd, sd, a, x, rc, ac, l)`;

  // Outages: some recorded from an open Påverkan-1 incident (that incident is then not an
  // outage going on of its own), some planned, some "disturbed", some for one agency.
  const open1 = ids.filter((r) => r.open1).map((r) => r.id);
  expect(open1.length).toBeGreaterThan(5);
  const outages = Array.from({ length: 40 }, (_, i) => {
    const start = instant(Date.UTC(2025, 10, 20), 420 * DAY);
    return {
      start,
      end: start + 1 + Math.floor(rnd() * 30 * HOUR),
      agency: rnd() < 0.4 ? '' : pick(agencies),
      planned: rnd() < 0.2,
      kind: rnd() < 0.15 ? 'disturbed' : 'unplanned',
      source: i < 3 ? open1[i]! : null,
      cause: rnd() < 0.2 ? '' : `Orsak ${i}`,
    };
  });
  const oc = <T>(f: (c: (typeof outages)[number]) => T) => outages.map(f);
  await db.prisma.$executeRaw`
    INSERT INTO outages (start_at, end_at, agencies, base_services, cause, action_plan, planned, kind, source_incident_id)
    SELECT s::timestamptz, e::timestamptz, CASE WHEN a = '' THEN ARRAY[]::text[] ELSE ARRAY[a] END, ARRAY['Inkomst'], c, '', p, k, src
    FROM unnest(${oc((o) => iso(o.start))}::text[], ${oc((o) => iso(o.end))}::text[], ${oc((o) => o.agency)}::text[], ${oc((o) => o.cause)}::text[],
      ${oc((o) => o.planned)}::boolean[], ${oc((o) => o.kind)}::text[], ${oc((o) => o.source)}::int[]) AS r(s, e, a, c, p, k, src)`;
}

const ms = (column: string) => Prisma.raw(`round(extract(epoch FROM ${column}) * 1000)::float8`);

interface Times {
  r: number;
  rd: number | null;
  sd: number;
  a: number | null;
  s: number | null;
  c: number | null;
}
interface IncidentRow extends Times {
  id: number;
  org_id: string;
  priority: Priority;
  security: boolean;
  title: string;
  impact: number;
  base_services: string[] | null;
}
interface CaseRow extends Times {
  kind: 'order' | 'problem';
  number: number;
  org_id: string;
  order_type: OrderType | null;
  priority: Priority | null;
  security: boolean;
  title: string;
  root_cause: string | null;
  action: string | null;
  linked_incidents: number[] | null;
}
interface OutageRow {
  id: number;
  agencies: string[] | null;
  base_services: string[] | null;
  cause: string;
  action_plan: string;
  planned: boolean;
  kind: string;
  source_incident_id: number | null;
  st: number;
  en: number;
}

interface Reference {
  cases: CaseFact[];
  /**
   * The outages the figures of a period see: the stored ones that overlap its year up to its
   * end, and the open Påverkan-1 incidents received before its end that none of those
   * records (the reader's rule; an incident's own outage row is written when it is resolved).
   */
  outages(yearStart: number, to: number): OutageFact[];
}

/** Every row, no period: what the arithmetic is given in the reference. */
async function readEverything(db: Database): Promise<Reference> {
  const incidents = await db.prisma.$queryRaw<IncidentRow[]>`
    SELECT id, org_id, priority, security, title, impact, base_services,
           ${ms('received_at')} AS r, ${ms('response_due_at')} AS rd, ${ms('resolution_due_at')} AS sd,
           ${ms('acknowledged_at')} AS a, ${ms('resolved_at')} AS s, ${ms('closed_at')} AS c
    FROM incidents`;
  const cases = await db.prisma.$queryRaw<CaseRow[]>`
    SELECT kind, number, org_id, order_type, priority, security, title, root_cause, action, linked_incidents,
           ${ms('received_at')} AS r, ${ms('response_due_at')} AS rd, ${ms('resolution_due_at')} AS sd,
           ${ms('acknowledged_at')} AS a, ${ms('resolved_at')} AS s, ${ms('closed_at')} AS c
    FROM cases`;
  const stored = await db.prisma.$queryRaw<OutageRow[]>`
    SELECT id, agencies, base_services, cause, action_plan, planned, kind, source_incident_id, ${ms('start_at')} AS st, ${ms('end_at')} AS en
    FROM outages`;
  const facts: CaseFact[] = [];
  for (const r of incidents)
    facts.push({
      ref: `INC-${r.id}`,
      kind: 'incident',
      agency: r.org_id,
      priority: r.priority,
      security: r.security,
      title: r.title,
      receivedAt: r.r,
      responseDueAt: r.rd,
      resolutionDueAt: r.sd,
      acknowledgedAt: r.a,
      resolvedAt: r.s,
      closedAt: r.c,
    });
  for (const r of cases) {
    const base = {
      ref: `${r.kind === 'order' ? 'BES' : 'PRB'}-${r.number}`,
      agency: r.org_id,
      security: r.security,
      title: r.title,
      receivedAt: r.r,
      responseDueAt: r.rd,
      resolutionDueAt: r.sd,
      acknowledgedAt: r.a,
      resolvedAt: r.s,
      closedAt: r.c,
    };
    facts.push(
      r.kind === 'order'
        ? { ...base, kind: 'order', orderType: r.order_type }
        : {
            ...base,
            kind: 'problem',
            priority: r.priority,
            rootCause: r.root_cause,
            action: r.action,
            linkedIncidents: (r.linked_incidents ?? []).map((id) => `INC-${id}`),
          },
    );
  }
  const outages = (yearStart: number, to: number): OutageFact[] => {
    const inPeriod = stored.filter((r) => r.st < to && r.en > yearStart);
    const recorded = new Set(inPeriod.map((r) => r.source_incident_id));
    const facts: OutageFact[] = inPeriod.map((r) => ({
      ref: `AVB-${r.id}`,
      start: r.st,
      end: r.en,
      agencies: r.agencies ?? [],
      baseServices: r.base_services ?? [],
      cause: r.cause || null,
      actionPlan: r.action_plan || null,
      planned: r.planned,
      state: r.kind === 'disturbed' ? 'disturbed' : 'down',
    }));
    for (const r of incidents) {
      if (r.impact !== 1 || r.s !== null || r.r >= to || recorded.has(r.id)) continue;
      facts.push({
        ref: `INC-${r.id}`,
        start: r.r,
        end: null,
        agencies: [r.org_id],
        baseServices: r.base_services ?? [],
        cause: r.title,
        actionPlan: null,
        planned: false,
        state: 'down',
      });
    }
    return facts;
  };
  return { cases: facts, outages };
}

const byRef = <T extends { ref: string }>(xs: readonly T[]) => [...xs].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));

describe.each(databases)('ComplianceReader against reading every row, on $name', (target) => {
  let db: Database;
  let reference: Reference;
  beforeAll(async () => {
    db = await target.open();
    await seed(db);
    reference = await readEverything(db);
  });
  afterAll(() => db.close());

  const reader = (pageRows?: number) => new ComplianceReader({ prisma: db.prisma, contract, calendar, ...(pageRows === undefined ? {} : { pageRows }) });
  const yearStartOf = (month: string) => monthBounds(zone, `${month.slice(0, 4)}-01`).start;
  const expected = (month: string, now: number, agency: string | null) =>
    computeCompliance(calendar, {
      month,
      now,
      agency,
      cases: reference.cases,
      outages: reference.outages(yearStartOf(month), monthBounds(zone, month).end),
      windows: [],
      extraOpening: [],
    });

  it('reads exactly the cases of the period (received before its end, not resolved before it began) and the outages of its year', async () => {
    const r = reader(7);
    for (const month of ['2026-01', '2026-03', '2026-10', '2027-01']) {
      for (const agency of [null, contract.agencies[0]!.id]) {
        const { start, end } = monthBounds(zone, month);
        const facts = await r.facts(month, month, agency);
        const mine = (a: string) => agency === null || a === agency;
        expect(byRef(facts.cases)).toEqual(
          byRef(reference.cases.filter((c) => c.receivedAt < end && (c.resolvedAt === null || c.resolvedAt >= start) && mine(c.agency))),
        );
        expect(byRef(facts.outages)).toEqual(
          byRef(reference.outages(yearStartOf(month), end).filter((o) => !o.ref.startsWith('INC-') || mine(o.agencies[0]!))),
        );
      }
    }
  });

  it('gives the figures of the reference for every month of the year and the running one, for all agencies and for one', async () => {
    const r = reader(7);
    for (const agency of [null, contract.agencies[1]!.id]) {
      for (const month of MONTHS) expect(await r.compliance(month, NOW, agency)).toEqual(expected(month, NOW, agency));
      const running = Date.UTC(2026, 9, 17, 12);
      expect(await r.compliance('2026-10', running, agency)).toEqual(expected('2026-10', running, agency));
    }
  });

  it('pages of one row, of exactly the rows there are, and of 5,000 read the same facts', async () => {
    const whole = await reader().facts('2026-09', '2026-10');
    const incidentsInPeriod = whole.cases.filter((c) => c.kind === 'incident').length;
    for (const pageRows of [1, incidentsInPeriod, incidentsInPeriod + 1]) {
      const facts = await reader(pageRows).facts('2026-09', '2026-10');
      expect(byRef(facts.cases)).toEqual(byRef(whole.cases));
      expect(byRef(facts.outages)).toEqual(byRef(whole.outages));
    }
  });

  it('the 12-month series and its report are those of the reference', async () => {
    const { report, series } = await reader(7).reportWithSeries('2026-12', NOW);
    const outages = reference.outages(yearStartOf('2026-01'), monthBounds(zone, '2026-12').end);
    const input = { now: NOW, agency: null, cases: reference.cases, outages, windows: [], extraOpening: [] };
    expect(series).toEqual(complianceSeries(calendar, input, '2026-12', 12));
    const figures = computeCompliance(calendar, { ...input, month: '2026-12' });
    expect(report).toEqual(buildReport(figures, { generatedAt: NOW, contractVersion: contract.version, agencyName: null }));
  });

  it('reports read at the same time do not disturb each other (one cursor transaction each)', async () => {
    const r = reader(7);
    const months = ['2026-02', '2026-05', '2026-10', '2026-12'];
    const all = await Promise.all(months.map((m) => r.compliance(m, NOW)));
    all.forEach((figures, i) => expect(figures).toEqual(expected(months[i]!, NOW, null)));
  });
});
