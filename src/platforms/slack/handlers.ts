// The Bolt listeners, one concern a file: the slash command (commands.ts), the buttons
// (actions.ts) and the modal submissions (modals.ts). Each acknowledges first (Slack
// wants an answer within 3 seconds; only a modal's field validation runs inside the
// ack, because Slack shows those errors in the modal), turns the payload into a
// Command, executes it in the conversation, and renders the reply (replies.ts).
import type { App as BoltApp } from '@slack/bolt';
import { registerActions } from './actions.js';
import { slashCommandListener } from './commands.js';
import type { HandlerDeps } from './context.js';
import { registerModals } from './modals.js';

export type { HandlerDeps } from './context.js';
export { commandText } from './commands.js';

export function registerHandlers(bolt: BoltApp, deps: HandlerDeps): void {
  bolt.command(deps.command, slashCommandListener(deps));
  registerActions(bolt, deps);
  registerModals(bolt, deps);
}
