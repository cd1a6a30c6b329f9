// The buttons on cards and reminders: Kvittera, Åtgärdad, Ändra prioritet and Snooze.
// A click becomes a Command (the incident id is the button's value) and goes through the
// same execute as a typed line; Åtgärdad and Ändra prioritet come back as a form, which
// opens as a modal.
import type { App as BoltApp, BlockAction, ButtonAction } from '@slack/bolt';
import { parseIncidentId, type Command, type ParseError } from '../../conversation/commands.js';
import { translator } from '../../i18n/index.js';
import { slackOrigin } from './announcer.js';
import { ACTION, SNOOZE_ACTION } from './ids.js';
import { guarded, slackActor, tell, type HandlerDeps, type Target } from './context.js';
import { deliverReply } from './replies.js';

/** The Command a button asks for. */
export function buttonCommand(actionId: string, value: string | undefined): Command | ParseError {
  const id = parseIncidentId(value ?? '');
  if (id === null) return { kind: 'parseError', key: 'errors.incident.badId', params: { given: value ?? '' } };
  if (actionId === ACTION.ack) return { name: 'ack', id };
  if (actionId === ACTION.resolve) return { name: 'resolve', id };
  if (actionId === ACTION.priority) return { name: 'priority', id };
  const snooze = SNOOZE_ACTION.exec(actionId);
  if (snooze) return { name: 'snooze', id, minutes: Number(snooze[1]) };
  return { kind: 'parseError', key: 'errors.command.unknown', params: { word: actionId } };
}

const BUTTONS = new RegExp(`^(${[ACTION.ack, ACTION.resolve, ACTION.priority].join('|')})$|${SNOOZE_ACTION.source}`);

export function registerActions(bolt: BoltApp, deps: HandlerDeps): void {
  bolt.action<BlockAction<ButtonAction>>(BUTTONS, async ({ ack, body, action, client }) => {
    await ack();
    const actor = slackActor(body.user.id);
    const lang = await deps.directory.langOf(actor.id);
    const tr = translator(lang);
    const channel = body.channel?.id ?? (typeof body.container?.channel_id === 'string' ? body.container.channel_id : undefined);
    const target: Target = { user: actor.id, channel, responseUrl: body.response_url };
    const command = buttonCommand(action.action_id, action.value);
    const where = 'kind' in command ? 'button' : `button ${command.name}`;
    await guarded(
      deps,
      tr,
      where,
      (text) => tell(deps, client, target, text),
      async () => {
        if ('kind' in command) {
          await tell(deps, client, target, deps.conversation.refuse(command, lang, { actor, lang }).text);
          return;
        }
        if (!(await deps.refs.claimDelivery(`slack:trigger:${body.trigger_id}`))) return;
        const reply = await slackOrigin.run({ channel }, () => deps.conversation.execute(command, { actor, lang, forms: true }));
        await deliverReply(deps, reply, {
          tr,
          channel,
          trigger: { client, triggerId: body.trigger_id },
          private: (message) => tell(deps, client, target, message),
          confirmChanges: false,
        });
      },
    );
  });
}
