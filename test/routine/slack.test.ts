// The routine's announcements in the parties' Slack channels, through the job queue, at a
// fake Slack that enforces auth, 1 message per second per channel and Retry-After.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { Database } from '../../src/store/index.js';
import { SlackRoutineTransport } from '../../src/app/routine-chat.js';
import { pgliteTarget } from '../support/databases.js';
import { TestClock } from '../support/app.js';
import { FakeSlack } from '../support/fake-slack.js';
import { at, routineContract } from './support.js';

describe('routine announcements in Slack', () => {
  let db: Database;
  let app: App;
  let fake: FakeSlack;
  const clock = new TestClock(at('2027-01-29T10:00'));

  beforeAll(async () => {
    db = await pgliteTarget.open();
    fake = await FakeSlack.start({ rateLimit: { perChannelPerSecond: 1, retryAfterSeconds: 1 } });
    app = await createApp({ contract: routineContract(), database: db, now: clock.now, smtp: null });
    app.routine.useTransport('routine:slack', new SlackRoutineTransport({ token: 'xoxb-routine', apiUrl: fake.apiUrl }), 1_000);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await db?.close();
  });

  it('a planned window is posted in each party channel once, with the same facts as the e-mail', async () => {
    const reply = await app.conversation.handle('fönster 2027-02-27 02:00–06:00 tjänster=Inkomst Byte av databasserver', {
      actor: { id: 'U0ANNA', source: 'slack' },
      lang: 'sv',
    });
    expect(reply.text).toMatch(/^WIN-1 planerat/);
    await app.jobs.runner.drain(10_000);
    const posts = fake.callsOf('chat.postMessage').map((c) => c.body);
    expect(posts.map((p) => p.channel).sort()).toEqual(['C0DRIFT', 'C0FK']);
    const fk = posts.find((p) => p.channel === 'C0FK')!;
    expect(String(fk.text)).toContain('*SSBTEK servicefönster WIN-1: lör 27 feb. 2027 02:00–06:00 (vid publicering)*');
    expect(String(fk.text)).toContain('När: lör 27 feb. 2027 02:00–06:00 (4 h)');
    // The window's end without "done": its owner (a Slack user) is asked in a direct message.
    clock.set(at('2027-02-27T06:00'));
    await app.jobs.runner.drain(20_000);
    await app.jobs.runner.drain(20_000);
    const dm = fake
      .callsOf('chat.postMessage')
      .map((c) => c.body)
      .filter((b) => b.channel === 'U0ANNA');
    expect(dm).toHaveLength(1);
    expect(String(dm[0]!.text)).toContain('fönster klart WIN-1');
  }, 60_000);
});
