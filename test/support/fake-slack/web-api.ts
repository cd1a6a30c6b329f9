// The Web API methods the fake knows, answered as Slack answers them (any other method: {ok:true}).
import type { IncomingMessage } from 'node:http';
import { conversationsHistory, conversationsReplies, findMessage, type MessageStore, postedMetadata, storeMessage } from './messages.js';
import type { FakeSlack } from './server.js';
import type { TriggerIds } from './triggers.js';

/** What the answers read and change: the fake's state and its counters. */
export interface WebApiState {
  readonly teamId: string;
  readonly messages: MessageStore;
  readonly locales: Map<string, string>;
  readonly groups: Map<string, string[]>;
  readonly files: FakeSlack['files'];
  readonly triggers: TriggerIds;
  port(): number;
  baseUrl(): string;
  /** A new message ts. */
  nextTs(): string;
  /** The next number of the fake's sequence (view and file ids). */
  nextSeq(): number;
}

export function answerWebApi(fake: WebApiState, method: string, body: Record<string, any>, req: IncomingMessage): Record<string, unknown> {
  switch (method) {
    case 'auth.test':
      return {
        ok: true,
        url: 'https://ssbtek-test.slack.com/',
        team: 'SSBTEK test',
        user: 'ssbtek',
        team_id: fake.teamId,
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
        is_enterprise_install: false,
      };
    case 'chat.postMessage': {
      const ts = fake.nextTs();
      const metadata = postedMetadata(body);
      storeMessage(fake.messages, {
        channel: String(body.channel),
        ts,
        thread_ts: body.thread_ts,
        text: body.text,
        blocks: body.blocks,
        metadata,
        at: Date.now(),
      });
      return {
        ok: true,
        channel: body.channel,
        ts,
        message: { type: 'message', text: body.text, ts, bot_id: 'B0BOT', thread_ts: body.thread_ts, blocks: body.blocks, ...(metadata ? { metadata } : {}) },
      };
    }
    case 'chat.update': {
      const stored = findMessage(fake.messages, String(body.channel), String(body.ts));
      if (!stored) return { ok: false, error: 'message_not_found' };
      stored.text = body.text;
      stored.blocks = body.blocks;
      return { ok: true, channel: body.channel, ts: body.ts, text: body.text, message: { text: body.text, blocks: body.blocks } };
    }
    case 'conversations.history':
      return conversationsHistory(fake.messages, body);
    case 'conversations.replies':
      return conversationsReplies(fake.messages, body);
    case 'chat.postEphemeral':
      return { ok: true, message_ts: fake.nextTs() };
    case 'views.open':
    case 'views.update':
    case 'views.push': {
      if (method !== 'views.update' && typeof body.trigger_id === 'string') {
        const error = fake.triggers.exchange(body.trigger_id);
        if (error) return { ok: false, error };
      }
      const view = typeof body.view === 'object' && body.view ? body.view : {};
      const id = body.view_id ?? `V${String(fake.nextSeq()).padStart(8, '0')}`;
      return { ok: true, view: { id, team_id: fake.teamId, hash: `${id}.hash`, state: { values: {} }, ...view } };
    }
    case 'users.info': {
      const user = String(body.user ?? '');
      return {
        ok: true,
        user: {
          id: user,
          team_id: fake.teamId,
          name: user.toLowerCase(),
          real_name: `User ${user}`,
          tz: 'Europe/Stockholm',
          ...(body.include_locale ? { locale: fake.locales.get(user) ?? 'sv-SE' } : {}),
        },
      };
    }
    case 'usergroups.users.list':
      return { ok: true, users: fake.groups.get(String(body.usergroup)) ?? [] };
    case 'apps.connections.open':
      if (!String(req.headers.authorization ?? '').startsWith('Bearer xapp-')) return { ok: false, error: 'not_allowed_token_type' };
      return { ok: true, url: `ws://127.0.0.1:${fake.port()}/socket` };
    case 'files.getUploadURLExternal': {
      const id = `F${String(fake.nextSeq()).padStart(8, '0')}`;
      fake.files.push({ id, filename: String(body.filename ?? ''), length: Number(body.length ?? 0), bytes: null, completed: false });
      return { ok: true, upload_url: `${fake.baseUrl()}/upload/${id}`, file_id: id };
    }
    case 'files.completeUploadExternal': {
      const list: Array<{ id: string; title?: string }> = typeof body.files === 'string' ? JSON.parse(body.files) : (body.files ?? []);
      const done = [];
      for (const item of list) {
        const file = fake.files.find((f) => f.id === item.id);
        if (!file || file.bytes === null) return { ok: false, error: 'file_not_found' };
        Object.assign(file, { completed: true, title: item.title, channel: body.channel_id, initialComment: body.initial_comment });
        done.push({ id: file.id, name: file.filename, title: item.title ?? file.filename });
      }
      return { ok: true, files: done };
    }
    case 'chat.getPermalink':
      return {
        ok: true,
        channel: body.channel,
        permalink: `https://ssbtek-test.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}`,
      };
    default:
      return { ok: true };
  }
}
