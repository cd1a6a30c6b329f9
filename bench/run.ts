// `npm run bench [-- <name> …]`: runs the bench modules listed below, in order (or only
// those named), prints a table and writes .bench/results.json (gitignored), keeping the
// last results of benches that did not run this time.
//
// A bench module exports `name` and `run()` (named exports, or one default export
// object with both), and run() resolves with its measurements. To add one, write
// bench/<area>.bench.ts and add one line to MODULES.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  metric: string;
  value: number;
  unit: string;
  /** E.g. ">= 100000" or "<= 250": shown, and checked when it has that form. */
  goal?: string;
}

export interface BenchModule {
  name: string;
  run(): Promise<BenchResult[]>;
}

const MODULES: Array<() => Promise<BenchModule | { default: BenchModule }>> = [
  () => import('./deadlines.bench.js'),
  () => import('./store.bench.js'),
  () => import('./scheduler.bench.js'),
  () => import('./slack.bench.js'),
  () => import('./startup.bench.js'),
  () => import('./compliance.bench.js'),
  () => import('./report.bench.js'),
  () => import('./teams.bench.js'),
  () => import('./alerts.bench.js'),
  () => import('./status.bench.js'),
];

function benchOf(loaded: BenchModule | { default: BenchModule }): BenchModule {
  const bench = 'default' in loaded && loaded.default ? loaded.default : (loaded as BenchModule);
  if (typeof bench.name !== 'string' || typeof bench.run !== 'function') throw new Error('a bench module must export name and run()');
  return bench;
}

const RESULTS = fileURLToPath(new URL('../.bench/results.json', import.meta.url));

/** true / false when the goal is a comparison with a number, else undefined. */
function meetsGoal(value: number, goal: string | undefined): boolean | undefined {
  const m = goal?.match(/^\s*(>=|≥|>|<=|≤|<)\s*([\d_,.]+)/);
  if (!m) return undefined;
  const limit = Number(m[2]!.replace(/[_,]/g, ''));
  switch (m[1]) {
    case '>=':
    case '≥':
      return value >= limit;
    case '>':
      return value > limit;
    case '<=':
    case '≤':
      return value <= limit;
    default:
      return value < limit;
  }
}

function formatValue(value: number): string {
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

interface Stored {
  updatedAt: string;
  machine: { node: string; platform: string; cpu: string; cores: number };
  benches: Record<string, { at: string; seconds: number; results: BenchResult[] }>;
}

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const modules = (await Promise.all(MODULES.map((load) => load()))).map(benchOf);
  const unknown = wanted.filter((w) => !modules.some((m) => m.name === w));
  if (unknown.length) {
    process.stderr.write(`unknown bench ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${modules.map((m) => m.name).join(', ')}\n`);
    return 2;
  }
  const selected = wanted.length ? modules.filter((m) => wanted.includes(m.name)) : modules;

  let stored: Stored['benches'] = {};
  try {
    stored = (JSON.parse(readFileSync(RESULTS, 'utf8')) as Stored).benches ?? {};
  } catch {
    // first run, or an unreadable file: start afresh
  }

  const rows = [['bench', 'metric', 'value', 'unit', 'goal', 'met']];
  let failed = false;
  for (const bench of selected) {
    process.stderr.write(`running ${bench.name} …\n`);
    const started = performance.now();
    let results: BenchResult[];
    try {
      results = await bench.run();
    } catch (err) {
      failed = true;
      process.stderr.write(`${bench.name} failed: ${(err as Error).stack ?? String(err)}\n`);
      continue;
    }
    const seconds = (performance.now() - started) / 1000;
    stored[bench.name] = { at: new Date().toISOString(), seconds: Math.round(seconds * 10) / 10, results };
    for (const r of results) {
      const met = meetsGoal(r.value, r.goal);
      rows.push([bench.name, r.metric, formatValue(r.value), r.unit, r.goal ?? '', met === undefined ? '' : met ? 'yes' : 'NO']);
    }
  }
  process.stdout.write(`${table(rows)}\n`);

  const cpu = cpus();
  const out: Stored = {
    updatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: `${platform()} ${process.arch}`, cpu: cpu[0]?.model ?? 'unknown', cores: cpu.length },
    benches: stored,
  };
  mkdirSync(fileURLToPath(new URL('../.bench/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(out, null, 2)}\n`);
  process.stderr.write(`written to ${RESULTS}\n`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
