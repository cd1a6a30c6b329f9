// The incident form: one platform-neutral description that the terminal asks field by
// field and Slack shows as a modal. Validation lives here too, so both give the same
// messages for the same mistakes.
import type { Contract } from '../config/contract.js';
import type { Translator } from '../i18n/index.js';
import { parseLevel, type TimingSuggestion } from '../domain/priority.js';
import { TEXT_MAX, TITLE_MAX, type OpenIncidentInput } from '../services/incidents.js';
import { timingReasonText } from './render.js';

export type IncidentFieldId = 'impact' | 'timing' | 'title' | 'org' | 'services' | 'description' | 'security';

export interface FormOption {
  value: string;
  label: string;
}

export interface FormField {
  id: IncidentFieldId;
  label: string;
  kind: 'choice' | 'text' | 'multiline' | 'boolean';
  required: boolean;
  options?: FormOption[];
  initial?: string;
  hint?: string;
  maxLength?: number;
}

export interface FormSpec {
  id: 'incident';
  title: string;
  submit: string;
  cancel: string;
  fields: FormField[];
}

export type FormValues = Partial<Record<IncidentFieldId, string>>;
export type FieldErrors = Partial<Record<IncidentFieldId, string>>;

/** The incident form, with Tidpunkt pre-selected from the suggestion and its reason. */
export function incidentForm(tr: Translator, contract: Contract, suggestion: TimingSuggestion): FormSpec {
  const levels = [1, 2, 3, 4].map(String);
  return {
    id: 'incident',
    title: tr.t('bot.form.title'),
    submit: tr.t('bot.form.submit'),
    cancel: tr.t('bot.form.cancel'),
    fields: [
      { id: 'impact', label: tr.t('common.impact.label'), kind: 'choice', required: true, options: levels.map((v) => ({ value: v, label: `${v} – ${tr.t(`common.impact.${v}`)}` })) },
      {
        id: 'timing',
        label: tr.t('common.timing.label'),
        kind: 'choice',
        required: true,
        options: levels.map((v) => ({ value: v, label: `${v} – ${tr.t(`common.timing.${v}`)}` })),
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
  };
}

const YES = new Set(['ja', 'j', 'yes', 'y', 'true', '1', 'on']);
const NO = new Set(['nej', 'n', 'no', 'false', '0', 'off', '']);

/** Validates the whole form; values come as text from any platform. */
export function validateIncidentForm(tr: Translator, contract: Contract, values: FormValues): { ok: true; input: OpenIncidentInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const level = (id: 'impact' | 'timing') => {
    const parsed = parseLevel(values[id]);
    if (parsed === null) errors[id] = tr.t('errors.level.invalid', { field: tr.t(`common.${id}.label`), given: values[id] ?? '' });
    return parsed ?? 0;
  };
  const impact = level('impact');
  const timingText = (values.timing ?? '').trim();
  const timing = timingText === '' ? undefined : level('timing');
  const title = (values.title ?? '').replace(/\s+/g, ' ').trim();
  if (!title) errors.title = tr.t('errors.incident.titleRequired');
  else if (title.length > TITLE_MAX) errors.title = tr.t('errors.incident.titleTooLong', { max: TITLE_MAX, length: title.length });
  const org = (values.org ?? '').trim().toLowerCase() || contract.defaultAgency;
  if (!contract.agencies.some((a) => a.id === org)) errors.org = tr.t('errors.agency.unknown', { org, known: contract.agencies.map((a) => a.id).join(', ') });
  const description = (values.description ?? '').trim();
  if (description.length > TEXT_MAX) errors.description = tr.t('errors.incident.textTooLong', { max: TEXT_MAX, length: description.length });
  const securityText = (values.security ?? '').trim().toLowerCase();
  const security = YES.has(securityText);
  if (!security && !NO.has(securityText)) errors.security = tr.t('errors.form.yesNo', { given: values.security ?? '' });
  const services = (values.services ?? '').split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, input: { impact, timing, title, orgId: org, description, security, baseServices: services } };
}

/** Validates one field as the terminal asks it; null when fine. */
export function validateField(tr: Translator, contract: Contract, id: IncidentFieldId, value: string): string | null {
  const probe: FormValues = { impact: '1', timing: '1', title: 'x', org: contract.defaultAgency, [id]: value };
  const result = validateIncidentForm(tr, contract, probe);
  return result.ok ? null : (result.errors[id] ?? null);
}
