// A conversation form (incident, report-back, priority) as a Slack modal, the modal's
// private_metadata, and reading a submission back into text values by field id. The
// form's fields, their order, defaults and validation are the conversation's; this file
// only draws them.
import type { types } from '@slack/bolt';
import type { FieldErrors, FormField, FormSpec, SubmittedValues } from '../../../conversation/forms.js';
import type { Translator } from '../../../i18n/index.js';
import { CALLBACK, INPUT_ACTION } from '../ids.js';
import { escapeMrkdwn, LIMITS, option, plain, section, truncate } from './text.js';

/** Any conversation form as a modal: an intro about its subject, then one input block per field (block id = field id). */
export function formModal(tr: Translator, form: FormSpec, privateMetadata: string): types.ModalView {
  const blocks: types.KnownBlock[] = [];
  const intro = [form.subject ? `*${escapeMrkdwn(form.subject.ref)}* ${escapeMrkdwn(form.subject.title)}` : '', form.intro ? escapeMrkdwn(form.intro) : '']
    .filter(Boolean)
    .join('\n');
  if (intro) blocks.push(section(intro));
  blocks.push(...form.fields.map((f) => inputBlock(tr, f)));
  return {
    type: 'modal',
    callback_id: CALLBACK[form.id],
    title: plain(form.title, LIMITS.modalTitle),
    submit: plain(form.submit, LIMITS.modalButton),
    close: plain(form.cancel, LIMITS.modalButton),
    private_metadata: privateMetadata,
    blocks: blocks.slice(0, LIMITS.modalBlocks),
  };
}

function inputBlock(tr: Translator, field: FormField): types.InputBlock {
  const base = {
    type: 'input' as const,
    block_id: field.id,
    label: plain(field.label, LIMITS.inputLabel),
    optional: !field.required,
    ...(field.hint ? { hint: plain(field.hint, LIMITS.inputHint) } : {}),
  };
  switch (field.kind) {
    case 'choice':
      return { ...base, element: staticSelect(tr, field.options ?? [], field.initial) };
    case 'boolean':
      return { ...base, optional: true, element: { type: 'checkboxes', action_id: INPUT_ACTION, options: [option(tr.t('slack.modal.securityOption'), 'ja')] } };
    case 'text':
    case 'multiline':
      return {
        ...base,
        element: {
          type: 'plain_text_input',
          action_id: INPUT_ACTION,
          multiline: field.kind === 'multiline',
          max_length: Math.min(field.maxLength ?? LIMITS.inputMaxLength, LIMITS.inputMaxLength),
          ...(field.initial ? { initial_value: field.initial } : {}),
          ...(field.placeholder ? { placeholder: plain(field.placeholder, LIMITS.placeholder) } : {}),
        },
      };
  }
}

function staticSelect(tr: Translator, choices: { value: string; label: string }[], initial: string | undefined): types.StaticSelect {
  const options = choices.slice(0, LIMITS.selectOptions).map((c) => option(c.label, c.value));
  const selected = options.find((o) => o.value === initial);
  return {
    type: 'static_select',
    action_id: INPUT_ACTION,
    placeholder: plain(tr.t('slack.modal.choose'), LIMITS.placeholder),
    options,
    ...(selected ? { initial_option: selected } : {}),
  };
}

/** Opaque modal state (the form's hidden values, channel, language …) as JSON within private_metadata's 3000. */
export function encodeMeta(meta: Record<string, string | number | undefined>, droppable: string[] = []): string {
  const data = { ...meta };
  let text = JSON.stringify(data);
  for (const key of droppable) {
    if (text.length <= LIMITS.privateMetadata) break;
    delete data[key];
    text = JSON.stringify(data);
  }
  if (text.length > LIMITS.privateMetadata) throw new Error(`private_metadata would be ${text.length} characters`);
  return text;
}

export function decodeMeta(text: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

type ViewState = {
  values: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] }>>;
};

/** The submitted values of our modal as text, keyed by field (block) id. */
export function readValues(state: ViewState): SubmittedValues {
  const out: SubmittedValues = {};
  for (const [blockId, actions] of Object.entries(state.values ?? {})) {
    const v = actions[INPUT_ACTION];
    if (!v) continue;
    if (v.selected_options !== undefined) out[blockId] = v.selected_options.map((o) => o.value).join(',');
    else if (v.selected_option !== undefined) out[blockId] = v.selected_option?.value ?? '';
    else out[blockId] = v.value ?? '';
  }
  return out;
}

/** Field errors for `ack({ response_action: 'errors' })`: block id → message. */
export function modalErrors(errors: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, message] of Object.entries(errors)) if (message) out[id] = truncate(message, LIMITS.errorText);
  return out;
}
