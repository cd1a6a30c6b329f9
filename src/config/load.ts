// Loading the contract: the seed's values, deep-merged with an optional override file
// (JSON or YAML, named by SSBTEK_CONFIG), validated, versioned and frozen.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Lang } from '../i18n/index.js';
import { contractSchema, type Contract, type ContractInput } from './contract.js';
import { ConfigError, langFromEnv, problemsFromZod } from './errors.js';
import { SEED_CONTRACT } from './seed.js';

export { ConfigError, langFromEnv, type ConfigProblem, type ConfigText } from './errors.js';

/** Options for loading: the language of any error (default: SSBTEK_LANG, else Swedish). */
export interface LoadOptions {
  lang?: Lang;
}

const errorLang = (options: LoadOptions) => options.lang ?? langFromEnv(process.env.SSBTEK_LANG);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; arrays, scalars and null replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlain(base) || !isPlain(override)) return override === undefined ? base : override;
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = deepMerge(base[key], value);
  return out;
}

/** Any part of the contract, as an override file gives it (arrays replace, objects merge). */
export type ContractOverrides = DeepPartial<ContractInput>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;

/** Builds the contract from the seed and any overrides. Throws ConfigError. */
export function buildContract(overrides: ContractOverrides | unknown = {}, source?: string, options: LoadOptions = {}): Contract {
  const lang = errorLang(options);
  const headline = source ? { key: 'file.invalid', params: { file: source } } : { key: 'file.invalidBuilt' };
  if (!isPlain(overrides)) throw new ConfigError(headline, [{ path: '', key: 'file.notObject' }], lang);
  const result = contractSchema.safeParse(deepMerge(SEED_CONTRACT, overrides), { reportInput: true });
  if (!result.success) throw new ConfigError(headline, problemsFromZod(result.error), lang);
  const version = contractVersion(result.data);
  return deepFreeze({ ...result.data, version });
}

/**
 * Rebuilds a contract kept in config_snapshots under the version it was stored with, so an
 * incident is judged by the configuration its deadlines came from. Throws when the stored
 * content no longer fits the schema.
 */
export function contractFromSnapshot(content: unknown, version: string): Contract {
  if (!isPlain(content)) throw new Error(`snapshot ${version} is not an object`);
  const { version: _stored, ...rest } = content;
  const result = contractSchema.safeParse(rest);
  if (!result.success) throw new Error(`snapshot ${version} no longer fits the schema: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return deepFreeze({ ...result.data, version });
}

/** Reads the override file (JSON or YAML) if one is named, else the seed alone. */
export function loadContract(file: string | undefined, options: LoadOptions = {}): Contract {
  if (!file) return buildContract({}, undefined, options);
  const lang = errorLang(options);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    const reason = ['ENOENT', 'EACCES', 'EISDIR'].includes(code) ? code : 'other';
    throw new ConfigError({ key: `file.unreadable.${reason}`, params: { file, code } }, [], lang);
  }
  const json = extname(file).toLowerCase() === '.json';
  let data: unknown;
  try {
    // Duplicate keys in YAML are refused by the parser (uniqueKeys is on by default).
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const detail = firstLine((err as Error).message);
    throw new ConfigError({ key: json ? 'file.badJson' : 'file.badYaml', params: { file, detail } }, [], lang);
  }
  return buildContract(data ?? {}, file, options);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A short, stable hash of the effective contract: stored beside every deadline. */
export function contractVersion(contract: unknown): string {
  return createHash('sha256').update(canonicalJson(contract)).digest('hex').slice(0, 12);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlain(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
