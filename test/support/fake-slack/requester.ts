// Slack's requests to the bot: slash commands and interactions, signed, with payloads built from
// the modals and messages the bot sent; the trigger_ids it hands out are registered with the fake.
import { randomBytes } from 'node:crypto';
import type { FakeSlack } from './server.js';
import { postSigned, type SignedResult, type SignOptions } from './signing.js';

export interface CommandOptions extends SignOptions {
  user?: string;
  channel?: string;
  triggerId?: string;
  responseId?: string;
}

export interface ViewLike {
  id?: string;
  callback_id: string;
  private_metadata?: string;
  blocks: any[];
  title?: any;
  submit?: any;
  close?: any;
}

export class SlackRequester {
  private seq = 0;

  constructor(
    private readonly fake: FakeSlack,
    readonly url: string,
    private readonly secret: string,
  ) {}

  /** The form fields of `/ssbtek <text>` as Slack sends them. */
  commandFields(text: string, options: CommandOptions = {}): Record<string, string> {
    const n = ++this.seq;
    const user = options.user ?? 'U0REPORTER';
    return {
      token: 'verification-token-unused',
      team_id: this.fake.teamId,
      team_domain: 'ssbtek-test',
      channel_id: options.channel ?? 'C0GENERAL',
      channel_name: 'general',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/ssbtek',
      text,
      api_app_id: 'A0SSBTEK',
      is_enterprise_install: 'false',
      response_url: this.fake.responseUrl(options.responseId ?? `cmd${n}`),
      trigger_id: this.trigger(options.triggerId ?? `${n}.${Date.now()}.${randomBytes(8).toString('hex')}`),
    };
  }

  /** Registers a trigger_id with the fake as issued now (valid once, for 3 s). */
  private trigger(id: string): string {
    this.fake.issueTrigger(id);
    return id;
  }

  /** POSTs `/ssbtek <text>`; `responseId` names its response_url (default cmd<n>). */
  async command(text: string, options: CommandOptions = {}): Promise<SignedResult & { fields: Record<string, string>; responseId: string }> {
    const fields = this.commandFields(text, options);
    const responseId = decodeURIComponent(fields.response_url!.split('/response/')[1]!);
    const result = await postSigned(this.url, this.secret, new URLSearchParams(fields).toString(), options);
    return { ...result, fields, responseId };
  }

  /** POSTs an interaction payload (payload=<JSON>). */
  interaction(payload: Record<string, unknown>, options: SignOptions = {}): Promise<SignedResult> {
    return postSigned(this.url, this.secret, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), options);
  }

  /**
   * A view_submission of `view` (as the bot opened it, with the id views.open returned)
   * with `values` by block id: a select takes the option value, checkboxes "ja"/"" and
   * text inputs their text. Blocks not given are submitted empty.
   */
  viewSubmission(view: ViewLike, values: Record<string, string | null | undefined>, user = 'U0REPORTER'): Record<string, unknown> {
    const state: Record<string, Record<string, unknown>> = {};
    for (const block of view.blocks) {
      if (block.type !== 'input') continue;
      const element = block.element;
      const given = values[block.block_id];
      let value: Record<string, unknown>;
      if (element.type === 'static_select') {
        const chosen =
          given === undefined
            ? element.initial_option
            : given === null || given === ''
              ? null
              : (element.options.find((o: any) => o.value === given) ?? { text: { type: 'plain_text', text: given }, value: given });
        value = { type: 'static_select', selected_option: chosen ?? null };
      } else if (element.type === 'checkboxes') {
        value = { type: 'checkboxes', selected_options: given ? element.options.filter((o: any) => o.value === given || given === 'ja') : [] };
      } else {
        value = { type: element.type, value: given ?? element.initial_value ?? null };
      }
      state[block.block_id] = { [element.action_id]: value };
    }
    return {
      type: 'view_submission',
      team: { id: this.fake.teamId, domain: 'ssbtek-test' },
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.fake.teamId },
      api_app_id: 'A0SSBTEK',
      token: 'verification-token-unused',
      trigger_id: this.trigger(`${++this.seq}.${Date.now()}.${randomBytes(8).toString('hex')}`),
      view: {
        id: view.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`,
        team_id: this.fake.teamId,
        type: 'modal',
        blocks: view.blocks,
        private_metadata: view.private_metadata ?? '',
        callback_id: view.callback_id,
        state: { values: state },
        hash: 'hash',
        title: view.title,
        submit: view.submit,
        close: view.close,
        clear_on_close: false,
        notify_on_close: false,
        root_view_id: view.id ?? null,
        previous_view_id: null,
        app_id: 'A0SSBTEK',
        bot_id: 'B0BOT',
      },
      response_urls: [],
      is_enterprise_install: false,
    };
  }

  /** A block_actions payload: `user` clicks the button `actionId` on a message the bot posted. */
  buttonClick(
    message: { channel: string; ts: string; blocks: any[] },
    actionId: string,
    user = 'U0REPORTER',
    options: { ephemeral?: boolean } = {},
  ): Record<string, unknown> {
    let found: { block: any; element: any } | undefined;
    for (const block of message.blocks) {
      if (block.type !== 'actions') continue;
      const element = block.elements.find((e: any) => e.action_id === actionId);
      if (element) found = { block, element };
    }
    if (!found) throw new Error(`FakeSlack: the message has no button ${actionId}`);
    return {
      type: 'block_actions',
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.fake.teamId },
      api_app_id: 'A0SSBTEK',
      token: 'verification-token-unused',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: options.ephemeral ?? false },
      trigger_id: this.trigger(`${++this.seq}.${Date.now()}.${randomBytes(8).toString('hex')}`),
      team: { id: this.fake.teamId, domain: 'ssbtek-test' },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: message.channel, name: 'incidents' },
      message: { type: 'message', ts: message.ts, text: 'card', bot_id: 'B0BOT', blocks: message.blocks },
      state: { values: {} },
      response_url: this.fake.responseUrl(`action${this.seq}`),
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: found.block.block_id,
          text: found.element.text,
          value: found.element.value,
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
  }
}
