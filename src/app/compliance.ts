// The monthly report (5): on the contract's report day (the 10th) at the configured time,
// the previous month's report goes once to the configured parties — Slack channels and
// e-mail addresses — with Markdown, CSV and JSON attached; and `GET /reports/<YYYY-MM>.md|csv|json`
// serves the same report to those who hold a link.
//
// Once across replicas: every process runs the same job source, which writes ONE job per
// month (dedupe key `report:<YYYY-MM>`) when the report falls due; whichever process
// claims it (SKIP LOCKED) fans it out, in one transaction, into one delivery job per
// party (`report:<YYYY-MM>:slack:<channel>`, `…:email:<address>`), each sent and retried
// by the queue like every other message. A process that was down on the 10th sends the
// report when it comes back (late, still once).
//
// Configuration (environment):
//   SSBTEK_REPORT_TIME            HH:MM on the report day, contract time (default 08:00)
//   SSBTEK_REPORT_SLACK_CHANNELS  Slack channel ids, comma-separated (needs SLACK_BOT_TOKEN)
//   SSBTEK_REPORT_EMAIL           e-mail addresses, comma-separated (needs SMTP_URL, SMTP_FROM)
//   SSBTEK_REPORT_LANG            sv | en (default SSBTEK_LANG, else sv)
//   SSBTEK_REPORT_TOKEN           secret for /reports/… (Bearer token; chat links carry an HMAC of it)
//   SSBTEK_PUBLIC_URL             the bot's public base URL, for links in chat
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DateTime } from 'luxon';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ISSUE, type Contract } from '../config/contract.js';
import { langFromEnv, problemsFromZod } from '../config/errors.js';
import { ConfigError } from '../config/load.js';
import type { MonthPoint } from '../domain/compliance.js';
import { monthBounds, monthOf, shiftMonth } from '../domain/compliance.js';
import { complianceHeadline, reportToCsv, reportToJson, reportToMarkdown, type MonthlyReport } from '../domain/report.js';
import { HttpError, sendText, type HttpRequest, type HttpServer } from '../http/server.js';
import { langFromLocale, translator, type Lang } from '../i18n/index.js';
import type { ClaimedJob, JobFailure, JobQueue } from '../jobs/queue.js';
import { errorCode, type DeliveryContext, type DeliveryHandler, type JobRunner, type JobSource } from '../jobs/runner.js';
import { smtpFailure, smtpOptionsFromEnv, type SmtpOptions } from '../platforms/email/smtp.js';
import type { PrismaClient } from '../store/index.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { ComplianceCommands } from '../conversation/compliance.js';
import type { Translator } from '../i18n/index.js';
import { CaseService, type CaseChangeHook } from '../services/cases.js';
import { OutageLog } from '../services/cases-outages.js';
import { ComplianceReader } from '../services/compliance.js';

export const REPORT_JOB = 'monthly-report';
export const REPORT_DESTINATION = 'report';
export const REPORT_SLACK = 'report:slack';
export const REPORT_EMAIL = 'report:email';

export interface ReportSettings {
  /** "HH:MM" on the report day, contract time. */
  time: string;
  slackChannels: string[];
  emails: string[];
  lang: Lang;
  token: string | null;
  publicUrl: string | null;
}

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  SSBTEK_REPORT_TIME: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || '08:00')
    .refine((v) => /^([01]\d|2[0-3]):[0-5]\d$/.test(v), { message: ISSUE('env.reportTime') }),
  SSBTEK_REPORT_SLACK_CHANNELS: list,
  SSBTEK_REPORT_EMAIL: list.refine((v) => v.every((a) => /^[^\s@]+@[^\s@]+$/.test(a)), { message: ISSUE('env.emails') }),
  SSBTEK_REPORT_LANG: z.string().optional(),
  SSBTEK_LANG: z.string().optional(),
  SSBTEK_REPORT_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : null))
    .refine((v) => v === null || v.length >= 16, { message: ISSUE('env.token') }),
  SSBTEK_PUBLIC_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim().replace(/\/+$/, '') : null))
    .refine((v) => v === null || /^https?:\/\/\S+$/.test(v), { message: ISSUE('env.publicUrl') }),
});

export function reportSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ReportSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    // One line per variable and what to fix, in SSBTEK_LANG, like every other setting.
    throw new ConfigError({ key: 'env.invalid' }, problemsFromZod(parsed.error), langFromEnv(env.SSBTEK_LANG));
  }
  const e = parsed.data;
  return {
    time: e.SSBTEK_REPORT_TIME,
    slackChannels: e.SSBTEK_REPORT_SLACK_CHANNELS,
    emails: e.SSBTEK_REPORT_EMAIL,
    lang: langFromLocale(e.SSBTEK_REPORT_LANG ?? e.SSBTEK_LANG),
    token: e.SSBTEK_REPORT_TOKEN,
    publicUrl: e.SSBTEK_PUBLIC_URL,
  };
}

/** When the report on month `month` is due: the report day of the following month at `time`, contract time. */
export function reportDueAt(contract: Contract, month: string, time: string): number {
  const next = shiftMonth(month, 1);
  const [h, m] = time.split(':').map(Number);
  const [y, mo] = next.split('-').map(Number);
  return DateTime.fromObject({ year: y, month: mo, day: contract.reportDay, hour: h, minute: m }, { zone: contract.timezone }).toMillis();
}

/** Sends a Slack message with files (files.uploadV2); the Slack Web API client implements it. */
export interface SlackFiles {
  filesUploadV2(args: Record<string, unknown>): Promise<unknown>;
}

export interface MonthlyReportsDeps {
  prisma: PrismaClient;
  contract: Contract;
  queue: JobQueue;
  reader: ComplianceReader;
  settings: ReportSettings;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string, err?: unknown): void };
  /** Slack client for the chat part (null: Slack deliveries wait for a process that has one). */
  slack?: SlackFiles | null;
  /** SMTP for the mail part; default from SMTP_URL/SMTP_FROM (null: mail waits for a process that has it). */
  smtp?: SmtpOptions | null;
  /** The 12-month chart for the chat part. */
  chart?: (series: MonthPoint[], lang: Lang) => Promise<Uint8Array>;
}

interface DeliveryPayload {
  month: string;
  generatedAt: number;
  lang: Lang;
  to: string;
}

export class MonthlyReports {
  private transporter: ReturnType<typeof nodemailer.createTransport> | null = null;
  private readonly smtp: SmtpOptions | null;

  constructor(private readonly deps: MonthlyReportsDeps) {
    this.smtp = deps.smtp === undefined ? smtpOptionsFromEnv() : deps.smtp;
  }

  /** The month whose report falls due most recently at or before `now`, and when. */
  latestDue(now: number): { month: string; dueAt: number } {
    const { contract, settings } = this.deps;
    const previous = shiftMonth(monthOf(contract.timezone, now), -1);
    const due = reportDueAt(contract, previous, settings.time);
    if (due <= now) return { month: previous, dueAt: due };
    const before = shiftMonth(previous, -1);
    return { month: before, dueAt: reportDueAt(contract, before, settings.time) };
  }

  /**
   * Writes the month's report job once (dedupe key `report:<month>`) when it is due. The
   * first month is the one due at or before `now`: a bot started after the 10th sends the
   * previous month's report then, once.
   */
  async ensureDue(now: number): Promise<boolean> {
    const { month, dueAt } = this.latestDue(now);
    const added = await this.deps.queue.enqueue(this.deps.prisma, [
      { kind: REPORT_JOB, destination: REPORT_DESTINATION, channel: null, payload: { month, generatedAt: now }, dedupeKey: `report:${month}`, dueAt },
    ]);
    return added > 0;
  }

  /** The job source every process runs: the report job when due. */
  readonly source: JobSource = {
    name: 'monthly-report',
    run: async () => {
      if (this.deps.settings.slackChannels.length === 0 && this.deps.settings.emails.length === 0) return;
      await this.ensureDue(await this.deps.queue.now());
    },
    nextDueAt: async () => {
      const { contract, settings } = this.deps;
      if (settings.slackChannels.length === 0 && settings.emails.length === 0) return null;
      const now = await this.deps.queue.now();
      const current = monthOf(contract.timezone, now);
      const due = reportDueAt(contract, shiftMonth(current, -1), settings.time);
      return due > now ? due : reportDueAt(contract, current, settings.time);
    },
  };

  /** Fans the month's job out into one delivery per party, in one transaction. */
  readonly fanOut: DeliveryHandler = {
    destination: REPORT_DESTINATION,
    paceMs: 0,
    deliver: async (jobs: ClaimedJob[], ctx: DeliveryContext) => {
      for (const job of jobs) {
        if (!(await ctx.beforeSend([job.id])).has(job.id)) continue;
        const month = String(job.payload.month);
        const generatedAt = Number(job.payload.generatedAt) || job.dueAt.getTime();
        const { settings, prisma, queue } = this.deps;
        const base = { month, generatedAt, lang: settings.lang };
        await prisma.$transaction(async (tx) => {
          await queue.enqueue(tx, [
            ...settings.slackChannels.map((channel) => ({
              kind: 'report',
              destination: REPORT_SLACK,
              channel,
              payload: { ...base, to: channel },
              dedupeKey: `report:${month}:slack:${channel}`,
            })),
            ...settings.emails.map((address) => ({
              kind: 'report',
              destination: REPORT_EMAIL,
              channel: address,
              payload: { ...base, to: address },
              dedupeKey: `report:${month}:email:${address}`,
            })),
          ]);
        });
        await ctx.complete(job);
        this.deps.log.info(`monthly report ${month}: ${settings.slackChannels.length} Slack channels and ${settings.emails.length} e-mail addresses queued`);
      }
    },
  };

  /** Posts the report in a Slack channel: the headline, the chart, and the three files. */
  readonly slackHandler: DeliveryHandler = {
    destination: REPORT_SLACK,
    paceMs: 1_000,
    deliver: async (jobs, ctx) => {
      const slack = this.deps.slack;
      for (const job of jobs) {
        if (ctx.stopped) return;
        if (!slack) return;
        if (!(await ctx.beforeSend([job.id])).has(job.id)) continue;
        const p = job.payload as DeliveryPayload;
        try {
          const { report, series } = await this.deps.reader.reportWithSeries(p.month, p.generatedAt);
          const tr = translator(p.lang);
          const files = this.files(report, p.lang);
          const uploads: Array<{ file: Buffer; filename: string; title: string }> = files.map((f) => ({
            file: Buffer.from(f.content),
            filename: f.filename,
            title: f.filename,
          }));
          if (this.deps.chart) {
            const png = await this.deps.chart(series, p.lang);
            uploads.unshift({
              file: Buffer.from(png),
              filename: `efterlevnad-${p.month}.png`,
              title: tr.t('compliance.chat.chartComment', { month: p.month }),
            });
          }
          await slack.filesUploadV2({
            channel_id: p.to,
            initial_comment: `${tr.t('compliance.job.posted', { month: p.month })}\n${complianceHeadline(report, tr)}`,
            file_uploads: uploads,
          });
          ctx.sent();
          await ctx.complete(job);
        } catch (err) {
          const failure = slackFailure(err);
          if (failure.retryAfterMs !== undefined) {
            ctx.rateLimited(failure.retryAfterMs);
            return;
          }
          await ctx.fail(job, failure);
        }
      }
    },
  };

  /** Mails the report to one address with the three files attached. */
  readonly emailHandler: DeliveryHandler = {
    destination: REPORT_EMAIL,
    paceMs: 0,
    deliver: async (jobs, ctx) => {
      if (!this.smtp) return;
      this.transporter ??= nodemailer.createTransport({ url: this.smtp.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
      for (const job of jobs) {
        if (!(await ctx.beforeSend([job.id])).has(job.id)) continue;
        const p = job.payload as DeliveryPayload;
        try {
          const report = await this.deps.reader.report(p.month, p.generatedAt);
          const tr = translator(p.lang);
          await this.transporter.sendMail({
            from: this.smtp.from,
            to: p.to,
            subject: tr.t('compliance.job.subject', { month: p.month }),
            text: tr.t('compliance.job.body', { month: p.month, headline: complianceHeadline(report, tr) }),
            attachments: this.files(report, p.lang).map((f) => ({ filename: f.filename, content: f.content, contentType: f.type })),
            messageId: `<report-${p.month}-${job.id}@ssbtek>`,
            headers: { 'Auto-Submitted': 'auto-generated' },
          });
          ctx.sent();
          await ctx.complete(job);
        } catch (err) {
          await ctx.fail(job, smtpFailure(err));
        }
      }
    },
  };

  /** Registers the source and the handlers this process can run; returns the unregister. */
  register(runner: JobRunner): () => void {
    runner.addSource(this.source);
    const off = [runner.register(this.fanOut)];
    if (this.deps.slack) off.push(runner.register(this.slackHandler));
    if (this.smtp) off.push(runner.register(this.emailHandler));
    return () => {
      for (const f of off) f();
      this.transporter?.close();
      this.transporter = null;
    };
  }

  /** The report's three renderings as files. */
  files(report: MonthlyReport, lang: Lang): Array<{ filename: string; content: string; type: string }> {
    const tr = translator(lang);
    const stem = `ssbtek-rapport-${report.month}${report.agency ? `-${report.agency}` : ''}`;
    return [
      { filename: `${stem}.md`, content: reportToMarkdown(report, tr), type: 'text/markdown; charset=utf-8' },
      { filename: `${stem}.csv`, content: reportToCsv(report, tr), type: 'text/csv; charset=utf-8' },
      { filename: `${stem}.json`, content: reportToJson(report), type: 'application/json; charset=utf-8' },
    ];
  }
}

/** A Slack Web API client for the report's chat part, from SLACK_BOT_TOKEN (and SLACK_API_URL); null without a token. */
export async function slackFilesFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<SlackFiles | null> {
  const token = env.SLACK_BOT_TOKEN?.trim();
  if (!token) return null;
  const { WebClient } = await import('@slack/web-api');
  const api = env.SLACK_API_URL?.trim();
  // No retries of its own: the job queue retries, backs off (Retry-After) and paces.
  const client = new WebClient(token, {
    ...(api ? { slackApiUrl: api.endsWith('/') ? api : `${api}/` } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  return { filesUploadV2: (args) => client.filesUploadV2(args as unknown as Parameters<typeof client.filesUploadV2>[0]) };
}

function slackFailure(err: unknown): JobFailure {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string } };
  if (e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') return { code: 'ratelimited', retryAfterMs: e.retryAfter * 1000 };
  const code = errorCode(err);
  return { code, permanent: ['channel_not_found', 'not_in_channel', 'invalid_auth', 'account_inactive', 'is_archived'].includes(code) };
}

// ------------------------------------------------------------------------------ HTTP

export interface ReportRoutesDeps {
  reader: ComplianceReader;
  contract: Contract;
  /** SSBTEK_REPORT_TOKEN: Bearer token, and the key of the links' signatures. */
  token: string;
  lang?: Lang;
  now: () => number;
}

/** The signature a report link carries: HMAC-SHA256(token, "<month>:<agency>") in base64url. */
export function reportSignature(token: string, month: string, agency: string | null): string {
  return createHmac('sha256', token)
    .update(`${month}:${agency ?? ''}`)
    .digest('base64url');
}

/** Links to the month's report in the three formats, signed so the token itself never appears in chat. */
export function reportLinks(publicUrl: string, token: string, month: string, agency: string | null): { md: string; csv: string; json: string } {
  const query = `${agency ? `agency=${encodeURIComponent(agency)}&` : ''}sig=${reportSignature(token, month, agency)}`;
  const url = (ext: string) => `${publicUrl}/reports/${month}.${ext}?${query}`;
  return { md: url('md'), csv: url('csv'), json: url('json') };
}

/**
 * `GET /reports/<YYYY-MM>.md|csv|json[?agency=<id>][&lang=sv|en]`: the month's report,
 * for `Authorization: Bearer <SSBTEK_REPORT_TOKEN>` or a link's `sig`. 401 otherwise.
 */
export function mountReports(server: HttpServer, deps: ReportRoutesDeps): void {
  server.mount(
    '/reports',
    async (req: HttpRequest, res) => {
      const m = /^\/(\d{4}-\d{2})\.(md|csv|json)$/.exec(req.subpath);
      if (!m) throw new HttpError(404, 'not found');
      const month = m[1]!;
      const format = m[2] as 'md' | 'csv' | 'json';
      const agency = req.query.get('agency') || null;
      if (!authorized(req, deps.token, month, agency)) throw new HttpError(401, 'unauthorized', { 'www-authenticate': 'Bearer' });
      try {
        monthBounds(deps.contract.timezone, month);
      } catch {
        throw new HttpError(404, 'not found');
      }
      if (agency !== null && !deps.contract.agencies.some((a) => a.id === agency)) throw new HttpError(404, 'unknown agency');
      const tr = translator(langFromLocale(req.query.get('lang') ?? deps.lang ?? 'sv'));
      const report = await deps.reader.report(month, deps.now(), agency);
      const headers = {
        'cache-control': 'no-store',
        'content-disposition': `inline; filename="ssbtek-rapport-${month}${agency ? `-${agency}` : ''}.${format}"`,
      };
      if (format === 'json') sendText(res, 200, reportToJson(report), 'application/json; charset=utf-8', headers);
      else if (format === 'csv') sendText(res, 200, reportToCsv(report, tr), 'text/csv; charset=utf-8', headers);
      else sendText(res, 200, reportToMarkdown(report, tr), 'text/markdown; charset=utf-8', headers);
    },
    { methods: ['GET', 'HEAD'] },
  );
}

function authorized(req: HttpRequest, token: string, month: string, agency: string | null): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (bearer !== undefined && same(bearer, token)) return true;
  const sig = req.query.get('sig');
  return sig !== null && same(sig, reportSignature(token, month, agency));
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// ------------------------------------------------------------------------------ assembly

export interface ComplianceParts {
  cases: CaseService;
  outages: OutageLog;
  reader: ComplianceReader;
  commands: ComplianceCommands;
  reports: MonthlyReports;
  settings: ReportSettings;
  /** The incident change hook that writes a Påverkan-1 incident's outage. */
  outageHook: OutageLog['hook'];
  close(): void;
}

export interface CreateComplianceDeps {
  prisma: PrismaClient;
  contract: Contract;
  calendar: BusinessCalendar;
  queue: JobQueue;
  runner: JobRunner;
  log: MonthlyReportsDeps['log'];
  /** Default from the environment (SSBTEK_REPORT_*, SSBTEK_PUBLIC_URL). */
  settings?: ReportSettings;
  /** Default: from SLACK_BOT_TOKEN when report channels are configured. */
  slack?: SlackFiles | null;
  smtp?: SmtpOptions | null;
  /** Run in every order's and problem's change (the reminder plan). */
  caseHooks?: CaseChangeHook[];
}

/** Orders, problems, outages, the compliance figures, the `compliance` answer and the monthly report, wired. */
export async function createCompliance(deps: CreateComplianceDeps): Promise<ComplianceParts> {
  const { prisma, contract, calendar } = deps;
  const settings = deps.settings ?? reportSettingsFromEnv();
  const cases = new CaseService({ prisma, contract, calendar, hooks: deps.caseHooks ?? [] });
  const outages = new OutageLog({ prisma, contract, calendar });
  const reader = new ComplianceReader({ prisma, contract, calendar });
  const goals = { cases: contract.goals.incidents, availability: contract.availability.minShare };
  // vega and resvg load on the first chart, not with the bot.
  const chart = async (series: MonthPoint[], tr: Translator) => (await import('../platforms/chart/index.js')).complianceChartPng(series, goals, tr);
  const token = settings.token;
  const commands = new ComplianceCommands({
    contract,
    cases,
    outages,
    reader,
    chart,
    reportLinks: token && settings.publicUrl ? (month, agency) => reportLinks(settings.publicUrl!, token, month, agency) : undefined,
    logError: (err, context) => deps.log.error(`fault in ${context}`, err),
  });
  const slack = deps.slack !== undefined ? deps.slack : settings.slackChannels.length ? await slackFilesFromEnv() : null;
  const reports = new MonthlyReports({
    prisma,
    contract,
    queue: deps.queue,
    reader,
    settings,
    log: deps.log,
    slack,
    smtp: deps.smtp,
    chart: (series, lang) => chart(series, translator(lang)),
  });
  const unregister = reports.register(deps.runner);
  return { cases, outages, reader, commands, reports, settings, outageHook: outages.hook, close: unregister };
}
