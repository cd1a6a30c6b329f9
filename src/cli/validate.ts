// Command-line options through a zod schema: typed values, or a CliError naming each
// option to fix.
import type { z } from 'zod';
import { CliError } from './context.js';
import { optionName, problemsOf } from './fields.js';

export function validateOptions<S extends z.ZodType>(schema: S, values: Readonly<Record<string, string>>): z.output<S> {
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new CliError(problemsOf(parsed.error, optionName));
  return parsed.data;
}
