// Monitoring's way in (issue 15): two webhooks on the bot's HTTP server.
//
//   POST /webhooks/alertmanager   Prometheus Alertmanager's webhook (payload version 4)
//   POST /webhooks/alerts         our own small JSON format for any other tool
//
// Each request: a sender is recognised by its bearer token (`Authorization: Bearer …`) or
// its HMAC-SHA256 signature of the raw body (`X-SSBTEK-Signature: sha256=<hex>`), both
// compared in constant time (401 otherwise); each sender has a token bucket (429 with
// Retry-After beyond it); the body is limited (413); the payload is validated with zod
// (400 naming the wrong field); then AlertService does the rest. No answer ever repeats a
// label value; personnummer are masked in everything stored.
import { StartupError } from '../../services/startup.js';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { App } from '../../app.js';
import { type AlertsConfig, alertsConfigOf, SHARED_TOKEN_ENV } from '../../config/alerts.js';
import { capEcho } from '../../domain/text.js';
import type { Lang } from '../../i18n/index.js';
import { type AlertMetrics, type AlertNotification, AlertService, type IncomingAlert } from '../../services/alerts.js';
import { UserError } from '../../services/errors.js';
import { HttpError, type HttpRequest, type HttpServer, sendJson } from '../server.js';

export const ALERTMANAGER_PATH = '/webhooks/alertmanager';
export const GENERIC_ALERTS_PATH = '/webhooks/alerts';
export const SIGNATURE_HEADER = 'x-ssbtek-signature';

export interface AlertsMountDeps {
  app: Pick<App, 'contract' | 'database' | 'incidents' | 'now' | 'log'>;
  metrics?: AlertMetrics;
  /** Where SSBTEK_ALERT_TOKEN and the senders' secrets are read (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Language of the timeline lines. */
  lang?: Lang;
  /** The rate limiter's clock (ms); default performance.now. */
  clock?: () => number;
}

export interface AlertsMount {
  service: AlertService;
  /** The sender ids that can authenticate. */
  senders: string[];
}

interface Credential {
  id: string;
  auth: 'bearer' | 'hmac';
  secret: Buffer;
  /** sha256 of the bearer token (compared digest to digest: equal length, constant time). */
  digest: Buffer;
}

/** Mounts both webhooks on `server`; throws when a configured sender's secret is missing. */
export function mountAlerts(server: HttpServer, deps: AlertsMountDeps): AlertsMount {
  const { app, metrics } = deps;
  const config = alertsConfigOf(app.contract);
  const credentials = loadCredentials(config, deps.env ?? process.env);
  if (credentials.length === 0)
    app.log.warn(`alerts: no sender is configured (${SHARED_TOKEN_ENV} or alerts.senders); /webhooks/alertmanager and /webhooks/alerts refuse every request`);
  const service = new AlertService({
    prisma: app.database.prisma,
    incidents: app.incidents,
    contract: app.contract,
    now: app.now,
    log: app.log,
    metrics,
    lang: deps.lang,
  });
  const limiter = new RateLimiter(config.rateLimit.perSecond, config.rateLimit.burst, deps.clock ?? (() => performance.now()));

  const handle = (parse: (body: unknown, sender: string, now: number) => AlertNotification) => async (req: HttpRequest, res: ServerResponse) => {
    const sender = authenticate(req, credentials);
    if (!sender) {
      metrics?.alertsRejected('unauthorized', 1);
      throw new HttpError(401, 'unauthorized', { 'www-authenticate': 'Bearer realm="ssbtek-alerts"' });
    }
    const wait = limiter.take(sender);
    if (wait > 0) {
      metrics?.alertsRejected('rate_limited', 1);
      throw new HttpError(429, 'too many requests', { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    let body: unknown;
    try {
      body = req.json();
    } catch (err) {
      metrics?.alertsRejected('invalid', 1);
      throw err;
    }
    let notification: AlertNotification;
    try {
      notification = parse(body, sender, app.now());
    } catch (err) {
      if (!(err instanceof z.ZodError)) throw err;
      metrics?.alertsRejected('invalid', 1);
      const issue = err.issues[0]!;
      const field = issue.path.map(String).join('.') || '(body)';
      sendJson(res, 400, { error: 'invalid payload', field, problem: capEcho(issue.message, 200) });
      return;
    }
    try {
      const groups = await service.receive(notification);
      sendJson(res, 200, { status: 'ok', groups });
    } catch (err) {
      // A rule that cannot make an incident (e.g. a title too long): retrying will not help.
      if (!(err instanceof UserError)) throw err;
      // A collision with other changes to the incident: the sender's retry will succeed.
      if (err.code === 'incident.conflict') throw new HttpError(503, 'busy, retry', { 'retry-after': '1' });
      metrics?.alertsRejected('refused', 1);
      app.log.warn(`alerts: a delivery from ${sender} could not open an incident (${err.code})`);
      sendJson(res, 422, { error: 'refused', code: err.code });
    }
  };

  const options = { bodyLimit: config.bodyLimitBytes };
  server.route('POST', ALERTMANAGER_PATH, handle(parseAlertmanager), options);
  server.route('POST', GENERIC_ALERTS_PATH, handle(parseGeneric), options);
  return { service, senders: credentials.map((c) => c.id) };
}

// ------------------------------------------------------------------------------ payloads

/** An RFC 3339 instant as Alertmanager writes it (fractions of any length, Z or an offset). */
const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, { message: 'must be an RFC 3339 time such as 2026-11-30T08:15:00Z' })
  .refine((v) => !Number.isNaN(Date.parse(v)), { message: 'is not a real time' });

const labelName = z.string().min(1).max(200);
const labelSet = z.record(labelName, z.string().max(10_000));

const amAlert = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet.refine((l) => Object.keys(l).length > 0, { message: 'an alert needs at least one label' }),
  annotations: labelSet.default({}),
  startsAt: instant,
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(200),
});

/** Alertmanager's webhook payload, version 4 (fields we do not use are accepted and ignored). */
export const alertmanagerPayload = z.looseObject({
  version: z.literal('4'),
  groupKey: z.string().min(1).max(20_000),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(amAlert).min(1).max(10_000),
});

const genericAlert = z.strictObject({
  /** "firing" (default) or "resolved". */
  status: z.enum(['firing', 'resolved']).default('firing'),
  /** Alerts with the same key are one group (one incident); default: a hash of the labels. */
  key: z.string().min(1).max(500).optional(),
  labels: labelSet.refine((l) => Object.keys(l).length > 0, { message: 'an alert needs at least one label' }),
  annotations: labelSet.default({}),
  /** When the fault began; default: when the bot received it. */
  startsAt: instant.optional(),
});

/** Our own format: `{ "alerts": [ { status?, key?, labels, annotations?, startsAt? } ] }`. */
export const genericPayload = z.strictObject({
  alerts: z.array(genericAlert).min(1).max(1_000),
});

function parseAlertmanager(body: unknown, sender: string): AlertNotification {
  const p = alertmanagerPayload.parse(body);
  const alerts: IncomingAlert[] = p.alerts.map((a) => ({
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: Date.parse(a.startsAt),
    fingerprint: a.fingerprint,
  }));
  return { source: 'alertmanager', sender, groupKey: p.groupKey, alerts };
}

function parseGeneric(body: unknown, sender: string, now: number): AlertNotification {
  const p = genericPayload.parse(body);
  return {
    source: 'generic',
    sender,
    alerts: p.alerts.map((a) => ({ status: a.status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt ? Date.parse(a.startsAt) : now })),
    keys: p.alerts.map((a) => a.key),
  };
}

// ------------------------------------------------------------------------------ senders

function loadCredentials(config: AlertsConfig, env: Readonly<Record<string, string | undefined>>): Credential[] {
  const out: Credential[] = [];
  const add = (id: string, auth: 'bearer' | 'hmac', value: string) => {
    const secret = Buffer.from(value, 'utf8');
    out.push({ id, auth, secret, digest: createHash('sha256').update(secret).digest() });
  };
  const shared = env[SHARED_TOKEN_ENV]?.trim();
  if (shared) add('default', 'bearer', shared);
  for (const s of config.senders) {
    const value = env[s.secretEnv]?.trim();
    if (!value) throw new StartupError('alerts.secretMissing', { sender: s.id, variable: s.secretEnv });
    if (value.length < 16) throw new StartupError('alerts.secretShort', { sender: s.id, variable: s.secretEnv, min: 16 });
    add(s.id, s.auth, value);
  }
  return out;
}

/** The sender whose token or signature the request carries, or null. Every candidate is compared (constant time). */
export function authenticate(req: Pick<HttpRequest, 'headers' | 'body'>, credentials: readonly Credential[]): string | null {
  let found: string | null = null;
  const header = req.headers.authorization;
  const bearer = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
  if (bearer !== undefined) {
    const digest = createHash('sha256').update(bearer, 'utf8').digest();
    for (const c of credentials) if (c.auth === 'bearer' && timingSafeEqual(digest, c.digest) && found === null) found = c.id;
  }
  const signature = req.headers[SIGNATURE_HEADER];
  const hex = typeof signature === 'string' ? /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim())?.[1] : undefined;
  if (hex !== undefined) {
    const given = Buffer.from(hex, 'hex');
    for (const c of credentials) {
      if (c.auth !== 'hmac') continue;
      const expected = createHmac('sha256', c.secret).update(req.body).digest();
      if (timingSafeEqual(given, expected) && found === null) found = c.id;
    }
  }
  return found;
}

/** The HMAC header value a sender puts on `body` (for senders' scripts and tests). */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A token bucket per sender, in this process: `perSecond` refill, `burst` capacity. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {}

  /** 0 when a request may go now, else the ms until it may. */
  take(sender: string): number {
    const now = this.clock();
    const b = this.buckets.get(sender) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(sender, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return ((1 - b.tokens) / this.perSecond) * 1000;
  }
}
