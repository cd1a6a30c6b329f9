// Three bot processes (`node --import tsx src/main.ts`) on one PostgreSQL database, all
// configured to send the monthly report to a Slack channel, started after the report day:
// October's report is sent late but exactly once — one job for the month, one post (with
// the chart and the three files) at the fake Slack.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/store/index.js';
import { postgresTarget, testPostgresUrl, type EmptyTestDatabase } from '../support/databases.js';
import { FakeSlack, SECRET } from '../support/fake-slack.js';

const root = new URL('../../', import.meta.url).pathname;

describe('the monthly report with three bot processes on PostgreSQL', () => {
  let empty: EmptyTestDatabase;
  let db: Database;
  let fake: FakeSlack;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    empty = await postgresTarget.openEmpty();
    const url = new URL(testPostgresUrl());
    url.searchParams.set('schema', empty.schema!);
    db = await openDatabase({ url: url.toString() });
    fake = await FakeSlack.start();
    for (let i = 1; i <= 3; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: url.toString(),
          SLACK_BOT_TOKEN: 'xoxb-report',
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_API_URL: fake.apiUrl,
          PORT: '0',
          SSBTEK_SCHEDULER_POLL_MS: '250',
          SSBTEK_REPORT_SLACK_CHANNELS: 'C0REPORTS',
          // Any time of day: the report day of this month has passed, or last month's has.
          SSBTEK_REPORT_TIME: '00:00',
          SSBTEK_LOG_LEVEL: 'error',
          SSBTEK_USER: `bot-${i}`,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr!.on('data', (d) => process.stderr.write(`[bot-${i}] ${d}`));
      children.push(child);
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
          }),
      ),
    );
    await db?.close();
    await fake?.close();
    await empty?.dispose();
  });

  it('the last report due is written once and posted once, however many processes run the queue', async () => {
    const deadline = Date.now() + 60_000;
    while (fake.callsOf('files.completeUploadExternal').length === 0) {
      if (Date.now() > deadline) throw new Error('no report was posted');
      await new Promise((r) => setTimeout(r, 250));
    }
    // Every process has had time for a few more passes.
    while (fake.callsOf('auth.test').length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 3_000));
    const posts = fake.callsOf('files.completeUploadExternal');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.channel_id).toBe('C0REPORTS');
    const files = fake.files.filter((f) => f.completed).map((f) => f.filename);
    expect(files).toHaveLength(4);
    expect(files[0]).toMatch(/^efterlevnad-\d{4}-\d{2}\.png$/);
    const jobs = await db.prisma.job.findMany({ where: { dedupeKey: { startsWith: 'report:' } }, select: { dedupeKey: true, status: true, claimedBy: true } });
    expect(jobs.map((j) => j.status)).toEqual(['done', 'done']);
    expect(jobs.filter((j) => !j.dedupeKey.includes(':slack:'))).toHaveLength(1);
  }, 90_000);
});
