// The command language, described once: every command's Swedish and English words, its
// arguments (zod schemas), whether it changes anything, the lifecycle action it takes
// (and so the role it needs), and the form that asks for what is missing. A typed line,
// a Slack button, a modal submission and a Teams card action all become a `Command`
// and go through the same `execute` (engine.ts).
import { z } from 'zod';
import { roleFor, type LifecycleAction, type Role } from '../domain/lifecycle.js';
import { parseLevel, type Level } from '../domain/priority.js';
import { sanitizeInput } from '../domain/text.js';
import { tokenize, type Token } from './parse.js';
import type { RoutineCommand, RoutineCommandName } from './routine.js';

export type CommandName =
  | 'help'
  | 'incident'
  | 'status'
  | 'list'
  | 'ack'
  | 'resolve'
  | 'reopen'
  | 'priority'
  | 'close'
  | 'snooze'
  | 'note'
  | RoutineCommandName
  | CaseCommandName;

/** Orders, problems, outages and compliance (conversation/compliance.ts reads their words). */
export type CaseCommandName = 'order' | 'problem' | 'outage' | 'compliance';
export type FormId = 'incident' | 'resolve' | 'priority' | 'window';

/** The incident form's fields, also the keys of `incident key=value …`. */
export const INCIDENT_FIELDS = ['impact', 'timing', 'title', 'org', 'services', 'description', 'security'] as const;
export type IncidentFieldId = (typeof INCIDENT_FIELDS)[number];
export type FormValues = Partial<Record<IncidentFieldId, string>>;

export type Command =
  | { name: 'help' }
  | { name: 'list' }
  | { name: 'status'; id?: number }
  /** Without values: the incident form. Values are checked against the contract in execute. */
  | { name: 'incident'; values?: FormValues }
  | { name: 'ack'; id: number }
  /** Without a note: the report-back form (or a refusal where no form can be shown). */
  | { name: 'resolve'; id: number; note?: string }
  | { name: 'reopen'; id: number; reason: string }
  | { name: 'close'; id: number }
  /** Without levels or reason: the priority form (or a refusal). */
  | { name: 'priority'; id: number; impact?: Level; timing?: Level; reason?: string }
  | { name: 'snooze'; id: number; minutes?: number }
  /** A line on the timeline that changes nothing else. */
  | { name: 'note'; id: number; text: string }
  /** The information routine (windows, extra hours, disturbance notices): its words, read by conversation/routine.ts. */
  | RoutineCommand
  /** Orders, problems, outages, compliance: their words, read by conversation/compliance.ts. */
  | { name: CaseCommandName; words: string[] };

/** A line that is not a command, or a command with arguments that cannot be right. */
export interface ParseError {
  kind: 'parseError';
  /** A message key (locales/<lang>/errors.json, bot.json). */
  key: string;
  params: Record<string, string | number>;
  /** The command, when the line got that far. */
  command?: CommandName;
}

export type Words = { sv: readonly string[]; en: readonly string[] };

export interface CommandSpec {
  name: CommandName;
  /** The words that name the command; the first of each language is shown in help. */
  words: Words;
  /** Whether it changes anything (retried deliveries are claimed once). */
  mutates: boolean;
  /** The lifecycle action it takes; the role comes from the lifecycle table. */
  action: LifecycleAction | null;
  /** The form that asks for what a line leaves out. */
  form: FormId | null;
  /** `key=value` fields it takes (normalised names). */
  keys: readonly FieldKey[];
  /** Free text after the id (a note, a reason): unknown `key=value` pairs belong to it. */
  freeText: boolean;
  /** Where its help texts live (`<help>.usage`, `<help>.summary`); default `bot.commands.<name>`. */
  help?: string;
}

export type FieldKey = IncidentFieldId;

/** Field keys for `key=value`, Swedish and English, with or without diacritics; the first is shown. */
export const FIELD_WORDS: Record<FieldKey, Words> = {
  impact: { sv: ['påverkan', 'paverkan'], en: ['impact'] },
  timing: { sv: ['tidpunkt'], en: ['timing', 'time'] },
  title: { sv: ['titel', 'rubrik'], en: ['title'] },
  org: { sv: ['myndighet', 'uppgiftslämnare'], en: ['org', 'agency'] },
  services: { sv: ['tjänster', 'tjanster', 'bastjänster'], en: ['services'] },
  description: { sv: ['beskrivning'], en: ['description', 'desc'] },
  security: { sv: ['säkerhet', 'sakerhet'], en: ['security'] },
};

/** The table: every command once. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'incident',
    words: { sv: ['ny', 'öppna', 'oppna'], en: ['incident', 'inc', 'new', 'open'] },
    mutates: true,
    action: 'open',
    form: 'incident',
    keys: INCIDENT_FIELDS,
    freeText: false,
  },
  { name: 'status', words: { sv: ['visa'], en: ['status', 'show'] }, mutates: false, action: null, form: null, keys: [], freeText: false },
  { name: 'list', words: { sv: ['lista'], en: ['list'] }, mutates: false, action: null, form: null, keys: [], freeText: false },
  {
    name: 'ack',
    words: { sv: ['kvittera', 'påbörja'], en: ['ack', 'acknowledge', 'start'] },
    mutates: true,
    action: 'ack',
    form: null,
    keys: [],
    freeText: false,
  },
  {
    name: 'resolve',
    words: { sv: ['åtgärdad', 'atgardad', 'lös'], en: ['resolve', 'resolved'] },
    mutates: true,
    action: 'resolve',
    form: 'resolve',
    keys: [],
    freeText: true,
  },
  { name: 'reopen', words: { sv: ['återöppna', 'ateroppna'], en: ['reopen'] }, mutates: true, action: 'reopen', form: null, keys: [], freeText: true },
  {
    name: 'priority',
    words: { sv: ['prioritet', 'prio'], en: ['priority', 'reprioritise'] },
    mutates: true,
    action: 'priority',
    form: 'priority',
    keys: ['impact', 'timing'],
    freeText: true,
  },
  { name: 'close', words: { sv: ['stäng', 'stang', 'avsluta'], en: ['close'] }, mutates: true, action: 'close', form: null, keys: [], freeText: false },
  { name: 'snooze', words: { sv: ['snooza', 'vänta'], en: ['snooze'] }, mutates: true, action: 'snooze', form: null, keys: [], freeText: false },
  { name: 'note', words: { sv: ['notera', 'anteckna'], en: ['note', 'remark'] }, mutates: true, action: 'note', form: null, keys: [], freeText: true },
  // The information routine (conversation/routine.ts reads their words).
  {
    name: 'window',
    words: { sv: ['fönster', 'fonster'], en: ['window'] },
    mutates: true,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'routine.commands.window',
  },
  {
    name: 'windows',
    words: { sv: ['fönstren', 'fonstren'], en: ['windows'] },
    mutates: false,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'routine.commands.windows',
  },
  {
    name: 'extraHours',
    words: { sv: ['extratid'], en: ['extra-hours'] },
    mutates: true,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'routine.commands.extraHours',
  },
  {
    name: 'notice',
    words: { sv: ['meddelande'], en: ['notice'] },
    mutates: true,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'routine.commands.notice',
  },
  // Orders, problems, outages and compliance (conversation/compliance.ts reads their words).
  {
    name: 'order',
    words: { sv: ['beställning', 'bestallning'], en: ['order'] },
    mutates: true,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'cases.help.order',
  },
  {
    name: 'problem',
    words: { sv: ['problem'], en: ['problem'] },
    mutates: true,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'cases.help.problem',
  },
  { name: 'outage', words: { sv: ['avbrott'], en: ['outage'] }, mutates: true, action: null, form: null, keys: [], freeText: true, help: 'cases.help.outage' },
  {
    name: 'compliance',
    words: { sv: ['efterlevnad'], en: ['compliance'] },
    mutates: false,
    action: null,
    form: null,
    keys: [],
    freeText: true,
    help: 'cases.help.compliance',
  },
  { name: 'help', words: { sv: ['hjälp', 'hjalp'], en: ['help', '?'] }, mutates: false, action: null, form: null, keys: [], freeText: false },
];

/** The help texts' key prefix of a command. */
export const helpKey = (name: CommandName) => commandSpec(name).help ?? `bot.commands.${name}`;

const BY_NAME = new Map(COMMANDS.map((c) => [c.name, c]));
const BY_WORD = new Map<string, CommandSpec>(COMMANDS.flatMap((c) => [...c.words.sv, ...c.words.en].map((w) => [w, c] as const)));
const FIELD_BY_WORD = new Map<string, FieldKey>(
  (Object.entries(FIELD_WORDS) as [FieldKey, Words][]).flatMap(([key, w]) => [...w.sv, ...w.en].map((word) => [word, key] as const)),
);

export function commandSpec(name: CommandName): CommandSpec {
  return BY_NAME.get(name)!;
}

/** The role a command needs: the lifecycle's role for its action; questions need none. */
export function roleOf(name: CommandName): Role {
  const action = commandSpec(name).action;
  return action ? roleFor(action) : 'anyone';
}

/** Whether executing the command may change something (the empty incident form does not). */
export function isMutating(command: Command): boolean {
  if (command.name === 'incident') return command.values !== undefined;
  return commandSpec(command.name).mutates;
}

/** The word shown for a command or a field in `lang` (the table's first word). */
export const commandWord = (name: CommandName, lang: 'sv' | 'en') => commandSpec(name).words[lang][0]!;
export const fieldWord = (key: FieldKey, lang: 'sv' | 'en') => FIELD_WORDS[key][lang][0]!;

/** Longest line taken: a chat message is far shorter; anything longer is refused before it is read. */
export const LINE_MAX = 20_000;

/**
 * Parses one line; a leading "/ssbtek" or "ssbtek" is optional. Both languages' words
 * are always understood. An empty line is `help`.
 */
export function parse(line: string): Command | ParseError {
  if (line.length > LINE_MAX) return parseError('errors.command.tooLong', { length: line.length, max: LINE_MAX });
  // Control characters, escape sequences, bidi overrides and NUL never get past the parser.
  const text = sanitizeInput(line);
  const lexed = tokenize(text);
  if (!lexed.ok) return parseError('errors.command.unbalancedQuote', { position: lexed.position });
  const tokens = lexed.tokens;
  if (tokens.length && !tokens[0]!.quoted && tokens[0]!.key === undefined && /^\/?ssbtek$/i.test(tokens[0]!.text)) tokens.shift();
  const head = tokens[0];
  if (!head) return { name: 'help' };
  const spec = head.key === undefined ? BY_WORD.get(head.text.toLowerCase()) : undefined;
  if (!spec) return parseError('errors.command.unknown', { word: head.raw });
  const args = splitArguments(spec, tokens.slice(1));
  if ('kind' in args) return args;
  const built = SCHEMAS[spec.name].safeParse(args);
  if (built.success) return built.data as Command;
  return issueToError(spec.name, built.error.issues[0]!);
}

interface Arguments {
  /** Words that are not key=value (for free-text commands, unknown key=value too), quotes removed. */
  words: string[];
  fields: Partial<Record<FieldKey, string>>;
}

function splitArguments(spec: CommandSpec, tokens: Token[]): Arguments | ParseError {
  const words: string[] = [];
  const fields: Partial<Record<FieldKey, string>> = {};
  const unknown: string[] = [];
  for (const token of tokens) {
    if (token.key === undefined) {
      words.push(token.text);
      continue;
    }
    const key = FIELD_BY_WORD.get(token.key.toLowerCase());
    if (key && spec.keys.includes(key)) {
      if (fields[key] !== undefined) return parseError('errors.command.duplicateKey', { key: token.key }, spec.name);
      fields[key] = token.text;
    } else if (spec.freeText) {
      // A note or a reason is free text: "pnr=…" or "orsak=…" in it is just text.
      words.push(token.quoted ? `${token.key}=${token.text}` : token.raw);
    } else {
      unknown.push(token.key);
    }
  }
  if (unknown.length) {
    return spec.keys.length
      ? parseError('errors.command.unknownKeys', { keys: unknown.join(', ') }, spec.name)
      : parseError('errors.command.noKeys', { keys: unknown.join(', ') }, spec.name);
  }
  return { words, fields };
}

// ------------------------------------------------------------------------------ argument schemas

/** An issue's message is the message key; its params fill it in. */
function fail(ctx: z.RefinementCtx, key: string, params: Record<string, string | number> = {}): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message: key, params });
  return z.NEVER;
}

/** "INC-12", "inc-12", "INC12" or "12". */
export function parseIncidentId(text: string): number | null {
  const m = /^(?:INC-?)?(\d{1,9})$/i.exec(text.trim());
  return m ? Number(m[1]) : null;
}

const idArg = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return fail(ctx, 'errors.command.idMissing');
    return parseIncidentId(text) ?? fail(ctx, 'errors.incident.badId', { given: text });
  });

const levelArg = (field: 'impact' | 'timing') =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      return parseLevel(text) ?? fail(ctx, 'errors.level.invalid', { field, given: text });
    });

const minutesArg = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return undefined;
    return /^\d{1,4}$/.test(text) ? Number(text) : fail(ctx, 'errors.reminder.snoozeMinutes', { given: text });
  });

const freeText = (words: string[]) => words.join(' ').trim();

const onlyId = (name: 'ack' | 'close') =>
  z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a, ctx) => {
    extraWords(ctx, a.words.slice(1));
    return { name, id: parseWith(idArg, a.words[0], ctx) };
  });

const SCHEMAS: Record<CommandName, z.ZodType<Command, Arguments>> = {
  help: z.object({ words: z.array(z.string()), fields: z.object({}) }).transform(() => ({ name: 'help' as const })),
  list: z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a, ctx) => {
    extraWords(ctx, a.words);
    return { name: 'list' as const };
  }),
  status: z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a, ctx) => {
    extraWords(ctx, a.words.slice(1));
    return a.words[0] === undefined ? { name: 'status' as const } : { name: 'status' as const, id: parseWith(idArg, a.words[0], ctx) };
  }),
  incident: z.object({ words: z.array(z.string()), fields: z.record(z.string(), z.string()) }).transform((a, ctx) => {
    if (a.words.length) return fail(ctx, 'errors.command.incidentUsage', { words: a.words.join(' ') });
    return Object.keys(a.fields).length ? { name: 'incident' as const, values: a.fields as FormValues } : { name: 'incident' as const };
  }),
  ack: onlyId('ack'),
  close: onlyId('close'),
  resolve: z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a, ctx) => {
    const note = freeText(a.words.slice(1));
    return { name: 'resolve' as const, id: parseWith(idArg, a.words[0], ctx), ...(note ? { note } : {}) };
  }),
  reopen: z
    .object({ words: z.array(z.string()), fields: z.object({}) })
    .transform((a, ctx) => ({ name: 'reopen' as const, id: parseWith(idArg, a.words[0], ctx), reason: freeText(a.words.slice(1)) })),
  priority: z.object({ words: z.array(z.string()), fields: z.object({ impact: z.string().optional(), timing: z.string().optional() }) }).transform((a, ctx) => {
    const id = parseWith(idArg, a.words[0], ctx);
    const impact = parseWith(levelArg('impact'), a.fields.impact, ctx);
    const timing = parseWith(levelArg('timing'), a.fields.timing, ctx);
    const reason = freeText(a.words.slice(1));
    return { name: 'priority' as const, id, ...(impact ? { impact } : {}), ...(timing ? { timing } : {}), ...(reason ? { reason } : {}) };
  }),
  note: z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a, ctx) => {
    const id = parseWith(idArg, a.words[0], ctx);
    const text = freeText(a.words.slice(1));
    return text ? { name: 'note' as const, id, text } : fail(ctx, 'errors.command.noteText');
  }),
  snooze: z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a, ctx) => {
    const id = parseWith(idArg, a.words[0], ctx);
    const minutes = parseWith(minutesArg, a.words[1], ctx);
    extraWords(ctx, a.words.slice(2));
    return { name: 'snooze' as const, id, ...(minutes !== undefined ? { minutes } : {}) };
  }),
  window: routineWords('window'),
  windows: routineWords('windows'),
  extraHours: routineWords('extraHours'),
  notice: routineWords('notice'),
  order: caseWords('order'),
  problem: caseWords('problem'),
  outage: caseWords('outage'),
  compliance: caseWords('compliance'),
} as Record<CommandName, z.ZodType<Command, Arguments>>;

/** A routine command keeps its words (key=value included); conversation/routine.ts reads them. */
function routineWords(name: RoutineCommandName) {
  return z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a) => ({ name, words: a.words }));
}

/** Orders, problems, outages, compliance keep their words (key=value included); conversation/compliance.ts reads them. */
function caseWords(name: CaseCommandName) {
  return z.object({ words: z.array(z.string()), fields: z.object({}) }).transform((a) => ({ name, words: a.words }));
}

/** Runs an argument schema inside a command's; its first issue becomes the command's. */
function parseWith<T>(schema: z.ZodType<T, string | undefined>, value: string | undefined, ctx: z.RefinementCtx): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as { message: string; params?: Record<string, string | number> };
  return fail(ctx, issue.message, issue.params ?? {});
}

function extraWords(ctx: z.RefinementCtx, words: string[]): void {
  if (words.length) fail(ctx, 'errors.command.extraWords', { words: words.join(' ') });
}

function issueToError(name: CommandName, issue: z.core.$ZodIssue): ParseError {
  if (issue.code === 'custom') return parseError(issue.message, (issue.params ?? {}) as Record<string, string | number>, name);
  // A structural mismatch (words where none belong): say what was not understood.
  return parseError('errors.command.extraWords', { words: '' }, name);
}

function parseError(key: string, params: Record<string, string | number>, command?: CommandName): ParseError {
  return { kind: 'parseError', key, params, ...(command ? { command } : {}) };
}

export function isParseError(value: Command | ParseError): value is ParseError {
  return 'kind' in value && value.kind === 'parseError';
}
