// The `ssbtek` command line. The parsing and formatting functions are tested directly;
// the real CLI runs as a child process (about a second each, so a handful, in
// parallel) for each command in both languages, --json, --batch and every kind of
// bad argument.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractGlobals, parseOptions } from '../../src/cli/args.js';
import { batchLineProcessor, runBatch } from '../../src/cli/batch.js';
import { CliError, type CommandTable } from '../../src/cli/context.js';
import { deadlinesCommand } from '../../src/cli/deadlines.js';
import { helpCommand } from '../../src/cli/help.js';
import { main } from '../../src/cli/main.js';
import { priorityCommand } from '../../src/cli/priority.js';
import { timingCommand } from '../../src/cli/timing.js';
import { parseInstant, suggestOffset } from '../../src/cli/instant.js';
import { deadlinesJson, renderDeadlines, renderPriority, renderTiming } from '../../src/cli/render.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { deadlinesFor, targetsFor, type CaseRef } from '../../src/domain/deadlines.js';
import { parsePriority } from '../../src/domain/priority-names.js';
import { suggestTiming } from '../../src/domain/priority.js';
import { catalogFor, translator } from '../../src/i18n/index.js';
import { at } from '../support/time.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'ssbtek.js');
const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const sv = translator('sv');
const en = translator('en');
const ZONE = 'Europe/Stockholm';

// ---------------------------------------------------------------------------------
// Pure parts.

describe('priority names (src/domain/priority-names.ts)', () => {
  const cases: Array<[string, string | null]> = [
    ['Kritisk', 'critical'],
    ['kritisk', 'critical'],
    ['KRITISK', 'critical'],
    ['critical', 'critical'],
    ['Critical', 'critical'],
    ['Hög', 'high'],
    ['hög', 'high'],
    ['HÖG', 'high'],
    ['Hog', 'high'],
    ['hog', 'high'],
    ['high', 'high'],
    ['Ho\u0308g', 'high'],
    ['Medel', 'medium'],
    ['medel', 'medium'],
    ['medium', 'medium'],
    ['MEDIUM', 'medium'],
    ['Låg', 'low'],
    ['låg', 'low'],
    ['Lag', 'low'],
    ['lag', 'low'],
    ['low', 'low'],
    ['  Låg ', 'low'],
    ['urgent', null],
    ['', null],
    ['hö', null],
    ['1', null],
    ['critica', null],
    ['constructor', null],
  ];
  it.each(cases)('%j → %s', (text, expected) => {
    expect(parsePriority(text)).toBe(expected);
  });
});

describe('instants must be ISO 8601 with an offset', () => {
  const ok: Array<[string, string]> = [
    ['2026-11-20T10:00+01:00', '2026-11-20T09:00:00.000Z'],
    ['2026-11-20T10:00Z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20t10:00z', '2026-11-20T10:00:00.000Z'],
    ['2026-11-20 10:00:30+01:00', '2026-11-20T09:00:30.000Z'],
    ['2026-11-20T10:00:30.5+0100', '2026-11-20T09:00:30.500Z'],
    ['2026-11-20T10:00:30,123456-05:00', '2026-11-20T15:00:30.123Z'],
    ['2026-07-01T10:00+02', '2026-07-01T08:00:00.000Z'],
    ['2028-02-29T23:59:59Z', '2028-02-29T23:59:59.000Z'],
  ];
  it.each(ok)('%s is %s', (text, iso) => {
    const r = parseInstant(text);
    expect(r.ok && new Date(r.ms).toISOString()).toBe(iso);
  });
  it.each(['2026-11-20T10:00', '2026-11-20T10:00:00', '2026-11-20 10:00'])('%s has no offset', (text) => {
    expect(parseInstant(text)).toEqual({ ok: false, reason: 'noOffset' });
  });
  it.each([
    '2026-11-20',
    '2026-02-29T10:00Z',
    '2026-13-01T10:00Z',
    '2026-11-20T24:00Z',
    '2026-11-20T10:60Z',
    '2026-11-20T10:00+25:00',
    'tomorrow',
    '1732000000000',
    '2026-11-20T10Z',
  ])('%s is not an instant', (text) => {
    expect(parseInstant(text)).toEqual({ ok: false, reason: 'invalid' });
  });
  it('suggests the offset Stockholm has at that local time', () => {
    expect(suggestOffset('2026-07-01T10:00', ZONE)).toBe('2026-07-01T10:00+02:00');
    expect(suggestOffset('2026-11-20T10:00', ZONE)).toBe('2026-11-20T10:00+01:00');
    expect(suggestOffset('2026-11-20T10:00Z', ZONE)).toBeNull();
  });
});

describe('command-line options', () => {
  const spec = { options: ['impact', 'timing'], flags: ['json'] };
  const problem = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      if (err instanceof CliError) return err.problems[0];
      throw err;
    }
    throw new Error('no error');
  };
  it('takes --name value, --name=value and flags', () => {
    const args = parseOptions(['--impact', '1', '--timing=2', '--json'], spec, 'priority');
    expect(args.values).toEqual({ impact: '1', timing: '2' });
    expect([...args.flags]).toEqual(['json']);
  });
  it('takes --lang and --help from anywhere', () => {
    expect(extractGlobals(['priority', '--lang', 'en', '--impact', '1', '-h'])).toEqual({ lang: 'en', help: true, rest: ['priority', '--impact', '1'] });
    expect(extractGlobals(['--lang=sv', 'timing'])).toEqual({ lang: 'sv', help: false, rest: ['timing'] });
  });
  it('names what is wrong', () => {
    expect(problem(() => parseOptions(['--impakt', '1'], spec, 'priority'))).toMatchObject({ key: 'cli.error.unknownOption', vars: { option: '--impakt' } });
    expect(problem(() => parseOptions(['--impact'], spec, 'priority'))).toMatchObject({ key: 'cli.error.missingValue' });
    expect(problem(() => parseOptions(['--impact', '--json'], spec, 'priority'))).toMatchObject({ key: 'cli.error.missingValue' });
    expect(problem(() => parseOptions(['--impact', '1', '--impact', '2'], spec, 'priority'))).toMatchObject({ key: 'cli.error.repeated' });
    expect(problem(() => parseOptions(['1'], spec, 'priority'))).toMatchObject({ key: 'cli.error.unexpected', vars: { value: '1' } });
    expect(problem(() => parseOptions(['--json=yes'], spec, 'priority'))).toMatchObject({ key: 'cli.error.flagValue' });
    expect(problem(() => extractGlobals(['priority', '--lang']))).toMatchObject({ key: 'cli.error.missingValue' });
  });
});

describe('rendering', () => {
  it('a priority in words, in Swedish and in English', () => {
    expect(renderPriority(sv, 1, 2, 'high')).toBe(
      'Hög (Påverkan 1: Totalt avbrott i flödet, inga anrop kan besvaras, Tidpunkt 2: Under öppettid i nära anslutning till en kritisk tidsperiod)',
    );
    expect(renderPriority(en, 4, 1, 'low')).toBe('Low (Impact 4: Single calls cannot be answered, Time 1: Within opening hours during a critical period)');
  });

  it('a Tidpunkt received outside opening hours says when it was judged', () => {
    const received = at('2026-11-19 17:30');
    const s = suggestTiming(calendar, received);
    const text = renderTiming(sv, contract, s, received).split('\n');
    expect(text[0]).toBe(`Tidpunkt 1: ${sv.t('common.timing.1')}`);
    expect(text[1]).toBe('Mottagen: tors 19 nov. 2026 17:30');
    expect(text[2]).toBe('Skäl: den 20:e är i den kritiska perioden (från den 20:e till månadens slut)');
    expect(text[3]).toBe(`Obs: ${sv.t('common.timingReason.outsideOpeningHours', { at: 'fre 20 nov. 2026 08:00' })}`);
  });

  it('a Tidpunkt within opening hours has no note; low season is named', () => {
    const received = at('2026-07-20 10:00');
    const s = suggestTiming(calendar, received);
    const text = renderTiming(en, contract, s, received).split('\n');
    expect(text).toHaveLength(3);
    expect(text[0]).toBe('Time 4: Low season');
    expect(text[2]).toBe(`Why: ${en.t('common.timingReason.lowSeason', { label: 'sommar', from: '07-01', to: '07-31' })}`);
  });

  const view = (ref: CaseRef, received: string, org = 'forsakringskassan') => {
    const receivedAt = at(received);
    return { ref, org, receivedAt, deadlines: deadlinesFor(calendar, ref, receivedAt, org), targets: targetsFor(contract, ref) };
  };

  it('deadlines in Swedish, Stockholm time, with the targets as written', () => {
    expect(renderDeadlines(sv, contract, view({ kind: 'incident', priority: 'critical' }, '2026-11-27 16:45'))).toBe(
      [
        'Incident med prioritet Kritisk hos Försäkringskassan',
        '  Mottagen:    fre 27 nov. 2026 16:45',
        '  Responstid:  mån 30 nov. 2026 08:15 (inom 30 min)',
        '  Åtgärdstid:  mån 30 nov. 2026 15:45 (inom 8 timmar)',
        'Tider i Europe/Stockholm.',
      ].join('\n'),
    );
  });

  it('deadlines in English show when the clock starts if that is later than receipt; orders have no response', () => {
    expect(renderDeadlines(en, contract, view({ kind: 'order', type: 'connection' }, '2026-11-28 11:00', 'transportstyrelsen'))).toBe(
      [
        'Order (Connection to the service) at Transportstyrelsen',
        '  Received:      Sat 28 Nov 2026 11:00',
        '  Clock starts:  Mon 30 Nov 2026 08:00',
        '  Response:      none (N/A)',
        '  Resolution:    Fri 4 Dec 2026 16:30 (within 5 working days)',
        'Times in Europe/Stockholm.',
      ].join('\n'),
    );
  });

  it('--json carries instants in UTC with milliseconds', () => {
    const json = deadlinesJson(view({ kind: 'problem', priority: 'critical' }, '2026-03-25 10:00'), contract.version);
    expect(json).toMatchObject({
      response: '2026-03-26T09:00:00.000Z',
      resolution: '2026-03-31T08:00:00.000Z', // 10:00 summer time: DST did not move the hour
      clockStart: '2026-03-25T09:00:00.000Z',
      opened: '2026-03-25T09:00:00.000Z',
      kind: 'problem',
      priority: 'critical',
      org: 'forsakringskassan',
      contractVersion: contract.version,
    });
  });
});

describe('batch lines', () => {
  const line = batchLineProcessor(contract, calendar, sv);
  const lineEn = batchLineProcessor(contract, calendar, en);
  const ok = (response: string | null, resolution: string) => JSON.stringify({ response, resolution });
  const err = (text: string) => JSON.parse(text).error as string;

  it('answers a valid line with both deadlines in UTC', () => {
    expect(line('{"kind":"incident","priority":"Kritisk","opened":"2026-11-27T16:45+01:00"}')).toBe(ok('2026-11-30T07:15:00.000Z', '2026-11-30T14:45:00.000Z'));
    expect(line('{"kind":"order","type":"question","opened":"2026-11-09T10:00+01:00","org":"csn"}')).toBe(ok(null, '2026-11-11T09:00:00.000Z'));
  });
  it('accepts priorities without diacritics, in any case and in English', () => {
    const answers = ['Hög', 'hog', 'HOG', 'high', 'High'].map((p) => line(JSON.stringify({ kind: 'incident', priority: p, opened: '2026-11-09T10:00+01:00' })));
    expect(new Set(answers)).toEqual(new Set([ok('2026-11-09T10:00:00.000Z', '2026-11-11T09:00:00.000Z')]));
    expect(line('{"kind":"problem","priority":"lag","opened":"2026-11-09T09:00Z"}')).toBe(
      line('{"kind":"problem","priority":"Låg","opened":"2026-11-09T09:00Z"}'),
    );
  });
  it('uses the default agency, or the one given to the processor, for lines without "org"', () => {
    const ts = batchLineProcessor(contract, calendar, sv, 'transportstyrelsen');
    const input = '{"kind":"incident","priority":"Kritisk","opened":"2026-11-24T16:15+01:00"}';
    expect(JSON.parse(line(input)).response).toBe('2026-11-24T15:45:00.000Z');
    expect(JSON.parse(ts(input)).response).toBe('2026-11-25T07:15:00.000Z');
  });
  it('answers a bad line with an error naming the field and the fix', () => {
    expect(err(line(''))).toMatch(/^tom rad/);
    expect(err(line('   '))).toMatch(/^tom rad/);
    expect(err(line('nope'))).toMatch(/^raden är inte giltig JSON/);
    expect(err(line('[1,2]'))).toMatch(/^raden ska vara ett JSON-objekt/);
    expect(err(line('{"kind":"incident","opened":"2026-11-27T16:45+01:00"}'))).toBe('"priority" saknas; ange Kritisk, Hög, Medel eller Låg.');
    expect(err(line('{"kind":"incident","priority":"urgent","opened":"2026-11-27T16:45Z"}'))).toMatch(/^"priority" "urgent" är ingen prioritet/);
    expect(err(line('{"kind":"incident","priority":"Hög","opened":"2026-11-27T16:45"}'))).toMatch(
      /^"opened" "2026-11-27T16:45" saknar tidszon; lägg till en förskjutning som \+01:00 eller Z, t\.ex\. 2026-11-27T16:45\+01:00/,
    );
    expect(err(line('{"kind":"incident","priority":"Hög","opened":"2026-11-27T16:45Z","org":"nasa"}'))).toMatch(
      /^"org" "nasa" är ingen känd uppgiftslämnare; välj en av: forsakringskassan, /,
    );
    expect(err(line('{"kind":"order","opened":"2026-11-27T16:45Z"}'))).toMatch(/^"type" saknas/);
    expect(err(line('{"kind":"order","type":"question","priority":"Hög","opened":"2026-11-27T16:45Z"}'))).toMatch(/^"priority" gäller inte beställningar/);
    expect(err(line('{"kind":"incident","type":"question","priority":"Hög","opened":"2026-11-27T16:45Z"}'))).toMatch(/^"type" gäller bara beställningar/);
    expect(err(line('{"kind":"incident","priority":"Hög","opened":"2026-11-27T16:45Z","prio":1}'))).toMatch(/^okänt fält "prio"/);
    expect(err(line('{"kind":"ticket","priority":3}'))).toBe(
      '"kind" "ticket" är ingen ärendetyp; ange incident, problem eller order. "priority" måste vara text. "opened" saknas; ange när ärendet togs emot, i ISO 8601 med tidszon, t.ex. 2026-11-27T16:45+01:00.',
    );
    expect(err(lineEn('{"kind":"incident","priority":"Hög","opened":"2026-11-27T16:45"}'))).toMatch(
      /^"opened" "2026-11-27T16:45" has no offset; add one such as \+01:00 or Z/,
    );
  });

  const collect = () => {
    const chunks: string[] = [];
    const out = new Writable({
      highWaterMark: 64, // tiny, so backpressure happens
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        setImmediate(done);
      },
    });
    return { out, text: () => chunks.join('') };
  };

  it('streams: one line out per line in, in order, blank lines and CRLF included', async () => {
    const input = new PassThrough();
    const { out, text } = collect();
    const done = runBatch(input, out, (l) => `<${l}>`);
    input.write('\uFEFFa\r\n\r\nb\nc');
    input.end('\nd\n');
    expect(await done).toBe(5);
    expect(text()).toBe('<a>\n<>\n<b>\n<c>\n<d>\n');
  });

  it('keeps order through backpressure over many lines', async () => {
    const input = new PassThrough();
    const { out, text } = collect();
    const done = runBatch(input, out, (l) => l);
    const n = 20_000;
    for (let i = 0; i < n; i += 1000) input.write(Array.from({ length: 1000 }, (_, j) => String(i + j)).join('\n') + '\n');
    input.end();
    expect(await done).toBe(n);
    const lines = text().split('\n');
    expect(lines.length).toBe(n + 1);
    expect(lines.slice(0, n).every((l, i) => l === String(i))).toBe(true);
  });
});

describe('every cli.* text the code uses exists in every language', () => {
  it('static check of the source', () => {
    const dir = join(ROOT, 'src', 'cli');
    const sources = [join(ROOT, 'src', 'cli.ts'), ...readdirSync(dir).map((f) => join(dir, f))].map((f) => readFileSync(f, 'utf8')).join('\n');
    const keys = [...new Set([...sources.matchAll(/'(cli\.[\w.]+)'/g)].map((m) => m[1]!))];
    expect(keys.length).toBeGreaterThan(30);
    for (const lang of ['sv', 'en'] as const) expect(keys.filter((k) => !catalogFor(lang).has(k))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------
// The frame (src/cli/main.ts) in process, with a table like src/cli.ts's, for the
// cases that need no second child process.

describe('main, in process', () => {
  const table: CommandTable = {
    priority: priorityCommand,
    timing: timingCommand,
    deadlines: deadlinesCommand,
    help: helpCommand(() => table),
    boom: {
      summary: 'cli.help.summary',
      usage: 'cli.help.usage',
      run: () => {
        throw new Error('kaboom');
      },
    },
  };
  async function run(argv: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const sink = (add: (s: string) => void) =>
      new Writable({
        write(chunk, _enc, done) {
          add(String(chunk));
          done();
        },
      });
    const code = await main(table, {
      argv,
      env,
      stdin: new PassThrough(),
      stdout: sink((s) => (stdout += s)),
      stderr: sink((s) => (stderr += s)),
      now: () => at('2026-11-20 10:00'),
    });
    return { code, stdout, stderr };
  }
  const usage = (code: number, stderr: RegExp) => ({ code, stdout: '', stderr: expect.stringMatching(stderr) });

  it('no command, or an option instead of one', async () => {
    expect(await run([])).toEqual(usage(2, /^ssbtek: ange ett kommando: priority, timing, deadlines, help, boom\.\nSe "ssbtek help"/));
    expect(await run(['--json', 'priority'], { SSBTEK_LANG: 'en_GB.UTF-8' })).toEqual(usage(2, /^ssbtek: name a command/));
  });
  it('--help alone prints the overview on stdout', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Användning: ssbtek <kommando>/);
  });
  it('help for a command, and for one that does not exist', async () => {
    expect((await run(['help', 'timing', '--lang', 'en'])).stdout).toMatch(/^Usage: ssbtek timing \[--at <instant>\]/);
    const deadlines = await run(['deadlines', '--help', '--lang', 'en']);
    expect(deadlines.stdout).toMatch(/^Usage:\n {2}ssbtek deadlines --kind incident\|problem/);
    expect(deadlines.stdout).toContain('(default: forsakringskassan); one of: forsakringskassan, skatteverket');
    expect(await run(['help', 'migrate'])).toEqual(usage(2, /^ssbtek help: okänt kommando "migrate"/));
  });
  it('an unsupported --lang is refused; a bad SSBTEK_LANG falls back to Swedish', async () => {
    expect(await run(['priority', '--lang', 'de'])).toEqual(usage(2, /^ssbtek: --lang "de" stöds inte; välj sv eller en\./));
    expect((await run(['priority', '--impact', '1', '--timing', '1'], { SSBTEK_LANG: 'fi' })).stdout).toMatch(/^Kritisk \(/);
  });
  it('--timing missing and --impact wrong are both reported', async () => {
    const r = await run(['priority', '--impact', 'x']);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      'ssbtek priority: --impact måste vara 1, 2, 3 eller 4, inte "x".',
      'ssbtek priority: --timing saknas; ange 1, 2, 3 eller 4.',
    ]);
  });
  it('timing --at defaults to now; --json', async () => {
    const r = await run(['timing', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({
      timing: 1,
      reason: { code: 'critical', startDay: 20 },
      received: '2026-11-20T09:00:00.000Z',
      outsideOpeningHours: false,
    });
  });
  it('a date that does not exist', async () => {
    expect(await run(['timing', '--at', '2026-02-30T10:00Z', '--lang', 'en'])).toEqual(
      usage(2, /^ssbtek timing: --at "2026-02-30T10:00Z" is not a valid instant; write ISO 8601/),
    );
  });
  it('an order with --priority, an incident with --type', async () => {
    expect(await run(['deadlines', '--kind', 'order', '--priority', 'Hög', '--opened', '2026-11-20T10:00Z'])).toEqual(
      usage(2, /--priority gäller inte beställningar \(order\); ange --type connection eller question/),
    );
    expect(await run(['deadlines', '--kind', 'incident', '--type', 'question', '--opened', '2026-11-20T10:00Z'])).toEqual(
      usage(2, /--type gäller bara beställningar \(order\); ärendetypen incident har en prioritet, som anges med --priority/),
    );
  });
  it('--batch with options that describe one case', async () => {
    const r = await run(['deadlines', '--batch', '--kind', 'incident', '--opened', '2026-11-20T10:00Z']);
    expect(r).toEqual(usage(2, /--kind kan inte användas med --batch[^\n]+\n.*--opened kan inte användas med --batch/));
  });
  it('a fault of ours exits 1', async () => {
    expect(await run(['boom'])).toEqual(usage(1, /^ssbtek boom: internt fel: kaboom\n$/));
  });
  it('priority --json', async () => {
    expect(JSON.parse((await run(['priority', '--impact', '2', '--timing', '1', '--json'])).stdout)).toEqual({ priority: 'high', impact: 2, timing: 1 });
  });
});

// ---------------------------------------------------------------------------------
// The real CLI, as a child process.

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ssbtek(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string; entry?: 'bin' | 'src' } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, SSBTEK_LANG: undefined, SSBTEK_CONFIG: undefined, ...opts.env };
  const entry = opts.entry === 'src' ? ['--import', 'tsx', join(ROOT, 'src', 'cli.ts')] : [BIN];
  const child = spawn(process.execPath, [...entry, ...args], { cwd: opts.cwd ?? ROOT, env: env as NodeJS.ProcessEnv });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.concurrent('ssbtek, run for real', () => {
  it('priority, in Swedish by default, from any working directory (bin/ssbtek.js)', async () => {
    const r = await ssbtek(['priority', '--impact', '1', '--timing', '2'], { cwd: tmpdir() });
    expect(r).toEqual({ code: 0, stdout: `${renderPriority(sv, 1, 2, 'high')}\n`, stderr: '' });
    expect(r.stdout).toMatch(/^Hög \(Påverkan 1: .+, Tidpunkt 2: .+\)\n$/);
  });

  it('priority in English with --lang en (npm run ssbtek: tsx src/cli.ts)', async () => {
    const r = await ssbtek(['priority', '--impact', '3', '--timing', '1', '--lang', 'en'], { entry: 'src' });
    expect(r).toEqual({
      code: 0,
      stdout: 'Medium (Impact 3: Long response times cause time-outs in most calls, Time 1: Within opening hours during a critical period)\n',
      stderr: '',
    });
  });

  it('timing in Swedish: received outside opening hours, judged at the next opening', async () => {
    const r = await ssbtek(['timing', '--at', '2026-11-19T17:30+01:00']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `Tidpunkt 1: ${sv.t('common.timing.1')}`,
      'Mottagen: tors 19 nov. 2026 17:30',
      'Skäl: den 20:e är i den kritiska perioden (från den 20:e till månadens slut)',
      `Obs: ${sv.t('common.timingReason.outsideOpeningHours', { at: 'fre 20 nov. 2026 08:00' })}`,
      '',
    ]);
  });

  it('timing in English from SSBTEK_LANG=en', async () => {
    const r = await ssbtek(['timing', '--at', '2026-11-19T10:00+01:00'], { env: { SSBTEK_LANG: 'en' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Time 2: Within opening hours close to a critical period',
        'Received: Thu 19 Nov 2026 10:00',
        'Why: the 19th is close to the critical period, which starts on the 20th',
        '',
      ].join('\n'),
    );
  });

  it('deadlines in Swedish', async () => {
    const r = await ssbtek(['deadlines', '--kind', 'incident', '--priority', 'Kritisk', '--opened', '2026-11-27T16:45+01:00']);
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Incident med prioritet Kritisk hos Försäkringskassan',
        '  Mottagen:    fre 27 nov. 2026 16:45',
        '  Responstid:  mån 30 nov. 2026 08:15 (inom 30 min)',
        '  Åtgärdstid:  mån 30 nov. 2026 15:45 (inom 8 timmar)',
        'Tider i Europe/Stockholm.',
        '',
      ].join('\n'),
    });
  });

  it('deadlines in English for an order at Transportstyrelsen', async () => {
    const r = await ssbtek([
      'deadlines',
      '--kind',
      'order',
      '--type',
      'question',
      '--opened',
      '2026-11-24T16:40+01:00',
      '--org',
      'transportstyrelsen',
      '--lang',
      'en',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Order (Question / information) at Transportstyrelsen');
    expect(r.stdout).toContain('Clock starts:  Wed 25 Nov 2026 08:00');
    expect(r.stdout).toContain('Resolution:    Thu 26 Nov 2026 16:30 (within 2 working days)');
  });

  it('deadlines --json, with a priority written without diacritics', async () => {
    const r = await ssbtek(['deadlines', '--kind', 'incident', '--priority', 'hog', '--opened', '2026-11-28T11:00+01:00', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      response: '2026-11-30T08:00:00.000Z',
      resolution: '2026-12-01T16:00:00.000Z',
      clockStart: '2026-11-30T07:00:00.000Z',
      kind: 'incident',
      priority: 'high',
      org: 'forsakringskassan',
    });
  });

  it('deadlines --batch: mixed valid and invalid lines, one line out per line in, in order', async () => {
    const lines = [
      '{"kind":"incident","priority":"Kritisk","opened":"2026-11-27T16:45+01:00"}',
      '{"kind":"incident","priority":"critical","opened":"2026-11-27T15:45Z"}',
      '',
      '{"kind":"incident","priority":"Hog","opened":"2026-11-28T11:00+01:00","org":"forsakringskassan"}',
      'not json',
      '{"kind":"order","type":"connection","opened":"2026-11-09T10:00+01:00","org":"transportstyrelsen"}',
      '{"kind":"incident","priority":"Kritisk","opened":"2026-11-27T16:45"}',
      '{"kind":"problem","priority":"LAG","opened":"2026-11-09T10:00+01:00"}',
      '{"kind":"incident","priority":"Hög","opened":"2026-11-27T16:45Z","org":"nasa"}',
    ];
    const r = await ssbtek(['deadlines', '--batch'], { input: `${lines.join('\n')}\n` });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const out = r.stdout.split('\n');
    expect(out.pop()).toBe('');
    expect(out).toHaveLength(lines.length);
    const parsed = out.map((l) => JSON.parse(l));
    expect(parsed[0]).toEqual({ response: '2026-11-30T07:15:00.000Z', resolution: '2026-11-30T14:45:00.000Z' });
    expect(parsed[1]).toEqual(parsed[0]);
    expect(parsed[2].error).toMatch(/^tom rad/);
    expect(parsed[3]).toEqual({ response: '2026-11-30T08:00:00.000Z', resolution: '2026-12-01T16:00:00.000Z' });
    expect(parsed[4].error).toMatch(/^raden är inte giltig JSON/);
    expect(parsed[5]).toEqual({ response: null, resolution: '2026-11-16T09:00:00.000Z' });
    expect(parsed[6].error).toMatch(/"opened" "2026-11-27T16:45" saknar tidszon/);
    expect(parsed[7]).toEqual({ response: '2026-11-23T09:00:00.000Z', resolution: '2027-02-08T09:00:00.000Z' });
    expect(parsed[8].error).toMatch(/"org" "nasa"/);
  });

  it('help lists every command, in Swedish', async () => {
    const r = await ssbtek(['help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^Användning: ssbtek <kommando>/);
    for (const name of ['priority', 'timing', 'deadlines', 'help']) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  // Bad arguments: exit 2, a message on stderr saying what to fix, nothing on stdout.
  const bad: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      'an unknown command',
      ['deadline', '--kind', 'incident'],
      {},
      /^ssbtek: okänt kommando "deadline"; välj ett av: priority, timing, deadlines, window, extra-hours, migrate, report, import, help\.\nSe "ssbtek help"/,
    ],
    [
      'a missing --priority',
      ['deadlines', '--kind', 'incident', '--opened', '2026-11-27T16:45+01:00'],
      {},
      /^ssbtek deadlines: --priority saknas; ange Kritisk, Hög, Medel eller Låg\.\nSe "ssbtek help deadlines" för hur kommandot används\.\n$/,
    ],
    ['impact 5', ['priority', '--impact', '5', '--timing', '2', '--lang', 'en'], {}, /^ssbtek priority: --impact must be 1, 2, 3 or 4, not "5"\./],
    [
      'an unknown org',
      ['deadlines', '--kind', 'problem', '--priority', 'Medel', '--opened', '2026-11-27T16:45Z', '--org', 'nasa'],
      {},
      /--org "nasa" är ingen känd uppgiftslämnare; välj en av: forsakringskassan, .*transportstyrelsen/,
    ],
    [
      'a bare local time',
      ['deadlines', '--kind', 'incident', '--priority', 'Låg', '--opened', '2026-07-01T10:00'],
      {},
      /--opened "2026-07-01T10:00" saknar tidszon; lägg till en förskjutning som \+01:00 eller Z, t\.ex\. 2026-07-01T10:00\+02:00\./,
    ],
  ];
  it.each(bad)('%s → exit 2, stderr says what to fix, stdout empty', async (_name, args, env, message) => {
    const r = await ssbtek(args, { env });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('SSBTEK_CONFIG naming an invalid file → exit 2 and the field that is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssbtek-cli-'));
    const file = join(dir, 'contract.yaml');
    writeFileSync(file, 'incidentTargets:\n  high:\n    response:\n      amount: -5\n');
    const r = await ssbtek(['priority', '--impact', '1', '--timing', '1'], { env: { SSBTEK_CONFIG: file } });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^ssbtek priority: konfigurationen kan inte användas; rätta filen som SSBTEK_CONFIG pekar på:\n/);
    expect(r.stderr).toContain('incidentTargets.high.response.amount');
    expect(r.code).toBe(2);
  });
});
