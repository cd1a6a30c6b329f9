// Who may resolve, reprioritise, reopen and close: the same rule for every surface.
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { decideRole } from '../../src/domain/roles.js';
import { RoleService } from '../../src/services/roles.js';

const ANNA_TEAMS = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const slack = (id: string) => ({ id, source: 'slack' as const });
const teams = (id: string) => ({ id, source: 'teams' as const });
const consoleUser = (id: string) => ({ id, source: 'console' as const });

describe('roles', () => {
  it('with no role configured anywhere, everyone may do everything (the two-command start)', async () => {
    const roles = new RoleService(buildContract());
    for (const actor of [slack('U1'), teams(ANNA_TEAMS), consoleUser('anna')]) expect(await roles.holds('manager', actor)).toBe(true);
  });

  it('once any list is configured, an actor from a platform without a list gets no manager rights', async () => {
    const roles = new RoleService(buildContract({ roles: { manager: { slack: ['U0CHEF'] } } }));
    expect(await roles.holds('manager', slack('U0CHEF'))).toBe(true);
    expect(await roles.holds('manager', slack('U0ANNAN'))).toBe(false);
    expect(await roles.holds('manager', teams(ANNA_TEAMS))).toBe(false);
    expect(await roles.holds('manager', consoleUser('anna'))).toBe(false);
    expect(decideRole(roles.roles, 'manager', teams(ANNA_TEAMS))).toEqual({ kind: 'denied', reason: 'noListForPlatform' });
  });

  it('the terminal user is an actor like any other and can be given the role', async () => {
    const roles = new RoleService(buildContract({ roles: { manager: { console: ['anna'], teams: [ANNA_TEAMS.toUpperCase()] } } }));
    expect(await roles.holds('manager', consoleUser('anna'))).toBe(true);
    expect(await roles.holds('manager', consoleUser('bo'))).toBe(false);
    expect(await roles.holds('manager', { id: 'anna', source: 'cli' })).toBe(true);
    expect(await roles.holds('manager', teams(ANNA_TEAMS))).toBe(true);
    expect(await roles.holds('manager', teams(ANNA_TEAMS.toUpperCase()))).toBe(true);
    expect(await roles.holds('manager', slack('U0CHEF'))).toBe(false);
  });

  it('a Slack user-group member holds the role when Slack says so; an unanswered lookup denies', async () => {
    const roles = new RoleService(buildContract({ roles: { manager: { slack: ['S0JOUR'] } } }));
    expect(await roles.holds('manager', slack('U0MEDLEM'))).toBe(false); // no Slack running: nobody to ask
    roles.setSlackGroupMembership(async (user, groups) => groups.includes('S0JOUR') && user === 'U0MEDLEM');
    expect(await roles.holds('manager', slack('U0MEDLEM'))).toBe(true);
    expect(await roles.holds('manager', slack('U0ANNAN'))).toBe(false);
    roles.setSlackGroupMembership(async () => {
      throw new Error('usergroups.users.list failed');
    });
    expect(await roles.holds('manager', slack('U0MEDLEM'))).toBe(false);
  });

  it('the deprecated SLACK_MANAGERS still restricts Slack users only, with a deprecation line', async () => {
    const warnings: string[] = [];
    const roles = new RoleService(buildContract());
    roles.useLegacySlackManagers(['U0CHEF'], (m) => warnings.push(m));
    expect(warnings.join('\n')).toMatch(/SLACK_MANAGERS is deprecated.*roles\.manager\.slack/);
    expect(await roles.holds('manager', slack('U0CHEF'))).toBe(true);
    expect(await roles.holds('manager', slack('U0ANNAN'))).toBe(false);
    expect(await roles.holds('manager', consoleUser('anna'))).toBe(true);
  });

  it('the deprecated SLACK_MANAGERS is ignored, with a line saying so, once the contract sets roles', async () => {
    const warnings: string[] = [];
    const roles = new RoleService(buildContract({ roles: { manager: { console: ['anna'] } } }));
    roles.useLegacySlackManagers(['U0CHEF'], (m) => warnings.push(m));
    expect(warnings.join('\n')).toMatch(/SLACK_MANAGERS is ignored/);
    expect(await roles.holds('manager', slack('U0CHEF'))).toBe(false);
  });

  it('a role list names ids of its own platform only', () => {
    expect(() => buildContract({ roles: { manager: { teams: ['U0CHEF'] } } }, undefined, { lang: 'en' })).toThrow(
      /roles\.manager\.teams\.0: must be an Entra object id/,
    );
    expect(() => buildContract({ roles: { manager: { slack: ['anna'] } } }, undefined, { lang: 'en' })).toThrow(/roles\.manager\.slack\.0/);
  });
});
