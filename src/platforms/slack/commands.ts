// `/ssbtek <command>`: the typed line becomes a Command through the conversation's
// parser and goes through the same execute as every other surface.
import type { RespondArguments, SlackCommandMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import { isMutating, isParseError } from '../../conversation/commands.js';
import { translator } from '../../i18n/index.js';
import { slackOrigin } from './announcer.js';
import { textBlocks } from './blocks/replies.js';
import { truncate } from './blocks/text.js';
import { guarded, slackActor, type HandlerDeps } from './context.js';
import { deliverReply } from './replies.js';

export type SlashCommandArgs = Pick<SlackCommandMiddlewareArgs, 'command' | 'ack' | 'respond'> & Pick<AllMiddlewareArgs, 'client'>;

/** The listener Bolt calls for the slash command (exported so tests can drive it directly). */
export function slashCommandListener(deps: HandlerDeps): (args: SlashCommandArgs) => Promise<void> {
  return async ({ command, ack, respond, client }) => {
    await ack();
    const actor = slackActor(command.user_id);
    const lang = await deps.directory.langOf(actor.id);
    const tr = translator(lang);
    const reply = (message: RespondArguments) => respond({ response_type: 'ephemeral', ...message }).then(() => undefined);
    const parsed = deps.conversation.parse(commandText(command.text));
    const where = isParseError(parsed) ? 'command' : `command ${parsed.name}`;
    await guarded(
      deps,
      tr,
      where,
      (text) => reply({ text }),
      async () => {
        if (isParseError(parsed)) {
          const refused = deps.conversation.refuse(parsed, lang, { actor, lang });
          await reply({ text: truncate(refused.text, 3000), blocks: textBlocks(tr, refused.text) });
          return;
        }
        // A retried delivery of a command that changes something is not acted on twice.
        if (isMutating(parsed) && !(await deps.refs.claimDelivery(`slack:trigger:${command.trigger_id}`))) return;
        const origin = { channel: command.channel_id };
        const result = await slackOrigin.run(origin, () =>
          deps.conversation.execute(parsed, { actor, lang, deliveryId: `slack:command:${command.trigger_id}`, forms: true }),
        );
        await deliverReply(deps, result, {
          tr,
          channel: command.channel_id,
          responseUrl: command.response_url,
          trigger: { client, triggerId: command.trigger_id },
          private: (message) => reply({ text: truncate(message.text, 3000), blocks: message.blocks }),
          confirmChanges: true,
        });
      },
    );
  };
}

/**
 * A slash command's text as the person typed it: Slack sends &, < and > as entities and
 * wraps links and mentions it recognises in <…|…>.
 */
export function commandText(text: string): string {
  return text
    .replace(/<([^<>|]*)\|([^<>]*)>/g, '$2')
    .replace(/<([^<>]*)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
