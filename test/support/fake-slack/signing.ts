// Requests signed as Slack signs them: v0 HMAC-SHA256 over "v0:<ts>:<raw body>".
import { createHmac } from 'node:crypto';

export interface SignedResult {
  status: number;
  body: string;
  /** Time to the complete response, ms. */
  ms: number;
}

export interface SignOptions {
  /** Request timestamp in seconds (default now). */
  timestamp?: number;
  /** A signature to send instead of the right one. */
  signature?: string;
  /** x-slack-retry-num (and x-slack-retry-reason: http_timeout). */
  retryNum?: number;
}

/** v0=HMAC-SHA256(secret, "v0:<ts>:<raw body>"), hex. */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export async function postSigned(url: string, secret: string, rawBody: string, options: SignOptions = {}): Promise<SignedResult> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? slackSignature(secret, timestamp, rawBody),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: rawBody });
  const body = await res.text();
  return { status: res.status, body, ms: performance.now() - started };
}
