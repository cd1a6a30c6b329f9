// Configuration and environment errors, translatable: each problem is a field path, a text
// key (locales/<lang>/config.json) and its parameters, rendered as one line that names
// the field and what to fix. Swedish unless SSBTEK_LANG says otherwise.
import type { z } from 'zod';
import { DEFAULT_LANG, langFromLocale, translator, type Lang, type Translator, type Vars } from '../i18n/index.js';

/** A text to show: a key under "config." and its parameters. */
export interface ConfigText {
  readonly key: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** One thing wrong, at a field path ("" for the whole file or environment). */
export interface ConfigProblem extends ConfigText {
  readonly path: string;
}

/**
 * The language configuration errors are written in, from a locale tag as SSBTEK_LANG
 * gives it ("en", "en-GB", "en_GB.UTF-8", "sv_SE"); Swedish when unset or unsupported.
 * The one parser for SSBTEK_LANG: the environment schema, the bot and the CLI use it.
 */
export function langFromEnv(value: string | undefined | null): Lang {
  return langFromLocale((value ?? '').trim().split(/[.@]/)[0], DEFAULT_LANG);
}

/** A configuration that cannot be used; the message names each field and what is wrong. */
export class ConfigError extends Error {
  /** What is wrong, translatable; empty for a legacy plain-text error. */
  readonly details: readonly ConfigProblem[];
  readonly headline: ConfigText | null;
  /** The language `message` and `problems` are written in. */
  readonly lang: Lang;
  /** One rendered line per problem ("path: what to fix"). */
  readonly problems: string[];

  /**
   * `new ConfigError(headline, problems, lang?)` with keys, or — for callers that have
   * their own text — `new ConfigError('plain message', ['plain line', …])`.
   */
  constructor(headline: ConfigText | string, problems: readonly ConfigProblem[] | string[] = [], lang: Lang = langFromEnv(process.env.SSBTEK_LANG)) {
    const structured = typeof headline !== 'string';
    const details = structured ? (problems as readonly ConfigProblem[]) : [];
    const message = structured ? renderConfigError(translator(lang), headline, details) : headline;
    super(message);
    this.name = 'ConfigError';
    this.lang = lang;
    this.headline = structured ? headline : null;
    this.details = details;
    this.problems = structured ? details.map((p) => problemLine(translator(lang), p)) : [...(problems as string[])];
  }

  /** The same error in another language (a plain-text error stays as it was). */
  render(lang: Lang): string {
    return this.headline ? renderConfigError(translator(lang), this.headline, this.details) : this.message;
  }

  /** One line per problem in `lang`. */
  lines(lang: Lang): string[] {
    return this.headline ? this.details.map((p) => problemLine(translator(lang), p)) : this.problems;
  }
}

function renderConfigError(tr: Translator, headline: ConfigText, problems: readonly ConfigProblem[]): string {
  const head = text(tr, headline);
  if (problems.length === 0) return head;
  return `${head}\n${problems.map((p) => `  - ${problemLine(tr, p)}`).join('\n')}`;
}

/** "incidentTargets.high.resolution.amount: får vara högst 250 arbetsdagar" */
export function problemLine(tr: Translator, p: ConfigProblem): string {
  const body = text(tr, p);
  return p.path ? `${p.path}: ${body}` : body;
}

function text(tr: Translator, t: ConfigText): string {
  const vars: Vars = {};
  const numbers = new Intl.NumberFormat(tr.lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 6 });
  for (const [name, value] of Object.entries(t.params ?? {})) vars[name] = typeof value === 'number' ? numbers.format(value) : value;
  // A unit parameter is named in the reader's language.
  if (typeof t.params?.unit === 'string' && tr.has(`config.unit.${t.params.unit}`)) vars.unit = tr.t(`config.unit.${t.params.unit}`);
  const key = `config.${t.key}`;
  return tr.has(key) ? tr.t(key, vars) : tr.t('config.zod.invalid', { detail: t.key });
}

const ISSUE_PREFIX = 'config.issue.';

/** Zod's issues as translatable problems: our own keys as they are, zod's codes mapped. */
export function problemsFromZod(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.message.startsWith(ISSUE_PREFIX)) {
      const params = issue.code === 'custom' ? (issue.params as ConfigText['params']) : undefined;
      return { path, key: issue.message.slice('config.'.length), params };
    }
    switch (issue.code) {
      case 'unrecognized_keys':
        return { path, key: 'zod.unknownKeys', params: { keys: issue.keys.map((k) => `"${k}"`).join(', ') } };
      case 'invalid_type':
        if (issue.input === undefined) return { path, key: 'zod.required' };
        if (issue.expected === 'number' && typeof issue.input === 'number') return { path, key: 'zod.type.finite' };
        return { path, key: `zod.type.${typeKey(issue.expected)}` };
      case 'too_big':
        if (issue.origin === 'array' || issue.origin === 'set') return { path, key: 'zod.maxItems', params: { max: Number(issue.maximum) } };
        if (issue.origin === 'string') return { path, key: 'zod.maxLength', params: { max: Number(issue.maximum) } };
        return { path, key: issue.inclusive === false ? 'zod.lessThan' : 'zod.max', params: { max: Number(issue.maximum) } };
      case 'too_small':
        if (issue.origin === 'array' || issue.origin === 'set') return { path, key: 'zod.minItems', params: { min: Number(issue.minimum) } };
        if (issue.origin === 'string') return { path, key: 'zod.minLength', params: { min: Number(issue.minimum) } };
        return { path, key: issue.inclusive === false ? 'zod.greaterThan' : 'zod.min', params: { min: Number(issue.minimum) } };
      case 'invalid_value':
        return { path, key: 'zod.oneOf', params: { values: issue.values.map((v) => JSON.stringify(v)).join(', ') } };
      default:
        return { path, key: 'zod.invalid', params: { detail: issue.message } };
    }
  });
}

function typeKey(expected: string): string {
  return ['number', 'int', 'string', 'boolean', 'array', 'object', 'tuple', 'record', 'null'].includes(expected) ? expected : 'other';
}
