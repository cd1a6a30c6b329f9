// The bot's structured log (pino): one JSON object per line on stderr (stdout is the
// terminal UI), or pino-pretty's readable lines when stderr is a terminal.
//
// Privacy: every message and every field (child bindings included) passes through
// maskPersonalNumbers before pino sees it, and errors are reduced to their type, code,
// first message line and stack frames: no enumerable properties (a driver error's
// `meta`, a parser's `input`), no multi-line dumps of the query or the command.
//
// The level is SSBTEK_LOG_LEVEL: debug | info (default) | warn | error.
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { maskPersonalNumbers } from '../domain/pii.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

/**
 * The bot's logger. Structurally a superset of `Logger` in src/app.ts
 * (info/warn/error(msg, err?)), so it can be handed to createApp as it is.
 */
export interface Log {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, err?: unknown, fields?: LogFields): void;
  /** A logger whose every line carries `fields` (e.g. { component: 'scheduler' } or { job: id }). */
  child(fields: LogFields): Log;
  isLevelEnabled(level: LogLevel): boolean;
  readonly level: LogLevel;
}

export interface LogOptions {
  level?: LogLevel;
  /** Where lines go. Default: stderr (file descriptor 2, written synchronously). */
  destination?: DestinationStream;
  /** Human-readable lines (pino-pretty). Default: when stderr is a terminal and no destination is given. */
  pretty?: boolean;
  /** Fields on every line. Default: pid and hostname (which replica wrote it). */
  base?: LogFields;
}

/** Longest message line kept from an error (a driver or parser may dump its input after it). */
const ERROR_MESSAGE_MAX = 300;
const MAX_DEPTH = 6;

/** Masks personnummer in a string. */
export function redactText(text: string): string {
  return maskPersonalNumbers(text).text;
}

/** A copy of `value` safe to log: personnummer masked in every string, errors serialised, depth bounded. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function' || typeof value === 'symbol') return undefined;
    return value;
  }
  if (value instanceof Error) return serializeError(value, depth);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, depth + 1);
  return out;
}

export interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  cause?: SerializedError | string;
}

/**
 * An error as a log field: its type, code, the first line of its message (at most
 * 300 characters, personnummer masked) and its stack frames without the message.
 * Nothing else from the error object is copied.
 */
export function serializeError(err: unknown, depth = 0): SerializedError {
  if (!(err instanceof Error)) {
    const text = typeof err === 'string' ? err : safeString(err);
    return { type: typeof err, message: firstLine(text) };
  }
  const out: SerializedError = { type: err.name || err.constructor?.name || 'Error', message: firstLine(err.message ?? '') };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = typeof code === 'string' ? redactText(code).slice(0, 64) : code;
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((l) => /^\s+at /.test(l))
    .map((l) => redactText(l.trim()));
  if (frames.length) out.stack = frames.join('\n');
  if (err.cause !== undefined && depth < 3) out.cause = err.cause instanceof Error ? serializeError(err.cause, depth + 1) : firstLine(safeString(err.cause));
  return out;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  const cut = line.length > ERROR_MESSAGE_MAX ? `${line.slice(0, ERROR_MESSAGE_MAX)}…` : line;
  return redactText(cut);
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? (JSON.stringify(value) ?? String(value)) : String(value);
  } catch {
    return String(value);
  }
}

function redactFields(fields: LogFields | undefined): LogFields {
  return fields ? (redactValue(fields) as LogFields) : {};
}

class PinoLog implements Log {
  constructor(private readonly p: PinoLogger) {}

  get level(): LogLevel {
    return this.p.level as LogLevel;
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.p.isLevelEnabled(level);
  }

  debug(msg: string, fields?: LogFields): void {
    if (this.p.isLevelEnabled('debug')) this.p.debug(redactFields(fields), redactText(msg));
  }

  info(msg: string, fields?: LogFields): void {
    if (this.p.isLevelEnabled('info')) this.p.info(redactFields(fields), redactText(msg));
  }

  warn(msg: string, fields?: LogFields): void {
    if (this.p.isLevelEnabled('warn')) this.p.warn(redactFields(fields), redactText(msg));
  }

  error(msg: string, err?: unknown, fields?: LogFields): void {
    if (!this.p.isLevelEnabled('error')) return;
    const obj = redactFields(fields);
    if (err !== undefined) obj.err = serializeError(err);
    this.p.error(obj, redactText(msg));
  }

  child(fields: LogFields): Log {
    return new PinoLog(this.p.child(redactFields(fields)));
  }
}

/** pino-pretty when it is installed (a dev dependency); undefined otherwise (JSON is used). */
function prettyStream(): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (opts: object) => DestinationStream;
    return pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
  } catch {
    return undefined;
  }
}

export function createLog(options: LogOptions = {}): Log {
  const level = options.level ?? 'info';
  const pretty = options.pretty ?? (options.destination === undefined && Boolean(process.stderr.isTTY));
  const destination = options.destination ?? (pretty ? prettyStream() : undefined) ?? pino.destination({ fd: 2, sync: true });
  const logger = pino(
    {
      level,
      ...(options.base === undefined ? {} : { base: redactValue(options.base) as LogFields }),
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Errors are serialised (and masked) by serializeError before pino sees them.
      serializers: { err: (e: unknown) => e },
    },
    destination,
  );
  return new PinoLog(logger);
}

/** The log for a process from its environment: SSBTEK_LOG_LEVEL (unset or unknown = info). */
export function logFromEnv(env: Record<string, string | undefined> = process.env, options: Omit<LogOptions, 'level'> = {}): Log {
  const wanted = env.SSBTEK_LOG_LEVEL?.trim().toLowerCase();
  const level = (LOG_LEVELS as readonly string[]).includes(wanted ?? '') ? (wanted as LogLevel) : 'info';
  return createLog({ ...options, level });
}

/**
 * What a log line may say about a chat command: its first word (the command's name),
 * never the rest of the line. `describeCommand('resolve INC-4 kund 19121212-1212')` → 'resolve'.
 */
export function describeCommand(line: string): string {
  const word = line.trim().split(/\s+/, 1)[0] ?? '';
  return /^\p{L}[\p{L}\p{N}_-]{0,31}$/u.test(word) ? word.toLowerCase() : '(unparsed)';
}
