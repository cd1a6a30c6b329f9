// Fuzzing the command language: at least 20,000 random and mutated command lines per run
// (a seeded generator, so a failure can be replayed) through the terminal session and
// through the Slack slash-command listener (the function Bolt calls), on a real store.
// No line may get a fault reply, print a stack trace, repeat a personnummer, break a
// Block Kit limit, or store anything when it was refused.
//
//   SSBTEK_FUZZ_SEED=123 SSBTEK_FUZZ_LINES=100000 npx vitest run test/conversation/fuzz.test.ts
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/app.js';
import { COMMANDS, FIELD_WORDS } from '../../src/conversation/commands.js';
import { Conversation, type Reply } from '../../src/conversation/engine.js';
import { maskPersonalNumbers } from '../../src/domain/pii.js';
import { ChatReferenceService } from '../../src/services/chat-references.js';
import { slashCommandListener, type SlashCommandArgs } from '../../src/platforms/slack/commands.js';
import { ConsoleSession } from '../../src/platforms/console/session.js';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { TestClock, testApp } from '../support/app.js';
import { checkMessage, checkModal, startBot } from '../support/fake-slack.js';
import { isParseError, parse } from '../../src/conversation/commands.js';
import { commandText } from '../../src/platforms/slack/commands.js';
import { at } from '../support/time.js';
import { mulberry32 } from '../support/random.js';

const SEED = Number(process.env.SSBTEK_FUZZ_SEED ?? 20_261_129);
const LINES = Math.max(20_000, Number(process.env.SSBTEK_FUZZ_LINES ?? 20_000));
const STACK = /\n\s+at .+[:(]\d+/;

/** mulberry32 (test/support/random.ts) with whole numbers and picks. */
function random(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const PNRS = ['811218-9876', '8112189876', '19811218-9876', '811218–9876', '811218 9876'];
const WORDS = COMMANDS.flatMap((c) => [...c.words.sv, ...c.words.en]);
const KEYS = [...Object.values(FIELD_WORDS).flatMap((w) => [...w.sv, ...w.en]), 'prio', 'pnr', 'orsak', 'x'];
const ODD = [
  '"',
  "'",
  '“',
  '”',
  '„',
  '=',
  '==',
  '\u0000',
  '\u001b[2J',
  '\u0007',
  '\u202e',
  '\u0085',
  '😀',
  '👩‍💻',
  'å',
  '\t',
  '\r',
  '\\',
  '<!channel>',
  '&amp;',
  '`',
  '*',
  '\uFFFF',
  '\uD800',
];
const TEXTS = ['Inga svar', 'Timeout mot CSN', 'Ringde SPOC', 'klart', 'x', '', ' ', 'ÅÄÖ åäö', '😀😀', 'a'.repeat(151), 'b'.repeat(3001)];

function generator(seed: number, ids: () => number) {
  const r = random(seed);
  const id = () => r.pick([`INC-${ids()}`, `inc-${ids()}`, String(ids()), `INC-${ids() + 1000}`, 'INC-', 'INC-0', '12a', r.pick(PNRS), 'INC-99999999999', '']);
  const level = () => r.pick(['1', '2', '3', '4', '0', '5', '', 'x', '1.5', '４', r.pick(PNRS)]);
  const text = () => {
    const base = r.pick(TEXTS);
    return r.int(4) === 0 ? `${base} ${r.pick(PNRS)}` : base;
  };
  const quoted = (s: string) => r.pick([`"${s}"`, `“${s}”`, `„${s}”`, s.includes(' ') ? `"${s}"` : s]);
  const templates: (() => string)[] = [
    () => 'list',
    () => 'lista',
    () => 'status',
    () => `status ${id()}`,
    () => 'help',
    () => `ack ${id()}`,
    () => `kvittera ${id()}`,
    () => `resolve ${id()} ${text()}`,
    () => `åtgärdad ${id()} ${text()}`,
    () => `reopen ${id()} ${text()}`,
    () => `close ${id()}`,
    () => `priority ${id()} påverkan=${level()} tidpunkt=${level()} ${text()}`,
    () => `snooze ${id()} ${r.pick(['15', '60', '7', 'länge', '', r.pick(PNRS)])}`,
    () => `incident påverkan=${level()} titel=${quoted(text() || 'Avbrott')} myndighet=${r.pick(['skatteverket', 'csn', 'nasa', '', r.pick(PNRS)])}`,
    () => `incident impact=${level()} title=${quoted(text() || 'Avbrott')} security=${r.pick(['ja', 'nej', 'kanske', r.pick(PNRS)])}`,
    () => r.pick(['incident', 'open', 'öppna', 'ny']),
    () => `/ssbtek ${r.pick(WORDS)} ${id()}`,
  ];
  const token = () => {
    switch (r.int(6)) {
      case 0:
        return r.pick(WORDS);
      case 1:
        return `${r.pick(KEYS)}=${r.int(2) ? level() : quoted(text())}`;
      case 2:
        return id();
      case 3:
        return r.pick(ODD);
      case 4:
        return r.pick(PNRS);
      default:
        return text();
    }
  };
  const mutate = (line: string) => {
    let s = line;
    for (let n = 1 + r.int(4); n > 0; n--) {
      const at = r.int(s.length + 1);
      switch (r.int(6)) {
        case 0:
          s = s.slice(0, at) + s.slice(at + 1 + r.int(3));
          break;
        case 1:
          s = s.slice(0, at) + r.pick(ODD) + s.slice(at);
          break;
        case 2:
          s = s.slice(0, at) + ` ${token()} ` + s.slice(at);
          break;
        case 3: {
          const parts = s.split(' ');
          const i = r.int(parts.length);
          parts.splice(i, 0, parts[r.int(parts.length)] ?? '');
          s = parts.join(' ');
          break;
        }
        case 4:
          s = r.int(2) ? s.toUpperCase() : s.slice(0, at);
          break;
        default:
          s = `"${s.split(' ')[0]}" ${s.split(' ').slice(1).join(' ')}`;
      }
    }
    return s;
  };
  return () => {
    switch (r.int(4)) {
      case 0:
        return Array.from({ length: 1 + r.int(6) }, token).join(r.pick([' ', '  ', '\t']));
      case 1:
      case 2:
        return mutate(r.pick(templates)());
      default:
        return r.pick(templates)();
    }
  };
}

/** Kinds after which nothing may have been stored. */
const STORES_NOTHING = new Set(['error', 'formErrors', 'reasked', 'cancelled', 'form', 'question', 'help', 'list', 'empty']);

describe('fuzzing the command language (seeded)', () => {
  let db: Database;
  let app: Awaited<ReturnType<typeof testApp>>;
  const clock = new TestClock(at('2026-11-24 10:00'));
  const faults: string[] = [];
  const logged: Logger = { info() {}, warn() {}, error: (msg, err) => faults.push(`${msg}: ${err instanceof Error ? err.stack : String(err)}`) };
  const written: string[] = [];
  let restore: () => void = () => {};

  beforeAll(async () => {
    db = await pgliteTarget.open();
    app = await testApp(db, clock);
    for (let i = 0; i < 5; i++) await app.incidents.open({ impact: 1 + (i % 4), title: `Grund ${i}` }, { id: 'anna', source: 'console' }, clock.now());
    // Anything printed to stdout/stderr during the run is kept and checked for stack traces.
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (
      written.push(String(chunk)), out(chunk, ...rest)
    )) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (
      written.push(String(chunk)), err(chunk, ...rest)
    )) as typeof process.stderr.write;
    restore = () => {
      process.stdout.write = out;
      process.stderr.write = err;
    };
  });
  afterAll(async () => {
    restore();
    await db.close();
  });

  async function stored(): Promise<string> {
    const rows = await db.prisma.$queryRawUnsafe<{ n: string }[]>(
      "SELECT concat_ws(',', (SELECT count(*) FROM incidents), (SELECT count(*) FROM incident_events), (SELECT count(*) FROM audit_entries)) AS n",
    );
    return rows[0]!.n;
  }

  /** A conversation that remembers its last reply, so each line can be judged by kind. */
  function recording() {
    let last: Reply | null = null;
    let executed = false;
    const conversation = new (class extends Conversation {
      override async execute(...args: Parameters<Conversation['execute']>) {
        executed = true;
        last = await super.execute(...args);
        return last;
      }
      override refuse(...args: Parameters<Conversation['refuse']>) {
        last = super.refuse(...args);
        return last;
      }
    })({
      incidents: app.incidents,
      reminders: app.reminders,
      contract: app.contract,
      now: clock.now,
      logError: (err, context) => faults.push(`${context}: ${String(err)}`),
    });
    return {
      conversation,
      take: () => ((r) => ((last = null), r))(last) as Reply | null,
      /** Whether a command reached execute (and so the store) since the last call. */
      executed: () => ((e) => ((executed = false), e))(executed),
    };
  }

  const problems: string[] = [];
  function judge(surface: string, line: string, text: string, storedChanged: boolean, kind: string) {
    const where = `${surface} ${JSON.stringify(line.slice(0, 120))}`;
    if (kind === 'error' && /Något gick fel hos boten|Something went wrong in the bot/.test(text)) problems.push(`${where}: fault reply`);
    if (STACK.test(text)) problems.push(`${where}: stack trace in the reply`);
    if (maskPersonalNumbers(text).count > 0) problems.push(`${where}: a personnummer in the reply: ${text.slice(0, 200)}`);
    if (storedChanged && STORES_NOTHING.has(kind)) problems.push(`${where}: refused or read-only (${kind}) but something was stored`);
  }

  // Ids mostly of incidents that exist (the count grows as lines open more), some not.
  let maxId = 5;
  const idSource = random(SEED + 1);
  const next = generator(SEED, () => 1 + idSource.int(maxId + 2));
  const values = random(SEED + 2);
  const VALUE_POOL = [
    ...TEXTS,
    ...PNRS,
    ...ODD,
    '1',
    '2',
    '3',
    '4',
    '0',
    '9',
    'ja',
    'nej',
    'kanske',
    'skatteverket',
    'csn',
    'nasa',
    'Återrapporterat per telefon',
    `x${PNRS[0]}`,
  ];

  it(`${LINES} lines through the terminal, the Slack slash command and modal submissions: no fault, no stack trace, no personnummer, nothing stored when refused`, async () => {
    const started = performance.now();
    const terminal = recording();
    const session = new ConsoleSession(terminal.conversation, app.contract, { actor: { id: 'anna', source: 'console' }, lang: 'sv' });
    const slack = recording();
    const listener = slashCommandListener({
      conversation: slack.conversation,
      contract: app.contract,
      refs: new ChatReferenceService(db.prisma),
      directory: { langOf: async (user: string) => (user.endsWith('EN') ? 'en' : 'sv') },
      announcer: { channelFor: (origin) => origin?.channel ?? null },
      now: clock.now,
      log: logged,
      command: '/ssbtek',
    });
    let counts = await stored();
    const tally: Record<string, number> = {};
    for (let n = 0; n < LINES; n++) {
      const line = next();
      let text: string;
      let kind: string;
      let reached: boolean;
      if (n % 2 === 0) {
        session.interactive = n % 8 === 0;
        text = await session.feed(line);
        kind = session.lastOutcome;
        reached = terminal.executed();
        // A form is asked for a few lines at most; then it is dropped (as Ctrl+C does).
        if (session.asking && idSource.int(3) === 0) session.cancelForm();
      } else if (n % 10 === 1) {
        // A modal submission: what the modal listener does (the form's check, then execute).
        const form = values.pick(['incident', 'resolve', 'priority'] as const);
        const submitted = Object.fromEntries(
          ['impact', 'timing', 'title', 'org', 'services', 'description', 'security', 'note', 'reason'].map((f) => [
            f,
            values.int(5) ? values.pick(VALUE_POOL) : undefined,
          ]),
        );
        const hidden = { i: values.pick([1, 2, maxId, maxId + 5, 'x', PNRS[0]!]), im: values.pick([1, 2, 3, 4]), tm: values.pick([1, 2, 3, 4]) };
        const reply = await slack.conversation.submitForm(form, submitted, hidden, {
          actor: { id: 'U0FUZZ', source: 'slack' },
          lang: 'sv',
          forms: true,
          deliveryId: `fuzz-view-${n}`,
        });
        reached = slack.executed();
        slack.take();
        kind = reply.kind;
        text = `${reply.text}\n${reply.kind === 'formErrors' ? Object.values(reply.errors).join('\n') : ''}`;
      } else {
        const sent: Record<string, unknown>[] = [];
        const opened: Record<string, unknown>[] = [];
        const args = {
          command: {
            text: line,
            user_id: n % 3 === 0 ? 'U0FUZZEN' : 'U0FUZZ',
            channel_id: 'C0FUZZ',
            trigger_id: `t${n}`,
            response_url: 'https://hooks.slack.invalid/x',
            command: '/ssbtek',
          },
          ack: async () => {},
          respond: async (message: Record<string, unknown>) => {
            sent.push(message);
            return {};
          },
          client: { views: { open: async (a: { view: Record<string, unknown> }) => (opened.push(a.view), { ok: true }) } },
        } as unknown as SlashCommandArgs;
        await listener(args);
        reached = slack.executed();
        const reply = slack.take();
        kind = reply?.kind ?? 'none';
        text = [...sent.map((m) => JSON.stringify(m)), ...opened.map((v) => JSON.stringify(v))].join('\n');
        for (const m of sent) for (const v of checkMessage(m)) problems.push(`slack ${JSON.stringify(line.slice(0, 80))}: ${v}`);
        for (const v of opened) for (const p of checkModal(v)) problems.push(`slack ${JSON.stringify(line.slice(0, 80))}: ${p}`);
        if (sent.length + opened.length === 0) problems.push(`slack ${JSON.stringify(line.slice(0, 80))}: no answer`);
      }
      tally[kind] = (tally[kind] ?? 0) + 1;
      // The store is counted after every line that reached execute (and every 50th line):
      // a line refused by the parser or a form field check cannot reach it, and the next
      // count, taken after a line that must store nothing, covers it too.
      if (reached || n % 50 === 0) {
        const now = await stored();
        judge(n % 2 === 0 ? 'terminal' : 'slack', line, text, now !== counts, kind);
        counts = now;
        maxId = Number(counts.split(',')[0]);
      } else {
        judge(n % 2 === 0 ? 'terminal' : 'slack', line, text, false, kind);
        if (kind === 'card' || kind === 'text') problems.push(`${JSON.stringify(line.slice(0, 80))}: changed without execute`);
      }
      if (problems.length > 20) break;
    }
    session.endOfInput();
    const seconds = (performance.now() - started) / 1000;
    expect(problems).toEqual([]);
    expect(faults).toEqual([]);
    expect(written.filter((w) => STACK.test(w))).toEqual([]);
    // The mix reached every part: refusals, changes, forms and questions.
    expect(tally.error).toBeGreaterThan(LINES / 10);
    expect(tally.card).toBeGreaterThan(LINES / 100);
    expect(tally.form).toBeGreaterThan(0);
    process.env.SSBTEK_FUZZ_REPORT && console.log(`fuzz: ${LINES} lines in ${seconds.toFixed(1)} s (seed ${SEED})`, tally);
  }, 240_000);

  it('a sample of 300 lines as signed HTTP requests to the real Bolt app: each answered, none a fault, nothing stored when refused', async () => {
    const bot = await startBot(await pgliteTarget.open(), { incidentChannel: 'C0INCIDENTS' });
    try {
      const sample = generator(SEED + 3, () => 1 + idSource.int(3));
      const count = async () =>
        [await bot.db.prisma.incident.count(), await bot.db.prisma.incidentEvent.count(), await bot.db.prisma.auditEntry.count()].join(',');
      const issues: string[] = [];
      for (let n = 0; n < 300; n++) {
        const line = sample().slice(0, 3000);
        const from = bot.fake.calls.length;
        const before = await count();
        const res = await bot.requester.command(line, { user: 'U0HTTP' });
        if (res.status !== 200) issues.push(`${JSON.stringify(line)}: HTTP ${res.status}`);
        let answer: string | null = null;
        for (let i = 0; i < 300 && answer === null; i++) {
          const response = bot.fake.responses.find((r) => r.id === res.responseId);
          const opened = bot.fake.calls.slice(from).find((c) => c.method === 'views.open');
          if (response) answer = JSON.stringify(response.body);
          else if (opened) answer = JSON.stringify(opened.body);
          else await new Promise((r) => setTimeout(r, 5));
        }
        await bot.slack.idle();
        if (answer === null) issues.push(`${JSON.stringify(line)}: no answer`);
        else {
          if (/Något gick fel hos boten/.test(answer)) issues.push(`${JSON.stringify(line)}: fault reply`);
          if (STACK.test(answer)) issues.push(`${JSON.stringify(line)}: stack trace`);
          if (maskPersonalNumbers(answer).count > 0) issues.push(`${JSON.stringify(line)}: a personnummer in the answer`);
        }
        if (isParseError(parse(commandText(line))) && (await count()) !== before) issues.push(`${JSON.stringify(line)}: refused but stored`);
      }
      expect(issues).toEqual([]);
      expect(bot.fake.violations).toEqual([]);
      expect(bot.logs.filter((l) => l.level === 'error')).toEqual([]);
    } finally {
      await bot.close();
    }
  }, 120_000);
});
