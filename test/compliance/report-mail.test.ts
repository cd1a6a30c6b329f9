// The monthly report by e-mail: the headline in the body, Markdown, CSV and JSON attached,
// through the job queue to a real SMTP server (smtp-server), on PGlite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { MonthlyReports, type ReportSettings } from '../../src/app/compliance.js';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { at } from '../support/time.js';
import { LocalSmtp } from '../routine/local-smtp.js';

const contract = buildContract();
const settings: ReportSettings = { time: '07:30', slackChannels: [], emails: ['ledning@example.se'], lang: 'en', token: null, publicUrl: null };

describe('the monthly report by e-mail', () => {
  const smtp = new LocalSmtp();
  const clock = { t: at('2026-11-10 07:30') };
  let db: Database;
  let app: App;
  beforeAll(async () => {
    await smtp.start();
    db = await pgliteTarget.open();
    app = await createApp({ contract, database: db, now: () => clock.t, smtp: null, reports: { ...settings, emails: [] } });
    new MonthlyReports({
      prisma: db.prisma,
      contract,
      queue: app.jobs.queue,
      reader: app.compliance.reader,
      settings,
      log: app.log,
      slack: null,
      smtp: { url: smtp.url, from: 'SSBTEK <ssbtek@drift.example.se>' },
    }).register(app.jobs.runner);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
    await smtp.stop();
  });

  it('goes out at 07:30 on the 10th with the three files attached, in the configured language', async () => {
    for (let i = 0; i < 3; i++) await app.jobs.runner.pass(true);
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toBe('ledning@example.se');
    expect(mail.subject).toBe('SSBTEK monthly report 2026-10');
    expect(mail.text).toContain('Here is the monthly report for 2026-10');
    for (const name of ['ssbtek-rapport-2026-10.md', 'ssbtek-rapport-2026-10.csv', 'ssbtek-rapport-2026-10.json'])
      expect(mail.raw).toContain(`filename=${name}`);
    const jobs = await db.prisma.job.findMany({
      where: { dedupeKey: { startsWith: 'report:2026-10' } },
      select: { dedupeKey: true, status: true },
      orderBy: { dedupeKey: 'asc' },
    });
    expect(jobs).toEqual([
      { dedupeKey: 'report:2026-10', status: 'done' },
      { dedupeKey: 'report:2026-10:email:ledning@example.se', status: 'done' },
    ]);
  });
});
