// Block Kit for the Slack adapter, one idea a file under blocks/: text helpers and
// limits (text.ts), the incident card (card.ts), thread lines (thread.ts), text replies
// (replies.ts), forms as modals (forms.ts) and reminders (reminder.ts).
export * from './blocks/text.js';
export * from './blocks/card.js';
export * from './blocks/thread.js';
export * from './blocks/replies.js';
export * from './blocks/forms.js';
export * from './blocks/reminder.js';
export { ACTION, CALLBACK, INPUT_ACTION, SNOOZE_ACTION, snoozeActionId } from './ids.js';
