// The role check every surface goes through (the conversation's authorize seam). The rule is
// in domain/roles.ts; this adds what needs a platform: whether a Slack user is in a user group.
import type { Contract } from '../config/contract.js';
import { anyRoleConfigured, decideRole, type Role, type RolesConfig } from '../domain/roles.js';
import type { Actor } from './incidents.js';

/** Whether `userId` is a member of any of `groups` (Slack user groups); a failure counts as no. */
export type GroupMembership = (userId: string, groups: string[]) => Promise<boolean>;

export class RoleService {
  private roles_: RolesConfig;
  /** With only the deprecated SLACK_MANAGERS, non-Slack actors keep every right (as before). */
  private legacyOpen = false;
  private slackGroups: GroupMembership | null = null;

  constructor(private readonly contract: Pick<Contract, 'roles'>) {
    this.roles_ = contract.roles as RolesConfig;
  }

  get roles(): RolesConfig {
    return this.roles_;
  }

  /**
   * SLACK_MANAGERS (deprecated), read when Slack starts: used as `roles.manager.slack` when the
   * contract sets no role at all, and then, as before, it restricts Slack users only.
   */
  useLegacySlackManagers(ids: readonly string[], warn: (message: string) => void): void {
    const legacy = ids.filter(Boolean);
    if (!legacy.length) return;
    if (anyRoleConfigured(this.contract.roles as RolesConfig)) {
      warn('SLACK_MANAGERS is ignored: the contract configuration sets roles (roles.manager.slack/teams/console).');
      return;
    }
    warn(
      'SLACK_MANAGERS is deprecated: set roles.manager.slack (and roles.manager.teams / roles.manager.console) in the contract configuration. It still restricts Slack users only.',
    );
    this.roles_ = { manager: { slack: legacy } };
    this.legacyOpen = true;
  }

  /** Slack tells group membership (the platform registers it when it starts). */
  setSlackGroupMembership(check: GroupMembership): void {
    this.slackGroups = check;
  }

  async holds(role: Role, actor: Actor): Promise<boolean> {
    if (this.legacyOpen && actor.source !== 'slack') return true;
    const decision = decideRole(this.roles_, role, actor);
    switch (decision.kind) {
      case 'everyone':
      case 'listed':
        return true;
      case 'denied':
        return false;
      case 'groups':
        return this.slackGroups ? this.slackGroups(actor.id, decision.groups).catch(() => false) : false;
    }
  }

  /** The conversation's seam: every manager action needs the manager role. */
  readonly authorize = (_action: string, actor: Actor): Promise<boolean> => this.holds('manager', actor);
}
