// Block Kit's limits and the text helpers every Slack message and modal is built with:
// each text goes through a truncation helper so that every limit holds in every
// language and for any user input, and user text is escaped so it cannot mention
// @channel, link or inject entities.
import type { types } from '@slack/bolt';

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

/** A message: notification (fallback) text and blocks. */
export interface Rendered {
  text: string;
  blocks: types.KnownBlock[];
}

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

export const nonEmpty = (text: string) => (text.trim() === '' ? '–' : text);

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(nonEmpty(text), max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncateMrkdwn(nonEmpty(text), max) };
}

export function section(text: string): types.SectionBlock {
  return { type: 'section', text: mrkdwn(text) };
}

export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [mrkdwn(text, LIMITS.contextText)] };
}

export function option(label: string, value: string): types.PlainTextOption {
  return { text: plain(label, LIMITS.optionText), value: truncate(value, LIMITS.optionValue) };
}
