// `ssbtek window check` and `ssbtek extra-hours check`: the information routine's rules
// as a machine interface, without a database (issue 12, item 7). Most cases run the
// command frame in process; a handful run the real CLI as a child process.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandTable } from '../../src/cli/context.js';
import { extraHoursCommand } from '../../src/cli/extra-hours.js';
import { helpCommand } from '../../src/cli/help.js';
import { main } from '../../src/cli/main.js';
import { windowCommand } from '../../src/cli/window.js';
import { at } from '../support/time.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'ssbtek.js');

const table: CommandTable = { window: windowCommand, 'extra-hours': extraHoursCommand, help: helpCommand(() => table) };

/** The CLI frame in process; "now" is Friday 29 January 2027 10:00 Stockholm time. */
async function run(argv: string[], input = '', env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  const stdin = new PassThrough();
  stdin.end(input);
  const code = await main(table, {
    argv,
    env,
    stdin,
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
    now: () => at('2027-01-29 10:00'),
  });
  return { code, stdout, stderr };
}
const json = async (argv: string[]) => {
  const r = await run([...argv, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};
const iso = (local: string) => new Date(at(local)).toISOString();

describe('window check --json: {"ok","problems":[{"rule","message"}],"announcements"}', () => {
  it('a window Saturday 02:00–06:00 four weeks and a day ahead is accepted, with its announcement ladder', async () => {
    expect(await json(['window', 'check', '--start', '2027-02-27T02:00+01:00', '--end', '2027-02-27T06:00+01:00'])).toEqual({
      ok: true,
      problems: [],
      announcements: [
        iso('2027-01-29 10:00'), // published ("now")
        iso('2027-01-30 02:00'), // 4 weeks before
        iso('2027-02-20 02:00'), // 1 week before
        iso('2027-02-26 08:00'), // 1 working day before
        iso('2027-02-27 01:00'), // 1 hour before
        iso('2027-02-27 02:00'), // start
        iso('2027-02-27 06:00'), // end
      ],
    });
  });
  it('a window that ends 08:30 on a Monday is refused (opening hours), and the message names what would be accepted', async () => {
    const r = await json(['window', 'check', '--start', '2027-03-01T05:00+01:00', '--end', '2027-03-01T08:30+01:00', '--lang', 'en']);
    expect(r).toEqual({
      ok: false,
      problems: [
        {
          rule: 'opening-hours',
          message:
            'the window runs into opening hours Mon 1 Mar 2027 08:00–08:30 (30 min of opening hours in all); all plannable work happens outside opening hours (Mon–Fri 08:00–17:00, not on holidays). Earliest accepted start for a window of the same length (3 h 30 min): Fri 26 Feb 2027 17:00–20:30.',
        },
      ],
      announcements: [],
    });
  });
  it('a window three weeks ahead is refused (notice) unless it is a release', async () => {
    const args = ['window', 'check', '--start', '2027-02-20T02:00+01:00', '--end', '2027-02-20T06:00+01:00'];
    const refused = await json(args);
    expect(refused.ok).toBe(false);
    expect(refused.problems).toEqual([
      {
        rule: 'notice',
        message:
          'en planerad ändring utanför en release ska meddelas minst 4 veckor före starten, så fönstret kan starta tidigast fre 26 feb. 2027 10:00. Tidigaste start som godtas för ett fönster av samma längd (4 h): fre 26 feb. 2027 17:00–21:00.',
      },
    ]);
    const release = await json([...args, '--release']);
    expect(release.ok).toBe(true);
    expect(release.announcements[0]).toBe(iso('2027-01-29 10:00'));
    expect(release.announcements).not.toContain(iso('2027-01-23 02:00')); // 4 weeks before was already past
  });
  it('an emergency change needs no notice either', async () => {
    expect((await json(['window', 'check', '--start', '2027-01-29T20:00+01:00', '--end', '2027-01-29T22:00+01:00', '--emergency'])).ok).toBe(true);
  });
  it('a Friday-before-midsommar window treats midsommarafton as closed', async () => {
    const r = await json(['window', 'check', '--start', '2027-06-25T10:00+02:00', '--end', '2027-06-25T14:00+02:00', '--at', '2027-05-01T10:00+02:00']);
    expect(r.ok).toBe(true);
  });
  it('end before start and a start in the past are named together', async () => {
    const r = await json(['window', 'check', '--start', '2027-01-28T09:00+01:00', '--end', '2027-01-28T08:00+01:00', '--lang', 'en']);
    expect(r.problems.map((p: { rule: string }) => p.rule)).toEqual(['order', 'past']);
    expect(r.problems[0].message).toBe('the end (Thu 28 Jan 2027 08:00) must come after the start (Thu 28 Jan 2027 09:00).');
  });
  it('--at sets the publication instant', async () => {
    expect((await json(['window', 'check', '--start', '2027-02-27T02:00+01:00', '--end', '2027-02-27T06:00+01:00', '--at', '2027-02-10T10:00+01:00'])).ok).toBe(
      false,
    );
  });
});

describe('window check, for people', () => {
  it('in Swedish: accepted, with the ladder in Stockholm time', async () => {
    const r = await run(['window', 'check', '--start', '2027-02-27T02:00+01:00', '--end', '2027-02-27T06:00+01:00']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Servicefönstret lör 27 feb. 2027 02:00–06:00 (4 h) godtas: planerad ändring utanför release.',
        'Utskick enligt informationsrutinen:',
        '  fre 29 jan. 2027 10:00  vid publicering',
        '  lör 30 jan. 2027 02:00  4 veckor före',
        '  lör 20 feb. 2027 02:00  1 vecka före',
        '  fre 26 feb. 2027 08:00  1 arbetsdag före',
        '  lör 27 feb. 2027 01:00  1 timme före',
        '  lör 27 feb. 2027 02:00  vid start',
        '  lör 27 feb. 2027 06:00  vid slut',
        'Tider i Europe/Stockholm.',
        '',
      ].join('\n'),
    });
  });
  it('in English: refused for notice, with the suggestion', async () => {
    const r = await run(['window', 'check', '--start', '2027-02-20T02:00+01:00', '--end', '2027-02-20T06:00+01:00', '--lang', 'en']);
    expect(r.stdout.split('\n')).toEqual([
      'The service window Sat 20 Feb 2027 02:00–06:00 (4 h) is refused:',
      '  - Notice: a planned change outside a release must be announced at least 4 weeks before its start, so the window can start Fri 26 Feb 2027 10:00 at the earliest.',
      'Earliest accepted start for a window of the same length (4 h): Fri 26 Feb 2027 17:00–21:00.',
      'Times in Europe/Stockholm.',
      '',
    ]);
  });
  it('a release on a date that is not a configured release date is told which dates are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssbtek-routine-'));
    const file = join(dir, 'contract.yaml');
    writeFileSync(file, 'routine:\n  releases:\n    - "2027-03-13"\n    - { from: "2027-04-10", to: "2027-04-11" }\n');
    const r = await run(['window', 'check', '--start', '2027-02-20T02:00+01:00', '--end', '2027-02-20T06:00+01:00', '--release'], '', { SSBTEK_CONFIG: file });
    expect(r.stdout).toContain(
      '  - Varsel: lör 20 feb. 2027 är inget releasedatum (releasedatum: 2027-03-13, 2027-04-10–2027-04-11), så fönstret är en planerad ändring som ska meddelas minst 4 veckor före starten och kan starta tidigast fre 26 feb. 2027 10:00.',
    );
  });
});

describe('extra-hours check', () => {
  it('--json: {"ok","meeting","requestBy","materialBy","earliestPossible"}, in time', async () => {
    expect(
      await json(['extra-hours', 'check', '--from', '2027-03-13T09:00+01:00', '--to', '2027-03-13T13:00+01:00', '--at', '2027-02-20T10:00+01:00']),
    ).toEqual({
      ok: true,
      meeting: iso('2027-03-11 13:00'),
      requestBy: iso('2027-02-25 13:00'),
      materialBy: iso('2027-03-11 09:00'),
      earliestPossible: null,
    });
  });
  it('extra hours requested 13 days before the meeting are refused with the next possible date', async () => {
    expect(
      await json(['extra-hours', 'check', '--from', '2027-03-13T09:00+01:00', '--to', '2027-03-13T13:00+01:00', '--at', '2027-02-26T13:00+01:00']),
    ).toEqual({
      ok: false,
      meeting: iso('2027-03-11 13:00'),
      requestBy: iso('2027-02-25 13:00'),
      materialBy: iso('2027-03-11 09:00'),
      earliestPossible: iso('2027-03-18 17:00'),
    });
  });
  it('for people, in Swedish', async () => {
    const r = await run(['extra-hours', 'check', '--from', '2027-03-13T09:00+01:00', '--to', '2027-03-13T13:00+01:00', '--at', '2027-02-26T13:00+01:00']);
    expect(r.stdout.split('\n')).toEqual([
      'Extra öppethållande lör 13 mars 2027 09:00–13:00 kan inte längre begäras: tidsfristen för beslutsmötet har gått ut.',
      '  Beslutsmöte:       tors 11 mars 2027 13:00',
      '  Begäran senast:    tors 25 feb. 2027 13:00 (2 veckor före mötet)',
      '  Underlag senast:   tors 11 mars 2027 09:00',
      '  Tidigast möjligt:  tors 18 mars 2027 17:00 (beslutas tors 18 mars 2027 13:00)',
      'Tider i Europe/Stockholm.',
      '',
    ]);
  });
  it('hours that end before they begin are a usage error', async () => {
    const r = await run(['extra-hours', 'check', '--from', '2027-03-13T09:00+01:00', '--to', '2027-03-13T08:00+01:00', '--lang', 'en']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ssbtek extra-hours: the end \(Sat 13 Mar 2027 08:00\) must come after the beginning \(Sat 13 Mar 2027 09:00\)\.\n/);
  });
});

describe('--batch: JSON Lines in, one answer line per line, in order', () => {
  it('window check --batch with a bad line', async () => {
    const lines = [
      '{"start":"2027-02-27T02:00+01:00","end":"2027-02-27T06:00+01:00"}',
      'not json',
      '',
      '{"start":"2027-02-20T02:00+01:00","end":"2027-02-20T06:00+01:00","release":"yes"}',
      '{"start":"2027-02-20T02:00+01:00","end":"2027-02-20T06:00+01:00","release":true,"at":"2027-02-19T10:00+01:00"}',
      '{"start":"2027-02-20T02:00","end":"2027-02-20T06:00+01:00","colour":"red"}',
      '{"start":"2027-02-20T02:00+01:00","end":"2027-02-20T06:00+01:00"}',
    ];
    const r = await run(['window', 'check', '--batch', '--lang', 'en'], `${lines.join('\n')}\n`);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out).toHaveLength(lines.length + 1);
    expect(out.at(-1)).toBe('');
    const answers = out.slice(0, -1).map((l) => JSON.parse(l));
    expect(answers[0]).toMatchObject({ ok: true, problems: [] });
    expect(answers[0].announcements).toHaveLength(7);
    expect(answers[1].error).toMatch(/^the line is not valid JSON/);
    expect(answers[2].error).toMatch(/^empty line; each line must be a JSON object/);
    expect(answers[3]).toEqual({ error: '"release" must be true or false.' });
    expect(answers[4]).toEqual({
      ok: true,
      problems: [],
      announcements: [iso('2027-02-19 10:00'), iso('2027-02-20 01:00'), iso('2027-02-20 02:00'), iso('2027-02-20 06:00')],
    });
    expect(answers[5].error).toMatch(
      /^"start" "2027-02-20T02:00" has no offset; .* unknown field "colour"; the known fields are "start", "end", "release", "emergency", "at"\.$/,
    );
    expect(answers[6]).toMatchObject({ ok: false, problems: [{ rule: 'notice' }], announcements: [] });
  });
  it('extra-hours check --batch, with --at as the default for lines without "at"', async () => {
    const lines = [
      '{"from":"2027-03-13T09:00+01:00","to":"2027-03-13T13:00+01:00"}',
      '{"from":"2027-03-13T09:00+01:00","to":"2027-03-13T13:00+01:00","at":"2027-02-20T10:00+01:00"}',
      '{"from":"2027-03-13T09:00+01:00","to":"2027-03-13T08:00+01:00"}',
      '{"from":"2027-03-13T09:00+01:00"}',
    ];
    const r = await run(['extra-hours', 'check', '--batch', '--at', '2027-02-26T13:00+01:00'], lines.join('\n'));
    const answers = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers.map((a) => a.ok ?? a.error)).toEqual([
      false,
      true,
      'slutet (lör 13 mars 2027 08:00) måste komma efter början (lör 13 mars 2027 09:00).',
      '"to" saknas; ange när det extra öppethållandet slutar, i ISO 8601 med tidszon, t.ex. 2027-03-13T13:00+01:00.',
    ]);
    expect(answers[0].earliestPossible).toBe(iso('2027-03-18 17:00'));
  });
  it('options that describe one item cannot go with --batch', async () => {
    const r = await run(['window', 'check', '--batch', '--start', '2027-02-20T02:00+01:00', '--release']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--start kan inte användas med --batch[^\n]*\n.*--release kan inte användas med --batch/);
  });
});

describe('usage errors', () => {
  it('the subcommand is required', async () => {
    expect(await run(['window'])).toEqual({ code: 2, stdout: '', stderr: expect.stringMatching(/^ssbtek window: ange vad window ska göra: check\.\n/) });
    expect(await run(['extra-hours', 'plan', '--lang', 'en'])).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(/^ssbtek extra-hours: unknown command "extra-hours plan"; choose one of: extra-hours check\.\n/),
    });
  });
  it('a missing end and an instant without an offset are named', async () => {
    const r = await run(['window', 'check', '--start', '2027-02-20T02:00', '--lang', 'en']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--start "2027-02-20T02:00" has no offset; add one such as +01:00 or Z, e.g. 2027-02-20T02:00+01:00.');
    expect(r.stderr).toContain('--end is missing; give the end of the window in ISO 8601 with an offset');
  });
  it("help shows the contract's own numbers", async () => {
    const w = await run(['help', 'window', '--lang', 'en']);
    expect(w.stdout).toContain('(Mon–Fri 08:00–17:00, not on holidays)');
    expect(w.stdout).toContain('at least 4 weeks before its start');
    expect(w.stdout).toContain('a release (any date: no release dates are configured)');
    const e = await run(['extra-hours', '--help']);
    expect(e.stdout).toContain('beslutas på Driftleverantörens möte torsdag kl. 13:00 (4.1.2)');
    expect(e.stdout).toContain('senast 2 veckor före mötet');
    expect(e.stdout).toContain('senast kl. 09:00 på mötesdagen');
  });
});

// ---------------------------------------------------------------------------------
// The real CLI, as a child process.

function ssbtek(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env, SSBTEK_LANG: undefined, SSBTEK_CONFIG: undefined };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: tmpdir(), env: env as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.concurrent('ssbtek window / extra-hours, run for real', () => {
  it('window check --json', async () => {
    const r = await ssbtek([
      'window',
      'check',
      '--start',
      '2027-02-27T02:00+01:00',
      '--end',
      '2027-02-27T06:00+01:00',
      '--at',
      '2027-01-29T10:00+01:00',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      problems: [],
      announcements: [
        iso('2027-01-29 10:00'),
        iso('2027-01-30 02:00'),
        expect.any(String),
        expect.any(String),
        expect.any(String),
        expect.any(String),
        iso('2027-02-27 06:00'),
      ],
    });
  });
  it('window check --batch over a pipe, a bad line answered in its place', async () => {
    const input = [
      '{"start":"2027-03-01T05:00+01:00","end":"2027-03-01T08:30+01:00","at":"2027-01-29T10:00+01:00"}',
      '{oops',
      '{"start":"2027-02-27T02:00+01:00","end":"2027-02-27T06:00+01:00","at":"2027-01-29T10:00+01:00"}',
    ].join('\n');
    const r = await ssbtek(['window', 'check', '--batch'], `${input}\n`);
    expect(r.code).toBe(0);
    const answers = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers).toHaveLength(3);
    expect(answers[0]).toMatchObject({ ok: false, problems: [{ rule: 'opening-hours' }] });
    expect(Object.keys(answers[1])).toEqual(['error']);
    expect(answers[2].ok).toBe(true);
  });
  it('extra-hours check --json, too late', async () => {
    const r = await ssbtek([
      'extra-hours',
      'check',
      '--from',
      '2027-03-13T09:00+01:00',
      '--to',
      '2027-03-13T13:00+01:00',
      '--at',
      '2027-02-26T13:00+01:00',
      '--json',
    ]);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout:
        '{"ok":false,"meeting":"2027-03-11T12:00:00.000Z","requestBy":"2027-02-25T12:00:00.000Z","materialBy":"2027-03-11T08:00:00.000Z","earliestPossible":"2027-03-18T16:00:00.000Z"}\n',
    });
  });
});
