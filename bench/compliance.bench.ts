// The pure compliance computation and the monthly report over a year of facts:
// 100,000 incidents, 20,000 orders and problems, 500 outages (issue 14), plus 150
// service windows and a few extra opening hours. Deadlines come from the contract
// (deadlinesFor), receipts spread over 2026 with nights, weekends and holidays, most
// cases resolved within their targets, some late, some still open.
//
//   one month:  computeCompliance + buildReport + JSON, Markdown and CSV, for October
//   twelve:     the figures for each month of the year (the 12-month chart)
//   peak RSS:   of a child process that holds the year's facts and does both
//
// The measurement runs in a child process (this file with COMPLIANCE_BENCH_CHILD=1),
// so its peak RSS is its own and not that of the benches before it. The store's
// reading of the facts is not included (that is the store's bench).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ORDER_TYPES, PRIORITIES, type Priority } from '../src/config/contract.js';
import { buildContract } from '../src/config/load.js';
import { BusinessCalendar } from '../src/domain/calendar.js';
import { computeCompliance, shiftMonth, type CaseFact, type ComplianceInput, type OutageFact, type WindowFact } from '../src/domain/compliance.js';
import { deadlinesFor, type CaseRef } from '../src/domain/deadlines.js';
import { buildReport, reportToCsv, reportToJson, reportToMarkdown } from '../src/domain/report.js';
import { translator } from '../src/i18n/index.js';
import type { BenchResult } from './run.js';
import { rssMb } from './support.js';
import { mulberry32 as random } from '../test/support/random.js';

export const name = 'compliance';

const INCIDENTS = 100_000;
const ORDERS_AND_PROBLEMS = 20_000;
const OUTAGES = 500;
const WINDOWS = 150;
const FROM = Date.UTC(2025, 11, 31, 23); // 2026-01-01 00:00 Stockholm
const YEAR_MS = 365 * 86_400_000;
const NOW = Date.UTC(2027, 0, 10, 6); // 2027-01-10 07:00 Stockholm: the year is over
const AGENCIES = ['forsakringskassan', 'skatteverket', 'csn', 'arbetsformedlingen', 'pensionsmyndigheten', 'transportstyrelsen', 'a-kassorna'];
const PRIORITY_WEIGHTS: Array<[Priority, number]> = [
  ['critical', 3],
  ['high', 12],
  ['medium', 30],
  ['low', 25],
];

export function makeYear(seed = 20261130): Omit<ComplianceInput, 'month' | 'now'> {
  const rnd = random(seed);
  const calendar = new BusinessCalendar(buildContract());
  const total = PRIORITY_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const priority = (): Priority => {
    let x = rnd() * total;
    for (const [p, w] of PRIORITY_WEIGHTS) if ((x -= w) < 0) return p;
    return 'low';
  };
  const cases: CaseFact[] = [];
  const make = (i: number, ref: CaseRef, prefix: string): CaseFact => {
    const agency = AGENCIES[Math.floor(rnd() * AGENCIES.length)]!;
    const receivedAt = FROM + Math.floor(rnd() * YEAR_MS);
    const d = deadlinesFor(calendar, ref, receivedAt, agency);
    const span = d.resolution - receivedAt;
    const fate = rnd();
    // 90 % in time, 9.9 % late (by up to the target again plus ten days), 0.1 % never
    // resolved; work starts in time in about 92 %.
    const resolvedAt =
      fate < 0.9 ? receivedAt + Math.floor(rnd() * span) : fate < 0.999 ? d.resolution + Math.floor(rnd() * (span + 10 * 86_400_000)) + 1000 : null;
    const acknowledgedAt = d.response === null ? null : rnd() < 0.92 ? receivedAt + Math.floor(rnd() * (d.response - receivedAt)) : d.response + 60_000;
    return {
      ref: `${prefix}-${i}`,
      kind: ref.kind,
      agency,
      priority: ref.kind === 'order' ? null : ref.priority,
      orderType: ref.kind === 'order' ? ref.type : null,
      security: ref.kind === 'incident' && rnd() < 0.01,
      title: null,
      receivedAt,
      responseDueAt: d.response,
      resolutionDueAt: d.resolution,
      acknowledgedAt: resolvedAt !== null && acknowledgedAt !== null && acknowledgedAt > resolvedAt ? null : acknowledgedAt,
      resolvedAt,
      closedAt: resolvedAt,
      rootCause: ref.kind === 'problem' ? 'rotorsak' : null,
      action: ref.kind === 'problem' ? 'åtgärd' : null,
    };
  };
  for (let i = 0; i < INCIDENTS; i++) cases.push(make(i + 1, { kind: 'incident', priority: priority() }, 'INC'));
  for (let i = 0; i < ORDERS_AND_PROBLEMS; i++) {
    const ref: CaseRef =
      rnd() < 0.6 ? { kind: 'order', type: ORDER_TYPES[rnd() < 0.25 ? 0 : 1] } : { kind: 'problem', priority: PRIORITIES[Math.floor(rnd() * 4)]! };
    cases.push(make(i + 1, ref, ref.kind === 'order' ? 'BES' : 'PRB'));
  }
  const outages: OutageFact[] = Array.from({ length: OUTAGES }, (_, i) => {
    const start = FROM + Math.floor(rnd() * YEAR_MS);
    return {
      ref: `AVB-${i + 1}`,
      start,
      end: start + Math.floor(rnd() * 6 * 3_600_000),
      agencies: rnd() < 0.3 ? [] : [AGENCIES[Math.floor(rnd() * AGENCIES.length)]!],
      baseServices: ['Inkomst'],
      cause: 'orsak',
      actionPlan: 'plan',
      planned: rnd() < 0.2,
      state: rnd() < 0.1 ? 'disturbed' : 'down',
    };
  });
  const windows: WindowFact[] = Array.from({ length: WINDOWS }, (_, i) => {
    const start = FROM + Math.floor(rnd() * YEAR_MS);
    return { ref: `FON-${i + 1}`, start, end: start + 2 * 3_600_000, status: 'done', outcome: 'ok' };
  });
  const extraOpening = Array.from({ length: 6 }, () => {
    const start = FROM + Math.floor(rnd() * YEAR_MS);
    return { start, end: start + 4 * 3_600_000 };
  });
  return { cases, outages, windows, extraOpening };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/**
 * In a child process. "time": build the year, then time the report for one month
 * (median of 5) and the figures for all twelve (median of 3). "rss": build the year and
 * make one month's report in all three formats, once, as the report job does; its peak
 * RSS. "baseline": the same modules loaded and nothing done.
 */
async function child(mode: string): Promise<void> {
  const contract = buildContract();
  const calendar = new BusinessCalendar(contract);
  const sv = translator('sv');
  if (mode === 'baseline') return void process.stdout.write(`${JSON.stringify({ peakMb: rssMb() })}\n`);
  const t0 = performance.now();
  const year = makeYear();
  const generateMs = performance.now() - t0;

  let bytes = 0;
  const oneMonth = () => {
    const start = performance.now();
    const c = computeCompliance(calendar, { ...year, month: '2026-10', now: NOW });
    const computed = performance.now();
    const report = buildReport(c, { generatedAt: NOW, contractVersion: contract.version });
    bytes = reportToJson(report).length + reportToMarkdown(report, sv).length + reportToCsv(report, sv).length;
    return { total: performance.now() - start, compute: computed - start };
  };
  if (mode === 'rss') {
    oneMonth();
    return void process.stdout.write(`${JSON.stringify({ peakMb: rssMb(), bytes })}\n`);
  }
  const twelve = () => {
    const start = performance.now();
    for (let m = 0; m < 12; m++) computeCompliance(calendar, { ...year, month: shiftMonth('2026-01', m), now: NOW });
    return performance.now() - start;
  };
  const first = oneMonth(); // cold: the calendar's day cache is empty, the code not yet optimised
  const runs = Array.from({ length: 5 }, oneMonth);
  const twelves = Array.from({ length: 3 }, twelve);
  process.stdout.write(
    `${JSON.stringify({
      generateMs,
      coldMs: first.total,
      monthMs: median(runs.map((r) => r.total)),
      computeMs: median(runs.map((r) => r.compute)),
      twelveMs: median(twelves),
      bytes,
    })}\n`,
  );
}

/** Runs this file as a child in `mode`; its last line of output, parsed. */
async function inChild<T extends Record<string, number>>(mode: string): Promise<T> {
  const self = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, ['--import', 'tsx', self], { env: { ...process.env, COMPLIANCE_BENCH_CHILD: mode }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code: number | null = await new Promise((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', resolve);
  });
  if (code !== 0) throw new Error(`compliance bench child (${mode}) failed (exit ${code}): ${err}`);
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function run(): Promise<BenchResult[]> {
  const time = await inChild<{ generateMs: number; coldMs: number; monthMs: number; computeMs: number; twelveMs: number; bytes: number }>('time');
  const rss = await inChild<{ peakMb: number; bytes: number }>('rss');
  const baseline = await inChild<{ peakMb: number }>('baseline');
  const facts = `${INCIDENTS / 1000}k incidents, ${ORDERS_AND_PROBLEMS / 1000}k orders+problems, ${OUTAGES} outages`;
  return [
    { metric: `one month's report (figures + JSON, Markdown, CSV), a year of ${facts}`, value: time.monthMs, unit: 'ms', goal: '<= 1000' },
    { metric: "one month's figures only (computeCompliance)", value: time.computeMs, unit: 'ms' },
    { metric: "one month's report, first run in the process", value: time.coldMs, unit: 'ms' },
    { metric: 'twelve months of figures (the 12-month chart)', value: time.twelveMs, unit: 'ms' },
    { metric: 'report size, JSON + Markdown + CSV', value: rss.bytes / 1024, unit: 'KiB' },
    { metric: 'peak RSS: a process holding the year that makes one report', value: rss.peakMb, unit: 'MB', goal: '<= 250' },
    { metric: 'peak RSS: the same process with the modules loaded only', value: baseline.peakMb, unit: 'MB' },
    { metric: 'generating the year of facts (not in the figures above)', value: time.generateMs, unit: 'ms' },
  ];
}

const mode = process.env.COMPLIANCE_BENCH_CHILD;
if (mode && process.argv[1] === fileURLToPath(import.meta.url)) await child(mode);
