// Slack's /slack/events on the bot's own HTTP server: a real Bolt App with the custom
// receiver, requests signed as Slack signs them. Bolt opens no port of its own.
import { createHmac } from 'node:crypto';
import { App as BoltApp, LogLevel, webApi, type Logger as BoltLogger } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpServer } from '../../src/http/server.js';
import { createSlackReceiver, slackPlatformCheck, type SlackReceiver } from '../../src/platforms/slack/receiver.js';

const SECRET = 'test-signing-secret-8f1c';

function quietLogger(warnings: string[] = []): BoltLogger {
  return {
    debug() {},
    info() {},
    warn: (...m: unknown[]) => void warnings.push(m.join(' ')),
    error: (...m: unknown[]) => void warnings.push(m.join(' ')),
    setLevel() {},
    getLevel: () => LogLevel.INFO,
    setName() {},
  };
}

function sign(body: string, ts = Math.floor(Date.now() / 1000), secret = SECRET): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(ts) };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const command = (text: string) =>
  new URLSearchParams({
    command: '/ssbtek',
    text,
    team_id: 'T1',
    user_id: 'U1',
    channel_id: 'C1',
    response_url: 'http://127.0.0.1:1/response',
    trigger_id: '1.2.3',
    token: 'x',
  }).toString();

let server: HttpServer;
let url: string;
let bolt: BoltApp;
let receiver: SlackReceiver;
let received: string[];
let warnings: string[];

beforeEach(async () => {
  received = [];
  warnings = [];
  const logger = quietLogger(warnings);
  receiver = createSlackReceiver({ signingSecret: SECRET, logger });
  bolt = new BoltApp({ receiver, logger, authorize: async () => ({ botToken: 'xoxb-test', botId: 'B1', botUserId: 'UB1' }) });
  bolt.command('/ssbtek', async ({ ack, command: cmd }) => {
    received.push(cmd.text);
    await ack(`handled: ${cmd.text}`);
  });
  server = new HttpServer();
  receiver.mount(server);
  url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}/slack/events`;
  await bolt.start();
});

afterEach(async () => {
  await bolt.stop();
  await server.close(100);
});

describe('POST /slack/events on the bot server', () => {
  it('a correctly signed slash command reaches the Bolt listener, and ack() is the HTTP answer', async () => {
    const body = command('status');
    const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...sign(body) }, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('handled: status');
    expect(received).toEqual(['status']);
  });

  it('a wrong signature is refused with 401 and reaches no listener', async () => {
    const body = command('close INC-1');
    const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...sign(body, undefined, 'another-secret') }, body });
    expect(res.status).toBe(401);
    expect(received).toEqual([]);
    expect(warnings.join('\n')).toMatch(/signature/);
  });

  it('a body altered after signing is refused with 401', async () => {
    const body = command('status');
    const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...sign(body) }, body: command('close INC-1') });
    expect(res.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('a replayed request older than five minutes is refused with 401', async () => {
    const body = command('status');
    const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...sign(body, Math.floor(Date.now() / 1000) - 6 * 60) }, body });
    expect(res.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('a request without signature headers is refused with 401', async () => {
    const body = command('status');
    expect((await fetch(url, { method: 'POST', headers: FORM, body })).status).toBe(401);
  });

  it("answers Slack's url_verification challenge", async () => {
    const body = JSON.stringify({ type: 'url_verification', challenge: 'abc123', token: 'x' });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(body) }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc123' });
  });

  it('answers ssl_check without a signature, and nothing smuggled with it reaches a listener', async () => {
    const body = 'ssl_check=1&command=%2Fssbtek&text=close+INC-1';
    const res = await fetch(url, { method: 'POST', headers: FORM, body });
    expect(res.status).toBe(200);
    expect(received).toEqual([]);
  });

  it('a body over the limit is 413, and other methods are 405', async () => {
    const body = `text=${'x'.repeat(1024 * 1024)}`;
    expect((await fetch(url, { method: 'POST', headers: { ...FORM, ...sign(body) }, body })).status).toBe(413);
    expect((await fetch(url)).status).toBe(405);
  });

  it('after stop() events are refused with 503 so Slack retries them elsewhere', async () => {
    await receiver.stop();
    const body = command('status');
    const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...sign(body) }, body });
    expect(res.status).toBe(503);
    expect(received).toEqual([]);
    await receiver.start(); // afterEach stops Bolt again
  });
});

describe('slackPlatformCheck', () => {
  it('passes when auth.test answers ok, and fails with the reason otherwise', async () => {
    await expect(slackPlatformCheck({ auth: { test: async () => ({ ok: true }) } }).check()).resolves.toBeUndefined();
    await expect(slackPlatformCheck({ auth: { test: async () => ({ ok: false, error: 'invalid_auth' }) } }).check()).rejects.toThrow('auth.test: invalid_auth');
    await expect(slackPlatformCheck({ auth: { test: () => Promise.reject(new Error('getaddrinfo ENOTFOUND slack.com')) } }).check()).rejects.toThrow(
      /ENOTFOUND/,
    );
    // Bolt's own client fits as it is.
    expect(slackPlatformCheck(new webApi.WebClient('xoxb-test')).name).toBe('slack');
  });
});
