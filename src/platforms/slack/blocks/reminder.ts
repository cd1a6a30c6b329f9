// A reminder in the incident's thread: what is due, who is pinged, and the next step
// as buttons (the ones the lifecycle allows, and snooze).
import type { types } from '@slack/bolt';
import type { Contacts, Contract } from '../../../config/contract.js';
import { reminderText } from '../../../conversation/render.js';
import { isAllowed } from '../../../domain/lifecycle.js';
import type { Translator } from '../../../i18n/index.js';
import type { ReminderMessage } from '../../../scheduler/reminders.js';
import { snoozeActionId } from '../ids.js';
import { button, cardButtons } from './card.js';
import { LIMITS, section, truncate, type Rendered } from './text.js';

/** Slack mentions for escalation contacts: users and user groups. */
export function mentions(contacts: Contacts): string {
  return [...contacts.slack.users.map((u) => `<@${u}>`), ...contacts.slack.groups.map((g) => `<!subteam^${g}>`)].join(' ');
}

export function reminderMessage(tr: Translator, contract: Contract, m: ReminderMessage): Rendered {
  const text = reminderText(tr, contract, m, mentions);
  const v = m.incident;
  // Kvittera belongs to the response target; a resolution reminder offers Åtgärdad.
  const buttons = cardButtons(tr, v, (action) => action === 'resolve' || (action === 'ack' && m.reminder.target === 'response'));
  if (isAllowed(v.status, 'snooze'))
    for (const minutes of m.snoozeMinutes) buttons.push(button(snoozeActionId(minutes), tr.t('slack.button.snooze', { minutes }), String(v.id)));
  const blocks: types.KnownBlock[] = [section(text)];
  if (buttons.length)
    blocks.push({ type: 'actions', block_id: truncate(`reminder_${m.reminder.id}`, LIMITS.blockId), elements: buttons.slice(0, LIMITS.actionsElements) });
  return { text: truncate(text, 3000), blocks };
}
