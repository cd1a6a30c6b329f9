// Deadline computations per second on one core, with a realistic mix of cases: every
// kind and priority (weighted as they occur: mostly medium and low incidents), both
// support clocks (08:00–17:00 and Transportstyrelsen's 08:00–16:30), and receipts
// spread over two years, nights, weekends and holidays included.
//
//   warm:  one calendar whose day cache is full (the bot's steady state)
//   cold:  a new BusinessCalendar for every 1,000 cases (holiday table and days rebuilt)
//   batch: the real `ssbtek deadlines --batch` child process, lines/s and peak RSS
//
// BENCH_BATCH_LINES sets the batch size (default 200,000).
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildContract } from '../src/config/load.js';
import { BusinessCalendar } from '../src/domain/calendar.js';
import { deadlinesFor, type CaseRef } from '../src/domain/deadlines.js';
import type { BenchResult } from './run.js';
import { mulberry32 as random } from '../test/support/random.js';

export const name = 'deadlines';

const GOAL = '>= 100000';
const FROM = Date.UTC(2025, 11, 31, 23); // 2026-01-01 00:00 Stockholm
const SPAN = 2 * 365 * 86_400_000;
const AGENCIES = ['forsakringskassan', 'transportstyrelsen'];
const BIN = fileURLToPath(new URL('../bin/ssbtek.js', import.meta.url));

/** Relative frequency of each kind of case. */
const MIX: Array<[CaseRef, number]> = [
  [{ kind: 'incident', priority: 'critical' }, 3],
  [{ kind: 'incident', priority: 'high' }, 12],
  [{ kind: 'incident', priority: 'medium' }, 30],
  [{ kind: 'incident', priority: 'low' }, 25],
  [{ kind: 'problem', priority: 'critical' }, 1],
  [{ kind: 'problem', priority: 'high' }, 2],
  [{ kind: 'problem', priority: 'medium' }, 3],
  [{ kind: 'problem', priority: 'low' }, 4],
  [{ kind: 'order', type: 'connection' }, 5],
  [{ kind: 'order', type: 'question' }, 15],
];

interface Case {
  ref: CaseRef;
  at: number;
  org: string;
}

function makeCases(n: number, seed = 20261127): Case[] {
  const rnd = random(seed);
  const total = MIX.reduce((sum, [, w]) => sum + w, 0);
  const pick = (): CaseRef => {
    let x = rnd() * total;
    for (const [ref, w] of MIX) if ((x -= w) < 0) return ref;
    return MIX[MIX.length - 1]![0];
  };
  return Array.from({ length: n }, () => ({ ref: pick(), at: FROM + Math.floor(rnd() * SPAN), org: AGENCIES[rnd() < 0.5 ? 0 : 1]! }));
}

/** Runs `pass` until at least `seconds` have gone by; computations per second. */
function rate(pass: () => number, seconds: number): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    count += pass();
    elapsed = performance.now() - start;
  } while (elapsed < seconds * 1000);
  return count / (elapsed / 1000);
}

let sink = 0;
function computeAll(calendar: BusinessCalendar, cases: readonly Case[]): number {
  for (const c of cases) sink += deadlinesFor(calendar, c.ref, c.at, c.org).resolution & 1;
  return cases.length;
}

function toLine(c: Case): string {
  const what = c.ref.kind === 'order' ? { type: c.ref.type } : { priority: c.ref.priority };
  return JSON.stringify({ kind: c.ref.kind, ...what, opened: new Date(c.at).toISOString(), org: c.org });
}

/** One `ssbtek deadlines --batch` run: wall seconds, output lines and the child's peak RSS in MB. */
async function batchRun(file: string): Promise<{ seconds: number; lines: number; peakMb: number }> {
  // The child's own peak (VmHWM): getrusage's maxRSS carries the parent's RSS across exec.
  const reportRss = `import { readFileSync } from 'node:fs'; process.on('exit', () => process.stderr.write('\\n@@maxrss=' + /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1] + '\\n'))`;
  const input = openSync(file, 'r');
  const start = performance.now();
  const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(reportRss)}`, BIN, 'deadlines', '--batch'], {
    stdio: [input, 'pipe', 'pipe'],
    env: { ...process.env, SSBTEK_CONFIG: '', SSBTEK_LANG: '' },
  });
  closeSync(input);
  let lines = 0;
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code: number | null = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const seconds = (performance.now() - start) / 1000;
  const rss = stderr.match(/@@maxrss=(\d+)/);
  if (code !== 0 || !rss) throw new Error(`ssbtek deadlines --batch failed (exit ${code}): ${stderr}`);
  return { seconds, lines, peakMb: Number(rss[1]) / 1024 };
}

export async function run(): Promise<BenchResult[]> {
  const contract = buildContract();
  const results: BenchResult[] = [];

  // Warm: warm up the JIT and the day cache over all two years, then measure.
  const cases = makeCases(100_000);
  const calendar = new BusinessCalendar(contract);
  for (let i = 0; i < 3; i++) computeAll(calendar, cases);
  results.push({ metric: 'warm cache, realistic mix', value: rate(() => computeAll(calendar, cases), 3), unit: 'computations/s', goal: GOAL });
  for (const kind of ['incident', 'problem', 'order'] as const) {
    const subset = cases.filter((c) => c.ref.kind === kind);
    results.push({ metric: `warm cache, ${kind}s only`, value: rate(() => computeAll(calendar, subset), 1), unit: 'computations/s' });
  }

  // Cold: a new calendar per batch of 1,000 cases (its construction is counted).
  const batches = Array.from({ length: 100 }, (_, i) => cases.slice(i * 1000, (i + 1) * 1000));
  let next = 0;
  results.push({
    metric: 'cold calendar per 1,000 cases',
    value: rate(() => computeAll(new BusinessCalendar(contract), batches[next++ % batches.length]!), 3),
    unit: 'computations/s',
  });

  // The batch CLI: startup alone, a tenth of the lines, all of them. Peak RSS should not grow with the input.
  const total = Number(process.env.BENCH_BATCH_LINES ?? 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'ssbtek-bench-'));
  try {
    const write = (file: string, n: number) => {
      const lines = makeCases(n, 7).map(toLine);
      writeFileSync(join(dir, file), lines.length ? `${lines.join('\n')}\n` : '');
      return join(dir, file);
    };
    const empty = await batchRun(write('empty.jsonl', 0));
    const tenth = await batchRun(write('tenth.jsonl', Math.round(total / 10)));
    const full = await batchRun(write('full.jsonl', total));
    if (full.lines !== total) throw new Error(`batch wrote ${full.lines} lines for ${total}`);
    results.push(
      { metric: 'batch CLI startup (no input)', value: empty.seconds * 1000, unit: 'ms' },
      { metric: `batch CLI, ${total.toLocaleString('en-US')} lines, incl. startup`, value: total / full.seconds, unit: 'lines/s' },
      { metric: `batch CLI, ${total.toLocaleString('en-US')} lines, excl. startup`, value: total / (full.seconds - empty.seconds), unit: 'lines/s' },
      { metric: 'batch CLI peak RSS, no input', value: empty.peakMb, unit: 'MB' },
      { metric: `batch CLI peak RSS, ${tenth.lines.toLocaleString('en-US')} lines`, value: tenth.peakMb, unit: 'MB' },
      { metric: `batch CLI peak RSS, ${total.toLocaleString('en-US')} lines`, value: full.peakMb, unit: 'MB' },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (sink === -1) console.log(sink); // keeps the computations observable
  return results;
}
