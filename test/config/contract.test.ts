// The contract as configuration: the seed's values by default, any part overridable,
// and an invalid file refused with the field and what is wrong.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildContract, ConfigError, loadContract } from '../../src/config/load.js';

function file(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssbtek-config-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

describe('contract configuration', () => {
  it("defaults to the seed's numbers", () => {
    const c = buildContract();
    expect(c.incidentTargets.critical).toEqual({ response: { amount: 30, unit: 'minutes', clock: 'support' }, resolution: { amount: 8, unit: 'hours', clock: 'support' } });
    expect(c.problemTargets.critical.resolution).toEqual({ amount: 6, unit: 'calendarDays', clock: 'support' });
    expect(c.orderTargets.connection.response).toBeNull();
    expect(c.agencies.find((a) => a.id === 'transportstyrelsen')?.supportHours).toEqual({ days: [1, 2, 3, 4, 5], open: '08:00', close: '16:30' });
    expect(c.goals.incidents).toBe(0.9);
    expect(c.notice.plannedChangeWeeks).toBe(4);
    expect(c.criticalPeriod.startDay).toBe(20);
    expect(c.reportDay).toBe(10);
  });

  it('a YAML file overrides one number and keeps the rest', () => {
    const c = loadContract(file('c.yaml', 'incidentTargets:\n  critical:\n    response:\n      amount: 15\n'));
    expect(c.incidentTargets.critical.response).toEqual({ amount: 15, unit: 'minutes', clock: 'support' });
    expect(c.incidentTargets.critical.resolution.amount).toBe(8);
    expect(c.incidentTargets.high.response?.amount).toBe(60);
  });

  it('a JSON file can add an agency with its own support hours', () => {
    const seed = buildContract();
    const agencies = [...seed.agencies, { id: 'kronofogden', name: 'Kronofogden', supportHours: { days: [1, 2, 3, 4], open: '07:30', close: '16:00' } }];
    const c = loadContract(file('c.json', JSON.stringify({ agencies })));
    expect(c.agencies.map((a) => a.id)).toContain('kronofogden');
  });

  it('the version changes with the configuration and is stable without change', () => {
    expect(buildContract().version).toBe(buildContract().version);
    expect(buildContract({ reportDay: 11 }).version).not.toBe(buildContract().version);
  });

  it('the contract is frozen: no code can change a number at run time', () => {
    const c = buildContract();
    expect(() => {
      (c.incidentTargets.critical.response as { amount: number }).amount = 1;
    }).toThrow();
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['a negative target', { incidentTargets: { high: { response: { amount: -5 } } } }, /incidentTargets\.high\.response\.amount/],
    ['an unknown unit', { problemTargets: { low: { resolution: { unit: 'weeks' } } } }, /problemTargets\.low\.resolution\.unit/],
    ['a closing time before opening', { supportHours: { open: '17:00', close: '08:00' } }, /supportHours: open must be before close/],
    ['a badly written time', { openingHours: { open: '8' } }, /openingHours\.open: must be a time of day as HH:MM/],
    ['a misspelt field', { incidentTarget: {} }, /unknown field\(s\) "incidentTarget"/],
    ['a matrix with an unknown priority', { priorityMatrix: [['urgent', 'high', 'medium', 'low'], ['high', 'high', 'medium', 'low'], ['medium', 'medium', 'medium', 'low'], ['low', 'low', 'low', 'low']] }, /priorityMatrix\.0\.0/],
    ['a default agency that does not exist', { defaultAgency: 'nasa' }, /defaultAgency: names no agency/],
    ['a goal above 100 %', { goals: { incidents: 1.5 } }, /goals\.incidents/],
  ];
  it.each(invalid)('refuses %s, naming the field', (_name, overrides, message) => {
    expect(() => buildContract(overrides)).toThrow(ConfigError);
    expect(() => buildContract(overrides)).toThrow(message);
  });

  it('refuses an unreadable or malformed file with its name', () => {
    expect(() => loadContract('/nonexistent/ssbtek.yaml')).toThrow(/SSBTEK_CONFIG=\/nonexistent\/ssbtek.yaml: cannot read the file/);
    const bad = file('bad.json', '{ "reportDay": ');
    expect(() => loadContract(bad)).toThrow(/not valid JSON/);
  });
});
