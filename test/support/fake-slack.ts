// A local stand-in for Slack, for tests and benches. Loopback only.
//
//   const fake = await FakeSlack.start();           // Web API at fake.apiUrl
//   startSlack(app, { apiUrl: fake.apiUrl, … })      // the bot calls it instead of slack.com
//   const slack = fake.requester(botEventsUrl, SIGNING_SECRET);
//   await slack.command('incident', { user: 'U1', channel: 'C1' });   // signed like Slack
//   const open = await fake.waitFor('views.open');
//
// * Web API: records every call (method, parsed form/JSON body, Authorization header) and
//   answers HTTP 200 {ok:true,…} with plausible data; `fake.fail(method, error)` makes the
//   next call of a method answer {ok:false, error}; `fake.failHttp(method, 503, n)` answers
//   the next n calls with an HTTP 5xx.
// * Faithful where it matters: a token that is not a known bot (xoxb-) or app (xapp-) token
//   gets invalid_auth (`fake.revoke(token)`); a trigger_id handed out by the requester
//   works once within 3 s (expired_trigger_id / trigger_exchanged); chat.postMessage answers
//   HTTP 429 with Retry-After above `rateLimit.perChannelPerSecond` messages per second in a
//   channel (counted in `fake.rateLimited`); chat.update of a message that was never posted
//   is message_not_found; a response_url works 5 times (then 404 used_url); messages keep
//   their `metadata`, returned by conversations.history/replies with include_all_metadata;
//   `fake.disconnectSockets()` sends Socket Mode's `disconnect` and the client reconnects.
// * response_url: `fake.responseUrl(id)` = /response/<id>; posts are recorded.
// * Socket Mode: apps.connections.open hands out ws://127.0.0.1:<port>/socket; a minimal
//   WebSocket server (RFC 6455, no extensions) says hello, sends envelopes and collects acks.
// * Block Kit limits: every message, ephemeral, modal and response_url post is checked
//   (checkMessage/checkModal); problems collect in `fake.violations`.
// * Run alone (`node --import tsx test/support/fake-slack.ts`) it serves on a free port,
//   prints {"apiUrl","baseUrl"} as one JSON line, and lists its calls at GET /_calls
//   (POST /_reset forgets them): the bench runs it in its own process this way.
// * Requests to the bot: `requester()` signs (v0 HMAC-SHA256 over "v0:<ts>:<raw body>") and
//   POSTs slash commands (form fields) and interactions (payload=<JSON>), and builds
//   plausible payloads from the modals and messages the bot sent.
//
// The pieces, one idea per file, in fake-slack/: server.ts (the fake's HTTP server and records),
// web-api.ts (its answers), socket-mode.ts and websocket.ts, messages.ts (messages and their
// metadata), rate-limit.ts, tokens.ts, triggers.ts, response-urls.ts, request-body.ts, block-kit.ts
// (the limits), signing.ts and requester.ts (requests to the bot), bot.ts (startBot) and content.ts
// (reading what the bot sent). This module re-exports them and runs the fake on its own.
import { pathToFileURL } from 'node:url';
import { FakeSlack } from './fake-slack/server.js';

export { checkMessage, checkModal } from './fake-slack/block-kit.js';
export { type Bot, SECRET, startBot } from './fake-slack/bot.js';
export { buttonsOf, openedView, textOf } from './fake-slack/content.js';
export type { StoredMessage } from './fake-slack/messages.js';
export { type CommandOptions, SlackRequester, type ViewLike } from './fake-slack/requester.js';
export { FakeSlack, type FakeSlackOptions, type RecordedCall, type RecordedResponse } from './fake-slack/server.js';
export { postSigned, type SignedResult, type SignOptions, slackSignature } from './fake-slack/signing.js';
export { WsConnection } from './fake-slack/websocket.js';

// ------------------------------------------------------------------------- run on its own

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const perSecond = Number(process.env.FAKE_SLACK_RATE_PER_CHANNEL ?? 0);
  const fake = await FakeSlack.start(perSecond > 0 ? { rateLimit: { perChannelPerSecond: perSecond } } : {});
  process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl, baseUrl: fake.baseUrl })}\n`);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
