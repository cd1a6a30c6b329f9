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
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

interface Timing {
  /** Wall time, ms. */
  wall: number;
  /** CPU time (user + system, every thread) the process tree used, ms; undefined where it cannot be read. */
  cpu?: number;
}

/** Makes a node child report its own CPU time on stderr when it exits. */
const CPU_REPORT = `data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\nssbtek-bench-cpu "+(u.user+u.system)/1000+"\\n")})`;

/** Wall and CPU time of one node child process from spawn to exit. */
function timeRun(args: string[], env = baseEnv()): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', CPU_REPORT, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wall = performance.now() - started;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr.slice(0, 500)}`));
      const cpu = stderr.match(/ssbtek-bench-cpu ([\d.]+)/);
      resolve({ wall, cpu: cpu ? Number(cpu[1]) : undefined });
    });
  });
}

/** CPU ms used so far by `pid` and its descendants (Linux /proc; undefined elsewhere). */
function treeCpu(pid: number): number | undefined {
  const tick = 10; // USER_HZ = 100 on Linux
  const visit = (p: number): number => {
    let ms = 0;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const c of children ? children.split(' ') : []) ms += visit(Number(c));
      }
    } catch {
      // gone meanwhile
    }
    return ms;
  };
  return existsSync(`/proc/${pid}/stat`) ? visit(pid) : undefined;
}

/**
 * Starts the bot and types a command at once; resolves with the time until its reply
 * arrives on stdout (the store is open, the app built, the terminal reading).
 */
function timeReady(cmd: string, args: string[], dataDir: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env: baseEnv({ SSBTEK_DATA_DIR: dataDir }), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let ready: Timing | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => {
      stdout += d;
      if (ready === undefined && stdout.includes(PROBE)) {
        ready = { wall: performance.now() - started, cpu: child.pid === undefined ? undefined : treeCpu(child.pid) };
        child.stdin.end();
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (ready !== undefined) resolve(ready);
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code} before answering: ${(stderr || stdout).slice(0, 800)}`));
    });
    // An unknown command: its reply names it, whatever the language and the help text.
    child.stdin.write(`${PROBE}\n`);
  });
}

async function series(n: number, once: () => Promise<Timing>): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = await once();
    wall.push(t.wall);
    if (t.cpu !== undefined) cpu.push(t.cpu);
  }
  return { wall: wall.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b) };
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
  const load: number[] = [loadavg()[0]!];
  const node = await series(RUNS, () => timeRun(['-e', '0']));
  const cli = await series(RUNS, () => timeRun([CLI, ...cliArgs]));
  const cliTsx = await series(Math.max(3, Math.ceil(RUNS / 2)), () => timeRun(['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...cliArgs]));

  const starts = Math.max(3, Math.ceil(RUNS / 2));
  const dataDir = mkdtempSync(join(tmpdir(), 'ssbtek-startup-'));
  let first: Timing;
  let npmStart: Awaited<ReturnType<typeof series>>;
  let nodeStart: Awaited<ReturnType<typeof series>>;
  let tsxStart: Awaited<ReturnType<typeof series>>;
  try {
    first = await timeReady('npm', ['start', '--silent'], dataDir);
    npmStart = await series(starts, () => timeReady('npm', ['start', '--silent'], dataDir));
    nodeStart = await series(starts, () => timeReady(process.execPath, [join(ROOT, 'dist/main.js')], dataDir));
    tsxStart = await series(Math.max(3, Math.ceil(starts / 2)), () => timeReady(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts')], dataDir));
    load.push(loadavg()[0]!);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const p50 = (xs: number[]) => round(percentile(xs, 50), 0);
  // CPU time is what the start costs on an idle machine, near enough: on a busy one the
  // wall time also contains the waiting for a core.
  const cpuRow = (metric: string, xs: number[]): BenchResult[] => (xs.length ? [{ metric, value: p50(xs), unit: 'ms' }] : []);
  return [
    { metric: 'load average (1 min) during the bench, max', value: round(Math.max(...load), 1), unit: '' },
    { metric: 'node -e 0 (this machine now), p50', value: p50(node.wall), unit: 'ms' },
    ...cpuRow('node -e 0, CPU time, p50', node.cpu),
    { metric: 'ssbtek priority (dist), p50', value: p50(cli.wall), unit: 'ms', goal: '< 500' },
    { metric: 'ssbtek priority (dist), p90', value: round(percentile(cli.wall, 90), 0), unit: 'ms' },
    ...cpuRow('ssbtek priority (dist), CPU time, p50', cli.cpu),
    { metric: 'ssbtek priority (tsx, sources), p50', value: p50(cliTsx.wall), unit: 'ms' },
    ...cpuRow('ssbtek priority (tsx, sources), CPU time, p50', cliTsx.cpu),
    { metric: 'npm start ready, first start (new store), once', value: round(first.wall, 0), unit: 'ms' },
    { metric: 'npm start ready, embedded store, p50', value: p50(npmStart.wall), unit: 'ms', goal: '< 2000' },
    ...cpuRow('npm start ready, CPU time (npm + bot), p50', npmStart.cpu),
    { metric: 'node dist/main.js ready, p50', value: p50(nodeStart.wall), unit: 'ms' },
    ...cpuRow('node dist/main.js ready, CPU time, p50', nodeStart.cpu),
    { metric: 'tsx src/main.ts ready (npm run dev), p50', value: p50(tsxStart.wall), unit: 'ms' },
    ...cpuRow('tsx src/main.ts ready, CPU time, p50', tsxStart.cpu),
  ];
}
