// Adaptive Cards (schema 1.5, what Teams renders) for the Teams adapter, built from the
// platform-neutral views: any conversation form (FormSpec) as an input card submitted with
// Action.Execute, the incident card with the buttons the lifecycle allows in its status,
// a reminder with its mentions and next steps, and short result cards that replace a form
// in place. No rule lives here: fields, order, defaults, validation messages and which
// actions exist all come from the conversation and the lifecycle table.
import type { Contract, Priority } from '../../config/contract.js';
import type { FieldErrors, FormField, FormSpec, SubmittedValues } from '../../conversation/forms.js';
import { statusName, targetLine } from '../../conversation/render.js';
import { allowedActions, type LifecycleAction } from '../../domain/lifecycle.js';
import { formatInstant, priorityName } from '../../i18n/format.js';
import type { Lang, Translator } from '../../i18n/index.js';
import type { IncidentView } from '../../services/incidents.js';

/** An Adaptive Card as JSON (validated against 1.5 in the tests with the `adaptivecards` package). */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: CardElement[];
  actions?: CardAction[];
  msteams?: { width?: 'Full'; entities?: MentionEntity[] };
}
export type CardElement = Record<string, unknown> & { type: string };
export type CardAction = Record<string, unknown> & { type: 'Action.Execute' | 'Action.ShowCard' | 'Action.Submit' | 'Action.OpenUrl' };

/** A Teams mention: `<at>name</at>` in the text, and this entity naming who it is. */
export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: { id: string; name: string };
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';

/** The verbs of our Action.Execute buttons (`adaptiveCard/action` invokes). */
export const VERB = {
  ack: 'ssbtek.ack',
  resolve: 'ssbtek.resolve',
  priority: 'ssbtek.priority',
  snooze: 'ssbtek.snooze',
  submit: 'ssbtek.submit',
  cancel: 'ssbtek.cancel',
} as const;

/** Keys our buttons put in `data` (inputs are merged in beside them, by field id). */
export const DATA = {
  incident: 'ssbtekIncident',
  minutes: 'ssbtekMinutes',
  form: 'ssbtekForm',
  hidden: 'ssbtekHidden',
  lang: 'ssbtekLang',
  on: 'ssbtekOn',
} as const;

/** Priority in colour: the same emoji as Slack's card. */
export const PRIORITY_EMOJI: Record<Priority, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🟢' };
const PRIORITY_COLOR: Record<Priority, string> = { critical: 'attention', high: 'warning', medium: 'accent', low: 'good' };

/** Teams caps a card's text; long free text is cut with an ellipsis. */
const TEXT_MAX = 4_000;
const cap = (s: string, max = TEXT_MAX) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/**
 * Text for a TextBlock: Adaptive Card TextBlocks read a subset of Markdown, so what a
 * person typed is escaped (no links, emphasis or lists smuggled into a card), and a
 * typed `<at>…</at>` cannot pose as a mention.
 */
export function plain(text: string): string {
  return cap(text)
    .replace(/([\\`*_[\]~])/g, '\\$1')
    .replace(/^(\s*)([#>+-]|\d+\.)(?=\s)/, '$1\\$2')
    .replace(/<(\/?at)>/gi, '‹$1›');
}

function card(body: CardElement[], actions: CardAction[] = [], entities: MentionEntity[] = []): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
    msteams: { width: 'Full', ...(entities.length ? { entities } : {}) },
  };
}

const textBlock = (text: string, extra: Record<string, unknown> = {}): CardElement => ({ type: 'TextBlock', text, wrap: true, ...extra });

/** A card with one or more paragraphs of plain text (a result, an error, the help). */
export function textCard(text: string, options: { monospace?: boolean; color?: 'attention' | 'good' | 'default' } = {}): AdaptiveCard {
  const lines = text.split('\n').filter((line, i, all) => line.trim() !== '' || (i > 0 && all[i - 1]!.trim() !== ''));
  const blocks = lines.slice(0, 200).map((line, i) =>
    textBlock(line.trim() === '' ? ' ' : plain(options.monospace ? line.replace(/ /g, '\u00a0') : line), {
      ...(i > 0 ? { spacing: 'None' } : {}),
      ...(options.monospace ? { fontType: 'Monospace' } : {}),
      ...(options.color && i === 0 ? { color: options.color } : {}),
    }),
  );
  return card(blocks.length ? blocks : [textBlock(' ')]);
}

// ----------------------------------------------------------------------------------- forms

export interface FormCardOptions {
  lang: Lang;
  /** Messages per field id from the conversation's validation, shown beside the field. */
  errors?: FieldErrors;
  /** What the person submitted (kept when the form comes back with errors). */
  values?: SubmittedValues;
}

/** Any conversation form as an Adaptive Card: one input per field (input id = field id), Action.Execute to submit. */
export function formCard(tr: Translator, form: FormSpec, options: FormCardOptions): AdaptiveCard {
  const body: CardElement[] = [textBlock(plain(form.title), { size: 'Large', weight: 'Bolder' })];
  if (form.subject) body.push(textBlock(`**${plain(form.subject.ref)}** ${plain(form.subject.title)}`));
  if (form.intro) body.push(textBlock(plain(form.intro), { isSubtle: true }));
  const errors = options.errors ?? {};
  if (Object.keys(errors).length) body.push(textBlock(plain(tr.t('teams.form.fixErrors')), { color: 'attention', weight: 'Bolder' }));
  for (const field of form.fields) {
    body.push(input(tr, field, options.values?.[field.id]));
    if (field.hint) body.push(textBlock(plain(field.hint), { isSubtle: true, size: 'Small', spacing: 'None' }));
    const error = errors[field.id];
    if (error) body.push(textBlock(plain(error), { color: 'attention', size: 'Small', spacing: 'None', id: `${field.id}-error` }));
  }
  // An error that belongs to no field (the form as a whole).
  const loose = Object.entries(errors).filter(([id]) => !form.fields.some((f) => f.id === id));
  for (const [, message] of loose) body.push(textBlock(plain(message), { color: 'attention' }));
  const data = { [DATA.form]: form.id, [DATA.hidden]: form.hidden, [DATA.lang]: options.lang };
  return card(body, [
    { type: 'Action.Execute', title: form.submit, verb: VERB.submit, data, style: 'positive' },
    { type: 'Action.Execute', title: form.cancel, verb: VERB.cancel, data: { [DATA.form]: form.id, [DATA.lang]: options.lang }, associatedInputs: 'none' },
  ]);
}

function input(tr: Translator, field: FormField, submitted: string | undefined): CardElement {
  const base = { id: field.id, label: field.label, isRequired: field.required, ...(field.required ? { errorMessage: tr.t('teams.form.required') } : {}) };
  const initial = submitted ?? field.initial;
  switch (field.kind) {
    case 'choice': {
      const choices = (field.options ?? []).map((o) => ({ title: o.label, value: o.value }));
      // Påverkan and Tidpunkt (four levels, each with its description) as radio buttons; a long list (agencies) as a drop-down.
      return { type: 'Input.ChoiceSet', ...base, style: choices.length <= 4 ? 'expanded' : 'compact', choices, ...(initial ? { value: initial } : {}) };
    }
    case 'boolean':
      return {
        type: 'Input.Toggle',
        ...base,
        isRequired: false,
        title: tr.t('teams.form.securityOption'),
        valueOn: 'ja',
        valueOff: 'nej',
        value: initial && /^(ja|yes|true|1|on)$/i.test(initial) ? 'ja' : 'nej',
      };
    case 'text':
    case 'multiline':
      return {
        type: 'Input.Text',
        ...base,
        isMultiline: field.kind === 'multiline',
        ...(field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(field.placeholder ? { placeholder: field.placeholder } : {}),
        ...(initial ? { value: initial } : {}),
      };
  }
}

/** The submitted values of one of our form cards (`action.data`, inputs merged in), as text by field id. */
export function readFormData(data: Record<string, unknown>): {
  form: string | undefined;
  hidden: Record<string, unknown>;
  lang: unknown;
  values: SubmittedValues;
} {
  const control = new Set<string>(Object.values(DATA));
  const values: SubmittedValues = {};
  for (const [k, v] of Object.entries(data)) {
    if (control.has(k) || k === 'verb' || k === 'action') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[k] = String(v);
  }
  const hidden = data[DATA.hidden];
  return {
    form: typeof data[DATA.form] === 'string' ? (data[DATA.form] as string) : undefined,
    hidden: hidden && typeof hidden === 'object' && !Array.isArray(hidden) ? (hidden as Record<string, unknown>) : {},
    lang: data[DATA.lang],
    values,
  };
}

// ---------------------------------------------------------------------------- incident card

export interface IncidentCardOptions {
  /** Show the buttons the lifecycle allows in the incident's status. */
  buttons: boolean;
  asOf: number;
  lang: Lang;
  /** The display name of a person by their stored id (an Entra object id); null when unknown. */
  nameOf?: (id: string) => string | null;
  /** Snooze choices (contract.reminders.snoozeMinutes); no snooze button without them. */
  snoozeMinutes?: readonly number[];
}

/** Notification text (what a phone's banner shows). */
export function notificationText(tr: Translator, v: IncidentView): string {
  return cap(`${PRIORITY_EMOJI[v.priority]} ${v.ref} · ${priorityName(tr, v.priority)} · ${statusName(tr, v.status)} · ${v.title}`, 300);
}

/** The card that tells an incident's story in the channel, updated in place on every change. */
export function incidentCard(tr: Translator, contract: Contract, v: IncidentView, options: IncidentCardOptions): AdaptiveCard {
  const zone = contract.timezone;
  const person = (id: string) => options.nameOf?.(id) ?? id;
  const header = tr.t('teams.card.header', {
    emoji: PRIORITY_EMOJI[v.priority],
    ref: v.ref,
    priority: priorityName(tr, v.priority).toUpperCase(),
    status: statusName(tr, v.status),
  });
  const body: CardElement[] = [
    {
      type: 'Container',
      style: 'emphasis',
      bleed: true,
      items: [
        textBlock(plain(header), { weight: 'Bolder', size: 'Medium', color: PRIORITY_COLOR[v.priority] }),
        ...(v.security ? [textBlock(plain(tr.t('teams.card.security')), { weight: 'Bolder', color: 'attention', spacing: 'None' })] : []),
        textBlock(plain(v.title), { weight: 'Bolder', spacing: 'Small' }),
      ],
    },
  ];
  const timingText = tr.t(`common.timing.${v.timing}`);
  const facts = [
    { title: tr.t('teams.card.org'), value: plain(v.agencyName) },
    { title: tr.t('teams.card.reporter'), value: plain(person(v.reporter)) },
    { title: tr.t('teams.card.impact', { impact: v.impact }), value: plain(tr.t(`common.impact.${v.impact}`)) },
    {
      title: tr.t('teams.card.timing', { timing: v.timing }),
      value: plain(v.timing !== v.suggestedTiming ? tr.t('teams.card.timingOverride', { text: timingText, suggested: v.suggestedTiming }) : timingText),
    },
    { title: tr.t('teams.card.received'), value: plain(formatInstant(tr, v.receivedAt, zone)) },
  ];
  if (v.acknowledgedBy) facts.push({ title: tr.t('teams.card.handledBy'), value: plain(person(v.acknowledgedBy)) });
  if (v.resolvedBy) facts.push({ title: tr.t('teams.card.resolvedBy'), value: plain(person(v.resolvedBy)) });
  body.push({ type: 'FactSet', facts });
  body.push(textBlock(plain(targetLine(tr, contract, tr.t('common.deadline.response'), v.response, v.agencyId))));
  body.push(textBlock(plain(targetLine(tr, contract, tr.t('common.deadline.resolution'), v.resolution, v.agencyId)), { spacing: 'None' }));
  if (v.baseServices.length) body.push(textBlock(plain(tr.t('teams.card.services', { services: v.baseServices.join(', ') }))));
  if (v.description) body.push(textBlock(plain(tr.t('teams.card.description', { text: v.description }))));
  if (v.resolutionNote) body.push(textBlock(plain(tr.t('teams.card.note', { note: v.resolutionNote }))));
  body.push(textBlock(plain(tr.t('teams.card.asOf', { at: formatInstant(tr, options.asOf, zone) })), { isSubtle: true, size: 'Small' }));
  const actions = options.buttons ? incidentActions(tr, v, options) : [];
  return card(body, actions);
}

/** The buttons on a card: Kvittera, Åtgärdad, Ändra prioritet, Snooze — those the lifecycle allows in the status, in its order. */
export function incidentActions(
  tr: Translator,
  v: IncidentView,
  options: Pick<IncidentCardOptions, 'snoozeMinutes' | 'lang'>,
  only: (action: LifecycleAction) => boolean = () => true,
  on: 'card' | 'reminder' = 'card',
): CardAction[] {
  const id = { [DATA.incident]: v.id, [DATA.lang]: options.lang, ...(on === 'reminder' ? { [DATA.on]: on } : {}) };
  const out: CardAction[] = [];
  for (const action of allowedActions(v.status)) {
    if (!only(action)) continue;
    if (action === 'ack') out.push({ type: 'Action.Execute', title: tr.t('teams.button.ack'), verb: VERB.ack, data: id, style: 'positive' });
    else if (action === 'resolve') out.push({ type: 'Action.Execute', title: tr.t('teams.button.resolve'), verb: VERB.resolve, data: id });
    else if (action === 'priority') out.push({ type: 'Action.Execute', title: tr.t('teams.button.priority'), verb: VERB.priority, data: id });
    else if (action === 'snooze' && options.snoozeMinutes?.length) {
      out.push({
        type: 'Action.ShowCard',
        title: tr.t('teams.button.snooze'),
        card: {
          type: 'AdaptiveCard',
          body: [],
          actions: options.snoozeMinutes.map((minutes) => ({
            type: 'Action.Execute',
            title: tr.t('teams.button.snoozeMinutes', { minutes }),
            verb: VERB.snooze,
            data: { ...id, [DATA.minutes]: minutes },
          })),
        },
      });
    }
  }
  return out;
}

// -------------------------------------------------------------------------------- reminders

/**
 * A reminder as a card: its text (with `<at>name</at>` for each person pinged, and the
 * mention entities that make them real Teams mentions) and the next steps as buttons.
 */
export function reminderCard(
  tr: Translator,
  v: IncidentView,
  text: string,
  mentions: MentionEntity[],
  options: Pick<IncidentCardOptions, 'snoozeMinutes' | 'lang'>,
  target: 'response' | 'resolution',
): AdaptiveCard {
  // The mention markup must reach the card unescaped; everything else is plain text.
  const blocks = text.split('\n').map((line) => {
    let out = plain(line);
    for (const m of mentions) out = out.split(plain(m.text)).join(m.text);
    return textBlock(out, { spacing: 'Small' });
  });
  // Kvittera belongs to the response target; a resolution reminder offers Åtgärdad.
  const actions = incidentActions(tr, v, options, (a) => a === 'resolve' || a === 'snooze' || (a === 'ack' && target === 'response'), 'reminder');
  return card(blocks, actions, mentions);
}

/** The escaped form of a mention's display name inside `<at>…</at>` (no markup, no brackets). */
export function mentionName(name: string): string {
  return name.replace(/[<>&]/g, '').trim().slice(0, 100) || '?';
}
