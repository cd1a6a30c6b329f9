// Teams people: who a Teams actor is (their Entra object id), whether they hold the
// manager role (`roles.manager.teams` in the configuration), and the display names that
// mention entities need. Which actions need the manager role is the lifecycle table's
// business (the conversation asks `authorize` only for those).
import type { Contract } from '../../config/contract.js';
import type { Authorize } from '../../conversation/engine.js';
import type { Actor } from '../../services/incidents.js';
import { mentionName, type MentionEntity } from './cards.js';

export interface TeamsFrom {
  id?: string;
  name?: string;
  aadObjectId?: string;
}

/** The actor of an activity: the Entra object id when Teams sends one (always in a tenant), else the channel account id. */
export function teamsActor(from: TeamsFrom | undefined): Actor {
  const id = (from?.aadObjectId ?? from?.id ?? 'unknown').toLowerCase();
  return { id, source: 'teams', ...(from?.name ? { name: from.name } : {}) };
}

type RoleLists = Record<string, readonly string[] | undefined>;

/**
 * The manager check for Teams actors (deny by default): with no role list configured
 * anywhere everyone may do everything, as in Slack; once any list is configured, a Teams
 * actor holds the role only when `roles.manager.teams` names their Entra object id.
 */
export function teamsAuthorize(contract: Contract, fallback?: Authorize): Authorize {
  const manager = ((contract as { roles?: { manager?: RoleLists } }).roles?.manager ?? {}) as RoleLists;
  const anyList = Object.values(manager).some((list) => Array.isArray(list));
  const teams = new Set((manager.teams ?? []).map((id) => id.toLowerCase()));
  return (action, actor) => {
    if (actor.source !== 'teams') return fallback ? fallback(action, actor) : true;
    if (!anyList) return true;
    return teams.has(actor.id.toLowerCase());
  };
}

/**
 * Display names by Entra object id, learned from the activities the bot hears and from
 * the connector's member lookup; used for the `<at>name</at>` text of mentions and for
 * names on the card. A name is never needed for correctness: the entity's id is.
 */
export class TeamsNames {
  private readonly names = new Map<string, string>();
  private static readonly MAX = 10_000;

  learn(id: string | undefined, name: string | undefined): void {
    if (!id || !name) return;
    const key = id.toLowerCase();
    if (this.names.get(key) === name) return;
    if (this.names.size >= TeamsNames.MAX) this.names.delete(this.names.keys().next().value as string);
    this.names.set(key, name);
  }

  get(id: string): string | null {
    return this.names.get(id.toLowerCase()) ?? null;
  }

  /**
   * Mentions of `ids`: `<at>name</at>` texts and their entities. Unknown names are asked of
   * `lookup` (the conversation's member list); a person it cannot find is mentioned by id.
   */
  async mentions(ids: readonly string[], lookup?: (id: string) => Promise<string | null>): Promise<MentionEntity[]> {
    const out: MentionEntity[] = [];
    for (const id of ids) {
      let name = this.get(id);
      if (!name && lookup) {
        name = await lookup(id).catch(() => null);
        if (name) this.learn(id, name);
      }
      const shown = mentionName(name ?? id);
      out.push({ type: 'mention', text: `<at>${shown}</at>`, mentioned: { id, name: shown } });
    }
    return out;
  }
}
