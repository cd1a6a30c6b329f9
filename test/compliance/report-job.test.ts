// The monthly report on the 10th: due at the configured time, written once as a job with a
// dedupe key per month, fanned out once per party — however many replicas run the queue
// (three bots on one PostgreSQL database, each with its own connection pool, job runner and
// clock reading, passing at the same time). And the report over HTTP behind its token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { createHttpServer, type HttpServer } from '../../src/http/server.js';
import { translator } from '../../src/i18n/index.js';
import { complianceChartPng } from '../../src/platforms/chart/index.js';
import { MonthlyReports, mountReports, reportDueAt, reportLinks, type ReportSettings } from '../../src/app/compliance.js';
import type { Database } from '../../src/store/index.js';
import { postgresTarget, type EmptyTestDatabase } from '../support/databases.js';
import { at } from '../support/time.js';

const contract = buildContract();
const TOKEN = 'a-report-token-of-some-length';
const settings: ReportSettings = {
  time: '08:00',
  slackChannels: ['C0REPORTS'],
  emails: ['drift@example.se'],
  lang: 'sv',
  token: TOKEN,
  publicUrl: 'https://bot.example.se',
};
const quiet: ReportSettings = { ...settings, slackChannels: [], emails: [] };

describe('the monthly report job on PostgreSQL', () => {
  let empty: EmptyTestDatabase;
  const clock = { t: at('2026-11-10 07:59') };
  const posted: Array<Record<string, any>> = [];
  const bots: Array<{ db: Database; app: App; reports: MonthlyReports }> = [];
  let server: HttpServer;
  let base: string;

  beforeAll(async () => {
    empty = await postgresTarget.openEmpty();
    for (let i = 0; i < 3; i++) {
      const db = await empty.open();
      const app = await createApp({ contract, database: db, now: () => clock.t, schedulerOwner: `replica-${i}`, reports: quiet, smtp: null });
      const slack = { filesUploadV2: async (args: Record<string, unknown>) => void posted.push({ ...args, by: i }) };
      const reports = new MonthlyReports({
        prisma: db.prisma,
        contract,
        queue: app.jobs.queue,
        reader: app.compliance.reader,
        settings,
        log: app.log,
        slack,
        smtp: null,
        chart: (series, lang) => complianceChartPng(series, { cases: 0.9, availability: 0.98 }, translator(lang)),
      });
      reports.register(app.jobs.runner);
      bots.push({ db, app, reports });
    }
    const first = bots[0]!.app;
    const october = await first.incidents.open(
      { impact: 2, timing: 3, title: 'Oktoberärende', agencyId: 'csn' },
      { id: 'anna', source: 'console' },
      at('2026-10-12 10:00'),
    );
    await first.incidents.resolve(october.id, 'Klart', { id: 'anna', source: 'console' }, at('2026-10-12 11:00'));
    server = createHttpServer();
    mountReports(server, { reader: first.compliance.reader, contract, token: TOKEN, now: () => clock.t });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server?.close();
    for (const b of bots) await b.app.close();
    await empty?.dispose();
  });

  const passAll = () => Promise.all(bots.map((b) => b.app.jobs.runner.pass(true)));
  const reportJobs = () => bots[0]!.db.prisma.job.findMany({ where: { dedupeKey: { startsWith: 'report:' } }, orderBy: { dedupeKey: 'asc' } });

  it('is due on the report day (the 10th) at the configured time, for the previous month', () => {
    expect(contract.reportDay).toBe(10);
    expect(reportDueAt(contract, '2026-10', '08:00')).toBe(at('2026-11-10 08:00'));
    expect(bots[0]!.reports.latestDue(at('2026-11-10 07:59'))).toEqual({ month: '2026-09', dueAt: at('2026-10-10 08:00') });
  });

  it('nothing is written for October before 08:00 on 10 November', async () => {
    await bots[0]!.db.prisma.job.deleteMany({ where: { dedupeKey: { startsWith: 'report:' } } });
    await passAll();
    await bots[0]!.db.prisma.job.deleteMany({ where: { dedupeKey: { startsWith: 'report:2026-09' } } });
    expect((await reportJobs()).filter((j) => j.dedupeKey.startsWith('report:2026-10'))).toEqual([]);
  });

  it("three replicas passing at once write October's report job once and post it once to the channel, with the chart and three files", async () => {
    clock.t = at('2026-11-10 08:00:01');
    for (let i = 0; i < 4; i++) await passAll();
    const jobs = (await reportJobs()).filter((j) => j.dedupeKey.startsWith('report:2026-10'));
    expect(jobs.map((j) => [j.dedupeKey, j.status])).toEqual([
      ['report:2026-10', 'done'],
      ['report:2026-10:email:drift@example.se', 'pending'],
      ['report:2026-10:slack:C0REPORTS', 'done'],
    ]);
    const october = posted.filter((p) => String(p.initial_comment).includes('2026-10'));
    expect(october).toHaveLength(1);
    expect(october[0]!.channel_id).toBe('C0REPORTS');
    expect(october[0]!.initial_comment).toContain('Uppföljning av avtalet oktober 2026');
    const files = october[0]!.file_uploads as Array<{ filename: string; file: Buffer }>;
    expect(files.map((f) => f.filename)).toEqual([
      'efterlevnad-2026-10.png',
      'ssbtek-rapport-2026-10.md',
      'ssbtek-rapport-2026-10.csv',
      'ssbtek-rapport-2026-10.json',
    ]);
    expect(files[0]!.file.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(JSON.parse(files[3]!.file.toString('utf8')).incidents.received).toBe(1);
    // A later pass on the same day writes nothing new.
    await passAll();
    expect((await reportJobs()).filter((j) => j.dedupeKey.startsWith('report:2026-10'))).toHaveLength(3);
  });

  it('GET /reports/2026-10.json answers with a Bearer token or a signed link, and 401 without', async () => {
    const url = `${base}/reports/2026-10.json`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const withToken = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withToken.status).toBe(200);
    expect((await withToken.json()).month).toBe('2026-10');
    const links = reportLinks('https://bot.example.se', TOKEN, '2026-10', 'csn');
    expect(links.md).not.toContain(TOKEN);
    const signed = await fetch(`${base}${new URL(links.md).pathname}${new URL(links.md).search}`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toContain('text/markdown');
    expect(await signed.text()).toContain('CSN');
    // The signature is for that month and agency only.
    expect((await fetch(`${base}/reports/2026-09.md${new URL(links.md).search}`)).status).toBe(401);
  });
});
