// `ssbtek report [--month YYYY-MM] [--agency <id>] [--format md|csv|json]`: prints the
// monthly report (5, 5.1) from the store, the same one the bot sends on the report day.
// Without --month: the previous month. Reads DATABASE_URL, else the embedded store in
// SSBTEK_DATA_DIR.
import { resolve } from 'node:path';
import { monthBounds, monthOf, shiftMonth } from '../domain/compliance.js';
import { reportToCsv, reportToJson, reportToMarkdown } from '../domain/report.js';
import { ComplianceReader } from '../services/compliance.js';
import { openDatabase, type Database } from '../store/index.js';
import { CliError, type CliContext, type Command } from './context.js';

export const REPORT_FORMATS = ['md', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The store the CLI works on: DATABASE_URL, else the embedded one in SSBTEK_DATA_DIR. */
export async function openCliStore(ctx: CliContext): Promise<Database> {
  const url = ctx.io.env.DATABASE_URL?.trim() || undefined;
  const dataDir = resolve(ctx.io.env.SSBTEK_DATA_DIR?.trim() || 'data', 'pglite');
  return openDatabase({ url, dataDir });
}

export const reportCommand: Command = {
  summary: 'compliance.cli.report.summary',
  usage: 'compliance.cli.report.usage',
  options: ['month', 'agency', 'format'],
  usageVars(ctx) {
    return {
      agencies: ctx
        .contract()
        .agencies.map((a) => a.id)
        .join(', '),
    };
  },
  async run(ctx, args) {
    const contract = ctx.contract();
    const zone = contract.timezone;
    const month = args.values.month ?? shiftMonth(monthOf(zone, ctx.io.now()), -1);
    const problems = [];
    try {
      monthBounds(zone, month);
    } catch {
      problems.push({ key: 'compliance.cli.badMonth', vars: { value: month } });
    }
    const agency = args.values.agency ?? null;
    if (agency !== null && !contract.agencies.some((a) => a.id === agency)) {
      problems.push({ key: 'compliance.cli.badAgency', vars: { value: agency, known: contract.agencies.map((a) => a.id).join(', ') } });
    }
    const format = (args.values.format ?? 'md') as ReportFormat;
    if (!REPORT_FORMATS.includes(format))
      problems.push({ key: 'compliance.cli.badFormat', vars: { value: String(format), allowed: REPORT_FORMATS.join(', ') } });
    if (problems.length) throw new CliError(problems);

    const database = await openCliStore(ctx);
    try {
      const reader = new ComplianceReader({ prisma: database.prisma, contract, calendar: ctx.calendar() });
      const report = await reader.report(month, ctx.io.now(), agency);
      const text = format === 'json' ? reportToJson(report) : format === 'csv' ? reportToCsv(report, ctx.tr) : reportToMarkdown(report, ctx.tr);
      ctx.io.stdout.write(text);
    } finally {
      await database.close();
    }
  },
};
