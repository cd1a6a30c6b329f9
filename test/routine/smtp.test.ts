// E-mail goes through the job queue (UC 6 names e-mail as a sanctioned channel): a mail
// server that is down for a minute delays the routine's notices but loses none; once it
// is back every party has its mail exactly once. A recipient the server refuses (550)
// ends `failed` at once; a server that stays down ends `failed` after the configured
// attempts. Real time, the database's clock, a real SMTP server (smtp-server) and
// nodemailer on PostgreSQL.
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import type { Database } from '../../src/store/index.js';
import { postgresTarget } from '../support/databases.js';
import { LocalSmtp } from './local-smtp.js';

const OUTAGE_MS = Number(process.env.SSBTEK_SMTP_OUTAGE_MS ?? 60_000);
const ZONE = 'Europe/Stockholm';

const PARTIES = [
  { id: 'forsakringskassan', email: ['drift@fk.example.se'] },
  { id: 'csn', email: ['it-drift@csn.example.se'] },
  { id: 'skatteverket', lang: 'en', email: ['ops@skv.example.se'] },
  { id: 'driftleverantoren', role: 'operator', name: 'Driftleverantören', email: ['servicedesk@drift.example.se'] },
  { id: 'avtalsagaren', role: 'owner', name: 'Avtalsägaren', email: ['avtal@example.se', 'nobody@example.se'] },
];

/** A Saturday 02:00 at least five weeks from now (Stockholm time). */
function saturdayAhead(weeks: number): DateTime {
  let d = DateTime.now().setZone(ZONE).plus({ weeks }).startOf('day');
  while (d.weekday !== 6) d = d.plus({ days: 1 });
  return d.set({ hour: 2 });
}

const waitFor = async (what: string, test: () => Promise<boolean> | boolean, timeoutMs = 30_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('e-mail through the job queue, on PostgreSQL', () => {
  let db: Database;
  let app: App;
  const smtp = new LocalSmtp(['nobody@example.se']);

  beforeAll(async () => {
    db = await postgresTarget.open();
    await smtp.start();
    app = await createApp({
      contract: buildContract({ routine: { parties: PARTIES, contact: 'Driftleverantörens servicedesk, 08-123 45 00' } }),
      database: db,
      schedulerOwner: 'smtp-test',
      jobs: { maxAttempts: 60, backoffMs: 200, backoffMaxMs: 2_000 },
      smtp: { url: smtp.url, from: 'SSBTEK <ssbtek@drift.example.se>', timeoutMs: 2_000 },
    });
    app.jobs.runner.start(200);
  });
  afterAll(async () => {
    await app?.close();
    await smtp.stop();
    await db?.close();
  });

  it(
    `a mail server down for ${OUTAGE_MS / 1000} s delays the notices and loses none; each party then has its mail exactly once; a refused recipient ends failed`,
    async () => {
      await smtp.stop();
      const start = saturdayAhead(5);
      const line = `fönster ${start.toISODate()} 02:00–06:00 tjänster=Inkomst text="Inkomstuppgifter kan inte hämtas." Byte av databasserver`;
      const reply = await app.conversation.handle(line, { actor: { id: 'anna', source: 'console' }, lang: 'sv' });
      expect(reply.text).toMatch(/^WIN-1 planerat/);
      const down = Date.now();
      // While the server is down the published notices are retried with backoff, still pending.
      await waitFor('a retry', async () => (await db.prisma.job.count({ where: { destination: 'email', status: 'pending', attempts: { gte: 2 } } })) >= 5);
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
      const during = await db.prisma.job.findMany({ where: { destination: 'email', dedupeKey: { startsWith: 'routine:WIN-1:1:published:' } } });
      expect(during).toHaveLength(6);
      expect(smtp.mails).toHaveLength(0);
      expect(during.filter((j) => j.channel !== 'nobody@example.se').every((j) => j.status === 'pending' && j.lastError === 'ECONNREFUSED')).toBe(true);
      const attempts = Math.max(...during.map((j) => j.attempts));

      await smtp.start(); // the same port: the server is back
      await waitFor('every published notice', () => smtp.mails.length >= 5);
      await new Promise((r) => setTimeout(r, 1_500)); // anything more would be a duplicate
      const back = Date.now();
      expect(smtp.mails.map((m) => m.to).sort()).toEqual([
        'avtal@example.se',
        'drift@fk.example.se',
        'it-drift@csn.example.se',
        'ops@skv.example.se',
        'servicedesk@drift.example.se',
      ]);
      expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(5);
      const fk = smtp.mails.find((m) => m.to === 'drift@fk.example.se')!;
      expect(fk.from).toBe('SSBTEK <ssbtek@drift.example.se>');
      expect(fk.subject).toMatch(/^SSBTEK servicefönster WIN-1: lör \d+ \S+ \d{4} 02:00–06:00 \(vid publicering\)$/);
      expect(fk.text).toContain('Vad: Inkomstuppgifter kan inte hämtas.');
      expect(smtp.mails.find((m) => m.to === 'ops@skv.example.se')!.text).toContain('The operator plans service window WIN-1 in SSBTEK.');
      // The refused recipient: 550 is permanent, failed without using the attempts.
      const refused = await db.prisma.job.findFirstOrThrow({
        where: { channel: 'nobody@example.se', dedupeKey: { startsWith: 'routine:WIN-1:1:published:' } },
      });
      expect(refused.status).toBe('failed');
      expect(refused.lastError).toBe('smtp_550');
      const rows = await db.prisma.routineAnnouncement.groupBy({ by: ['status'], where: { subject: 'WIN-1', step: 'published' }, _count: true });
      expect(Object.fromEntries(rows.map((r) => [r.status, r._count]))).toEqual({ sent: 5, failed: 1 });
      console.log(`SMTP outage ${Math.round((back - down) / 1000)} s: ${attempts} attempts per notice during it, 0 lost, 0 duplicates`);
      // The e-mail a party receives, for docs/routine.md.
      console.log(`--- e-mail to ${fk.to}\nFrom: ${fk.from}\nTo: ${fk.to}\nSubject: ${fk.subject}\n\n${fk.text}`);
    },
    OUTAGE_MS + 90_000,
  );

  it('a mail server that stays down: the notice ends failed after the configured attempts', async () => {
    const few = await createApp({
      contract: buildContract({ routine: { parties: [{ id: 'csn', email: ['it-drift@csn.example.se'] }] } }),
      database: db,
      schedulerOwner: 'smtp-test-few',
      jobs: { maxAttempts: 3, backoffMs: 100, backoffMaxMs: 200 },
      smtp: { url: 'smtp://127.0.0.1:1', from: 'ssbtek@drift.example.se', timeoutMs: 1_000 },
    });
    try {
      await app.close(); // only the failing process delivers e-mail now
      await few.routine.extraHours.request(
        { from: saturdayAhead(8).set({ hour: 9 }).toMillis(), to: saturdayAhead(8).set({ hour: 12 }).toMillis() },
        { id: 'anna', source: 'console' },
        Date.now(),
      );
      await few.routine.extraHours.decide(1, 'approved', { id: 'anna', source: 'console' }, Date.now());
      few.jobs.runner.start(100);
      await waitFor(
        'failed',
        async () =>
          (await db.prisma.job.count({
            where: { channel: 'it-drift@csn.example.se', status: 'failed', payload: { path: ['content', 'type'], equals: 'extra-hours' } },
          })) === 1,
        20_000,
      );
      const job = await db.prisma.job.findFirstOrThrow({
        where: { channel: 'it-drift@csn.example.se', status: 'failed', payload: { path: ['content', 'type'], equals: 'extra-hours' } },
      });
      expect(job.attempts).toBe(3);
      expect(job.lastError).toBe('ECONNREFUSED');
      expect(
        (await db.prisma.routineAnnouncement.findUniqueOrThrow({ where: { id: (job.payload as { announcementId: number }).announcementId } })).status,
      ).toBe('failed');
    } finally {
      await few.close();
    }
  });
});
