// Block Kit for the Slack adapter: the incident card (channel message with buttons),
// the modals (incident form, report-back note, new priority), ephemeral replies and
// thread lines. Built from the platform-neutral IncidentView and FormSpec; every text
// goes through a truncation helper so that each Block Kit limit holds in every
// language and for any user input.
import type { types } from '@slack/bolt';
import type { Contacts, Contract, Priority } from '../../config/contract.js';
import type { FieldErrors, FormField, FormSpec, FormValues, IncidentFieldId } from '../../conversation/forms.js';
import { reminderText, statusName, targetLine, timingReasonText } from '../../conversation/render.js';
import type { ReminderMessage } from '../../scheduler/reminders.js';
import type { TimingSuggestion } from '../../domain/priority.js';
import { formatInstant, priorityName } from '../../i18n/format.js';
import type { Translator } from '../../i18n/index.js';
import { TEXT_MAX, type Actor, type CommittedChange, type IncidentView } from '../../services/incidents.js';

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;
type PlainTextOption = types.PlainTextOption;

/** Slack's Block Kit limits (characters are counted as UTF-16 code units, the strict reading). */
export const LIMITS = {
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  blockId: 255,
  actionId: 255,
  messageBlocks: 50,
  modalBlocks: 100,
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  optionText: 75,
  optionValue: 75,
  optionDescription: 75,
  selectOptions: 100,
  checkboxOptions: 10,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  inputMaxLength: 3000,
  headerText: 150,
  errorText: 2000,
} as const;

export const CALLBACK = { incident: 'ssbtek_incident', resolve: 'ssbtek_resolve', priority: 'ssbtek_priority' } as const;
export const ACTION = { ack: 'ssbtek_ack', resolve: 'ssbtek_resolve', priority: 'ssbtek_priority' } as const;
/** Snooze buttons: `ssbtek_snooze_<minutes>`, the incident id as value. */
export const SNOOZE_ACTION = /^ssbtek_snooze_(\d{1,4})$/;
export const snoozeActionId = (minutes: number) => `ssbtek_snooze_${minutes}`;
/** The action id of every input element in our modals (the block id names the field). */
export const INPUT_ACTION = 'value';

/** Priority in colour: one emoji each, the same in every language. */
export const PRIORITY_EMOJI: Record<Priority, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🟢' };

// ------------------------------------------------------------------------------- text helpers

const ELLIPSIS = '…';

/** Cuts `text` to at most `max` UTF-16 units, ending with "…"; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= ELLIPSIS.length) return ELLIPSIS.slice(0, max);
  let cut = max - ELLIPSIS.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut) + ELLIPSIS;
}

/** Like truncate, but never leaves half an entity (&amp;) or half a <@U…>/<#C…> reference. */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = truncate(text, max).slice(0, -ELLIPSIS.length);
  return head.replace(/&[a-z]{0,4}$/, '').replace(/<[^>]*$/, '') + ELLIPSIS;
}

/** Escapes user text for mrkdwn: no accidental mentions (<!channel>), links or entities. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const nonEmpty = (text: string) => (text.trim() === '' ? '–' : text);

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(nonEmpty(text), max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(nonEmpty(text), max) };
}

function section(text: string): types.SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [mrkdwn(text, LIMITS.contextText)] };
}

function option(label: string, value: string): PlainTextOption {
  return { text: plain(label, LIMITS.optionText), value: truncate(value, LIMITS.optionValue) };
}

/** A Slack user id is shown as a mention; anyone else by name and platform. */
export function who(tr: Translator, actor: Pick<Actor, 'id' | 'source'>): string {
  if (actor.source === 'slack') return person(actor.id);
  return tr.t('slack.actor.other', { id: escapeMrkdwn(actor.id), source: tr.t(`slack.actor.source.${actor.source}`) });
}

/** A stored actor id (reporter, acknowledgedBy): a mention when it is a Slack user id. */
function person(id: string): string {
  return isSlackUserId(id) ? `<@${id}>` : escapeMrkdwn(id);
}

export const isSlackUserId = (id: string) => /^[UW][A-Z0-9]{2,}$/.test(id);

// ---------------------------------------------------------------------------- the incident card

export interface Rendered {
  /** Notification and fallback text. */
  text: string;
  blocks: KnownBlock[];
}

export interface CardOptions {
  /** Show Kvittera / Åtgärdad / Ändra prioritet (as the status allows). */
  buttons: boolean;
  /** The instant the card shows ("as of"). */
  asOf: number;
}

/** The channel message that tells an incident's story; updated on every change. */
export function incidentMessage(tr: Translator, contract: Contract, v: IncidentView, options: CardOptions): Rendered {
  return { text: notificationText(tr, v), blocks: incidentBlocks(tr, contract, v, options) };
}

export function notificationText(tr: Translator, v: IncidentView): string {
  const text = `${PRIORITY_EMOJI[v.priority]} ${v.ref} · ${priorityName(tr, v.priority)} · ${statusName(tr, v.status)} · ${v.title}`;
  return truncate(text, 300);
}

export function incidentBlocks(tr: Translator, contract: Contract, v: IncidentView, options: CardOptions): KnownBlock[] {
  const zone = contract.timezone;
  const header =
    tr.t('slack.card.header', { emoji: PRIORITY_EMOJI[v.priority], ref: v.ref, priority: priorityName(tr, v.priority).toUpperCase(), status: statusName(tr, v.status) }) +
    (v.security ? ` · *${tr.t('slack.card.security')}*` : '');
  const blocks: KnownBlock[] = [section(`${header}\n*${escapeMrkdwn(v.title)}*`)];

  const timing = tr.t('slack.card.timing', { timing: v.timing, text: tr.t(`common.timing.${v.timing}`) }) + (v.timing !== v.suggestedTiming ? ` ${tr.t('slack.card.timingOverride', { suggested: v.suggestedTiming })}` : '');
  const fields = [
    tr.t('slack.card.org', { org: escapeMrkdwn(v.orgName) }),
    tr.t('slack.card.reporter', { reporter: person(v.reporter) }),
    tr.t('slack.card.impact', { impact: v.impact, text: tr.t(`common.impact.${v.impact}`) }),
    timing,
    tr.t('slack.card.received', { at: formatInstant(tr, v.receivedAt, zone) }),
  ];
  if (v.acknowledgedBy) fields.push(tr.t('slack.card.handledBy', { who: person(v.acknowledgedBy) }));
  if (v.resolvedBy) fields.push(tr.t('slack.card.resolvedBy', { who: person(v.resolvedBy) }));
  blocks.push({ type: 'section', fields: fields.slice(0, LIMITS.sectionFields).map((f) => mrkdwn(f, LIMITS.fieldText)) });

  blocks.push(section([targetLine(tr, contract, tr.t('common.deadline.response'), v.response), targetLine(tr, contract, tr.t('common.deadline.resolution'), v.resolution)].map(escapeMrkdwn).join('\n')));
  if (v.baseServices.length) blocks.push(section(tr.t('slack.card.services', { services: escapeMrkdwn(v.baseServices.join(', ')) })));
  if (v.description) blocks.push(section(tr.t('slack.card.description', { text: escapeMrkdwn(v.description) })));
  if (v.resolutionNote) blocks.push(section(tr.t('slack.card.note', { note: escapeMrkdwn(v.resolutionNote) })));

  if (options.buttons) {
    const buttons = incidentButtons(tr, v);
    if (buttons.length) blocks.push({ type: 'actions', block_id: truncate(`incident_${v.id}_r${v.revision}`, LIMITS.blockId), elements: buttons });
  }
  blocks.push(context(tr.t('slack.card.asOf', { at: formatInstant(tr, options.asOf, zone) })));
  return blocks.slice(0, LIMITS.messageBlocks);
}

function incidentButtons(tr: Translator, v: IncidentView): types.Button[] {
  const value = String(v.id);
  const button = (actionId: string, label: string, style?: 'primary' | 'danger'): types.Button => ({
    type: 'button',
    action_id: actionId,
    text: plain(label, LIMITS.buttonText),
    value,
    ...(style ? { style } : {}),
  });
  const buttons: types.Button[] = [];
  if (v.status === 'open') buttons.push(button(ACTION.ack, tr.t('slack.button.ack'), 'primary'));
  if (v.status === 'open' || v.status === 'acknowledged') buttons.push(button(ACTION.resolve, tr.t('slack.button.resolve')));
  if (v.status !== 'closed') buttons.push(button(ACTION.priority, tr.t('slack.button.priority')));
  return buttons;
}

/** The reporter's ephemeral confirmation of a new incident. */
export function openedConfirmation(tr: Translator, contract: Contract, v: IncidentView, channel: string | null, asOf: number): Rendered {
  const vars = { emoji: PRIORITY_EMOJI[v.priority], ref: v.ref, priority: priorityName(tr, v.priority) };
  const head = channel ? tr.t('slack.confirm.opened', { ...vars, channel }) : tr.t('slack.confirm.openedHere', vars);
  const deadlines = [targetLine(tr, contract, tr.t('common.deadline.response'), v.response), targetLine(tr, contract, tr.t('common.deadline.resolution'), v.resolution)];
  const blocks: KnownBlock[] = [
    section(`${head}\n*${escapeMrkdwn(v.title)}* · ${escapeMrkdwn(v.orgName)}`),
    section(deadlines.map(escapeMrkdwn).join('\n')),
    context(tr.t('slack.card.asOf', { at: formatInstant(tr, asOf, contract.timezone) })),
  ];
  return { text: truncate(`${tr.t('bot.changed.opened', { ref: v.ref })} ${priorityName(tr, v.priority)}`, 300), blocks };
}

/** A line for the incident's thread telling what changed and who did it. */
export function threadText(tr: Translator, c: Pick<CommittedChange, 'change' | 'actor' | 'detail' | 'incident'>): string {
  const by = who(tr, c.actor);
  const v = c.incident;
  const detail = (key: string) => escapeMrkdwn(typeof c.detail[key] === 'string' ? (c.detail[key] as string) : '');
  switch (c.change) {
    case 'opened':
      return tr.t('slack.thread.opened', { who: by });
    case 'acknowledged':
      return tr.t('slack.thread.acknowledged', { who: by });
    case 'resolved':
      return truncateMrkdwn(tr.t('slack.thread.resolved', { who: by, note: detail('note') || escapeMrkdwn(v.resolutionNote ?? '') }), LIMITS.sectionText);
    case 'reopened':
      return detail('reason') ? truncateMrkdwn(tr.t('slack.thread.reopenedReason', { who: by, reason: detail('reason') }), LIMITS.sectionText) : tr.t('slack.thread.reopened', { who: by });
    case 'reprioritised':
      return truncateMrkdwn(
        `${PRIORITY_EMOJI[v.priority]} ${tr.t('slack.thread.reprioritised', { who: by, priority: priorityName(tr, v.priority), impact: v.impact, timing: v.timing, reason: detail('reason') })}`,
        LIMITS.sectionText,
      );
    case 'closed':
      return tr.t('slack.thread.closed', { who: by });
  }
}

// ------------------------------------------------------------------------------------ text replies

/**
 * Plain text (a list, help, an error) as sections of at most 3000 characters, split at
 * line ends; past the block budget the rest is summarised in one line.
 */
export function textBlocks(tr: Translator, text: string, options: { code?: boolean; maxBlocks?: number } = {}): KnownBlock[] {
  const maxBlocks = options.maxBlocks ?? LIMITS.messageBlocks;
  const fence = options.code ? '```' : '';
  const room = LIMITS.sectionText - 2 * fence.length;
  const chunks: string[] = [];
  let current = '';
  for (const raw of escapeMrkdwn(text).split('\n')) {
    const line = truncateMrkdwn(raw, room);
    if (current && current.length + 1 + line.length > room) {
      chunks.push(current);
      current = line;
    } else {
      current = current ? `${current}\n${line}` : line;
    }
  }
  if (current || chunks.length === 0) chunks.push(current);
  const blocks: KnownBlock[] = [];
  const fits = chunks.length <= maxBlocks ? chunks.length : maxBlocks - 1;
  for (const chunk of chunks.slice(0, fits)) blocks.push(section(`${fence}${nonEmpty(chunk)}${fence}`));
  if (fits < chunks.length) {
    const rest = chunks.slice(fits).reduce((n, c) => n + c.split('\n').length, 0);
    blocks.push(context(tr.t('slack.list.more', { count: rest })));
  }
  return blocks;
}

// ------------------------------------------------------------------------------------------ modals

/** Opaque modal state (channel, incident …) as JSON, kept within private_metadata's 3000. */
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

function modal(tr: Translator, callbackId: string, title: string, submit: string, close: string, blocks: KnownBlock[], privateMetadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, LIMITS.modalTitle),
    submit: plain(submit, LIMITS.modalButton),
    close: plain(close, LIMITS.modalButton),
    private_metadata: privateMetadata,
    blocks: blocks.slice(0, LIMITS.modalBlocks),
  };
}

/** The incident form as a modal: one input block per field, the block id being the field id. */
export function incidentModal(tr: Translator, form: FormSpec, privateMetadata: string): ModalView {
  return modal(tr, CALLBACK.incident, form.title, form.submit, form.cancel, form.fields.map((f) => inputBlock(tr, f)), privateMetadata);
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
      return {
        ...base,
        optional: true,
        element: { type: 'checkboxes', action_id: INPUT_ACTION, options: [option(tr.t('slack.modal.securityOption'), 'ja')] },
      };
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

/** The submitted values of our modal as text, keyed by field (block) id. */
export function readValues(state: { values: Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] }>> }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state.values ?? {})) {
    const v = actions[INPUT_ACTION];
    if (!v) continue;
    if (v.selected_options !== undefined) out[blockId] = v.selected_options.map((o) => o.value).join(',');
    else if (v.selected_option !== undefined) out[blockId] = v.selected_option?.value ?? '';
    else out[blockId] = v.value ?? '';
  }
  return out;
}

export function incidentFormValues(values: Record<string, string>): FormValues {
  const ids: IncidentFieldId[] = ['impact', 'timing', 'title', 'org', 'services', 'description', 'security'];
  const out: FormValues = {};
  for (const id of ids) if (values[id] !== undefined) out[id] = values[id];
  return out;
}

/** Field errors for `ack({ response_action: 'errors' })`: block id → message. */
export function modalErrors(errors: FieldErrors | Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, message] of Object.entries(errors)) if (message) out[id] = truncate(message, LIMITS.errorText);
  return out;
}

/** Åtgärdad: asks how the fix was reported back (the resolution note). */
export function resolveModal(tr: Translator, v: IncidentView, privateMetadata: string): ModalView {
  return modal(tr, CALLBACK.resolve, tr.t('slack.modal.resolveTitle'), tr.t('slack.modal.resolveSubmit'), tr.t('slack.modal.cancel'), [
    section(tr.t('slack.modal.resolveIntro', { ref: v.ref, title: escapeMrkdwn(v.title) })),
    {
      type: 'input',
      block_id: 'note',
      label: plain(tr.t('slack.modal.noteLabel'), LIMITS.inputLabel),
      element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: TEXT_MAX, placeholder: plain(tr.t('slack.modal.notePlaceholder'), LIMITS.placeholder) },
    },
  ], privateMetadata);
}

/** Ändra prioritet: Påverkan, Tidpunkt (with the calendar's suggestion as hint) and a reason. */
export function priorityModal(tr: Translator, contract: Contract, v: IncidentView, suggestion: TimingSuggestion, privateMetadata: string): ModalView {
  const levels = ['1', '2', '3', '4'];
  const choices = (field: 'impact' | 'timing') => levels.map((l) => ({ value: l, label: `${l} – ${tr.t(`common.${field}.${l}`)}` }));
  const hint = tr.t('bot.form.timingHint', { timing: suggestion.timing, reason: timingReasonText(tr, contract, suggestion) });
  return modal(tr, CALLBACK.priority, tr.t('slack.modal.priorityTitle'), tr.t('slack.modal.prioritySubmit'), tr.t('slack.modal.cancel'), [
    section(tr.t('slack.modal.priorityIntro', { ref: v.ref, title: escapeMrkdwn(v.title), priority: priorityName(tr, v.priority), impact: v.impact, timing: v.timing, received: formatInstant(tr, v.receivedAt, contract.timezone) })),
    { type: 'input', block_id: 'impact', label: plain(tr.t('common.impact.label'), LIMITS.inputLabel), element: staticSelect(tr, choices('impact'), String(v.impact)) },
    { type: 'input', block_id: 'timing', label: plain(tr.t('common.timing.label'), LIMITS.inputLabel), hint: plain(hint, LIMITS.inputHint), element: staticSelect(tr, choices('timing'), String(v.timing)) },
    {
      type: 'input',
      block_id: 'reason',
      label: plain(tr.t('slack.modal.reasonLabel'), LIMITS.inputLabel),
      element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: TEXT_MAX, placeholder: plain(tr.t('slack.modal.reasonPlaceholder'), LIMITS.placeholder) },
    },
  ], privateMetadata);
}

// ------------------------------------------------------------------------------- reminders

/** Slack mentions for escalation contacts: users and user groups. */
export function mentions(contacts: Contacts): string {
  return [...contacts.slackUsers.map((u) => `<@${u}>`), ...contacts.slackGroups.map((g) => `<!subteam^${g}>`)].join(' ');
}

/** A reminder in the incident's thread: what is due, who is pinged, and the next step as buttons. */
export function reminderMessage(tr: Translator, contract: Contract, m: ReminderMessage): Rendered {
  const text = reminderText(tr, contract, m, mentions);
  const v = m.incident;
  const value = String(v.id);
  const buttons: types.Button[] = [];
  if (m.reminder.target === 'response' && v.status === 'open') buttons.push({ type: 'button', action_id: ACTION.ack, text: plain(tr.t('slack.button.ack'), LIMITS.buttonText), value, style: 'primary' });
  if (v.status === 'open' || v.status === 'acknowledged') buttons.push({ type: 'button', action_id: ACTION.resolve, text: plain(tr.t('slack.button.resolve'), LIMITS.buttonText), value });
  for (const minutes of m.snoozeMinutes) buttons.push({ type: 'button', action_id: snoozeActionId(minutes), text: plain(tr.t('slack.button.snooze', { minutes }), LIMITS.buttonText), value });
  const blocks: KnownBlock[] = [section(text)];
  if (buttons.length) blocks.push({ type: 'actions', block_id: truncate(`reminder_${m.reminder.id}`, LIMITS.blockId), elements: buttons.slice(0, 25) });
  return { text: truncate(text, 3000), blocks };
}
