// A conversation Reply as Slack: by its kind, never by its text. A form opens a modal,
// a card is shown or confirmed, anything else is a private message.
import type { Reply } from '../../conversation/engine.js';
import type { FormSpec } from '../../conversation/forms.js';
import type { Translator } from '../../i18n/index.js';
import { incidentBlocks, notificationText, openedConfirmation } from './blocks/card.js';
import { encodeMeta, formModal } from './blocks/forms.js';
import { textBlocks } from './blocks/replies.js';
import type { Rendered } from './blocks/text.js';
import type { Client, HandlerDeps } from './context.js';

/** Where a reply goes on the surface it came from. */
export interface Outlet {
  tr: Translator;
  /** The channel the interaction came from. */
  channel?: string;
  /** The response_url, kept in a modal's metadata for later private answers. */
  responseUrl?: string;
  /** Opens a modal (needs the interaction's trigger id). */
  trigger?: { client: Client; triggerId: string };
  /** A private message to the person. */
  private(message: Rendered): Promise<void>;
  /**
   * A changed incident: typed commands get a short private word (the change itself shows
   * in the thread); buttons and modals need none, the card changes in front of them.
   */
  confirmChanges: boolean;
}

export async function deliverReply(deps: HandlerDeps, reply: Reply, out: Outlet): Promise<void> {
  const { tr } = out;
  switch (reply.kind) {
    case 'form':
      if (out.trigger) {
        await out.trigger.client.views.open({ trigger_id: out.trigger.triggerId, view: formModal(tr, reply.form, formMeta(reply.form, out)) });
      } else {
        await out.private({ text: reply.text, blocks: textBlocks(tr, reply.text) });
      }
      return;
    case 'card': {
      const v = reply.incident;
      if (reply.visibility === 'private' || reply.change === null) {
        await out.private({ text: notificationText(tr, v), blocks: incidentBlocks(tr, deps.contract, v, { buttons: true, asOf: deps.now() }) });
      } else if (reply.change === 'opened') {
        await out.private(openedConfirmation(tr, deps.contract, v, deps.announcer.channelFor({ channel: out.channel }), deps.now()));
      } else if (out.confirmChanges) {
        const ref = await deps.refs.find(v.id, 'slack');
        const text = `${tr.t(`bot.changed.${reply.change}`, { ref: v.ref })}${ref ? ` ${tr.t('slack.confirm.seeThread', { channel: ref.channelId })}` : ''}`;
        await out.private({ text, blocks: textBlocks(tr, text) });
      }
      return;
    }
    case 'help':
      await out.private({ text: reply.text, blocks: textBlocks(tr, reply.text, { code: true }) });
      return;
    case 'text':
    case 'list':
    case 'error':
    case 'formErrors':
      await out.private({ text: reply.text, blocks: textBlocks(tr, reply.text) });
      // A picture that goes with the answer (the compliance chart): Slack cannot attach a
      // file to a private message, so it is shared in the channel the question came from.
      if (reply.kind === 'text' && reply.image && out.trigger && out.channel) {
        const { png, filename, title, alt } = reply.image;
        await out.trigger.client.filesUploadV2({ channel_id: out.channel, file: Buffer.from(png), filename, title, alt_text: alt });
      }
      return;
  }
}

/** A modal's private_metadata: the form's hidden values, the channel, the language, the response_url (dropped first if long). */
function formMeta(form: FormSpec, out: Outlet): string {
  return encodeMeta({ ...form.hidden, c: out.channel, l: out.tr.lang, r: out.responseUrl }, ['r']);
}
