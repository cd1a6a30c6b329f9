// Who holds a role (4.3: who may resolve, reprioritise, reopen and close), decided the same
// way for every surface. Pure: the lists come from the contract's `roles`, the actor from
// the platform; a Slack user-group check is left to the caller (it needs the Slack API).
//
// - No list configured anywhere: everyone holds every role (the two-command start).
// - Any list configured: deny by default. An actor of a platform without a list holds no
//   role; with a list, the actor must be named in it (or, on Slack, be in a named group).

export const ROLES = ['manager'] as const;
export type Role = (typeof ROLES)[number];

/** Platforms whose actors can be named in a role list. */
export const ROLE_PLATFORMS = ['slack', 'teams', 'console'] as const;
export type RolePlatform = (typeof ROLE_PLATFORMS)[number];

export type RoleLists = Partial<Record<RolePlatform, readonly string[]>>;
export type RolesConfig = Readonly<Record<Role, RoleLists>>;

export type RoleDecision =
  /** No role list anywhere: everyone may. */
  | { kind: 'everyone' }
  /** The actor is named. */
  | { kind: 'listed' }
  /** Not named, but in one of these Slack user groups would do. */
  | { kind: 'groups'; platform: 'slack'; groups: string[] }
  | { kind: 'denied'; reason: 'noListForPlatform' | 'notListed' };

/** The platform an actor's id belongs to, for role lists (the one-shot CLI counts as the console). */
export function rolePlatformOf(source: string): RolePlatform | null {
  if (source === 'slack' || source === 'teams' || source === 'console') return source;
  if (source === 'cli') return 'console';
  return null;
}

export function anyRoleConfigured(roles: RolesConfig): boolean {
  return ROLES.some((role) => ROLE_PLATFORMS.some((p) => roles[role][p] !== undefined));
}

export function decideRole(roles: RolesConfig, role: Role, actor: { id: string; source: string }): RoleDecision {
  if (!anyRoleConfigured(roles)) return { kind: 'everyone' };
  const platform = rolePlatformOf(actor.source);
  const list = platform ? roles[role][platform] : undefined;
  if (!list) return { kind: 'denied', reason: 'noListForPlatform' };
  // Entra object ids are GUIDs: compared without regard to case (Teams sends them lower-case).
  const named = platform === 'teams' ? list.some((id) => id.toLowerCase() === actor.id.toLowerCase()) : list.includes(actor.id);
  if (named) return { kind: 'listed' };
  const groups = platform === 'slack' ? list.filter((id) => id.startsWith('S')) : [];
  return groups.length ? { kind: 'groups', platform: 'slack', groups } : { kind: 'denied', reason: 'notListed' };
}
