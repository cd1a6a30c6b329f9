// The monthly report FROM THE STORE (issue 14): a year (2026) of 100,000 incidents,
// 20,000 orders and problems and 500 outages in the database, and October's report read
// (ComplianceReader: one query per table) and rendered in all three formats — on
// PostgreSQL and on PGlite (on disk). The measuring runs in a child process that only
// opens the store and makes the report, so its peak RSS is the report's. Also: the
// history import of 100,000 incidents from CSV (`ssbtek import incidents`).
//
//   report:  read + figures + JSON + Markdown + CSV for one month (median of 3, and the first)
//   series:  the month and the 12 months before it, as the `compliance` answer reads them
//   idle:    peak RSS of a child that only opens the store and runs SELECT 1 (what the report
//            adds is the difference)
//   before:  PGlite with shared_buffers=128MB (a new data folder's own setting, the store's
//            default before) and plain node; and the store's default without the node flags
//
// The children run with the node flags of `npm start` (package.json), as the bot does.
//   import:  HistoryImporter over a 100,000-row CSV (check every row, compute deadlines, write)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import { buildContract } from '../src/config/load.js';
import { BusinessCalendar } from '../src/domain/calendar.js';
import type { CaseFact } from '../src/domain/compliance.js';
import { reportToCsv, reportToJson, reportToMarkdown } from '../src/domain/report.js';
import { translator } from '../src/i18n/index.js';
import { ComplianceReader } from '../src/services/compliance.js';
import { HistoryImporter } from '../src/services/import.js';
import { openDatabase, type Database } from '../src/store/index.js';
import { makeYear } from './compliance.bench.js';
import type { BenchResult } from './run.js';
import { benchDatabase, BENCH_PG_URL, round, rssMb } from './support.js';

export const name = 'report';

const NOW = Date.UTC(2027, 0, 10, 6);
const CHUNK = 5_000;

/** Writes the year's facts with a few multi-row statements per table. */
async function load(db: Database): Promise<{ incidents: number; cases: number; outages: number }> {
  const contract = buildContract();
  const year = makeYear();
  const prisma = db.prisma;
  await prisma.configSnapshot.create({ data: { version: contract.version, content: {} } });
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const incidents = year.cases.filter((c) => c.kind === 'incident');
  const cases = year.cases.filter((c) => c.kind !== 'incident');
  const impactOf: Record<string, number> = { critical: 1, high: 2, medium: 3, low: 4 };
  for (let i = 0; i < incidents.length; i += CHUNK) {
    const part = incidents.slice(i, i + CHUNK);
    const col = <T>(f: (c: CaseFact) => T) => part.map(f);
    await prisma.$executeRaw`
      INSERT INTO incidents (title, org_id, impact, timing, suggested_timing, priority, security, status, reporter, source,
        received_at, response_due_at, resolution_due_at, config_version, acknowledged_at, resolved_at, closed_at, updated_at)
      SELECT 'Incident ' || r, o, i, 3, 3, p, s, CASE WHEN x IS NULL THEN 'open' ELSE 'closed' END, 'bench', 'cli',
        ra::timestamptz, rd::timestamptz, sd::timestamptz, ${contract.version}, a::timestamptz, x::timestamptz, x::timestamptz, now()
      FROM unnest(${col((c) => c.ref)}::text[], ${col((c) => c.agency)}::text[], ${col((c) => impactOf[c.priority!]!)}::int[], ${col((c) => c.priority!)}::text[],
        ${col((c) => c.security === true)}::boolean[], ${col((c) => iso(c.receivedAt))}::text[], ${col((c) => iso(c.responseDueAt))}::text[], ${col((c) => iso(c.resolutionDueAt))}::text[],
        ${col((c) => iso(c.acknowledgedAt))}::text[], ${col((c) => iso(c.resolvedAt))}::text[]) AS t(r, o, i, p, s, ra, rd, sd, a, x)`;
  }
  let orderNo = 0;
  let problemNo = 0;
  for (let i = 0; i < cases.length; i += CHUNK) {
    const part = cases.slice(i, i + CHUNK);
    const col = <T>(f: (c: CaseFact) => T) => part.map(f);
    await prisma.$executeRaw`
      INSERT INTO cases (kind, number, title, org_id, order_type, priority, status, reporter, source, received_at, response_due_at, resolution_due_at,
        config_version, acknowledged_at, resolved_at, closed_at, root_cause, action, updated_at)
      SELECT k, n, 'Ärende ' || n, o, ot, p, CASE WHEN x IS NULL THEN 'open' ELSE 'closed' END, 'bench', 'cli', ra::timestamptz, rd::timestamptz, sd::timestamptz,
        ${contract.version}, a::timestamptz, x::timestamptz, x::timestamptz, rc, ac, now()
      FROM unnest(${col((c) => c.kind)}::text[], ${col((c) => (c.kind === 'order' ? ++orderNo : ++problemNo))}::int[], ${col((c) => c.agency)}::text[],
        ${col((c) => c.orderType ?? null)}::text[], ${col((c) => c.priority ?? null)}::text[], ${col((c) => iso(c.receivedAt))}::text[], ${col((c) => iso(c.responseDueAt))}::text[],
        ${col((c) => iso(c.resolutionDueAt))}::text[], ${col((c) => iso(c.acknowledgedAt))}::text[], ${col((c) => iso(c.resolvedAt))}::text[],
        ${col((c) => c.rootCause ?? null)}::text[], ${col((c) => c.action ?? null)}::text[]) AS t(k, n, o, ot, p, ra, rd, sd, a, x, rc, ac)`;
  }
  const o = year.outages;
  await prisma.$executeRaw`
    INSERT INTO outages (start_at, end_at, agencies, base_services, cause, action_plan, planned, kind)
    SELECT s::timestamptz, e::timestamptz, CASE WHEN a = '' THEN ARRAY[]::text[] ELSE ARRAY[a] END, ARRAY['Inkomst'], 'orsak', 'plan', p, k
    FROM unnest(${o.map((x) => iso(x.start))}::text[], ${o.map((x) => iso(x.end))}::text[], ${o.map((x) => x.agencies[0] ?? '')}::text[],
      ${o.map((x) => x.planned)}::boolean[], ${o.map((x) => (x.state === 'disturbed' ? 'disturbed' : 'unplanned'))}::text[]) AS t(s, e, a, p, k)`;
  return { incidents: incidents.length, cases: cases.length, outages: o.length };
}

/** The node flags `npm start` runs the bot with (package.json), for the children. */
function botNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`npm start does not run node: ${pkg.scripts.start}`);
  return words.slice(1).filter((w) => w.startsWith('--'));
}

/**
 * In the child. "idle": open the store and run SELECT 1, nothing else (the baseline).
 * "rss": open the store and make October's report once in all three formats, as the
 * report job does; its peak RSS. "time": the same three times (first and median), then the
 * 12-month series once. REPORT_BENCH_SHARED_BUFFERS (PGlite only): open the store with
 * that shared_buffers instead of its default.
 */
async function child(mode: string): Promise<void> {
  const contract = buildContract();
  const calendar = new BusinessCalendar(contract);
  const tr = translator('sv');
  const url = process.env.REPORT_BENCH_URL;
  const dataDir = process.env.REPORT_BENCH_DIR!;
  const db = await openDatabase(url ? { url } : { dataDir, pgliteSharedBuffers: process.env.REPORT_BENCH_SHARED_BUFFERS });
  if (mode === 'idle') {
    await db.prisma.$queryRaw`SELECT 1`;
    await db.close();
    process.stdout.write(`${JSON.stringify({ first: 0, median: 0, seriesMs: 0, bytes: 0, peakMb: rssMb() })}\n`);
    return;
  }
  const reader = new ComplianceReader({ prisma: db.prisma, contract, calendar });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < (mode === 'rss' ? 1 : 3); i++) {
    const t0 = performance.now();
    const report = await reader.report('2026-10', NOW);
    bytes = reportToJson(report).length + reportToMarkdown(report, tr).length + reportToCsv(report, tr).length;
    times.push(performance.now() - t0);
  }
  let seriesMs = 0;
  if (mode === 'time') {
    const t1 = performance.now();
    await reader.reportWithSeries('2026-12', NOW);
    seriesMs = performance.now() - t1;
  }
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ first: times[0], median: [...times].sort((a, b) => a - b)[times.length >> 1], seriesMs, bytes, peakMb: rssMb() })}\n`,
  );
}

/**
 * The child runs as the built bot does: plain node on an esbuild bundle of this file (the
 * dependencies stay in node_modules), not through tsx's transpiler, which alone costs
 * tens of megabytes.
 */
async function bundleChild(): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = fileURLToPath(new URL('../.bench/child/report-child.mjs', import.meta.url));
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    target: 'node20',
    logLevel: 'error',
  });
  return outfile;
}

let bundled: Promise<string> | null = null;

async function runChild(
  mode: 'idle' | 'rss' | 'time',
  env: Record<string, string>,
  nodeFlags: string[] = botNodeFlags(),
): Promise<{ first: number; median: number; seriesMs: number; bytes: number; peakMb: number }> {
  bundled ??= bundleChild();
  const proc = spawn(process.execPath, [...nodeFlags, await bundled], {
    env: { ...process.env, REPORT_BENCH_CHILD: mode, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (err += d));
  return new Promise<{ first: number; median: number; seriesMs: number; bytes: number; peakMb: number }>((resolve, reject) => {
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`report bench child failed (${code}): ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!));
    });
  });
}

/** 100,000 incident rows as the import takes them (Swedish headers, offsets). */
function incidentCsv(rows: number): string {
  const lines = ['ref;myndighet;påverkan;tidpunkt;titel;mottagen;påbörjad;åtgärdad;stängd;säkerhet'];
  const agencies = ['csn', 'skatteverket', 'forsakringskassan'];
  const from = DateTime.fromISO('2026-01-02T08:00', { zone: 'Europe/Stockholm' });
  for (let i = 0; i < rows; i++) {
    const received = from.plus({ minutes: i * 5 });
    const iso = (d: DateTime) => d.toISO({ suppressMilliseconds: true })!;
    lines.push(
      `H-${i};${agencies[i % 3]};${(i % 4) + 1};3;"Ärende ${i}, importerat";${iso(received)};${iso(received.plus({ minutes: 10 }))};${iso(received.plus({ hours: 3 }))};;nej`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const contract = buildContract();
  const calendar = new BusinessCalendar(contract);
  for (const kind of ['postgres', 'pglite'] as const) {
    const dir = kind === 'pglite' ? mkdtempSync(join(tmpdir(), 'ssbtek-report-bench-')) : null;
    const schema = `bench_report_${Date.now().toString(36)}`;
    const url = new URL(BENCH_PG_URL);
    url.searchParams.set('schema', schema);
    const db = kind === 'pglite' ? await openDatabase({ dataDir: dir! }) : await openDatabase({ url: url.toString() });
    try {
      const t0 = performance.now();
      const counts = await load(db);
      results.push({
        metric: `${kind}: loading ${counts.incidents} incidents, ${counts.cases} orders and problems, ${counts.outages} outages`,
        value: round(performance.now() - t0, 0),
        unit: 'ms',
      });
      await db.close();
      const where: Record<string, string> = kind === 'pglite' ? { REPORT_BENCH_DIR: dir! } : { REPORT_BENCH_URL: url.toString() };
      const m = await runChild('time', where);
      const idle = await runChild('idle', where);
      const rss = await runChild('rss', where);
      const goal = kind === 'postgres' ? '<= 1000' : '<= 3000';
      results.push(
        { metric: `${kind}: October's report from the store, read + figures + md/csv/json (median of 3)`, value: round(m.median, 0), unit: 'ms', goal },
        { metric: `${kind}: the same, first in the process`, value: round(m.first, 0), unit: 'ms' },
        { metric: `${kind}: the 12-month series and the month (the compliance answer)`, value: round(m.seriesMs, 0), unit: 'ms' },
        { metric: `${kind}: peak RSS of a process that opens the store and does nothing`, value: round(idle.peakMb, 0), unit: 'MB' },
        { metric: `${kind}: peak RSS of a process making the report once (as the job does)`, value: round(rss.peakMb, 0), unit: 'MB', goal: '<= 250' },
        { metric: `${kind}: peak RSS after three reports and the 12-month series`, value: round(m.peakMb, 0), unit: 'MB' },
        { metric: `${kind}: report size, three formats`, value: round(m.bytes / 1_048_576, 1), unit: 'MiB' },
      );
      // Before: plain node (no flags), and on PGlite also a 128MB buffer pool.
      const plain = await runChild('rss', where, []);
      results.push({ metric: `${kind}, before (plain node, no flags): peak RSS, report once`, value: round(plain.peakMb, 0), unit: 'MB' });
      if (kind === 'pglite') {
        const big = { ...where, REPORT_BENCH_SHARED_BUFFERS: '128MB' };
        const [idleBig, rssBig] = [await runChild('idle', big, []), await runChild('rss', big, [])];
        results.push(
          { metric: 'pglite, before (shared_buffers=128MB, plain node): peak RSS, open and nothing', value: round(idleBig.peakMb, 0), unit: 'MB' },
          { metric: 'pglite, before (shared_buffers=128MB, plain node): peak RSS, report once', value: round(rssBig.peakMb, 0), unit: 'MB' },
          { metric: 'pglite, before (shared_buffers=128MB, plain node): that report', value: round(rssBig.first, 0), unit: 'ms' },
        );
      }
    } finally {
      if (kind === 'postgres') {
        const pg = (await import('pg')).default;
        const admin = new pg.Client({ connectionString: BENCH_PG_URL });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      } else rmSync(dir!, { recursive: true, force: true });
    }
  }

  if (process.env.REPORT_BENCH_SKIP_IMPORT) return results;
  const csv = incidentCsv(100_000);
  for (const kind of ['postgres', 'pglite'] as const) {
    const db = await benchDatabase(kind);
    try {
      const importer = new HistoryImporter({ prisma: db.prisma, contract, calendar });
      const t0 = performance.now();
      const result = await importer.import('incidents', csv, { id: 'bench', source: 'cli' }, NOW);
      const ms = performance.now() - t0;
      if (result.imported !== 100_000) throw new Error(`imported ${result.imported}: ${JSON.stringify(result.problems.slice(0, 3))}`);
      results.push({ metric: `${kind}: import of 100,000 incident rows from CSV`, value: round(ms, 0), unit: 'ms' });
      const t1 = performance.now();
      const again = await importer.import('incidents', csv, { id: 'bench', source: 'cli' }, NOW);
      results.push({ metric: `${kind}: the same file again (all ${again.skipped} skipped)`, value: round(performance.now() - t1, 0), unit: 'ms' });
    } finally {
      await db.close();
    }
  }
  return results;
}

if (process.env.REPORT_BENCH_CHILD) await child(process.env.REPORT_BENCH_CHILD);
