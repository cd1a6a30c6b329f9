// The process environment, validated. `.env.example` documents every variable.
// A problem is refused with the variable's name and what to fix, in the language
// SSBTEK_LANG names (Swedish by default).
import { z } from 'zod';
import { ISSUE } from './contract.js';
import { ConfigError, langFromEnv, problemsFromZod } from './errors.js';

export { langFromEnv } from './errors.js';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** A whole number in decimal digits, within [min, max]; the default when unset. */
const wholeNumber = (fallback: number, min: number, max: number, key: string) =>
  optional
    .pipe(
      z
        .string()
        .regex(/^\d{1,15}$/, { message: ISSUE(key) })
        .optional(),
    )
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .pipe(z.number().int().min(min).max(max));

export const envSchema = z
  .object({
    SSBTEK_CONFIG: optional,
    SSBTEK_DATA_DIR: optional.transform((v) => v ?? 'data'),
    DATABASE_URL: optional.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), { message: ISSUE('env.databaseUrl') }),
    // Lenient: "en", "en-GB", "en_GB.UTF-8" and "sv_SE" are all understood; anything else is Swedish.
    SSBTEK_LANG: optional.transform((v) => langFromEnv(v)),
    SSBTEK_USER: optional,
    SSBTEK_LOG_LEVEL: optional.pipe(z.enum(['debug', 'info', 'warn', 'error']).optional()).transform((v) => v ?? 'info'),
    PORT: wholeNumber(3000, 0, 65535, 'env.port'),
    SSBTEK_SCHEDULER_POLL_MS: wholeNumber(5000, 100, 86_400_000, 'env.milliseconds'),
    SSBTEK_SCHEDULER_BATCH: wholeNumber(200, 1, 10_000, 'env.wholeNumber'),
    SLACK_BOT_TOKEN: optional,
    SLACK_SIGNING_SECRET: optional,
    SLACK_APP_TOKEN: optional,
    SLACK_API_URL: optional,
    SLACK_INCIDENT_CHANNEL: optional,
    SLACK_MANAGERS: optional,
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: ISSUE('env.slackSecret') });
    }
  });

export type Env = z.infer<typeof envSchema>;

/** The validated environment; throws ConfigError naming each variable and what to fix. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source, { reportInput: true });
  if (!result.success) {
    throw new ConfigError({ key: 'env.invalid' }, problemsFromZod(result.error), langFromEnv(source.SSBTEK_LANG));
  }
  return result.data;
}
