// How fast the bot and the CLI start, as a person meets them.
//
//   cli:   `ssbtek priority --impact 2 --timing 2` as bin/ssbtek.js runs it after a build
//          (node dist/bundle/cli.js; bin/ssbtek.js adds a stat of src/, under 1 ms), from
//          spawn to exit; and the same through tsx from the sources, which is what every
//          run cost before the build. (bin/ssbtek.js itself is not timed: while people edit
//          src/ it rightly falls back to the sources.)
//   start: `npm start` (node dist/main.js) on the embedded store in a fresh folder, from
//          spawn until it answers its first command on stdin (the terminal is ready):
//          the first start (the store is created and migrated) and later starts.
//   node:  `node -e 0`, the floor on this machine at this moment, and the load average
//          while the bench ran (a busy machine shows here).
//
// The bench builds dist/ first when it is missing or older than src/ (npm run build).
// BENCH_STARTUP_RUNS sets the runs per figure (default 11 for the CLI, 5 for start).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './run.js';
import { percentile, round } from './support.js';

export const name = 'startup';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = join(ROOT, 'dist/bundle/cli.js');
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 11);
const PROBE = 'benchreadyprobe';

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Nothing from the caller's environment that would start a platform or change the store.
  return { PATH: process.env.PATH, HOME: process.env.HOME, SSBTEK_LANG: 'en', SSBTEK_USER: 'bench', ...extra };
}

/** Wall time of one child process from spawn to exit, in ms. */
function timeRun(cmd: string, args: string[], env = baseEnv()): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`))));
  });
}

/**
 * Starts the bot and types a command at once; resolves with the ms until its reply
 * arrives on stdout (the store is open, the app built, the terminal reading).
 */
function timeReady(cmd: string, args: string[], dataDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: baseEnv({ SSBTEK_DATA_DIR: dataDir }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let readyAt: number | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (readyAt === undefined && stdout.includes(PROBE)) {
        readyAt = performance.now() - started;
        child.stdin.end();
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (readyAt !== undefined) resolve(readyAt);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code} before answering: ${(stderr || stdout).slice(0, 800)}`));
    });
    // An unknown command: its reply names it, whatever the language and the help text.
    child.stdin.write(`${PROBE}\n`);
  });
}

async function series(n: number, once: () => Promise<number>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await once());
  return out.sort((a, b) => a - b);
}

/** Builds dist/ when it is missing, failed last time, or older than a file in src/ (what bin/ssbtek.js checks too). */
function ensureBuild(): void {
  const stamp = join(ROOT, 'dist/.build-stamp');
  if (existsSync(stamp) && existsSync(join(ROOT, 'dist/main.js')) && existsSync(CLI)) {
    const newer = spawnSync('find', [join(ROOT, 'src'), '-newer', stamp, '-type', 'f', '-print', '-quit'], { encoding: 'utf8' });
    if (newer.status === 0 && newer.stdout.trim() === '') return;
  }
  build();
}

function build(): void {
  process.stderr.write('startup: building dist/ (npm run build) …\n');
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('npm run build failed: the startup bench measures the compiled bot and CLI');
}

export async function run(): Promise<BenchResult[]> {
  ensureBuild();
  const cliArgs = ['priority', '--impact', '2', '--timing', '2'];
  const node = await series(RUNS, () => timeRun(process.execPath, ['-e', '0']));
  const load: number[] = [loadavg()[0]];
  const cli = await series(RUNS, () => timeRun(process.execPath, [CLI, ...cliArgs]));
  const cliTsx = await series(Math.max(3, Math.ceil(RUNS / 2)), () => timeRun(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...cliArgs]));

  const starts = Math.max(3, Math.ceil(RUNS / 2));
  const dataDir = mkdtempSync(join(tmpdir(), 'ssbtek-startup-'));
  let first: number;
  let npmStart: number[];
  let nodeStart: number[];
  let tsxStart: number[];
  try {
    first = await timeReady('npm', ['start', '--silent'], dataDir);
    npmStart = await series(starts, () => timeReady('npm', ['start', '--silent'], dataDir));
    nodeStart = await series(starts, () => timeReady(process.execPath, [join(ROOT, 'dist/main.js')], dataDir));
    tsxStart = await series(Math.max(3, Math.ceil(starts / 2)), () => timeReady(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], dataDir));
    load.push(loadavg()[0]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const p50 = (xs: number[]) => round(percentile(xs, 50), 0);
  return [
    { metric: 'load average (1 min) during the bench', value: round(Math.max(...load), 1), unit: '' },
    { metric: 'node -e 0 (this machine now), p50', value: p50(node), unit: 'ms' },
    { metric: 'ssbtek priority (dist), p50', value: p50(cli), unit: 'ms', goal: '< 500' },
    { metric: 'ssbtek priority (dist), p90', value: round(percentile(cli, 90), 0), unit: 'ms' },
    { metric: 'ssbtek priority (tsx, sources), p50', value: p50(cliTsx), unit: 'ms' },
    { metric: 'npm start ready, first start (new store), once', value: round(first, 0), unit: 'ms' },
    { metric: 'npm start ready, embedded store, p50', value: p50(npmStart), unit: 'ms', goal: '< 2000' },
    { metric: 'node dist/main.js ready, p50', value: p50(nodeStart), unit: 'ms' },
    { metric: 'tsx src/main.ts ready (npm run dev), p50', value: p50(tsxStart), unit: 'ms' },
  ];
}
