// The command line's frame: language, the command from the table, its options, and
// how failures are reported (exit 2 with a translated message on stderr for anything
// the user can fix, exit 1 for a fault of ours).
import type { Contract } from '../config/contract.js';
import { ConfigError, langFromEnv, loadContract } from '../config/load.js';
import { BusinessCalendar, UnknownAgencyError } from '../domain/calendar.js';
import { translator, type Lang, type Translator } from '../i18n/index.js';
import { extractGlobals, parseOptions } from './args.js';
import { CliError, problemText, type CliContext, type CliIO, type CommandTable } from './context.js';
import { parseLang } from './fields.js';
import { commandUsage, mainUsage } from './help.js';

export const EXIT_OK = 0;
export const EXIT_FAULT = 1;
export const EXIT_USAGE = 2;

/** The language: --lang, else SSBTEK_LANG (a locale tag such as "en_GB.UTF-8" works), else Swedish. */
function envLang(env: CliIO['env']): Lang {
  return langFromEnv(env.SSBTEK_LANG);
}

function makeContext(io: CliIO, lang: Lang, tr: Translator, command: string): CliContext {
  let contract: Contract | undefined;
  let calendar: BusinessCalendar | undefined;
  const ctx: CliContext = {
    io,
    lang,
    tr,
    command,
    contract: () => (contract ??= loadContract(io.env.SSBTEK_CONFIG || undefined)),
    calendar: () => (calendar ??= new BusinessCalendar(ctx.contract())),
    print: (text) => {
      io.stdout.write(`${text}\n`);
    },
  };
  return ctx;
}

/** Runs one command line; resolves with the exit code. */
export async function main(table: CommandTable, io: CliIO): Promise<number> {
  let lang = envLang(io.env);
  let tr = translator(lang);
  let commandName = '';
  try {
    const globals = extractGlobals(io.argv);
    if (globals.lang !== undefined) {
      const chosen = parseLang(globals.lang);
      if (!chosen) throw new CliError({ key: 'cli.error.lang', vars: { option: '--lang', value: globals.lang } });
      lang = chosen;
      tr = translator(lang);
    }
    const [name, ...rest] = globals.rest;
    const commands = Object.keys(table).join(', ');
    if (name === undefined && globals.help) {
      const ctx = makeContext(io, lang, tr, '');
      ctx.print(mainUsage(ctx, table));
      return EXIT_OK;
    }
    if (name === undefined || name.startsWith('-')) throw new CliError({ key: 'cli.error.noCommand', vars: { commands } });
    const command = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!command) throw new CliError({ key: 'cli.error.unknownCommand', vars: { command: name, commands } });
    commandName = name;
    const ctx = makeContext(io, lang, tr, name);
    if (globals.help) {
      ctx.print(commandUsage(ctx, command));
      return EXIT_OK;
    }
    await command.run(ctx, parseOptions(rest, command, name));
    return EXIT_OK;
  } catch (err) {
    return report(io, tr, commandName, err);
  }
}

function report(io: CliIO, tr: Translator, command: string, err: unknown): number {
  const prefix = command ? `ssbtek ${command}: ` : 'ssbtek: ';
  const write = (line: string) => io.stderr.write(`${line}\n`);
  if (err instanceof UnknownAgencyError) {
    err = new CliError({ key: 'cli.error.org.unknown', vars: { option: '--org', value: err.agencyId, known: err.known.join(', ') } });
  }
  if (err instanceof CliError) {
    for (const problem of err.problems) write(prefix + problemText(tr, problem));
    write(command ? tr.t('cli.usage.hint', { command }) : tr.t('cli.usage.hintMain'));
    return EXIT_USAGE;
  }
  if (err instanceof ConfigError) {
    write(prefix + tr.t('cli.error.config'));
    write(err.render(tr.lang));
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(prefix + tr.t('cli.error.internal', { message }));
  if (io.env.SSBTEK_DEBUG && err instanceof Error && err.stack) write(err.stack);
  return EXIT_FAULT;
}
