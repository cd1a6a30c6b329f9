// What a command handler receives, and the shape of a command in the table (src/cli.ts).
import type { Contract } from '../config/contract.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import type { Lang, Translator, Vars } from '../i18n/index.js';
import type { ParsedArgs } from './args.js';

/** The process around the CLI; tests and benches may pass their own. */
export interface CliIO {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The CLI sits above the domain, so it may read the clock; the domain never does. */
  now(): number;
}

export interface CliContext {
  readonly io: CliIO;
  readonly lang: Lang;
  readonly tr: Translator;
  /** The command's name as typed, for messages. */
  readonly command: string;
  /** The contract from SSBTEK_CONFIG (loaded on first use; throws ConfigError). */
  contract(): Contract;
  /** The business calendar of that contract (built on first use). */
  calendar(): BusinessCalendar;
  /** Writes one or more lines to stdout. */
  print(text: string): void;
}

/**
 * One subcommand. The handler stays thin: validate its arguments, call the domain,
 * render. Texts come from the locale files by key.
 */
export interface Command {
  /** Key of the one-line summary listed by `ssbtek help`. */
  readonly summary: string;
  /** Key of the usage text shown by `ssbtek help <name>` and `ssbtek <name> --help`. */
  readonly usage: string;
  /** Options that take a value (`--name value` or `--name=value`), without the dashes. */
  readonly options?: readonly string[];
  /** Options without a value (`--json`). */
  readonly flags?: readonly string[];
  /** True when plain words may follow the name (`ssbtek help deadlines`). */
  readonly words?: boolean;
  /** Placeholders for the usage text, e.g. the contract's agencies. */
  usageVars?(ctx: CliContext): Vars;
  run(ctx: CliContext, args: ParsedArgs): void | Promise<void>;
}

export type CommandTable = Readonly<Record<string, Command>>;

/** A problem with the input, as a text key and its placeholders. */
export interface Problem {
  readonly key: string;
  readonly vars?: Vars;
}

/** Bad arguments: reported on stderr in the reader's language, exit code 2. */
export class CliError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: Problem | readonly Problem[]) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    super(list.map((p) => p.key).join(', '));
    this.name = 'CliError';
    this.problems = list;
  }
}

/** The text of a problem; a key the catalogue lacks is shown as it is. */
export function problemText(tr: Translator, problem: Problem): string {
  return tr.has(problem.key) ? tr.t(problem.key, problem.vars) : problem.key;
}
