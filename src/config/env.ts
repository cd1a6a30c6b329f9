// The process environment, validated. `.env.example` documents every variable.
import { z } from 'zod';
import { ConfigError } from './load.js';

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const envSchema = z.object({
  SSBTEK_CONFIG: optional,
  SSBTEK_DATA_DIR: optional.transform((v) => v ?? 'data'),
  DATABASE_URL: optional.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), { message: 'must start with postgresql:// (leave it empty for the embedded database)' }),
  SSBTEK_LANG: optional.pipe(z.enum(['sv', 'en']).optional()).transform((v) => v ?? 'sv'),
  SSBTEK_USER: optional,
  SSBTEK_LOG_LEVEL: optional.pipe(z.enum(['debug', 'info', 'warn', 'error']).optional()).transform((v) => v ?? 'info'),
  PORT: optional.pipe(z.string().regex(/^\d+$/, { message: 'must be a port number' }).optional()).transform((v) => (v === undefined ? 3000 : Number(v))).pipe(z.number().int().min(0).max(65535)),
  SSBTEK_SCHEDULER_POLL_MS: optional.pipe(z.string().regex(/^\d+$/, { message: 'must be a number of milliseconds' }).optional()).transform((v) => (v === undefined ? 5000 : Number(v))).pipe(z.number().int().min(100)),
  SSBTEK_SCHEDULER_BATCH: optional.pipe(z.string().regex(/^\d+$/, { message: 'must be a whole number' }).optional()).transform((v) => (v === undefined ? 200 : Number(v))).pipe(z.number().int().min(1).max(10_000)),
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: optional,
  SLACK_INCIDENT_CHANNEL: optional,
  SLACK_MANAGERS: optional,
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`The environment is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, problems);
  }
  return result.data;
}
