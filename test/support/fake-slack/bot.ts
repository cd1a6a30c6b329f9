// The bot under test (createApp + startSlack) wired to a new fake Slack.
import { DateTime } from 'luxon';
import { createApp, type App, type AppOptions, type Logger } from '../../../src/app.js';
import type { Contract } from '../../../src/config/contract.js';
import { buildContract } from '../../../src/config/load.js';
import { startSlack, type SlackHandle, type SlackOptions } from '../../../src/platforms/slack/index.js';
import type { Database } from '../../../src/store/index.js';
import type { SlackRequester } from './requester.js';
import { FakeSlack, type FakeSlackOptions } from './server.js';

export const SECRET = 'test-signing-secret-0123456789abcdef';

export interface Bot {
  fake: FakeSlack;
  db: Database;
  app: App;
  slack: SlackHandle;
  requester: SlackRequester;
  logs: { level: string; msg: string; err?: unknown }[];
  clock: { t: number };
  close(): Promise<void>;
}

/**
 * The bot (createApp + startSlack on port 0) on `db`, its Web API pointed at a new fake
 * Slack; the clock starts Tuesday 2026-11-24 10:00 (Stockholm) and moves when set.
 * close() stops both and closes the database.
 */
export async function startBot(
  db: Database,
  options: Partial<SlackOptions> = {},
  fakeOptions: FakeSlackOptions = {},
  contract: Contract = buildContract(),
  appOptions: Partial<AppOptions> = {},
): Promise<Bot> {
  const fake = await FakeSlack.start(fakeOptions);
  const clock = { t: DateTime.fromISO('2026-11-24T10:00', { zone: 'Europe/Stockholm' }).toMillis() };
  const logs: Bot['logs'] = [];
  const log: Logger = {
    info: (msg) => logs.push({ level: 'info', msg }),
    warn: (msg) => logs.push({ level: 'warn', msg }),
    error: (msg, err) => logs.push({ level: 'error', msg, err }),
  };
  const app = await createApp({ contract, database: db, now: () => clock.t, log, ...appOptions });
  // A short channel pace keeps tests quick; tests of pacing pass their own.
  const slack = await startSlack(app, {
    botToken: 'xoxb-test-token',
    signingSecret: SECRET,
    apiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    retries: 0,
    lang: 'sv',
    channelPaceMs: 100,
    ...options,
  });
  const requester = fake.requester(`http://127.0.0.1:${slack.port}/slack/events`, SECRET);
  return {
    fake,
    db,
    app,
    slack,
    requester,
    logs,
    clock,
    async close() {
      await slack.stop();
      await app.close();
      await fake.close();
    },
  };
}
