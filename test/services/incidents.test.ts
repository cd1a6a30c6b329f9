// The incident lifecycle through the services, on both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { UserError } from '../../src/services/errors.js';
import { IncidentService, type Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { at, local } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const anna: Actor = { id: 'anna', source: 'console' };
const bo: Actor = { id: 'bo', source: 'slack' };

async function userError(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe.each(databases)('incident lifecycle on $name', (target) => {
  let db: Database;
  let service: IncidentService;
  beforeAll(async () => {
    db = await target.open();
    service = new IncidentService({ prisma: db.prisma, contract, calendar });
  });
  afterAll(() => db.close());

  it('opens a Kritisk incident on Friday 16:45 with deadlines on Monday and a human id', async () => {
    const now = at('2026-11-27 16:45');
    const v = await service.open({ impact: 1, title: 'Inga svar från SSBTEK', agencyId: 'skatteverket' }, anna, now);
    expect(v.ref).toMatch(/^INC-\d+$/);
    expect(v).toMatchObject({
      priority: 'critical',
      timing: 1,
      suggestedTiming: 1,
      status: 'open',
      agencyName: 'Skatteverket',
      reporter: 'anna',
      configVersion: contract.version,
    });
    expect(local(v.response.due)).toBe('Mon 2026-11-30 08:15');
    expect(local(v.resolution.due)).toBe('Mon 2026-11-30 15:45');
    expect(v.response.left).toBe(30 * 60_000);
    const snapshot = await db.prisma.configSnapshot.findUnique({ where: { version: contract.version } });
    expect(snapshot).not.toBeNull();
  });

  it('uses the suggested Tidpunkt unless one is given, and keeps both', async () => {
    const v = await service.open({ impact: 1, timing: 3, title: 'Långsamt', agencyId: 'csn' }, anna, at('2026-11-20 10:00'));
    expect(v).toMatchObject({ timing: 3, suggestedTiming: 1, priority: 'medium' });
  });

  it('acknowledging at exactly the response deadline meets it', async () => {
    const v = await service.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, at('2026-11-24 10:00'));
    const acked = await service.acknowledge(v.id, bo, at('2026-11-24 10:30'));
    expect(acked.status).toBe('acknowledged');
    expect(acked.response).toMatchObject({ state: 'met', metAt: at('2026-11-24 10:30') });
  });

  it('acknowledging one second late misses the response target', async () => {
    const v = await service.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, at('2026-11-24 10:00'));
    const acked = await service.acknowledge(v.id, bo, at('2026-11-24 10:30:01'));
    expect(acked.response.state).toBe('missed');
  });

  it('shows a broken target with how far over it is on the support clock', async () => {
    const v = await service.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, at('2026-11-24 16:00'));
    const later = await service.get(v.id, at('2026-11-25 08:10'));
    // due 16:30; 30 min to closing + 10 min next morning = 40 min over
    expect(later.response).toMatchObject({ state: 'broken', left: -40 * 60_000 });
  });

  it('resolves with a note, reopens, and closes, with a timeline and audit trail', async () => {
    const v = await service.open(
      { impact: 2, timing: 2, title: 'Två bastjänster borta', agencyId: 'transportstyrelsen', baseServices: ['Fordon', 'Körkort'] },
      anna,
      at('2026-11-18 09:00'),
    );
    expect(v.priority).toBe('high');
    await service.acknowledge(v.id, bo, at('2026-11-18 09:20'));
    const resolved = await service.resolve(v.id, 'Återrapporterat per telefon till SPOC', bo, at('2026-11-19 11:00'));
    expect(resolved).toMatchObject({ status: 'resolved', resolutionNote: 'Återrapporterat per telefon till SPOC', resolvedBy: 'bo' });
    expect(resolved.resolution.state).toBe('met');
    const reopened = await service.reopen(v.id, 'Felet kom tillbaka', anna, at('2026-11-19 13:00'));
    expect(reopened).toMatchObject({ status: 'acknowledged', resolutionNote: null });
    expect(reopened.resolution.due).toBe(resolved.resolution.due);
    await service.resolve(v.id, 'Åtgärdat igen, mejl till SPOC', bo, at('2026-11-19 15:00'));
    const closed = await service.close(v.id, anna, at('2026-11-20 09:00'));
    expect(closed.status).toBe('closed');

    const events = await service.timeline(v.id);
    expect(events.map((e) => e.type)).toEqual(['opened', 'acknowledged', 'resolved', 'reopened', 'resolved', 'closed']);
    const audit = await db.prisma.auditEntry.findMany({ where: { entityType: 'incident', entityId: v.ref }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['anna', 'opened'],
      ['bo', 'acknowledged'],
      ['bo', 'resolved'],
      ['anna', 'reopened'],
      ['bo', 'resolved'],
      ['anna', 'closed'],
    ]);
    expect(audit[0]!.before).toBeNull();
    expect(audit[1]!.before).toMatchObject({ status: 'open', acknowledgedAt: null });
    expect(audit[1]!.after).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'bo', acknowledgedAt: new Date(at('2026-11-18 09:20')).toISOString() });
    expect(audit.every((a) => a.at instanceof Date)).toBe(true);
  });

  it('resolving an unacknowledged incident also meets its response', async () => {
    const v = await service.open({ impact: 4, timing: 3, title: 'Enstaka fel' }, anna, at('2026-11-10 10:00'));
    const r = await service.resolve(v.id, 'Svar till anmälaren', bo, at('2026-11-10 10:05'));
    expect(r.response).toMatchObject({ state: 'met', metAt: at('2026-11-10 10:05') });
  });

  it('reprioritises with a reason, recomputing both deadlines from the original receipt', async () => {
    const v = await service.open({ impact: 3, timing: 3, title: 'Timeouts' }, anna, at('2026-11-09 10:00'));
    expect(local(v.response.due)).toBe('Tue 2026-11-10 09:00');
    const r = await service.reprioritise(v.id, { impact: 1, timing: 1 }, 'Totalt avbrott nu', bo, at('2026-11-09 10:10'));
    expect(r.priority).toBe('critical');
    expect(local(r.response.due)).toBe('Mon 2026-11-09 10:30');
    expect(local(r.resolution.due)).toBe('Tue 2026-11-10 09:00');
    const events = await service.timeline(v.id);
    expect(events.at(-1)).toMatchObject({ type: 'reprioritised', actor: 'bo', data: { reason: 'Totalt avbrott nu' } });
  });

  it('stored deadlines do not move when the configuration changes later', async () => {
    const v = await service.open({ impact: 1, timing: 1, title: 'Avbrott' }, anna, at('2026-11-24 10:00'));
    const stricter = buildContract({ incidentTargets: { critical: { response: { amount: 10 } } } });
    const other = new IncidentService({ prisma: db.prisma, contract: stricter, calendar: new BusinessCalendar(stricter) });
    const seen = await other.get(v.id, at('2026-11-24 10:05'));
    expect(local(seen.response.due)).toBe('Tue 2026-11-24 10:30');
    expect(seen.configVersion).toBe(contract.version);
    expect(seen.configVersion).not.toBe(stricter.version);
  });

  it('refuses wrong input and changes nothing', async () => {
    const before = await db.prisma.incident.count();
    expect((await userError(service.open({ impact: 5, title: 'x' }, anna, at('2026-11-24 10:00')))).code).toBe('level.invalid');
    expect((await userError(service.open({ impact: 1, title: 'x', agencyId: 'nasa' }, anna, at('2026-11-24 10:00')))).code).toBe('agency.unknown');
    expect((await userError(service.open({ impact: 1, title: '   ' }, anna, at('2026-11-24 10:00')))).code).toBe('incident.titleRequired');
    expect(await db.prisma.incident.count()).toBe(before);

    const v = await service.open({ impact: 2, timing: 3, title: 'Fel' }, anna, at('2026-11-24 10:00'));
    const audits = await db.prisma.auditEntry.count();
    expect((await userError(service.reprioritise(v.id, { impact: 1, timing: 1 }, '  ', bo, at('2026-11-24 10:05')))).code).toBe('incident.reasonRequired');
    expect((await userError(service.resolve(v.id, '', bo, at('2026-11-24 10:05')))).code).toBe('incident.noteRequired');
    expect((await userError(service.close(v.id, bo, at('2026-11-24 10:05')))).code).toBe('incident.transition');
    expect((await userError(service.acknowledge(999_999, bo, at('2026-11-24 10:05')))).code).toBe('incident.notFound');
    await service.resolve(v.id, 'Klart', bo, at('2026-11-24 10:06'));
    await service.close(v.id, bo, at('2026-11-24 10:07'));
    const closedAck = await userError(service.acknowledge(v.id, bo, at('2026-11-24 10:08')));
    expect(closedAck).toMatchObject({ code: 'incident.transition', params: { status: 'closed', action: 'ack' } });
    expect(await db.prisma.auditEntry.count()).toBe(audits + 2);
  });

  it('masks personal identity numbers in every free-text field before storing', async () => {
    const v = await service.open(
      {
        impact: 4,
        title: 'Fel för 19121212-1212',
        description: 'Gäller 811218-9876 och 701063-2391, ärende 2026-11-24',
        baseServices: ['Inkomst 121212-1212'],
      },
      anna,
      at('2026-11-24 10:00'),
    );
    expect(v.title).toBe('Fel för [personnummer]');
    expect(v.description).toBe('Gäller [personnummer] och [personnummer], ärende 2026-11-24');
    expect(v.baseServices).toEqual(['Inkomst [personnummer]']);
    const r = await service.resolve(v.id, 'Ringde 198112189876', bo, at('2026-11-24 11:00'));
    expect(r.resolutionNote).toBe('Ringde [personnummer]');
    const raw = JSON.stringify(await db.prisma.auditEntry.findMany({ where: { entityId: v.ref }, select: { before: true, after: true } }));
    expect(raw).not.toMatch(/1212-1212|9876|2391/);
  });

  it('a failure in the middle of a change leaves no half-written incident', async () => {
    const failing = new IncidentService({
      prisma: db.prisma,
      contract,
      calendar,
      hooks: [
        async () => {
          throw new Error('crash after the incident row was written');
        },
      ],
    });
    const before = { incidents: await db.prisma.incident.count(), events: await db.prisma.incidentEvent.count(), audits: await db.prisma.auditEntry.count() };
    await expect(failing.open({ impact: 1, title: 'Halvskrivet' }, anna, at('2026-11-24 10:00'))).rejects.toThrow(/crash/);
    const v = await service.open({ impact: 1, title: 'Helt' }, anna, at('2026-11-24 10:00'));
    await expect(failing.acknowledge(v.id, bo, at('2026-11-24 10:05'))).rejects.toThrow(/crash/);
    expect(await db.prisma.incident.count()).toBe(before.incidents + 1);
    expect(await db.prisma.incidentEvent.count()).toBe(before.events + 1);
    expect(await db.prisma.auditEntry.count()).toBe(before.audits + 1);
    expect((await service.get(v.id, at('2026-11-24 10:06'))).status).toBe('open');
  });

  it('a retried delivery returns the first incident instead of creating a second', async () => {
    const input = { impact: 2, title: 'Retry', idempotencyKey: `slack:${target.name}:trigger-1` };
    const [a, b] = await Promise.all([service.open(input, anna, at('2026-11-24 10:00')), service.open(input, anna, at('2026-11-24 10:00'))]);
    const c = await service.open(input, anna, at('2026-11-24 10:01'));
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(await db.prisma.incident.count({ where: { idempotencyKey: input.idempotencyKey } })).toBe(1);
  });

  it('two people changing the same incident at once: one wins, the other is told', async () => {
    const v = await service.open({ impact: 1, title: 'Samtidigt' }, anna, at('2026-11-24 10:00'));
    const results = await Promise.allSettled([service.acknowledge(v.id, anna, at('2026-11-24 10:01')), service.acknowledge(v.id, bo, at('2026-11-24 10:01'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failure.reason).toBeInstanceOf(UserError);
    expect(['incident.conflict', 'incident.transition']).toContain((failure.reason as UserError).code);
    expect(await db.prisma.auditEntry.count({ where: { entityId: v.ref, action: 'acknowledged' } })).toBe(1);
  });

  it('lists open incidents with the nearest deadline first', async () => {
    const list = await service.listOpen(at('2026-11-24 12:00'));
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((v) => v.status === 'open' || v.status === 'acknowledged')).toBe(true);
    const dues = list.map((v) => (v.status === 'open' ? Math.min(v.response.due, v.resolution.due) : v.resolution.due));
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
  });

  it('keeps the security flag', async () => {
    const v = await service.open({ impact: 3, title: 'Misstänkt intrång', security: true }, anna, at('2026-11-24 10:00'));
    expect(v.security).toBe(true);
    expect(v.priority).toBe('medium');
  });
});
