// Loading the contract: the seed's values, deep-merged with an optional override file
// (JSON or YAML, named by SSBTEK_CONFIG), validated, versioned and frozen.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { contractSchema, type Contract, type ContractInput } from './contract.js';
import { SEED_CONTRACT } from './seed.js';

/** A configuration that cannot be used; the message names each field and what is wrong. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

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
export function buildContract(overrides: ContractOverrides | unknown = {}, source = 'configuration'): Contract {
  if (!isPlain(overrides)) throw new ConfigError(`${source}: must be an object at the top level`);
  const result = contractSchema.safeParse(deepMerge(SEED_CONTRACT, overrides));
  if (!result.success) {
    const problems = describeIssues(result.error);
    throw new ConfigError(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, problems);
  }
  const version = contractVersion(result.data);
  return deepFreeze({ ...result.data, version });
}

/** Reads the override file (JSON or YAML) if one is named, else the seed alone. */
export function loadContract(file: string | undefined): Contract {
  if (!file) return buildContract();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`SSBTEK_CONFIG=${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return buildContract(data ?? {}, file);
}

/** A short, stable hash of the effective contract: stored beside every deadline. */
export function contractVersion(contract: unknown): string {
  return createHash('sha256').update(canonicalJson(contract)).digest('hex').slice(0, 12);
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    if (issue.code === 'unrecognized_keys') return `${path}: unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    return `${path}: ${issue.message}`;
  });
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
