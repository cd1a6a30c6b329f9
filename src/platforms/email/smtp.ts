// E-mail over SMTP (nodemailer): the contract's own sanctioned channel besides phone
// (UC 6). Mail goes through the same job queue as chat (destination `email`, one channel
// per address), so a mail server that is down delays a notice but never loses it: a
// failed attempt is retried with backoff, and after the configured attempts the job
// ends `failed` (visible in the delivery problems and the metrics).
//
// SMTP_URL: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465.
// SMTP_FROM: the sender, e.g. "SSBTEK <ssbtek@drift.example.se>".
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { JobFailure } from '../../jobs/queue.js';
import { errorCode } from '../../jobs/runner.js';
import type { AnnouncementTransport } from '../../services/announcements.js';

export interface SmtpOptions {
  /** smtp://… or smtps://… */
  url: string;
  /** The From header. */
  from: string;
  /** Give up one attempt after this long without an answer (ms). Default 10 s. */
  timeoutMs?: number;
}

const envSchema = z.object({
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^smtps?:\/\/[^\s]+$/.test(v), {
      message: 'SMTP_URL must be smtp://host:port or smtps://host:port (with user:password@ when the server wants them)',
    }),
  SMTP_FROM: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined)),
});

/** The SMTP settings from the environment; null when SMTP_URL is unset (no e-mail). */
export function smtpOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpOptions | null {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
  const { SMTP_URL, SMTP_FROM } = parsed.data;
  if (!SMTP_URL) return null;
  if (!SMTP_FROM) throw new Error('SMTP_FROM must be set with SMTP_URL: the sender of the routine\'s e-mail, e.g. "SSBTEK <ssbtek@drift.example.se>"');
  return { url: SMTP_URL, from: SMTP_FROM };
}

/** SMTP replies that no retry can change (mailbox unknown, rejected): fail at once. 4xx and connection errors are retried. */
export function smtpFailure(err: unknown): JobFailure {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e?.responseCode === 'number') {
    return { code: `smtp_${e.responseCode}`, permanent: e.responseCode >= 500 && e.responseCode < 600 };
  }
  // nodemailer reports a refused or dropped connection as ESOCKET/ECONNECTION; name the network error itself.
  const network = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EPIPE)\b/.exec(String((err as Error)?.message ?? ''));
  return { code: network?.[1] ?? errorCode(err) };
}

export class SmtpTransport implements AnnouncementTransport {
  private readonly transporter: ReturnType<typeof nodemailer.createTransport>;

  constructor(private readonly options: SmtpOptions) {
    const timeout = options.timeoutMs ?? 10_000;
    this.transporter = nodemailer.createTransport({
      url: options.url,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
  }

  /** One message to one address. `key` becomes the Message-ID, so a receiver can tell a resend from a new notice. */
  async send(to: string, message: { subject: string; text: string; key: string }): Promise<void> {
    await this.transporter.sendMail({
      from: this.options.from,
      to,
      subject: message.subject,
      text: message.text,
      messageId: `<${message.key}@ssbtek>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  classify(err: unknown): JobFailure {
    return smtpFailure(err);
  }

  close(): void {
    this.transporter.close();
  }
}
