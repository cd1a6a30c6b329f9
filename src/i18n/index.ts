// User-facing text. Every string a person reads comes from locales/<lang>/*.json
// (one file per area, its name the key prefix: common.json → "common.…").
// Swedish is the first language; English must be complete (a test compares them).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LANGUAGES = ['sv', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'sv';

export type Vars = Record<string, string | number>;

export interface Translator {
  readonly lang: Lang;
  /** The text for `key` with {placeholders} filled in; a missing key throws. */
  t(key: string, vars?: Vars): string;
  has(key: string): boolean;
}

const LOCALES_DIR = fileURLToPath(new URL('../../locales/', import.meta.url));
const catalogs = new Map<Lang, Map<string, string>>();

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Picks a supported language from a locale tag such as "en-GB" or "sv_SE". */
export function langFromLocale(locale: string | undefined | null, fallback: Lang = DEFAULT_LANG): Lang {
  const base = (locale ?? '').toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : fallback;
}

export function translator(lang: Lang = DEFAULT_LANG): Translator {
  const catalog = catalogFor(lang);
  return {
    lang,
    has: (key) => catalog.has(key),
    t(key, vars) {
      const text = catalog.get(key);
      if (text === undefined) throw new Error(`missing text "${key}" for language ${lang}`);
      return vars ? interpolate(text, vars) : text;
    },
  };
}

/** Every key of a language, for completeness tests. */
export function catalogFor(lang: Lang): ReadonlyMap<string, string> & Map<string, string> {
  let catalog = catalogs.get(lang);
  if (!catalog) {
    catalog = new Map();
    const dir = `${LOCALES_DIR}${lang}/`;
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      flatten(file.slice(0, -'.json'.length), JSON.parse(readFileSync(dir + file, 'utf8')), catalog);
    }
    catalogs.set(lang, catalog);
  }
  return catalog;
}

function flatten(prefix: string, node: unknown, into: Map<string, string>): void {
  if (typeof node === 'string') {
    into.set(prefix, node);
    return;
  }
  if (typeof node !== 'object' || node === null) throw new Error(`locale entry ${prefix} must be text or an object`);
  for (const [key, value] of Object.entries(node)) flatten(`${prefix}.${key}`, value, into);
}

function interpolate(text: string, vars: Vars): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
