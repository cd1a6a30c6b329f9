// `ssbtek help [command]`, `ssbtek --help`, `ssbtek <command> --help`: usage texts,
// generated from the command table so that a new command is listed without more work.
import { buildContract } from '../config/load.js';
import { BusinessCalendar } from '../domain/calendar.js';
import { CliError, type CliContext, type Command, type CommandTable } from './context.js';

/** The overview: every command with its summary. */
export function mainUsage(ctx: CliContext, table: CommandTable): string {
  const names = Object.keys(table);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const commands = names.map((name) => `  ${name.padEnd(width)}${ctx.tr.t(table[name]!.summary)}`).join('\n');
  return ctx.tr.t('cli.usage.main', { commands });
}

/** One command's usage. Help works even when SSBTEK_CONFIG is broken: it then shows the seed's values. */
export function commandUsage(ctx: CliContext, command: Command): string {
  let vars = {};
  if (command.usageVars) {
    try {
      vars = command.usageVars(ctx);
    } catch {
      const seed = buildContract();
      vars = command.usageVars({ ...ctx, contract: () => seed, calendar: () => new BusinessCalendar(seed) });
    }
  }
  return ctx.tr.t(command.usage, vars);
}

export function helpCommand(table: () => CommandTable): Command {
  return {
    summary: 'cli.help.summary',
    usage: 'cli.help.usage',
    words: true,
    run(ctx, args) {
      if (args.words.length > 1) throw new CliError({ key: 'cli.error.unexpected', vars: { value: args.words[1]! } });
      ctx.print(helpFor(ctx, table(), args.words[0]));
    },
  };
}

/** `ssbtek help deadlines`: the words after "help" name the command. */
export function helpFor(ctx: CliContext, table: CommandTable, name: string | undefined): string {
  if (name === undefined) return mainUsage(ctx, table);
  const command = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!command) throw new CliError({ key: 'cli.error.unknownCommand', vars: { command: name, commands: Object.keys(table).join(', ') } });
  return commandUsage(ctx, command);
}
