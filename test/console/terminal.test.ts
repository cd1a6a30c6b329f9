// `npm start` in a terminal-less pipe: commands in, replies out, and what was opened
// is still there after a restart.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'ssbtek-terminal-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function bot(lines: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SSBTEK_DATA_DIR: dataDir, SSBTEK_USER: 'anna', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

describe('the bot in a terminal', () => {
  it('opens an incident through the questions, lists it, and exits when input ends', async () => {
    const run = await bot([
      'incident',
      '1',
      '3',
      'Inga svar från Skatteverket för 811218-9876',
      'skatteverket',
      'list',
      'ack INC-1',
      'ack INC-1',
      'incident påverkan=5 titel=x',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Påverkan:\n  1 – Totalt avbrott i flödet, inga anrop kan besvaras');
    expect(run.stdout).toContain('Incident INC-1 är registrerad.\nINC-1 · MEDEL · Öppen\nInga svar från Skatteverket för [personnummer]');
    expect(run.stdout).toContain('INC-1 är kvitterad: arbetet har påbörjats.');
    expect(run.stdout).toContain('Kan inte kvittera INC-1: den är påbörjad. Det som går nu: åtgärdad, prioritet, snooza, notera.');
    expect(run.stdout).toContain('Påverkan måste vara 1, 2, 3 eller 4 (inte "5").');
    expect(run.stdout).not.toMatch(/\bat .*\.ts:\d+/);
    expect(run.stdout).not.toContain('9876');
  }, 60_000);

  it('re-asks a wrong answer, takes defaults on Enter, and can be cancelled', async () => {
    const run = await bot(['incident', '7', '2', '', 'Timeout mot CSN', '3', 'incident', 'avbryt', 'list'], { SSBTEK_LANG: 'en' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Impact must be 1, 2, 3 or 4 (not "7").');
    expect(run.stdout).toContain('Incident INC-2 is registered.\nINC-2 · HIGH · Open\nTimeout mot CSN\nAgency: CSN');
    expect(run.stdout).toContain('Cancelled, nothing was registered.');
  }, 60_000);

  it('still has the incidents after a restart', async () => {
    const run = await bot(['status INC-1', 'list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('INC-1 · MEDEL · Påbörjad');
    expect(run.stdout).toContain('Öppna incidenter (2), närmaste tidsgräns först:');
  }, 60_000);

  it('says plainly when Slack cannot be reached at start, without a stack trace', async () => {
    const run = await bot([], { SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_SIGNING_SECRET: 'secret', SLACK_API_URL: 'http://127.0.0.1:9/api/', PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Boten kunde inte ansluta till Slack: A request error occurred: fetch failed. Kontrollera SLACK_BOT_TOKEN');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('refuses half a Slack configuration with what is missing', async () => {
    const run = await bot(['list'], { SLACK_BOT_TOKEN: 'xoxb-only' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SLACK_SIGNING_SECRET');
  }, 60_000);

  it('refuses an invalid configuration at start with the field named', async () => {
    const run = await bot(['list'], { SSBTEK_CONFIG: join(root, 'test/fixtures/invalid-contract.yaml') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('incidentTargets.critical.response.amount');
    expect(run.stdout).toBe('');
  }, 60_000);
});
