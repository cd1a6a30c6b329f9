// The bot as a process, the way it fails in production: start-up errors a user can fix are
// one translated line and exit code 2; piped output is never cut off; SIGTERM stops it in
// seconds without losing a confirmed incident; a lock left by a killed process is taken over.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Each case starts real bot processes; a loaded 2-core machine needs the room.
vi.setConfig({ testTimeout: 120_000 });
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { ContractVersions } from '../../src/services/contract-versions.js';
import { openDatabase } from '../../src/store/index.js';

const root = new URL('../../', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'ssbtek-process-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(env: Record<string, string>, input?: string): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SSBTEK_USER: 'anna', SSBTEK_LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  if (input !== undefined) child.stdin!.end(input);
  return { child, done };
}

const run = (env: Record<string, string>, input = 'help\n') => start(env, input).done;
const STACK = /\n\s+at .+:\d+/;

describe('start-up failures are one translated line that says what to fix', () => {
  const cases: Array<[string, Record<string, string>, RegExp, RegExp]> = [
    [
      'a PostgreSQL server that refuses the connection',
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/test' },
      /PostgreSQL på 127\.0\.0\.1:1 svarar inte.*DATABASE_URL/,
      /PostgreSQL at 127\.0\.0\.1:1 does not answer/,
    ],
    [
      'an unknown database',
      { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ssbtek_no_such_db' },
      /Databasen "ssbtek_no_such_db" finns inte.*createdb/,
      /The database "ssbtek_no_such_db" does not exist/,
    ],
    [
      'an unknown role',
      { DATABASE_URL: 'postgresql://ssbtek_no_such_role@127.0.0.1:5432/test' },
      /Användaren "ssbtek_no_such_role" finns inte/,
      /The user "ssbtek_no_such_role" does not exist/,
    ],
    ['a bad schema name', { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test?schema=a;drop' }, /Schemanamnet "a;drop"/, /The schema name "a;drop"/],
    ['a data folder that is a file', { SSBTEK_DATA_DIR: '@file' }, /är ingen mapp.*SSBTEK_DATA_DIR/, /is not a folder/],
    ['a data folder that cannot be written', { SSBTEK_DATA_DIR: '/sys/kernel/ssbtek' }, /går inte att skriva i/, /cannot be written/],
    ['a data folder with no usable database', { SSBTEK_DATA_DIR: '@garbage' }, /innehåller ingen användbar databas/, /holds no usable database/],
  ];
  beforeAll(() => {
    writeFileSync(join(scratch, 'a-file'), 'not a folder');
    mkdirSync(join(scratch, 'garbage', 'pglite'), { recursive: true });
    writeFileSync(join(scratch, 'garbage', 'pglite', 'PG_VERSION'), 'garbage\n');
  });
  const resolve = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '@file' ? join(scratch, 'a-file') : v === '@garbage' ? join(scratch, 'garbage') : v]));

  it.each(cases)('%s', async (_name, env, swedish, english) => {
    // One after the other: two bots on one data folder would meet the folder lock instead.
    const sv = await run(resolve(env));
    const en = await run({ ...resolve(env), SSBTEK_LANG: 'en' });
    for (const [result, pattern] of [
      [sv, swedish],
      [en, english],
    ] as const) {
      expect(result.code).toBe(2);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(pattern);
      expect(result.stderr).not.toMatch(STACK);
      expect(result.stdout).toBe('');
    }
  });
});

describe('report settings', () => {
  it('a bad SSBTEK_REPORT_TIME or SSBTEK_REPORT_EMAIL names the variable and what to fix, in Swedish or English, exit code 2', async () => {
    const env = { SSBTEK_DATA_DIR: join(scratch, 'report-settings'), SSBTEK_REPORT_TIME: '25:00', SSBTEK_REPORT_EMAIL: 'drift' };
    const sv = await run(env);
    const en = await run({ ...env, SSBTEK_LANG: 'en' });
    for (const [result, expected] of [
      [sv, ['Miljövariablerna går inte att använda:', 'SSBTEK_REPORT_TIME: ska vara en tid som TT:MM', 'SSBTEK_REPORT_EMAIL: ska vara e-postadresser']],
      [en, ['The environment is invalid:', 'SSBTEK_REPORT_TIME: must be a time as HH:MM', 'SSBTEK_REPORT_EMAIL: must be e-mail addresses']],
    ] as const) {
      expect(result.code).toBe(2);
      for (const text of expected) expect(result.stderr).toContain(text);
      expect(result.stderr).not.toMatch(STACK);
      expect(result.stderr).not.toContain('The report settings are invalid');
    }
  });
});

describe('the HTTP port', () => {
  it('a PORT that is taken is one translated line and exit code 2', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const result = await run({ SSBTEK_DATA_DIR: join(scratch, 'port'), PORT: String(port) });
      expect(result.code).toBe(2);
      expect(
        result.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.startsWith('{')),
      ).toEqual([
        `ssbtek kunde inte starta: Porten ${port} (PORT) är upptagen eller får inte användas. Stoppa det som lyssnar där eller välj en annan port i PORT.`,
      ]);
      expect(result.stderr).not.toMatch(STACK);
    } finally {
      blocker.close();
    }
  });
});

describe('the embedded store is one process at a time', () => {
  it('a second bot on the same data folder is refused with who holds it', async () => {
    const dataDir = join(scratch, 'locked');
    const first = start({ SSBTEK_DATA_DIR: dataDir });
    // Wait until the first bot is serving: it answers `help` once the store is open.
    let answered = '';
    first.child.stdout!.on('data', (d) => (answered += d));
    first.child.stdin!.write('help\n');
    await waitFor(() => answered.length > 0, first.done, 90_000);
    const second = await run({ SSBTEK_DATA_DIR: dataDir });
    first.child.stdin!.end();
    await first.done;
    expect(second.code).toBe(2);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`används redan av process ${first.child.pid}`));
  });

  it('a lock left by a killed process that is still a zombie is taken over', async () => {
    const dataDir = join(scratch, 'zombie');
    mkdirSync(join(dataDir, 'pglite'), { recursive: true });
    // perl forks a child that exits at once and is never reaped: a zombie while perl sleeps.
    const parent = spawn('perl', ['-e', '$|=1; my $p = fork(); if ($p == 0) { exit 0 } print "$p\\n"; sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(await new Promise<string>((r) => parent.stdout.once('data', (d) => r(String(d).trim()))));
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(
        spawnSync('ps', ['-o', 'stat=', '-p', String(zombie)])
          .stdout.toString()
          .trim(),
      ).toMatch(/^Z/);
      writeFileSync(
        join(dataDir, 'pglite', 'ssbtek-open.lock'),
        JSON.stringify({ pid: zombie, host: (await import('node:os')).hostname(), since: new Date().toISOString() }),
      );
      const result = await run({ SSBTEK_DATA_DIR: dataDir }, 'list\n');
      expect(result.stderr).not.toMatch(/används redan/);
      expect(result.code).toBe(0);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('output and signals', () => {
  const dataDir = join(scratch, 'many');
  const contract = buildContract();
  beforeAll(async () => {
    // 2,000 open incidents, written directly (the bot itself opens about 100 a second).
    const db = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    try {
      await new ContractVersions({ contract, calendar: new BusinessCalendar(contract) }, db.prisma).ensureCurrentStored();
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO incidents (title, org_id, impact, timing, suggested_timing, priority, status, reporter, source, received_at, response_due_at, resolution_due_at, config_version, updated_at)
         SELECT 'Störning ' || n, 'skatteverket', 3, 3, 3, 'medium', 'open', 'anna', 'console',
                now(), now() + interval '8 hours', now() + interval '5 days' + n * interval '1 minute', $1, now()
         FROM generate_series(1, 2000) AS n`,
        contract.version,
      );
    } finally {
      await db.close();
    }
  }, 120_000);

  it('`printf "list\\n" | npm start` prints all 2,000 open incidents through a pipe', async () => {
    const result = await run({ SSBTEK_DATA_DIR: dataDir }, 'list\n');
    expect(result.code).toBe(0);
    const refs = new Set(result.stdout.match(/INC-\d+/g));
    expect(refs.size).toBe(2000);
    expect(Buffer.byteLength(result.stdout)).toBeGreaterThan(200_000);
  });

  it('every reply to 17 piped commands arrives', async () => {
    const result = await run({ SSBTEK_DATA_DIR: dataDir }, Array.from({ length: 17 }, (_, i) => (i % 2 ? 'status INC-1\n' : 'list\n')).join(''));
    expect(result.code).toBe(0);
    // Nine lists (each ends with the last of the 2,000) and eight status answers.
    expect(result.stdout.match(/Störning 2000\b/g)?.length).toBe(9);
    expect(result.stdout.match(/^INC-1 · /gm)?.length).toBe(8);
  });

  it('SIGTERM while a stream of commands is being registered stops it within seconds, and every confirmed incident is kept', async () => {
    const termDir = join(scratch, 'term');
    const bot = start({ SSBTEK_DATA_DIR: termDir });
    const lines = Array.from({ length: 3000 }, (_, i) => `incident påverkan=3 tidpunkt=3 titel="Flöde ${i}" myndighet=csn\n`).join('');
    bot.child.stdin!.write(lines);
    let out = '';
    bot.child.stdout!.on('data', (d) => (out += d));
    const t0 = Date.now();
    while (!/registrerad[\s\S]*registrerad[\s\S]*registrerad/.test(out) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    const signalled = Date.now();
    bot.child.kill('SIGTERM');
    const result = await bot.done;
    const stoppedIn = Date.now() - signalled;
    expect(stoppedIn).toBeLessThan(8_000);
    expect(result.code).toBe(0);
    const confirmed = new Set(result.stdout.match(/Incident (INC-\d+) är registrerad/g));
    expect(confirmed.size).toBeGreaterThan(0);
    expect(confirmed.size).toBeLessThan(3000);
    const db = await openDatabase({ dataDir: join(termDir, 'pglite') });
    try {
      const stored = await db.prisma.incident.count();
      // Everything confirmed is stored; at most the one in flight when the signal came is stored unconfirmed.
      expect(stored).toBeGreaterThanOrEqual(confirmed.size);
      expect(stored).toBeLessThanOrEqual(confirmed.size + 1);
    } finally {
      await db.close();
    }
  });
});

async function waitFor(ready: () => boolean, done: Promise<unknown>, timeoutMs: number): Promise<void> {
  let finished = false;
  void done.then(() => (finished = true));
  const t0 = Date.now();
  while (!ready() && !finished && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 50));
}
