// The ids of the bot's interactive elements: modal callback ids, button action ids and
// the action id of every modal input. A button or a submitted modal is recognised by
// these and turned into a Command (actions.ts, modals.ts).
import type { FormId } from '../../conversation/forms.js';

/** Modal callback id per form. */
export const CALLBACK: Record<FormId, string> = {
  incident: 'ssbtek_incident',
  resolve: 'ssbtek_resolve',
  priority: 'ssbtek_priority',
  window: 'ssbtek_window',
};
export const formOfCallback = (callbackId: string): FormId | null =>
  (Object.entries(CALLBACK).find(([, id]) => id === callbackId)?.[0] as FormId | undefined) ?? null;

/** The card's buttons; the incident id is the button's value. */
export const ACTION = { ack: 'ssbtek_ack', resolve: 'ssbtek_resolve', priority: 'ssbtek_priority' } as const;
/** Snooze buttons: `ssbtek_snooze_<minutes>`, the incident id as value. */
export const SNOOZE_ACTION = /^ssbtek_snooze_(\d{1,4})$/;
export const snoozeActionId = (minutes: number) => `ssbtek_snooze_${minutes}`;
/** The action id of every input element in our modals (the block id names the field). */
export const INPUT_ACTION = 'value';
