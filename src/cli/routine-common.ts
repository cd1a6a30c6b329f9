// What `ssbtek window check` and `ssbtek extra-hours check` share: the `check`
// subcommand word, JSON Lines in and out (one answer line per input line, in order,
// an {"error":…} line for a bad one; streamed by runBatch in batch.ts). The routine's
// texts (spans of time, opening hours, ladder steps) are in i18n/routine-format.ts.
import { z } from 'zod';
import type { Translator } from '../i18n/index.js';
import type { LineProcessor } from './batch.js';
import { CliError, problemText, type CliContext } from './context.js';
import type { ParsedArgs } from './args.js';
import { jsonFieldName, problemsOf } from './fields.js';

/** The subcommand words each routine command knows. */
export const CHECK = 'check';

/** Requires exactly the word `check` after the command name. */
export function requireCheck(ctx: CliContext, args: ParsedArgs): void {
  const [word, extra] = args.words;
  if (word !== CHECK) {
    if (word === undefined || word.startsWith('-')) throw new CliError({ key: 'routine.error.subcommand', vars: { command: ctx.command, subcommands: CHECK } });
    throw new CliError({ key: 'cli.error.unknownCommand', vars: { command: `${ctx.command} ${word}`, commands: `${ctx.command} ${CHECK}` } });
  }
  if (extra !== undefined) throw new CliError({ key: 'cli.error.unexpected', vars: { value: extra } });
}

/** Options that describe one item and so cannot go with --batch (only --at may, as the default). */
export function refuseBatchConflicts(args: ParsedArgs, names: readonly string[]): void {
  const conflicts = names.filter((name) => name in args.values || args.flags.has(name));
  if (conflicts.length) throw new CliError(conflicts.map((name) => ({ key: 'routine.error.batchConflict', vars: { option: `--${name}` } })));
}

/** A JSON boolean field; null counts as absent. */
export const optionalBoolean = () => z.boolean({ error: () => 'routine.error.notBoolean' }).nullish();

/**
 * One JSON Lines answer per input line: `answer` receives the parsed object, and any
 * problem (empty line, bad JSON, bad field, a fault) becomes an {"error":…} line.
 */
export function jsonLineProcessor<S extends z.ZodType>(
  tr: Translator,
  schema: S,
  fields: readonly string[],
  example: string,
  answer: (value: z.output<S>) => string,
): LineProcessor {
  const error = (message: string) => JSON.stringify({ error: message });
  return (line) => {
    if (line.trim() === '') return error(tr.t('routine.batch.emptyLine', { example }));
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      return error(tr.t('cli.batch.notJson', { detail: (err as Error).message }));
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return error(tr.t('routine.batch.notObject', { example }));
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      return error(
        problemsOf(parsed.error, jsonFieldName, fields)
          .map((p) => problemText(tr, p))
          .join(' '),
      );
    try {
      return answer(parsed.data);
    } catch (err) {
      if (err instanceof CliError) return error(err.problems.map((p) => problemText(tr, p)).join(' '));
      return error(tr.t('routine.batch.failed', { detail: (err as Error).message }));
    }
  };
}
