// Splitting the command line into options. Validation of the values is zod's job
// (fields.ts); this only knows names, values and flags.
import { CliError } from './context.js';

export interface ParsedArgs {
  /** Options with a value, by name without dashes. */
  readonly values: Readonly<Record<string, string>>;
  /** Options without a value that were given. */
  readonly flags: ReadonlySet<string>;
  /** Plain words, for commands that take them (`ssbtek help deadlines`). */
  readonly words: readonly string[];
}

export interface Globals {
  /** `--lang` as written, if given. */
  readonly lang?: string;
  /** `--help` or `-h` anywhere. */
  readonly help: boolean;
  /** Everything else, in order: the command and its own options. */
  readonly rest: string[];
}

/** Takes the options every command shares (`--lang`, `--help`) out of the command line. */
export function extractGlobals(argv: readonly string[]): Globals {
  const rest: string[] = [];
  let lang: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (arg === '--lang' || arg.startsWith('--lang=')) {
      const value = arg === '--lang' ? argv[++i] : arg.slice('--lang='.length);
      if (value === undefined || value === '' || (arg === '--lang' && value.startsWith('--'))) {
        throw new CliError({ key: 'cli.error.missingValue', vars: { option: '--lang' } });
      }
      if (lang !== undefined) throw new CliError({ key: 'cli.error.repeated', vars: { option: '--lang' } });
      lang = value;
    } else {
      rest.push(arg);
    }
  }
  return { lang, help, rest };
}

/**
 * A command's own options: `--name value`, `--name=value` and flags. Unknown options,
 * repeated options, missing values and stray words are errors that name the fix.
 */
export function parseOptions(
  argv: readonly string[],
  spec: { readonly options?: readonly string[]; readonly flags?: readonly string[]; readonly words?: boolean },
  command: string,
): ParsedArgs {
  const options = new Set(spec.options ?? []);
  const flagNames = new Set(spec.flags ?? []);
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      const stray = argv[i + 1];
      if (stray !== undefined && !spec.words) throw new CliError({ key: 'cli.error.unexpected', vars: { value: stray } });
      words.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      if (!spec.words) throw new CliError({ key: 'cli.error.unexpected', vars: { value: arg } });
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const option = `--${name}`;
    if (flagNames.has(name)) {
      if (eq !== -1) throw new CliError({ key: 'cli.error.flagValue', vars: { option } });
      flags.add(name);
      continue;
    }
    if (!options.has(name)) {
      const known = [...options, ...flagNames, 'lang', 'help'].map((n) => `--${n}`).join(', ');
      throw new CliError({ key: 'cli.error.unknownOption', vars: { option, command, options: known } });
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // "--opened --json": the value was forgotten. A negative number or "-05:00" is a value.
      if (value?.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined || value === '') throw new CliError({ key: 'cli.error.missingValue', vars: { option } });
    if (name in values) throw new CliError({ key: 'cli.error.repeated', vars: { option } });
    values[name] = value;
  }
  return { values, flags, words };
}
