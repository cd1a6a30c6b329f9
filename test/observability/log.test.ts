// The structured log: JSON lines, the level from SSBTEK_LOG_LEVEL, and no personnummer
// in any line, even when a fault happens while a command carrying one is handled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { createLog, describeCommand, logFromEnv, serializeError, type LogOptions } from '../../src/observability/log.js';
import { openDatabase, type Database } from '../../src/store/index.js';

/** A pino destination that keeps every line. */
function memory(): { lines: string[]; records: () => Array<Record<string, unknown>>; write(s: string): void } {
  const lines: string[] = [];
  return {
    lines,
    write(s: string) {
      for (const l of s.split('\n')) if (l) lines.push(l);
    },
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

// Checksum-valid personnummer in the formats people type (Skatteverket's test numbers).
const PNR_12 = '19121212-1212';
const PNR_10 = '121212-1212';
const PNR_DIGITS = '191212121212';
const ANY_PNR = /(19)?121212[-+ ]?1212/;

describe('log lines', () => {
  it('are one JSON object per line with an ISO time, a level name and the message', () => {
    const out = memory();
    const log = createLog({ destination: out, level: 'info' });
    log.info('scheduler pass', { claimed: 3 });
    log.child({ component: 'jobs' }).warn('lease renewed late', { job: 17 });
    const [a, b] = out.records();
    expect(a).toMatchObject({ level: 'info', msg: 'scheduler pass', claimed: 3 });
    expect(new Date(a!.time as string).toISOString()).toBe(a!.time);
    expect(b).toMatchObject({ level: 'warn', msg: 'lease renewed late', component: 'jobs', job: 17 });
    expect(typeof a!.pid).toBe('number');
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('SSBTEK_LOG_LEVEL=%s writes exactly the levels %j', (level, expected) => {
    const out = memory();
    const log = logFromEnv({ SSBTEK_LOG_LEVEL: level }, { destination: out } as Omit<LogOptions, 'level'>);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(out.records().map((r) => r.level)).toEqual(expected);
    expect(log.level).toBe(level);
  });

  it('an unset or unknown SSBTEK_LOG_LEVEL means info', () => {
    expect(logFromEnv({}, { destination: memory() }).level).toBe('info');
    expect(logFromEnv({ SSBTEK_LOG_LEVEL: 'loud' }, { destination: memory() }).level).toBe('info');
  });

  it('masks personnummer in the message, in every field, nested, and in child bindings', () => {
    const out = memory();
    const log = createLog({ destination: out, level: 'debug' });
    log.info(`opened for ${PNR_12}`, { title: `kund ${PNR_10}`, nested: { list: [PNR_DIGITS, 'INC-12'] } });
    log.child({ reporter: PNR_12 }).debug('x');
    const text = out.lines.join('\n');
    expect(text).not.toMatch(ANY_PNR);
    expect(out.records()[0]).toMatchObject({ msg: 'opened for [personnummer]', title: 'kund [personnummer]', nested: { list: ['[personnummer]', 'INC-12'] } });
    expect(out.records()[1]).toMatchObject({ reporter: '[personnummer]' });
  });

  it('an error is logged as type, code, first message line and stack frames, nothing else from the object', () => {
    const err = Object.assign(new Error(`invalid input syntax: "${PNR_12}"\n  query: UPDATE incidents SET note = '${PNR_12} ringde'`), {
      code: '22P02',
      meta: { note: `${PNR_12} ringde` },
      input: `resolve INC-4 ${PNR_12} ringde`,
    });
    const s = serializeError(err);
    expect(s.type).toBe('Error');
    expect(s.code).toBe('22P02');
    expect(s.message).toBe('invalid input syntax: "[personnummer]"');
    expect(s.stack).toMatch(/^at /);
    expect(Object.keys(s).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(JSON.stringify(s)).not.toMatch(/ringde|UPDATE/);
  });
});

describe('a fault while a command with a personnummer is handled', () => {
  let db: Database;
  let app: App;
  const out = memory();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    app = await createApp({
      contract: buildContract({}),
      database: db,
      log: createLog({ destination: out, level: 'debug' }),
      now: () => Date.parse('2026-03-03T10:00:00+01:00'),
    });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('logs the fault once, and no line carries the personnummer (the person still gets the generic error)', async () => {
    // A driver error that echoes the value it choked on, as PostgreSQL's do.
    app.incidents.resolve = async (_id, note) => {
      throw Object.assign(new Error(`invalid byte sequence in "${note}"\nDETAIL: ${note}`), { meta: { note } });
    };
    const reply = await app.conversation.handle(`resolve INC-1 kunden ${PNR_12} (${PNR_10}, ${PNR_DIGITS}) ringde`, {
      actor: { id: 'u1', source: 'console' },
      lang: 'sv',
    } as never);
    expect(reply.kind).toBe('error');
    const errors = out.records().filter((r) => r.level === 'error');
    expect(errors).toHaveLength(1);
    expect((errors[0]!.err as { message: string }).message).toMatch(/^invalid byte sequence/);
    expect(out.lines.join('\n')).not.toMatch(ANY_PNR);
  });
});

describe('describeCommand', () => {
  it('keeps only the command word of a chat line', () => {
    expect(describeCommand(`resolve INC-4 kund ${PNR_12}`)).toBe('resolve');
    expect(describeCommand('  Status ')).toBe('status');
    expect(describeCommand(`${PNR_12} hjälp`)).toBe('(unparsed)');
  });
});

describe('one line per command and per job', () => {
  it('a command is logged by name, id, outcome and duration, never by its text, and counted', async () => {
    const { recordCommand, recordJob } = await import('../../src/observability/records.js');
    const { createMetrics } = await import('../../src/observability/metrics.js');
    const out = memory();
    const log = createLog({ destination: out, level: 'info' });
    const metrics = createMetrics({ defaultMetrics: false });
    recordCommand(log, metrics, { command: 'resolve', incident: 'INC-4', outcome: 'ok', ms: 12.4, source: 'slack', actor: 'U1' });
    recordJob(log, metrics, { kind: 'reminder', job: 81, outcome: 'done', ms: 40, latenessMs: 130 });
    recordJob(log, metrics, { kind: 'chat.card', job: 82, outcome: 'failed', ms: 5, attempt: 8, error: 'channel_not_found' });
    expect(out.records()).toEqual([
      expect.objectContaining({ level: 'info', msg: 'command', command: 'resolve', incident: 'INC-4', outcome: 'ok', ms: 12, source: 'slack' }),
      expect.objectContaining({ level: 'info', msg: 'job', kind: 'reminder', job: 81, outcome: 'done', latenessMs: 130 }),
      expect.objectContaining({ level: 'warn', msg: 'job failed for good', kind: 'chat.card', error: 'channel_not_found' }),
    ]);
    const text = await metrics.text();
    expect(text).toMatch(/^ssbtek_commands_total\{kind="resolve",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^ssbtek_jobs_failed_total\{kind="chat.card"\} 1$/m);
    expect(text).toMatch(/^ssbtek_reminder_lateness_seconds_count\{kind="reminder"\} 1$/m);
  });
});
