// Three bot processes share one PostgreSQL database. Many reminders fall due at the
// same moments; each is sent exactly once, counted at a fake Slack server.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import type { Database } from '../../src/store/index.js';
import { postgresTarget, testPostgresUrl, type EmptyTestDatabase } from '../support/databases.js';
import { FakeSlack, SECRET } from '../support/fake-slack.js';

const root = new URL('../../', import.meta.url).pathname;
const PROCESSES = 3;
const INCIDENTS = 150;

function startBotProcess(url: string, fake: FakeSlack, name: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url,
      SLACK_BOT_TOKEN: 'xoxb-multi',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_INCIDENT_CHANNEL: 'C0INCIDENTS',
      PORT: '0',
      SSBTEK_SCHEDULER_POLL_MS: '250',
      // Small claims, so the three processes really race for the same rows.
      SSBTEK_SCHEDULER_BATCH: '4',
      SSBTEK_LOG_LEVEL: 'warn',
      SSBTEK_USER: name,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(`[${name}] ${d}`));
  return child;
}

describe('three bot processes on one PostgreSQL', () => {
  let empty: EmptyTestDatabase;
  let db: Database;
  let fake: FakeSlack;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    empty = await postgresTarget.openEmpty();
    db = await empty.open();
    fake = await FakeSlack.start({ quiet: false });
    const url = new URL(testPostgresUrl());
    url.searchParams.set('schema', empty.schema!);
    for (let i = 1; i <= PROCESSES; i++) children.push(startBotProcess(url.toString(), fake, `bot-${i}`));
    const deadline = Date.now() + 45_000;
    while (fake.callsOf('auth.test').length < PROCESSES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(fake.callsOf('auth.test')).toHaveLength(PROCESSES);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => new Promise<void>((resolve) => {
      if (c.exitCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    })));
    await fake?.close();
    await empty?.dispose();
  });

  it('sends every reminder exactly once, whichever process claims it', async () => {
    // Incidents opened (by a fourth, scheduler-less process) with their ladders planned…
    const app = await createApp({ contract: buildContract(), database: db });
    for (let i = 0; i < INCIDENTS; i++) await app.incidents.open({ impact: (i % 4) + 1, timing: 1, title: `Samtidig ${i}` }, { id: 'loader', source: 'cli' }, Date.now());
    // …then one reminder of each falls due at the same few instants, a second from now.
    const first = await db.prisma.reminder.findMany({ where: { status: 'pending' }, distinct: ['incidentId'], orderBy: [{ incidentId: 'asc' }, { dueAt: 'asc' }], select: { id: true } });
    expect(first).toHaveLength(INCIDENTS);
    const at = Date.now() + 1_500;
    for (const [i, r] of first.entries()) await db.prisma.reminder.update({ where: { id: r.id }, data: { dueAt: new Date(at + (i % 3) * 500) } });

    const posted = () => fake.callsOf('chat.postMessage').flatMap((c) => (c.body.blocks ?? []).map((b: { block_id?: string }) => b.block_id).filter((id: string | undefined) => id?.startsWith('reminder_')));
    const deadline = Date.now() + 30_000;
    while (posted().length < INCIDENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1_500)); // room for a duplicate to show up

    const ids = posted();
    expect(ids).toHaveLength(INCIDENTS);
    expect(new Set(ids).size).toBe(INCIDENTS);
    expect(new Set(ids)).toEqual(new Set(first.map((r) => `reminder_${r.id}`)));
    const rows = await db.prisma.reminder.findMany({ where: { id: { in: first.map((r) => r.id) } }, select: { status: true, claimedBy: true } });
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    const byProcess = new Map<string, number>();
    for (const r of rows) byProcess.set(r.claimedBy!, (byProcess.get(r.claimedBy!) ?? 0) + 1);
    console.info(`reminders sent per process: ${JSON.stringify(Object.fromEntries(byProcess))}`);
    expect(byProcess.size).toBeGreaterThan(1);
    await app.close();
  }, 90_000);
});
