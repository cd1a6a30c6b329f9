// The reminder ladder: when the bot speaks before and after a deadline.
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import type { Priority } from '../../src/config/contract.js';
import type { ContractOverrides } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { deadlinesFor, targetsFor } from '../../src/domain/deadlines.js';
import { contactsFor, holdForSupportHours, ladderFor, latestDue, pendingFrom, type ReminderTarget } from '../../src/domain/reminders.js';
import { at, local } from '../support/time.js';

function ladder(priority: Priority, target: ReminderTarget, received: string, overrides: ContractOverrides = {}) {
  const contract = buildContract(overrides);
  const calendar = new BusinessCalendar(contract);
  const clock = calendar.supportClock('forsakringskassan');
  const d = deadlinesFor(calendar, { kind: 'incident', priority }, at(received), 'forsakringskassan');
  const pair = targetsFor(contract, { kind: 'incident', priority });
  return ladderFor({
    target,
    spec: target === 'response' ? pair.response! : pair.resolution,
    ladder: contract.reminders.incidents[priority][target],
    clockStart: d.clockStart,
    deadline: target === 'response' ? d.response! : d.resolution,
    clock,
    hold: contract.reminders.holdOutsideSupportHours,
  }).map((r) => `${r.kind}@${local(r.dueAt).slice(4)}${r.level ? ` L${r.level}` : ''}`);
}

describe('the default ladders, received Monday 2026-11-09 10:00', () => {
  it('Kritisk response (30 min): 50 %, 10 min before, breach, repeats every 15 min, level 2 after 30 min', () => {
    expect(ladder('critical', 'response', '2026-11-09 10:00')).toEqual([
      'warning@2026-11-09 10:15',
      'warning@2026-11-09 10:20',
      'breach@2026-11-09 10:30 L1',
      'repeat@2026-11-09 10:45 L1',
      'repeat@2026-11-09 11:00 L1',
      'escalation@2026-11-09 11:00 L2',
      'repeat@2026-11-09 11:15 L1',
      'repeat@2026-11-09 11:30 L1',
      'repeat@2026-11-09 11:45 L1',
      'repeat@2026-11-09 12:00 L1',
      'repeat@2026-11-09 12:15 L1',
      'repeat@2026-11-09 12:30 L1',
    ]);
  });
  it('Kritisk resolution (8 h): 50 %, 75 %, 90 % on the support clock, then breach Tuesday 09:00', () => {
    expect(ladder('critical', 'resolution', '2026-11-09 10:00').slice(0, 5)).toEqual([
      'warning@2026-11-09 14:00',
      'warning@2026-11-09 16:00',
      'warning@2026-11-10 08:12',
      'breach@2026-11-10 09:00 L1',
      'repeat@2026-11-10 09:30 L1',
    ]);
  });
  it('Hög response (60 min): 50 % and 10 min before, breach at 11:00', () => {
    expect(ladder('high', 'response', '2026-11-09 10:00').slice(0, 3)).toEqual([
      'warning@2026-11-09 10:30',
      'warning@2026-11-09 10:50',
      'breach@2026-11-09 11:00 L1',
    ]);
  });
  it('Hög resolution (2 working days): warnings at 9, 13.5 and 16.2 support hours', () => {
    expect(ladder('high', 'resolution', '2026-11-09 10:00').slice(0, 4)).toEqual([
      'warning@2026-11-10 10:00',
      'warning@2026-11-10 14:30',
      'warning@2026-11-11 08:12',
      'breach@2026-11-11 10:00 L1',
    ]);
  });
  it('Medel response (8 h): 75 % and one hour before, which is Monday at closing, the same support instant as Tuesday 08:00', () => {
    expect(ladder('medium', 'response', '2026-11-09 10:00').slice(0, 3)).toEqual([
      'warning@2026-11-09 16:00',
      'warning@2026-11-09 17:00',
      'breach@2026-11-10 09:00 L1',
    ]);
  });
  it('Medel resolution (5 working days = 45 support hours): 75 % after 33.75 h and 90 % after 40.5 h', () => {
    expect(ladder('medium', 'resolution', '2026-11-09 10:00').slice(0, 3)).toEqual([
      'warning@2026-11-12 16:45',
      'warning@2026-11-13 14:30',
      'breach@2026-11-16 10:00 L1',
    ]);
  });
  it('Låg response (24 h): 90 %, breach, two repeats a support day apart, no level 2', () => {
    expect(ladder('low', 'response', '2026-11-09 10:00')).toEqual([
      'warning@2026-11-11 13:36',
      'breach@2026-11-11 16:00 L1',
      'repeat@2026-11-12 16:00 L1',
      'repeat@2026-11-13 16:00 L1',
    ]);
  });
  it('Låg resolution (7 working days = 63 support hours): 90 % after 56 h 42 min, then breach', () => {
    expect(ladder('low', 'resolution', '2026-11-09 10:00').slice(0, 2)).toEqual(['warning@2026-11-17 12:42', 'breach@2026-11-18 10:00 L1']);
  });
});

describe('support hours decide when the bot speaks', () => {
  it('Friday 16:45 Kritisk: the 50 % warning at closing, the rest on Monday morning', () => {
    expect(ladder('critical', 'response', '2026-11-27 16:45').slice(0, 4)).toEqual([
      'warning@2026-11-27 17:00',
      'warning@2026-11-30 08:05',
      'breach@2026-11-30 08:15 L1',
      'repeat@2026-11-30 08:30 L1',
    ]);
  });
  it('repeats after a breach late on Friday wait for Monday when held to support hours', () => {
    expect(ladder('critical', 'response', '2026-11-27 16:20').slice(2, 4)).toEqual(['breach@2026-11-27 16:50 L1', 'repeat@2026-11-30 08:05 L1']);
  });
  it('configured not to hold, repeats run on the wall clock through the evening', () => {
    expect(ladder('critical', 'response', '2026-11-27 16:20', { reminders: { holdOutsideSupportHours: false } }).slice(2, 5)).toEqual([
      'breach@2026-11-27 16:50 L1',
      'repeat@2026-11-27 17:05 L1',
      'repeat@2026-11-27 17:20 L1',
    ]);
  });
  it('a wall-clock instant outside hours is held until the next opening; closing time itself is kept', () => {
    const clock = new BusinessCalendar(buildContract()).supportClock('forsakringskassan');
    expect(local(holdForSupportHours(clock, at('2026-11-27 17:00')))).toBe('Fri 2026-11-27 17:00');
    expect(local(holdForSupportHours(clock, at('2026-11-27 17:01')))).toBe('Mon 2026-11-30 08:00');
    expect(local(holdForSupportHours(clock, at('2026-12-24 10:00')))).toBe('Mon 2026-12-28 08:00');
  });
  it('a configured ladder replaces the default', () => {
    const custom = { reminders: { incidents: { critical: { response: { warnAtFractions: [0.25], warnBefore: [], repeatMax: 1, escalateAfter: null } } } } };
    expect(ladder('critical', 'response', '2026-11-09 10:00', custom)).toEqual([
      'warning@2026-11-09 10:07:30',
      'breach@2026-11-09 10:30 L1',
      'repeat@2026-11-09 10:45 L1',
    ]);
  });
});

describe('what is still worth sending', () => {
  const rungs = (times: Array<[string, string]>) =>
    times.map(([kind, t], i) => ({
      target: 'response' as const,
      kind: kind as 'warning',
      seq: i + 1,
      level: 0 as const,
      dueAt: at(t),
      deadlineAt: at('2026-11-09 10:30'),
    }));
  it('only future rungs while the deadline holds', () => {
    const r = rungs([
      ['warning', '2026-11-09 10:15'],
      ['warning', '2026-11-09 10:20'],
      ['breach', '2026-11-09 10:30'],
    ]);
    expect(pendingFrom(r, at('2026-11-09 10:16')).map((x) => x.seq)).toEqual([2, 3]);
  });
  it('a deadline that broke unseen is told once, now, then the ladder goes on', () => {
    const r = rungs([
      ['warning', '2026-11-09 10:15'],
      ['breach', '2026-11-09 10:30'],
      ['repeat', '2026-11-09 10:45'],
      ['repeat', '2026-11-09 11:00'],
    ]);
    const p = pendingFrom(r, at('2026-11-09 10:50'));
    expect(p.map((x) => [x.kind, local(x.dueAt)])).toEqual([
      ['repeat', 'Mon 2026-11-09 10:50'],
      ['repeat', 'Mon 2026-11-09 11:00'],
    ]);
  });
});

describe('escalation contacts', () => {
  const TEAMS_CHEF = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
  const contract = buildContract({
    escalation: {
      default: { level1: { slack: { groups: ['S0DRIFT'] } }, level2: { slack: { users: ['U0CHEF'] }, teams: { users: [TEAMS_CHEF] } } },
      agencies: {
        transportstyrelsen: {
          critical: {
            level1: { slack: { users: ['U0TS1'], channel: 'C0TSJOUR' }, teams: { channel: '19:ts@thread.tacv2' } },
            level2: { slack: { users: ['U0TSCHEF'] } },
          },
        },
      },
    },
  });
  it('use the agency and priority entry when there is one', () => {
    expect(contactsFor(contract, 'transportstyrelsen', 'critical', 1)).toMatchObject({ slack: { users: ['U0TS1'], channel: 'C0TSJOUR' } });
    expect(contactsFor(contract, 'transportstyrelsen', 'critical', 2)).toEqual({
      slack: { users: ['U0TS1', 'U0TSCHEF'], groups: [], channel: 'C0TSJOUR' },
      teams: { users: [], channel: '19:ts@thread.tacv2' },
    });
  });
  it('fall back to the default otherwise, level 2 keeping level 1 in the loop on every platform', () => {
    expect(contactsFor(contract, 'transportstyrelsen', 'high', 1)).toMatchObject({ slack: { groups: ['S0DRIFT'] } });
    expect(contactsFor(contract, 'csn', 'critical', 2)).toMatchObject({ slack: { users: ['U0CHEF'], groups: ['S0DRIFT'] }, teams: { users: [TEAMS_CHEF] } });
  });
  it('still read the older Slack-only fields (slackUsers, slackGroups, slackChannel)', () => {
    const legacy = buildContract({
      escalation: { default: { level1: { slackGroups: ['S0DRIFT'], slackChannel: 'C0JOUR' }, level2: { slackUsers: ['U0CHEF'] } } },
    });
    expect(contactsFor(legacy, 'csn', 'high', 2)).toEqual({ slack: { users: ['U0CHEF'], groups: ['S0DRIFT'], channel: 'C0JOUR' }, teams: { users: [] } });
  });
  it('refuse an agency that does not exist and a malformed id', () => {
    expect(() => buildContract({ escalation: { agencies: { nasa: {} } } }, undefined, { lang: 'en' })).toThrow(/escalation\.agencies\.nasa: names no agency/);
    expect(() => buildContract({ escalation: { default: { level1: { slack: { users: ['anna'] } } } } }, undefined, { lang: 'en' })).toThrow(
      /must be a Slack user id/,
    );
    expect(() => buildContract({ escalation: { default: { level1: { slackUsers: ['anna'] } } } }, undefined, { lang: 'en' })).toThrow(
      /must be a Slack user id/,
    );
    expect(() => buildContract({ escalation: { default: { level2: { teams: { users: ['anna'] } } } } }, undefined, { lang: 'en' })).toThrow(
      /must be an Entra object id/,
    );
  });
});

describe('rungs due at once', () => {
  it('only the latest rung of each subject and target is said; the older ones are superseded', () => {
    const due = [
      { id: 1, s: 'INC-1/response' },
      { id: 2, s: 'INC-1/resolution' },
      { id: 3, s: 'INC-1/response' },
      { id: 4, s: 'BES-2/resolution' },
      { id: 5, s: 'INC-1/response' },
    ];
    const { latest, superseded } = latestDue(due, (r) => r.s);
    expect(latest.map((r) => r.id)).toEqual([5, 2, 4]);
    expect(superseded.map((r) => r.id)).toEqual([1, 3]);
  });
});
