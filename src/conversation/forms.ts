// The forms: the incident form, the report-back (resolve) form and the priority form.
// Each is one platform-neutral description that the terminal asks field by field and
// Slack shows as a modal, and one zod validation that turns submitted text into a
// `Command` or into messages per field, so every platform shows the same message next
// to the same field.
import { z } from 'zod';
import type { Contract } from '../config/contract.js';
import { parseLevel, type Level, type TimingSuggestion } from '../domain/priority.js';
import { formatInstant, priorityName } from '../i18n/format.js';
import type { Translator } from '../i18n/index.js';
import { capEcho, sanitizeInput, textLength } from '../domain/text.js';
import { incidentRef, TEXT_MAX, TITLE_MAX, type IncidentView } from '../services/incidents.js';
import { INCIDENT_FIELDS, parseIncidentId, type Command, type FormId, type FormValues, type IncidentFieldId } from './commands.js';
import { timingReasonText } from './render.js';
import { checkWindowField, windowFormCommand } from './routine.js';

export type { FormId, FormValues, IncidentFieldId } from './commands.js';

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  /** The field's id: also the block id in Slack and the key in submitted values. */
  id: string;
  label: string;
  kind: 'choice' | 'text' | 'multiline' | 'boolean';
  required: boolean;
  options?: FormOption[];
  initial?: string;
  hint?: string;
  placeholder?: string;
  maxLength?: number;
}

export interface FormSpec {
  id: FormId;
  title: string;
  submit: string;
  cancel: string;
  /** What the form is about: the incident, for the resolve and priority forms. */
  subject?: { ref: string; title: string };
  /** A sentence to show above the fields. */
  intro?: string;
  fields: FormField[];
  /** Values the platform keeps and hands back on submission (incident id, current levels). */
  hidden: Record<string, string | number>;
}

/** Submitted values as text, by field id. */
export type SubmittedValues = Record<string, string | undefined>;
export type FieldErrors = Record<string, string>;
export type FormCheck = { ok: true; command: Command } | { ok: false; errors: FieldErrors };

const LEVELS = ['1', '2', '3', '4'] as const;

// ----------------------------------------------------------------------------------- the forms

/** The incident form, with Tidpunkt pre-selected from the suggestion and its reason. */
export function incidentForm(tr: Translator, contract: Contract, suggestion: TimingSuggestion): FormSpec {
  return {
    id: 'incident',
    title: tr.t('bot.form.title'),
    submit: tr.t('bot.form.submit'),
    cancel: tr.t('bot.form.cancel'),
    fields: [
      { id: 'impact', label: tr.t('common.impact.label'), kind: 'choice', required: true, options: levelOptions(tr, 'impact') },
      {
        id: 'timing',
        label: tr.t('common.timing.label'),
        kind: 'choice',
        required: true,
        options: levelOptions(tr, 'timing'),
        initial: String(suggestion.timing),
        hint: tr.t('bot.form.timingHint', { timing: suggestion.timing, reason: timingReasonText(tr, contract, suggestion) }),
      },
      { id: 'title', label: tr.t('bot.form.titleLabel'), kind: 'text', required: true, maxLength: TITLE_MAX, hint: tr.t('bot.form.piiHint') },
      {
        id: 'org',
        label: tr.t('bot.form.orgLabel'),
        kind: 'choice',
        required: true,
        options: contract.agencies.map((a) => ({ value: a.id, label: a.name })),
        initial: contract.defaultAgency,
      },
      { id: 'services', label: tr.t('bot.form.servicesLabel'), kind: 'text', required: false, maxLength: 500, hint: tr.t('bot.form.servicesHint') },
      { id: 'description', label: tr.t('bot.form.descriptionLabel'), kind: 'multiline', required: false, maxLength: TEXT_MAX },
      { id: 'security', label: tr.t('bot.form.securityLabel'), kind: 'boolean', required: false, hint: tr.t('bot.form.securityHint') },
    ],
    hidden: {},
  };
}

/** Åtgärdad: how the fix was reported back (the resolution note). */
export function resolveForm(tr: Translator, v: IncidentView): FormSpec {
  return {
    id: 'resolve',
    title: tr.t('bot.form.resolveTitle'),
    submit: tr.t('bot.form.resolveSubmit'),
    cancel: tr.t('bot.form.cancel'),
    subject: { ref: v.ref, title: v.title },
    intro: tr.t('bot.form.resolveIntro'),
    fields: [
      { id: 'note', label: tr.t('bot.form.noteLabel'), kind: 'multiline', required: true, maxLength: TEXT_MAX, placeholder: tr.t('bot.form.notePlaceholder') },
    ],
    hidden: { i: v.id },
  };
}

/** Ändra prioritet: Påverkan, Tidpunkt (with the calendar's suggestion as hint) and a reason. */
export function priorityForm(tr: Translator, contract: Contract, v: IncidentView, suggestion: TimingSuggestion): FormSpec {
  return {
    id: 'priority',
    title: tr.t('bot.form.priorityTitle'),
    submit: tr.t('bot.form.prioritySubmit'),
    cancel: tr.t('bot.form.cancel'),
    subject: { ref: v.ref, title: v.title },
    intro: tr.t('bot.form.priorityIntro', {
      priority: priorityName(tr, v.priority),
      impact: v.impact,
      timing: v.timing,
      received: formatInstant(tr, v.receivedAt, contract.timezone),
    }),
    fields: [
      { id: 'impact', label: tr.t('common.impact.label'), kind: 'choice', required: true, options: levelOptions(tr, 'impact'), initial: String(v.impact) },
      {
        id: 'timing',
        label: tr.t('common.timing.label'),
        kind: 'choice',
        required: true,
        options: levelOptions(tr, 'timing'),
        initial: String(v.timing),
        hint: tr.t('bot.form.timingHint', { timing: suggestion.timing, reason: timingReasonText(tr, contract, suggestion) }),
      },
      {
        id: 'reason',
        label: tr.t('bot.form.reasonLabel'),
        kind: 'multiline',
        required: true,
        maxLength: TEXT_MAX,
        placeholder: tr.t('bot.form.reasonPlaceholder'),
      },
    ],
    hidden: { i: v.id, im: v.impact, tm: v.timing },
  };
}

function levelOptions(tr: Translator, field: 'impact' | 'timing'): FormOption[] {
  return LEVELS.map((v) => ({ value: v, label: `${v} – ${tr.t(`common.${field}.${v}`)}` }));
}

// ------------------------------------------------------------------------------- validation

/**
 * Validates a whole submitted form: the command it asks for, or a message per field.
 * `hidden` is what the form spec carried (incident id, current levels).
 */
export function checkForm(tr: Translator, contract: Contract, form: FormId, submitted: SubmittedValues, hidden: Record<string, unknown> = {}): FormCheck {
  // Control characters, escape sequences and bidi overrides never get past a form.
  const values = Object.fromEntries(Object.entries(submitted).map(([k, v]) => [k, v === undefined ? v : sanitizeInput(v)]));
  if (form === 'window') return windowFormCommand(tr, values);
  if (form === 'incident') {
    // The values stay text in the command; execute checks them again against the contract.
    const incident = pickIncidentValues(values);
    const checked = validateIncidentForm(tr, contract, incident);
    return checked.ok ? { ok: true, command: { name: 'incident', values: incident } } : checked;
  }
  const schema = formSchema(tr, contract, form, hidden);
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, command: result.data };
  return { ok: false, errors: fieldErrors(result.error.issues) };
}

/** Validates one field alone (the terminal asks one at a time); null when it is fine. */
export function checkField(tr: Translator, contract: Contract, form: FormId, id: string, value: string): string | null {
  if (form === 'window') return checkWindowField(tr, id, sanitizeInput(value));
  const schema = fieldSchemas(tr, contract, form)[id];
  if (!schema) return null;
  const result = schema.safeParse(sanitizeInput(value));
  return result.success ? null : (result.error.issues[0]?.message ?? null);
}

/** Validates the incident form's values (from the form or from `incident key=value …`). */
export function validateIncidentForm(
  tr: Translator,
  contract: Contract,
  values: FormValues,
): { ok: true; values: ValidIncident } | { ok: false; errors: FieldErrors } {
  const result = incidentSchema(tr, contract).safeParse(values);
  return result.success ? { ok: true, values: result.data } : { ok: false, errors: fieldErrors(result.error.issues) };
}

export interface ValidIncident {
  impact: Level;
  timing?: Level;
  title: string;
  org: string;
  services: string[];
  description: string;
  security: boolean;
}

function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const id = String(issue.path[0] ?? 'form');
    errors[id] ??= issue.message;
  }
  return errors;
}

/** The incident form's fields out of submitted values (anything else is dropped). */
export function pickIncidentValues(values: SubmittedValues): FormValues {
  const out: FormValues = {};
  for (const id of INCIDENT_FIELDS) {
    const value = values[id];
    if (value !== undefined) out[id] = value;
  }
  return out;
}

function formSchema(tr: Translator, contract: Contract, form: 'resolve' | 'priority', hidden: Record<string, unknown>): z.ZodType<Command, SubmittedValues> {
  const fields = fieldSchemas(tr, contract, form);
  switch (form) {
    case 'resolve': {
      const id = hiddenId(hidden);
      return z.object({ note: fields.note! }).transform((v, ctx) => {
        if (id === null) return failOn(ctx, 'note', tr.t('errors.incident.badId', { given: '' }));
        return { name: 'resolve' as const, id, note: v.note as string };
      });
    }
    case 'priority': {
      const id = hiddenId(hidden);
      return z.object({ impact: fields.impact!, timing: fields.timing!, reason: fields.reason! }).transform((v, ctx) => {
        if (id === null) return failOn(ctx, 'impact', tr.t('errors.incident.badId', { given: '' }));
        if (v.impact === hidden.im && v.timing === hidden.tm) return failOn(ctx, 'impact', tr.t('errors.incident.samePriority', { ref: incidentRef(id) }));
        return { name: 'priority' as const, id, impact: v.impact as Level, timing: v.timing as Level, reason: v.reason as string };
      });
    }
  }
}

function hiddenId(hidden: Record<string, unknown>): number | null {
  return parseIncidentId(String(hidden.i ?? ''));
}

function failOn(ctx: z.RefinementCtx, field: string, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, path: [field] });
  return z.NEVER;
}

function fail(ctx: z.RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** Each field's own schema, text in; cross-field rules are in formSchema. */
function fieldSchemas(tr: Translator, contract: Contract, form: FormId): Record<string, z.ZodType<unknown, string | undefined>> {
  switch (form) {
    case 'incident':
      return incidentFields(tr, contract);
    case 'resolve':
      return { note: requiredText(tr, 'errors.form.noteRequired') };
    case 'priority':
      return { impact: level(tr, 'impact'), timing: level(tr, 'timing'), reason: requiredText(tr, 'errors.form.reasonRequired') };
    case 'window':
      return {}; // checked by conversation/routine.ts (checkWindowField)
  }
}

const level = (tr: Translator, field: 'impact' | 'timing') =>
  z
    .string()
    .optional()
    .transform(
      (text, ctx) => parseLevel(text) ?? fail(ctx, tr.t('errors.level.invalid', { field: tr.t(`common.${field}.label`), given: capEcho(text ?? '') })),
    );

const requiredText = (tr: Translator, missing: string) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      const value = (text ?? '').trim();
      if (!value) return fail(ctx, tr.t(missing));
      const length = graphemeLength(value);
      if (length > TEXT_MAX) return fail(ctx, tr.t('errors.incident.textTooLong', { max: TEXT_MAX, length }));
      return value;
    });

const YES = new Set(['ja', 'j', 'yes', 'y', 'true', '1', 'on']);
const NO = new Set(['nej', 'n', 'no', 'false', '0', 'off', '']);

function incidentFields(tr: Translator, contract: Contract): Record<IncidentFieldId, z.ZodType<unknown, string | undefined>> {
  return {
    impact: level(tr, 'impact'),
    timing: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if ((text ?? '').trim() === '') return undefined;
        return parseLevel(text) ?? fail(ctx, tr.t('errors.level.invalid', { field: tr.t('common.timing.label'), given: capEcho(text ?? '') }));
      }),
    title: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const title = (text ?? '').replace(/\s+/g, ' ').trim();
        if (!title) return fail(ctx, tr.t('errors.incident.titleRequired'));
        const length = graphemeLength(title);
        if (length > TITLE_MAX) return fail(ctx, tr.t('errors.incident.titleTooLong', { max: TITLE_MAX, length }));
        return title;
      }),
    org: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const org = (text ?? '').trim().toLowerCase() || contract.defaultAgency;
        if (!contract.agencies.some((a) => a.id === org))
          return fail(ctx, tr.t('errors.agency.unknown', { org: capEcho(org), known: contract.agencies.map((a) => a.id).join(', ') }));
        return org;
      }),
    services: z
      .string()
      .optional()
      .transform((text) =>
        (text ?? '')
          .split(/[,;\n]/)
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    description: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const description = (text ?? '').trim();
        const length = graphemeLength(description);
        if (length > TEXT_MAX) return fail(ctx, tr.t('errors.incident.textTooLong', { max: TEXT_MAX, length }));
        return description;
      }),
    security: z
      .string()
      .optional()
      .transform((text, ctx) => {
        const answer = (text ?? '').trim().toLowerCase();
        if (YES.has(answer)) return true;
        if (NO.has(answer)) return false;
        return fail(ctx, tr.t('errors.form.yesNo', { given: capEcho(text ?? '') }));
      }),
  };
}

function incidentSchema(tr: Translator, contract: Contract) {
  return z.object(incidentFields(tr, contract)) as unknown as z.ZodType<ValidIncident, FormValues>;
}

/** Characters as a person counts them: an emoji or a letter with its accent is one. */
const graphemeLength = textLength;
