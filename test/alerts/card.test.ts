// The incident card says whether monitoring still alerts or has cleared — never that the
// incident is resolved: that takes a person's report back.
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { translator } from '../../src/i18n/index.js';
import { incidentBlocks } from '../../src/platforms/slack/blocks/card.js';
import type { IncidentView } from '../../src/services/incidents.js';
import { IncidentService } from '../../src/services/incidents.js';
import { textOf } from '../support/fake-slack.js';
import { at } from '../support/time.js';

const contract = buildContract();
const view = (): IncidentView => {
  const service = new IncidentService({ prisma: undefined as never, contract, calendar: new BusinessCalendar(contract) });
  const received = at('2026-11-24 09:40');
  return service.view(
    {
      id: 7,
      title: 'SsbtekInkomsterNere',
      description: '',
      agencyId: 'skatteverket',
      baseServices: ['Inkomster'],
      impact: 2,
      timing: 1,
      suggestedTiming: 1,
      priority: 'high',
      security: false,
      status: 'open',
      reporter: 'monitoring:default',
      source: 'monitoring',
      receivedAt: new Date(received),
      responseDueAt: new Date(received + 3_600_000),
      resolutionDueAt: new Date(received + 86_400_000 * 2),
      configVersion: contract.version,
      acknowledgedAt: null,
      acknowledgedBy: null,
      resolvedAt: null,
      resolvedBy: null,
      resolutionNote: null,
      closedAt: null,
      closedBy: null,
      createdAt: new Date(received),
      updatedAt: new Date(received),
      revision: 3,
      idempotencyKey: 'alert:x',
    } as never,
    at('2026-11-24 10:31'),
  );
};

describe('the card of an incident from monitoring', () => {
  it('shows "monitoring has cleared" with the time, in Swedish and English, and keeps the incident open with its buttons', () => {
    const v = view();
    const sv = textOf(
      incidentBlocks(translator('sv'), contract, v, {
        buttons: true,
        asOf: at('2026-11-24 10:31'),
        monitoring: { state: 'cleared', at: at('2026-11-24 10:30') },
      }),
    );
    expect(sv).toContain('✅ Övervakningen har friskförklarat');
    expect(sv).toContain('10:30');
    expect(sv).toContain('Öppen');
    const en = textOf(
      incidentBlocks(translator('en'), contract, v, {
        buttons: true,
        asOf: at('2026-11-24 10:31'),
        monitoring: { state: 'cleared', at: at('2026-11-24 10:30') },
      }),
    );
    expect(en).toContain('Monitoring has cleared');
  });

  it('shows that monitoring still alerts while it fires, and nothing for an incident not from monitoring', () => {
    const v = view();
    expect(
      textOf(
        incidentBlocks(translator('sv'), contract, v, {
          buttons: true,
          asOf: at('2026-11-24 10:31'),
          monitoring: { state: 'firing', at: at('2026-11-24 09:40') },
        }),
      ),
    ).toContain('🚨 Övervakningen larmar sedan');
    const plain = textOf(incidentBlocks(translator('sv'), contract, v, { buttons: true, asOf: at('2026-11-24 10:31') }));
    expect(plain).not.toContain('Övervakningen');
  });
});
