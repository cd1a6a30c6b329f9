// Modal submissions: the conversation's form validation runs inside the ack (Slack
// shows field errors next to the field only then); a valid form becomes a Command and
// goes through the same execute as a typed line.
import type { App as BoltApp } from '@slack/bolt';
import { isMutating } from '../../conversation/commands.js';
import { translator } from '../../i18n/index.js';
import { slackOrigin } from './announcer.js';
import { decodeMeta, modalErrors, readValues } from './blocks/forms.js';
import { guarded, langFromMeta, slackActor, targetOf, tell, type HandlerDeps } from './context.js';
import { CALLBACK, formOfCallback } from './ids.js';
import { deliverReply } from './replies.js';

export function registerModals(bolt: BoltApp, deps: HandlerDeps): void {
  const callbacks = new RegExp(`^(${Object.values(CALLBACK).join('|')})$`);
  bolt.view(callbacks, async ({ ack, body, view, client }) => {
    const form = formOfCallback(view.callback_id)!;
    const meta = decodeMeta(view.private_metadata);
    const actor = slackActor(body.user.id);
    const lang = await langFromMeta(deps, meta, actor.id);
    const tr = translator(lang);
    const checked = deps.conversation.checkForm(form, readValues(view.state), meta, lang);
    if (!checked.ok) {
      await ack({ response_action: 'errors', errors: modalErrors(checked.errors) });
      return;
    }
    await ack();
    const target = targetOf(meta, actor.id);
    const command = checked.command;
    await guarded(
      deps,
      tr,
      `form ${form}`,
      (text) => tell(deps, client, target, text),
      async () => {
        const delivery = `slack:view:${view.id}`;
        // A new incident is idempotent by the view id (a retry returns the first one) and
        // confirmed once; any other change is claimed before it is made.
        const opens = command.name === 'incident';
        if (!opens && isMutating(command) && !(await deps.refs.claimDelivery(delivery))) return;
        const reply = await slackOrigin.run({ channel: target.channel }, () =>
          deps.conversation.execute(command, { actor, lang, deliveryId: delivery, forms: true }),
        );
        if (opens && reply.kind === 'card' && !(await deps.refs.claimDelivery(delivery))) return;
        await deliverReply(deps, reply, {
          tr,
          channel: target.channel,
          private: (message) => tell(deps, client, target, message),
          confirmChanges: false,
        });
      },
    );
  });
}
