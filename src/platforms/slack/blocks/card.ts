// The incident card: the channel message that tells an incident's story, updated on
// every change, with the buttons the lifecycle allows in its status; and the reporter's
// private confirmation of a new incident. Built from the platform-neutral IncidentView.
import type { types } from '@slack/bolt';
import type { Contract, Priority } from '../../../config/contract.js';
import { statusName, targetLine } from '../../../conversation/render.js';
import { allowedActions, type LifecycleAction } from '../../../domain/lifecycle.js';
import { formatInstant, priorityName } from '../../../i18n/format.js';
import type { Translator } from '../../../i18n/index.js';
import type { Actor, IncidentView } from '../../../services/incidents.js';
import { ACTION } from '../ids.js';
import { context, escapeMrkdwn, LIMITS, mrkdwn, plain, section, truncate, type Rendered } from './text.js';

/** Priority in colour: one emoji each, the same in every language. */
export const PRIORITY_EMOJI: Record<Priority, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🟢' };

export interface CardOptions {
  /** Show Kvittera / Åtgärdad / Ändra prioritet (as the lifecycle allows in the status). */
  buttons: boolean;
  /** The instant the card shows ("as of"). */
  asOf: number;
  /** For an incident from monitoring: whether monitoring still alerts or has cleared (AlertService.monitoringStates). */
  monitoring?: { state: 'firing' | 'cleared'; at: number };
}

/** The lifecycle actions that have a button on the card, with its label and style. */
const CARD_BUTTONS: Partial<Record<LifecycleAction, { actionId: string; label: string; style?: 'primary' }>> = {
  ack: { actionId: ACTION.ack, label: 'slack.button.ack', style: 'primary' },
  resolve: { actionId: ACTION.resolve, label: 'slack.button.resolve' },
  priority: { actionId: ACTION.priority, label: 'slack.button.priority' },
};

/** The channel message that tells an incident's story; updated on every change. */
export function incidentMessage(tr: Translator, contract: Contract, v: IncidentView, options: CardOptions): Rendered {
  return { text: notificationText(tr, v), blocks: incidentBlocks(tr, contract, v, options) };
}

export function notificationText(tr: Translator, v: IncidentView): string {
  const text = `${PRIORITY_EMOJI[v.priority]} ${v.ref} · ${priorityName(tr, v.priority)} · ${statusName(tr, v.status)} · ${v.title}`;
  return truncate(text, 300);
}

export function incidentBlocks(tr: Translator, contract: Contract, v: IncidentView, options: CardOptions): types.KnownBlock[] {
  const zone = contract.timezone;
  const header =
    tr.t('slack.card.header', {
      emoji: PRIORITY_EMOJI[v.priority],
      ref: v.ref,
      priority: priorityName(tr, v.priority).toUpperCase(),
      status: statusName(tr, v.status),
    }) + (v.security ? ` · *${tr.t('slack.card.security')}*` : '');
  const blocks: types.KnownBlock[] = [section(`${header}\n*${escapeMrkdwn(v.title)}*`)];

  const timing =
    tr.t('slack.card.timing', { timing: v.timing, text: tr.t(`common.timing.${v.timing}`) }) +
    (v.timing !== v.suggestedTiming ? ` ${tr.t('slack.card.timingOverride', { suggested: v.suggestedTiming })}` : '');
  const fields = [
    tr.t('slack.card.org', { org: escapeMrkdwn(v.agencyName) }),
    tr.t('slack.card.reporter', { reporter: person(v.reporter) }),
    tr.t('slack.card.impact', { impact: v.impact, text: tr.t(`common.impact.${v.impact}`) }),
    timing,
    tr.t('slack.card.received', { at: formatInstant(tr, v.receivedAt, zone) }),
  ];
  if (v.acknowledgedBy) fields.push(tr.t('slack.card.handledBy', { who: person(v.acknowledgedBy) }));
  if (v.resolvedBy) fields.push(tr.t('slack.card.resolvedBy', { who: person(v.resolvedBy) }));
  blocks.push({ type: 'section', fields: fields.slice(0, LIMITS.sectionFields).map((f) => mrkdwn(f, LIMITS.fieldText)) });

  blocks.push(
    section(
      [targetLine(tr, contract, tr.t('common.deadline.response'), v.response), targetLine(tr, contract, tr.t('common.deadline.resolution'), v.resolution)]
        .map(escapeMrkdwn)
        .join('\n'),
    ),
  );
  if (v.baseServices.length) blocks.push(section(tr.t('slack.card.services', { services: escapeMrkdwn(v.baseServices.join(', ')) })));
  if (v.description) blocks.push(section(tr.t('slack.card.description', { text: escapeMrkdwn(v.description) })));
  if (v.resolutionNote) blocks.push(section(tr.t('slack.card.note', { note: escapeMrkdwn(v.resolutionNote) })));
  if (options.monitoring) blocks.push(context(tr.t(`alerts.card.${options.monitoring.state}`, { at: formatInstant(tr, options.monitoring.at, zone) })));

  if (options.buttons) {
    const buttons = cardButtons(tr, v);
    if (buttons.length) blocks.push({ type: 'actions', block_id: truncate(`incident_${v.id}_r${v.revision}`, LIMITS.blockId), elements: buttons });
  }
  blocks.push(context(tr.t('slack.card.asOf', { at: formatInstant(tr, options.asOf, zone) })));
  return blocks.slice(0, LIMITS.messageBlocks);
}

/** The card's buttons: one for each action the lifecycle allows in the status that has one. */
export function cardButtons(tr: Translator, v: IncidentView, only: (action: LifecycleAction) => boolean = () => true): types.Button[] {
  return allowedActions(v.status).flatMap((action) => {
    const b = CARD_BUTTONS[action];
    return b && only(action) ? [button(b.actionId, tr.t(b.label), String(v.id), b.style)] : [];
  });
}

export function button(actionId: string, label: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return { type: 'button', action_id: actionId, text: plain(label, LIMITS.buttonText), value, ...(style ? { style } : {}) };
}

/** The reporter's private confirmation of a new incident. */
export function openedConfirmation(tr: Translator, contract: Contract, v: IncidentView, channel: string | null, asOf: number): Rendered {
  const vars = { emoji: PRIORITY_EMOJI[v.priority], ref: v.ref, priority: priorityName(tr, v.priority) };
  const head = channel ? tr.t('slack.confirm.opened', { ...vars, channel }) : tr.t('slack.confirm.openedHere', vars);
  const deadlines = [
    targetLine(tr, contract, tr.t('common.deadline.response'), v.response),
    targetLine(tr, contract, tr.t('common.deadline.resolution'), v.resolution),
  ];
  const blocks: types.KnownBlock[] = [
    section(`${head}\n*${escapeMrkdwn(v.title)}* · ${escapeMrkdwn(v.agencyName)}`),
    section(deadlines.map(escapeMrkdwn).join('\n')),
    context(tr.t('slack.card.asOf', { at: formatInstant(tr, asOf, contract.timezone) })),
  ];
  return { text: truncate(`${tr.t('bot.changed.opened', { ref: v.ref })} ${priorityName(tr, v.priority)}`, 300), blocks };
}

/** A Slack user id is shown as a mention; anyone else by name and platform. */
export function who(tr: Translator, actor: Pick<Actor, 'id' | 'source'>): string {
  if (actor.source === 'slack') return person(actor.id);
  return tr.t('slack.actor.other', { id: escapeMrkdwn(actor.id), source: tr.t(`slack.actor.source.${actor.source}`) });
}

/** A stored actor id (reporter, acknowledgedBy): a mention when it is a Slack user id. */
export function person(id: string): string {
  return isSlackUserId(id) ? `<@${id}>` : escapeMrkdwn(id);
}

export const isSlackUserId = (id: string) => /^[UW][A-Z0-9]{2,}$/.test(id);
