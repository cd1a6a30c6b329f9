// Many people open incidents at the same moment, on a fresh database or right after the
// contract changed: every one of them is registered, and the contract snapshot is written
// exactly once, whatever the number of writers (one service, or several replicas).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { IncidentService, type Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { databases, type EmptyTestDatabase } from '../support/databases.js';
import { at } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'slack' };

describe.each(databases)('concurrent opens on $name', (target) => {
  let empty: EmptyTestDatabase;
  const opened: Database[] = [];
  beforeAll(async () => {
    empty = await target.openEmpty();
  });
  afterAll(async () => {
    for (const db of opened) await db.close();
    await empty.dispose();
  });

  async function replica(contract = buildContract()): Promise<IncidentService> {
    const db = await empty.open();
    opened.push(db);
    return new IncidentService({ prisma: db.prisma, contract, calendar: new BusinessCalendar(contract) });
  }

  it('twelve simultaneous opens on a fresh database are all registered, with one snapshot', async () => {
    const service = await replica();
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => service.open({ impact: 2, title: `Avbrott ${i}` }, anna, at('2026-11-24 10:00'))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const prisma = opened[0]!.prisma;
    expect(await prisma.configSnapshot.count()).toBe(1);
    expect(await prisma.incident.count()).toBe(12);
  });

  it('after a contract change, replicas opening at once all succeed and store the new version once', async () => {
    const changed = buildContract({ incidentTargets: { low: { resolution: { amount: 9, unit: 'workingDays' } } } });
    // On PGlite one process owns the store; on PostgreSQL these are three separate pools, as three replicas.
    const replicas = target.name === 'postgres' ? await Promise.all([replica(changed), replica(changed), replica(changed)]) : [await replica(changed)];
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => replicas[i % replicas.length]!.open({ impact: 4, title: `Fel ${i}` }, anna, at('2026-11-24 11:00'))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const prisma = opened[0]!.prisma;
    expect(await prisma.configSnapshot.count({ where: { version: changed.version } })).toBe(1);
    expect(await prisma.incident.count({ where: { configVersion: changed.version } })).toBe(30);
  });
});
