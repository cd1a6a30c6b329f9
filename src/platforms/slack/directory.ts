// Who a Slack user is, as far as the bot cares: their language (Slack locale through
// users.info include_locale) and which user groups they are in (usergroups.users.list),
// for the role check every surface shares (services/roles.ts). Both are cached briefly
// so a busy channel costs few API calls.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../app.js';
import { langFromLocale, type Lang } from '../../i18n/index.js';

export interface DirectoryOptions {
  client: webApi.WebClient;
  /** Language when Slack does not tell (SSBTEK_LANG). */
  fallbackLang: Lang;
  log: Logger;
  localeTtlMs?: number;
  groupTtlMs?: number;
  /** Monotonic clock for the caches (not the contract clock). */
  clock?: () => number;
}

interface Cached<T> {
  value: Promise<T>;
  until: number;
}

export class SlackDirectory {
  private readonly locales = new Map<string, Cached<Lang>>();
  private readonly groups = new Map<string, Cached<ReadonlySet<string>>>();
  private readonly localeTtlMs: number;
  private readonly groupTtlMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: DirectoryOptions) {
    this.localeTtlMs = options.localeTtlMs ?? 15 * 60_000;
    this.groupTtlMs = options.groupTtlMs ?? 60_000;
    this.clock = options.clock ?? (() => performance.now());
  }

  /** The user's language from their Slack locale ("en-US" → en), else the fallback. */
  langOf(userId: string): Promise<Lang> {
    return this.cached(this.locales, userId, this.localeTtlMs, async () => {
      try {
        const res = await this.options.client.users.info({ user: userId, include_locale: true });
        return langFromLocale(res.user?.locale, this.options.fallbackLang);
      } catch (err) {
        this.options.log.warn(`Slack: users.info for ${userId} failed (${describe(err)}); using ${this.options.fallbackLang}`);
        throw err;
      }
    }).catch(() => this.options.fallbackLang);
  }

  /** Whether the user is in any of these user groups (for the role check in services/roles.ts). */
  async memberOfAny(userId: string, groups: string[]): Promise<boolean> {
    for (const group of groups) {
      try {
        if ((await this.membersOf(group)).has(userId)) return true;
      } catch (err) {
        // Fail closed: a member of another listed group may still pass.
        this.options.log.error(`Slack: could not read the members of user group ${group}`, err);
      }
    }
    return false;
  }

  private membersOf(group: string): Promise<ReadonlySet<string>> {
    return this.cached(this.groups, group, this.groupTtlMs, async () => {
      const res = await this.options.client.usergroups.users.list({ usergroup: group });
      return new Set(res.users ?? []);
    });
  }

  /** One request per key per TTL, shared by concurrent callers; failures are not cached. */
  private cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const now = this.clock();
    const hit = map.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = load();
    const entry = { value, until: now + ttl };
    map.set(key, entry);
    value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    if (map.size > 10_000) map.delete(map.keys().next().value as string);
    return value;
  }
}

/** "U1, S2 ,U3" → ["U1", "S2", "U3"]. */
export function parseManagers(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'data' in err && (err as { data?: { error?: string } }).data?.error)
    return String((err as { data: { error: string } }).data.error);
  return err instanceof Error ? err.message : String(err);
}
