// What people type is stored safely: nothing that can drive an operator's terminal, no NUL
// that PostgreSQL refuses, no personnummer anywhere (title, description, notes, the audit, the
// reporter), and limits counted the way people count characters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { UserError } from '../../src/services/errors.js';
import { IncidentService, TITLE_MAX, type Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { at } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const anna: Actor = { id: 'anna', source: 'console' };
const now = at('2026-11-24 10:00');

describe.each(databases)('free text on $name', (target) => {
  let db: Database;
  let service: IncidentService;
  beforeAll(async () => {
    db = await target.open();
    service = new IncidentService({ prisma: db.prisma, contract, calendar });
  });
  afterAll(() => db.close());

  it("a title cannot clear, ring or rewrite an operator's terminal, and keeps Swedish letters and emoji", async () => {
    const v = await service.open({ impact: 3, title: 'Åtgärd \u001b[2Jkrävs\u0007 i \u0085flödet \u202eøøø 🔥👩‍💻' }, anna, now);
    expect(v.title).toBe('Åtgärd krävs i flödet øøø 🔥👩‍💻');
    const stored = await db.prisma.incident.findUniqueOrThrow({ where: { id: v.id } });
    expect(stored.title).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });

  it('a NUL byte in free text is removed, not a fault', async () => {
    const v = await service.open({ impact: 3, title: 'Fel\u0000 i svaren', description: 'rad 1\u0000\nrad 2' }, anna, now);
    expect(v.title).toBe('Fel i svaren');
    expect(v.description).toBe('rad 1\nrad 2');
    const resolved = await service.resolve(v.id, 'Återkopplat\u0000 till kommunen', anna, now + 60_000);
    expect(resolved.resolutionNote).toBe('Återkopplat till kommunen');
  });

  it('an emoji counts as one character against the title limit', async () => {
    const v = await service.open({ impact: 4, title: '🔥'.repeat(TITLE_MAX) }, anna, now);
    expect([...new Intl.Segmenter().segment(v.title)]).toHaveLength(TITLE_MAX);
    const err = await service.open({ impact: 4, title: '🔥'.repeat(TITLE_MAX + 1) }, anna, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).params).toMatchObject({ max: TITLE_MAX, length: TITLE_MAX + 1 });
  });

  it('a 12-digit personnummer with + (over 100 years) is masked in the description and in the audit', async () => {
    const v = await service.open({ impact: 3, title: 'Fråga om 19210117+5798', description: 'Gäller 19210117+5798 och 811218–9876' }, anna, now);
    expect(v.title).toBe('Fråga om [personnummer]');
    expect(v.description).toBe('Gäller [personnummer] och [personnummer]');
    const audit = await db.prisma.auditEntry.findMany({ where: { entityId: v.ref } });
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toMatch(/5798|9876/);
  });

  it('a reporter whose name is a personnummer (SSBTEK_USER=811218-9876) is stored masked', async () => {
    const v = await service.open({ impact: 4, title: 'Test' }, { id: '811218-9876', source: 'console' }, now);
    expect(v.reporter).toBe('[personnummer]');
    const events = await service.timeline(v.id);
    expect(events.map((e) => e.actor)).toEqual(['[personnummer]']);
  });
});
