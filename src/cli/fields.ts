// Validation of what people and machines type: options on the command line and fields
// of batch lines share these zod schemas. Every issue's message is a text key
// (locales/*/cli.json) and its params are the key's placeholders, so a message is
// translated only when it is shown, and names the option the way it was written
// ("--priority" on the command line, "priority" in a batch line).
import { z } from 'zod';
import { ORDER_TYPES, type Contract, type OrderType } from '../config/contract.js';
import type { CaseKind, CaseRef } from '../domain/deadlines.js';
import { parsePriority } from '../domain/priority-names.js';
import { parseLevel, type Level } from '../domain/priority.js';
import { isLang, type Lang } from '../i18n/index.js';
import type { Problem } from './context.js';
import { parseInstant, suggestOffset } from './instant.js';

const CASE_KINDS: readonly CaseKind[] = ['incident', 'problem', 'order'];

/** A required text field whose absence is reported with `missingKey`. */
function text(missingKey: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? missingKey : 'cli.error.notText') });
}

/** An optional text field; JSON null counts as absent. */
function optionalText() {
  return z.string({ error: () => 'cli.error.notText' }).nullish();
}

type Ctx = { addIssue(issue: { code: 'custom'; message: string; params?: Record<string, unknown>; path?: PropertyKey[] }): void };

function fail(ctx: Ctx, key: string, params: Record<string, unknown>, path?: PropertyKey[]): never {
  ctx.addIssue({ code: 'custom', message: key, params, ...(path ? { path } : {}) });
  return z.NEVER;
}

/** Påverkan or Tidpunkt: 1, 2, 3 or 4. */
export const level = () =>
  text('cli.error.level.missing').transform((s, ctx): Level => {
    const trimmed = s.trim();
    return parseLevel(trimmed) ?? fail(ctx, 'cli.error.level.invalid', { value: s });
  });

/** An ISO 8601 instant with an offset, as epoch ms; `zone` only shapes the hint. */
export const instant = (zone: string, missingKey = 'cli.error.instant.missing') =>
  text(missingKey).transform((s, ctx): number => {
    const parsed = parseInstant(s);
    if (parsed.ok) return parsed.ms;
    if (parsed.reason === 'noOffset') {
      return fail(ctx, 'cli.error.instant.noOffset', { value: s, example: suggestOffset(s, zone) ?? `${s.trim()}+01:00` });
    }
    return fail(ctx, 'cli.error.instant.invalid', { value: s });
  });

/** An agency id the contract knows. */
export const agency = (contract: Contract) => {
  const known = contract.agencies.map((a) => a.id);
  return z.string({ error: () => 'cli.error.notText' }).transform((s, ctx): string => {
    const id = s.trim().toLowerCase();
    return known.includes(id) ? id : fail(ctx, 'cli.error.org.unknown', { value: s, known: known.join(', ') });
  });
};

/** `--lang`: "sv" or "en", also as a locale tag ("en-GB"). */
export function parseLang(value: string): Lang | null {
  const base = value.trim().toLowerCase().split(/[-_]/)[0];
  return isLang(base) ? base : null;
}

export interface CaseInput {
  readonly ref: CaseRef;
  readonly opened: number;
  readonly org: string;
}

export const CASE_FIELDS = ['kind', 'priority', 'type', 'opened', 'org'] as const;

/**
 * A case whose deadlines are wanted: kind, priority (incidents and problems) or type
 * (orders), the instant it was opened and the agency (default `defaultOrg`).
 */
export function caseSchema(contract: Contract, defaultOrg: string = contract.defaultAgency) {
  return z
    .strictObject({
      kind: text('cli.error.kind.missing').transform((s, ctx): CaseKind => {
        const kind = s.trim().toLowerCase() as CaseKind;
        return CASE_KINDS.includes(kind) ? kind : fail(ctx, 'cli.error.kind.invalid', { value: s });
      }),
      priority: optionalText(),
      type: optionalText(),
      opened: instant(contract.timezone, 'cli.error.opened.missing'),
      org: agency(contract).nullish(),
    })
    .transform((v, ctx): CaseInput => {
      const org = v.org ?? defaultOrg;
      if (v.kind === 'order') {
        if (v.priority != null) return fail(ctx, 'cli.error.priority.notForOrders', { other: 'type' }, ['priority']);
        if (v.type == null) return fail(ctx, 'cli.error.type.missing', {}, ['type']);
        const type = v.type.trim().toLowerCase() as OrderType;
        if (!ORDER_TYPES.includes(type)) return fail(ctx, 'cli.error.type.invalid', { value: v.type }, ['type']);
        return { ref: { kind: 'order', type }, opened: v.opened, org };
      }
      if (v.type != null) return fail(ctx, 'cli.error.type.notForKind', { kind: v.kind, other: 'priority' }, ['type']);
      if (v.priority == null) return fail(ctx, 'cli.error.priority.missing', {}, ['priority']);
      const priority = parsePriority(v.priority);
      if (!priority) return fail(ctx, 'cli.error.priority.invalid', { value: v.priority }, ['priority']);
      return { ref: { kind: v.kind, priority }, opened: v.opened, org };
    });
}

/** How a field is named in messages: `--priority` on the command line, `"priority"` in JSON. */
export type FieldNamer = (field: string) => string;
export const optionName: FieldNamer = (field) => `--${field}`;
export const jsonFieldName: FieldNamer = (field) => `"${field}"`;

/** zod's issues as problems to show: the message is the key, params its placeholders. */
export function problemsOf(error: z.ZodError, name: FieldNamer, knownFields: readonly string[] = []): Problem[] {
  return error.issues.map((issue): Problem => {
    const field = issue.path.length ? String(issue.path[0]) : '';
    if (issue.code === 'unrecognized_keys') {
      return { key: 'cli.error.unknownField', vars: { option: issue.keys.map(name).join(', '), known: knownFields.map(name).join(', ') } };
    }
    const params: Record<string, string | number> = {};
    if (issue.code === 'custom' && issue.params) {
      for (const [k, v] of Object.entries(issue.params)) params[k] = k === 'other' ? name(String(v)) : String(v);
    }
    return { key: issue.message, vars: { option: name(field), ...params } };
  });
}
