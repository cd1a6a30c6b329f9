// Each incident is judged by the contract its deadlines came from (4.3, 5): a contract
// change after an incident was opened does not change that incident's targets, and a
// configuration that would strand open incidents is refused at start, naming them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { ContractVersions } from '../../src/services/contract-versions.js';
import { IncidentService, type Actor } from '../../src/services/incidents.js';
import { ReminderService } from '../../src/services/reminders.js';
import { StartupError } from '../../src/services/startup.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { at, local } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'console' };
const seed = buildContract();
/** The same contract, except Kritisk must now be resolved within 2 hours instead of 8. */
const stricter = buildContract({ incidentTargets: { critical: { resolution: { amount: 2, unit: 'hours' } } } });
const withoutCsn = buildContract({ agencies: seed.agencies.filter((a) => a.id !== 'csn') });

function service(db: Database, contract = seed): IncidentService {
  const calendar = new BusinessCalendar(contract);
  const versions = new ContractVersions({ contract, calendar }, db.prisma);
  const reminders = new ReminderService({ prisma: db.prisma, contract, calendar, versions });
  return new IncidentService({ prisma: db.prisma, contract, calendar, versions, hooks: [reminders.planHook] });
}

/** A contract whose Kritisk response reminders come at 90 % only (the seed warns at 50 % and 10 min before). */
const quieter = buildContract({ reminders: { incidents: { critical: { response: { warnAtFractions: [0.9], warnBefore: [] } } } } });

describe.each(databases)('contract versions on $name', (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db.close());

  it('a Kritisk incident opened under an 8-hour target keeps it after the target becomes 2 hours', async () => {
    const opened = await service(db, seed).open({ impact: 1, timing: 1, title: 'Inga svar', agencyId: 'skatteverket' }, anna, at('2026-11-24 09:00'));
    expect(local(opened.resolution.due)).toBe('Tue 2026-11-24 17:00');

    const later = service(db, stricter);
    const shown = await later.get(opened.id, at('2026-11-24 10:00'));
    expect(shown.configVersion).toBe(seed.version);
    expect(shown.resolution.target).toEqual({ amount: 8, unit: 'hours', clock: expect.any(String) });
    expect(local(shown.resolution.due)).toBe('Tue 2026-11-24 17:00');
    // Time left is counted on the incident's own target: 7 of its 8 hours remain.
    expect(shown.resolution.left).toBe(7 * 3_600_000);

    // A new incident opened now gets the new target.
    const fresh = await later.open({ impact: 1, timing: 1, title: 'Nytt avbrott', agencyId: 'skatteverket' }, anna, at('2026-11-24 09:00'));
    expect(fresh.configVersion).toBe(stricter.version);
    expect(local(fresh.resolution.due)).toBe('Tue 2026-11-24 11:00');
  });

  it("reprioritising replans from the incident's own contract, not the one loaded now", async () => {
    const opened = await service(db, seed).open({ impact: 2, timing: 2, title: 'Långsamt', agencyId: 'csn' }, anna, at('2026-11-24 09:00'));
    const replanned = await service(db, stricter).reprioritise(opened.id, { impact: 1, timing: 1 }, 'Fler kommuner drabbade', anna, at('2026-11-24 09:30'));
    expect(replanned.priority).toBe('critical');
    expect(replanned.configVersion).toBe(seed.version);
    expect(local(replanned.resolution.due)).toBe('Tue 2026-11-24 17:00');
  });

  it("an incident's reminder ladder stays the one of its own contract when it is replanned under a new one", async () => {
    const opened = await service(db, seed).open({ impact: 1, timing: 1, title: 'Avbrott', agencyId: 'csn' }, anna, at('2026-11-24 09:00'));
    const pending = async () =>
      (await db.prisma.reminder.findMany({ where: { incidentId: opened.id, status: 'pending' }, orderBy: [{ dueAt: 'asc' }, { seq: 'asc' }] })).map(
        (r) => `${r.target}:${r.kind}:${local(r.dueAt.getTime())}`,
      );
    const before = await pending();
    expect(before).toContain('response:warning:Tue 2026-11-24 09:15');
    // Any change replans the ladder; under the quieter contract it must still be the seed's.
    await service(db, quieter).note(opened.id, 'Leverantören felsöker', anna, at('2026-11-24 09:05'));
    expect(await pending()).toEqual(before);
    // A new incident opened under the quieter contract gets the quieter ladder.
    const fresh = await service(db, quieter).open({ impact: 1, timing: 1, title: 'Nytt', agencyId: 'csn' }, anna, at('2026-11-24 09:00'));
    const freshResponse = (await db.prisma.reminder.findMany({ where: { incidentId: fresh.id, target: 'response', kind: 'warning' } })).map((r) =>
      local(r.dueAt.getTime()),
    );
    expect(freshResponse).toEqual(['Tue 2026-11-24 09:27']);
  });

  it('a configuration that removes an agency with open incidents is refused at start, naming them', async () => {
    const own = await target.open();
    try {
      const first = service(own, seed);
      const a = await first.open({ impact: 3, title: 'CSN svarar långsamt', agencyId: 'csn' }, anna, at('2026-11-24 09:00'));
      const b = await first.open({ impact: 4, title: 'CSN enstaka fel', agencyId: 'csn' }, anna, at('2026-11-24 09:05'));
      const err = await createApp({ contract: withoutCsn, database: own }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StartupError);
      expect((err as StartupError).code).toBe('contract.agencyRemoved');
      expect((err as StartupError).params).toMatchObject({ field: 'agencies', agencies: 'csn', incidents: `${a.ref}, ${b.ref}`, count: 2 });

      // Once both are closed, the agency can go.
      for (const id of [a.id, b.id]) {
        await first.resolve(id, 'Återkopplat till anmälaren', anna, at('2026-11-24 10:00'));
        await first.close(id, anna, at('2026-11-24 10:01'));
      }
      const app = await createApp({ contract: withoutCsn, database: own });
      await app.close();
    } finally {
      await own.close();
    }
  });
});
