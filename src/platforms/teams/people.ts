// Teams people: who a Teams actor is (their Entra object id, the id `roles.manager.teams`
// and the escalation contacts name; the role rule itself is services/roles.ts, the same for
// every surface), and the display names that mention entities need.
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
