// Every language says everything Swedish says, with the same {placeholders}.
//
// Generic on purpose: it reads every locales/<lang>/<area>.json that exists, so a file
// added later (bot.json, reports.json, …) is checked without touching this test.
// Swedish is the reference; each other language directory is compared with it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LANG, LANGUAGES } from '../../src/i18n/index.js';

const ROOT = fileURLToPath(new URL('../../locales/', import.meta.url));
const REFERENCE = DEFAULT_LANG;

/** The same placeholder syntax as the translator (src/i18n/index.ts): {name}. */
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

const languages = readdirSync(ROOT)
  .filter((name) => statSync(join(ROOT, name)).isDirectory())
  .sort();
const filesOf = (lang: string) =>
  readdirSync(join(ROOT, lang))
    .filter((f) => f.endsWith('.json'))
    .sort();

/** "area.key.sub" → text, for one file; anything but text or nested objects is reported. */
function flatten(lang: string, file: string): { texts: Map<string, string>; problems: string[] } {
  const texts = new Map<string, string>();
  const problems: string[] = [];
  const walk = (prefix: string, node: unknown) => {
    if (typeof node === 'string') {
      if (node.trim() === '') problems.push(`${prefix} is empty`);
      texts.set(prefix, node);
    } else if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      for (const [key, value] of Object.entries(node)) walk(`${prefix}.${key}`, value);
    } else {
      problems.push(`${prefix} must be text or an object, not ${JSON.stringify(node)}`);
    }
  };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(ROOT, lang, file), 'utf8'));
  } catch (err) {
    problems.push(`${lang}/${file} is not valid JSON: ${(err as Error).message}`);
    return { texts, problems };
  }
  walk(file.slice(0, -'.json'.length), data);
  return { texts, problems };
}

describe('locale files', () => {
  it('there is a directory for every supported language, and nothing else', () => {
    expect(languages).toEqual([...LANGUAGES].sort());
  });

  it.each(languages)('%s: every file is valid JSON of nested texts, none empty', (lang) => {
    expect(filesOf(lang).length).toBeGreaterThan(0);
    expect(filesOf(lang).flatMap((file) => flatten(lang, file).problems)).toEqual([]);
  });

  const others = languages.filter((l) => l !== REFERENCE);

  it.each(others)(`%s has the same files as ${REFERENCE}`, (lang) => {
    expect(filesOf(lang)).toEqual(filesOf(REFERENCE));
  });

  it.each(others)(`%s has exactly the keys of ${REFERENCE}, file by file`, (lang) => {
    const differences: string[] = [];
    for (const file of filesOf(REFERENCE)) {
      const reference = flatten(REFERENCE, file).texts;
      const other = flatten(lang, file).texts;
      for (const key of reference.keys()) if (!other.has(key)) differences.push(`${lang} lacks ${key}`);
      for (const key of other.keys()) if (!reference.has(key)) differences.push(`${lang} has ${key}, which ${REFERENCE} lacks`);
    }
    expect(differences).toEqual([]);
  });

  it.each(others)(`%s uses the same {placeholders} as ${REFERENCE} in every text`, (lang) => {
    const differences: string[] = [];
    for (const file of filesOf(REFERENCE)) {
      const reference = flatten(REFERENCE, file).texts;
      const other = flatten(lang, file).texts;
      for (const [key, text] of reference) {
        const translated = other.get(key);
        if (translated === undefined) continue; // reported by the key test
        const [want, got] = [placeholders(text), placeholders(translated)];
        if (want.join() !== got.join()) differences.push(`${key}: ${REFERENCE} {${want.join('}, {')}} but ${lang} {${got.join('}, {')}}`);
      }
    }
    expect(differences).toEqual([]);
  });
});
