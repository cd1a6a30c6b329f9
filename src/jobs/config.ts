// Settings of the job queue, from the environment (documented in docs/jobs.md).
import { z } from 'zod';

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? fallback : Number(v.trim())))
    .pipe(z.number().int().min(min).max(max));

const schema = z.object({
  SSBTEK_JOB_MAX_ATTEMPTS: int(8, 1, 1000),
  SSBTEK_JOB_BACKOFF_MS: int(2_000, 10, 3_600_000),
  SSBTEK_JOB_BACKOFF_MAX_MS: int(300_000, 10, 86_400_000),
  SSBTEK_JOB_LEASE_MS: int(30_000, 1_000, 3_600_000),
  SSBTEK_JOB_BATCH: int(500, 1, 10_000),
  SSBTEK_DIGEST_THRESHOLD: int(5, 1, 10_000),
  SSBTEK_CHANNEL_PACE_MS: int(1_000, 0, 60_000),
});

export interface JobSettings {
  /** After this many attempts a job ends in `failed` (SSBTEK_JOB_MAX_ATTEMPTS, default 8). */
  maxAttempts: number;
  /** First retry delay, doubling per attempt (SSBTEK_JOB_BACKOFF_MS, default 2 s). */
  backoffMs: number;
  /** Longest retry delay (SSBTEK_JOB_BACKOFF_MAX_MS, default 5 min). */
  backoffMaxMs: number;
  /** Base lease of a claim; a claim is sized up for its batch and renewed while sending (SSBTEK_JOB_LEASE_MS, default 30 s). */
  leaseMs: number;
  /** Jobs claimed at a time per channel (SSBTEK_JOB_BATCH, default 500). */
  batch: number;
  /** More reminders than this due for one channel at once go out as one digest (SSBTEK_DIGEST_THRESHOLD, default 5). */
  digestThreshold: number;
  /** Time between two messages in one channel, across replicas (SSBTEK_CHANNEL_PACE_MS, default 1000: Slack's 1 message/s/channel). */
  channelPaceMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = jobSettingsFromEnv({});

export function jobSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): JobSettings {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`The job queue settings are invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const e = result.data;
  return {
    maxAttempts: e.SSBTEK_JOB_MAX_ATTEMPTS,
    backoffMs: e.SSBTEK_JOB_BACKOFF_MS,
    backoffMaxMs: e.SSBTEK_JOB_BACKOFF_MAX_MS,
    leaseMs: e.SSBTEK_JOB_LEASE_MS,
    batch: e.SSBTEK_JOB_BATCH,
    digestThreshold: e.SSBTEK_DIGEST_THRESHOLD,
    channelPaceMs: e.SSBTEK_CHANNEL_PACE_MS,
  };
}

/**
 * The chat destinations this process's configuration names, whether or not it runs them:
 * a CLI or terminal with SLACK_BOT_TOKEN set writes Slack deliveries even before any Slack
 * process has registered on the store.
 */
export function destinationsFromEnv(env: NodeJS.ProcessEnv = process.env): Map<string, { incidentChannel?: string }> {
  const out = new Map<string, { incidentChannel?: string }>();
  const token = env.SLACK_BOT_TOKEN?.trim();
  const channel = env.SLACK_INCIDENT_CHANNEL?.trim();
  if (token) out.set('slack', channel ? { incidentChannel: channel } : {});
  return out;
}
