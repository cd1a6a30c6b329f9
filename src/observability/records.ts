// One log line and the matching metrics for each command and each job attempt, so every
// caller logs the same fields: what it was (a command's name, never its text), its id,
// the outcome and the duration.
//
//   {"level":"info","msg":"command","command":"resolve","incident":"INC-4","outcome":"ok","ms":12,"source":"slack",…}
//   {"level":"info","msg":"job","kind":"chat.card","job":"812","outcome":"retry","ms":240,"attempt":2,…}
import type { LogFields } from './log.js';
import type { CommandOutcome, Metrics } from './metrics.js';

/** The part of the logger used here (Log from log.ts fits; so does a plain object in tests). */
export interface RecordLog {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
}

export interface CommandRecord {
  /** The command's name ("resolve", "incident", "modal.submit" …), from the parser, never the raw line. */
  command: string;
  outcome: CommandOutcome;
  ms: number;
  /** "INC-4" when the command concerns one incident. */
  incident?: string;
  /** console | slack | teams | cli | monitoring. */
  source?: string;
  /** The platform's delivery / request id (to find the request in the platform's logs). */
  delivery?: string;
  /** The actor's platform id (U…, an AAD object id, the OS user): not a personnummer. */
  actor?: string;
}

export interface JobRecord {
  kind: string;
  job: string | number;
  outcome: 'done' | 'retry' | 'failed' | 'released';
  ms: number;
  attempt?: number;
  /** For timed jobs (reminders): delivered this long after the due time. */
  latenessMs?: number;
  incident?: string;
  /** A short error code when it did not succeed ("ratelimited", "channel_not_found"). */
  error?: string;
}

/** Logs one line for a handled command and counts it (ssbtek_commands_total, ssbtek_command_duration_seconds). */
export function recordCommand(log: RecordLog, metrics: Metrics | undefined, record: CommandRecord): void {
  metrics?.commandHandled(record.command, record.outcome, record.ms);
  if (record.outcome === 'fault') metrics?.fault('command');
  log.info('command', { ...record, ms: Math.round(record.ms) });
}

/**
 * Logs one line for a job attempt and counts it (ssbtek_job_attempts_total, and for a
 * reminder delivered, ssbtek_reminder_lateness_seconds). A job that ends in `failed` is
 * logged at warn level, once, when it ends.
 */
export function recordJob(log: RecordLog, metrics: Metrics | undefined, record: JobRecord): void {
  metrics?.jobFinished(record.kind, record.outcome, record.ms);
  if (record.outcome === 'done' && record.latenessMs !== undefined) metrics?.reminderSent(record.latenessMs, record.kind);
  const fields = { ...record, ms: Math.round(record.ms) };
  if (record.outcome === 'failed') log.warn('job failed for good', fields);
  else log.info('job', fields);
}

/**
 * The job queue's counters (src/jobs/queue.ts JobMetrics) on the metrics. The runner writes
 * the log line of each job (id, kind, destination, outcome, duration); here only what it
 * does not: drops and rate limits.
 */
export function jobMetricsFor(log: RecordLog, metrics: Metrics) {
  return {
    completed(kind: string) {
      metrics.jobCounted(kind, 'done');
    },
    failed(kind: string) {
      metrics.jobCounted(kind, 'failed');
    },
    retried(kind: string) {
      metrics.jobCounted(kind, 'retry');
    },
    dropped(kind: string, reason: string) {
      log.info('job dropped', { kind, reason });
    },
    lateness(ms: number, kind: string) {
      metrics.reminderSent(ms, kind);
    },
    rateLimited(destination: string, retryAfterMs: number) {
      log.info('rate limited', { destination, retryAfterMs });
    },
  };
}
