// The test fake is faithful where the job queue depends on Slack's behaviour: tokens,
// trigger_id lifetime, per-channel rate limit with Retry-After, 5xx, message_not_found,
// response_url uses, message metadata, and Socket Mode's disconnect (the bot reconnects).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pgliteTarget } from '../support/databases.js';
import { FakeSlack, startBot, type Bot } from '../support/fake-slack.js';

async function call(fake: FakeSlack, method: string, body: Record<string, unknown>, token = 'xoxb-test') {
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: json };
}

describe('fake Slack fidelity', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start({ rateLimit: { perChannelPerSecond: 1, retryAfterSeconds: 2 } });
  });
  afterAll(() => fake.close());

  it('an unknown or revoked token gets invalid_auth; no token gets not_authed', async () => {
    expect((await call(fake, 'auth.test', {}, 'not-a-token')).body).toMatchObject({ ok: false, error: 'invalid_auth' });
    expect((await call(fake, 'auth.test', {}, 'xoxb-good')).body).toMatchObject({ ok: true });
    fake.revoke('xoxb-good');
    expect((await call(fake, 'auth.test', {}, 'xoxb-good')).body).toMatchObject({ ok: false, error: 'invalid_auth' });
    const res = await fetch(`${fake.apiUrl}auth.test`, { method: 'POST' });
    expect(await res.json()).toMatchObject({ ok: false, error: 'not_authed' });
  });

  it('a trigger_id works once, and only within 3 seconds', async () => {
    fake.issueTrigger('t-fresh');
    fake.issueTrigger('t-old', Date.now() - 3_500);
    const view = { type: 'modal', title: { type: 'plain_text', text: 'x' }, blocks: [] };
    expect((await call(fake, 'views.open', { trigger_id: 't-fresh', view })).body).toMatchObject({ ok: true });
    expect((await call(fake, 'views.open', { trigger_id: 't-fresh', view })).body).toMatchObject({ ok: false, error: 'trigger_exchanged' });
    expect((await call(fake, 'views.open', { trigger_id: 't-old', view })).body).toMatchObject({ ok: false, error: 'expired_trigger_id' });
  });

  it('more than one message a second in a channel is answered 429 with Retry-After; other channels are not affected', async () => {
    expect((await call(fake, 'chat.postMessage', { channel: 'C1', text: 'a' })).status).toBe(200);
    const limited = await call(fake, 'chat.postMessage', { channel: 'C1', text: 'b' });
    expect(limited).toMatchObject({ status: 429, retryAfter: '2', body: { ok: false, error: 'ratelimited' } });
    expect((await call(fake, 'chat.postMessage', { channel: 'C2', text: 'c' })).status).toBe(200);
    expect(fake.rateLimited.get('C1')).toBe(1);
    expect(fake.messages.get('C1')).toHaveLength(1);
  });

  it('injected 5xx answers, then normal service', async () => {
    fake.failHttp('chat.update', 503, 2);
    expect((await call(fake, 'chat.update', { channel: 'C2', ts: '1.1', text: 'x' })).status).toBe(503);
    expect((await call(fake, 'chat.update', { channel: 'C2', ts: '1.1', text: 'x' })).status).toBe(503);
    expect((await call(fake, 'chat.update', { channel: 'C2', ts: '1.1', text: 'x' })).status).toBe(200);
  });

  it('chat.update of a message that was never posted is message_not_found', async () => {
    expect((await call(fake, 'chat.update', { channel: 'C3', ts: '123.000001', text: 'x' })).body).toMatchObject({ ok: false, error: 'message_not_found' });
    const posted = await call(fake, 'chat.postMessage', { channel: 'C3', text: 'first' });
    expect((await call(fake, 'chat.update', { channel: 'C3', ts: posted.body.ts, text: 'second' })).body).toMatchObject({ ok: true });
    expect(fake.messages.get('C3')![0]!.text).toBe('second');
  });

  it('a response_url takes five responses, the sixth is refused', async () => {
    const url = fake.responseUrl('five');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: `n${i}` }) })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  it('message metadata is kept and returned by conversations.history and .replies only with include_all_metadata', async () => {
    const metadata = { event_type: 'ssbtek_delivery', event_payload: { job_ids: '41,42' } };
    const root = await call(fake, 'chat.postMessage', { channel: 'C4', text: 'root', metadata });
    await new Promise((r) => setTimeout(r, 1_050));
    await call(fake, 'chat.postMessage', {
      channel: 'C4',
      text: 'reply',
      thread_ts: root.body.ts,
      metadata: { event_type: 'ssbtek_delivery', event_payload: { job_ids: '43' } },
    });
    const history = await call(fake, 'conversations.history', { channel: 'C4', include_all_metadata: true });
    expect(history.body.messages.map((m: any) => [m.text, m.metadata?.event_payload.job_ids])).toEqual([['root', '41,42']]);
    const plain = await call(fake, 'conversations.history', { channel: 'C4' });
    expect(plain.body.messages[0].metadata).toBeUndefined();
    const replies = await call(fake, 'conversations.replies', { channel: 'C4', ts: root.body.ts, include_all_metadata: true });
    expect(replies.body.messages.map((m: any) => m.metadata?.event_payload.job_ids)).toEqual(['41,42', '43']);
    expect(fake.messagesForJob(43).map((m) => m.text)).toEqual(['reply']);
  });
});

describe('Socket Mode: Slack says disconnect, the bot reconnects', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(await pgliteTarget.open(), { appToken: 'xapp-1-A0SSBTEK-test', signingSecret: undefined, incidentChannel: 'C0INCIDENTS' });
  });
  afterAll(() => bot.close());
  afterEach(() => expect(bot.fake.violations).toEqual([]));

  it('after a disconnect envelope the client opens a new connection and keeps serving', async () => {
    await bot.fake.socketConnected();
    expect(bot.fake.socketConnections).toBe(1);
    bot.fake.disconnectSockets('refresh_requested');
    await bot.fake.until(() => (bot.fake.socketConnections >= 2 ? true : undefined), 'a second Socket Mode connection', 15_000);
    expect(bot.fake.callsOf('apps.connections.open').length).toBeGreaterThanOrEqual(2);
    const ack = await bot.fake.sendEnvelope('slash_commands', bot.requester.commandFields('help', { responseId: 'after-reconnect' }), 10_000);
    expect(ack.payload).toEqual({});
    await bot.fake.waitForResponse('after-reconnect');
  }, 30_000);
});
