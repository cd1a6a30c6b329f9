// Incidents from monitoring (contract 4.2, issue 15) as configuration: who may send alerts,
// how fast, how long a cleared alert that fires again counts as the same fault, and the
// rules that map an alert's labels to an incident. See docs/alertmanager.md.
//
// Secrets never live in this file: a sender names the environment variable that holds its
// bearer token or HMAC secret (the contract configuration is hashed, versioned and stored
// with the incidents). The simplest set-up needs no sender at all: SSBTEK_ALERT_TOKEN
// holds one shared bearer token.
//
// Every field has a default, so a contract without `alerts` accepts no alert rules (every
// alert is counted as unmatched) and only the shared token.
import { z } from 'zod';
import type { AlertRule } from '../domain/alert-rules.js';
import { checkTemplate, type Matcher, MatcherSyntaxError, parseMatchers } from './alert-syntax.js';
import type { Level } from '../domain/priority.js';

/** The environment variable with the one shared bearer token (sender id "default"). */
export const SHARED_TOKEN_ENV = 'SSBTEK_ALERT_TOKEN';

export const ALERT_DEFAULTS = {
  /** A cleared alert group that fires again within this many minutes is the same fault: noted, not a new incident. */
  quietPeriodMinutes: 30,
  /** Requests per second each sender may make, and the burst above it (429 with Retry-After beyond). */
  rateLimit: { perSecond: 20, burst: 100 },
  /** Largest accepted request body (413 beyond it). */
  bodyLimitBytes: 1024 * 1024,
  /** Alerts in one group that are remembered by fingerprint (to tell new ones from repeats). */
  rememberAlerts: 5_000,
};

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'must be the name of an environment variable (A–Z, 0–9, _)' });

const sender = z
  .object({
    /** Shown in logs and metrics; "default" is the shared SSBTEK_ALERT_TOKEN. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, { message: 'must be lower-case letters, digits and "-" (at most 40)' }),
    /** bearer: `Authorization: Bearer <token>`; hmac: `X-SSBTEK-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
    auth: z.enum(['bearer', 'hmac']),
    /** The environment variable holding the token or secret. */
    secretEnv: envName,
  })
  .strict();
export type AlertSender = z.infer<typeof sender>;

const level = z.number().int().min(1).max(4);

const matchers = z.union([z.string(), z.array(z.string()).max(50)]).superRefine((value, ctx) => {
  for (const [i, text] of (typeof value === 'string' ? [value] : value).entries()) {
    try {
      parseMatchers(text);
    } catch (err) {
      if (!(err instanceof MatcherSyntaxError)) throw err;
      ctx.addIssue({ code: 'custom', path: typeof value === 'string' ? [] : [i], message: err.message });
    }
  }
});

const template = (fallback: string) =>
  z
    .string()
    .max(2000)
    .default(fallback)
    .superRefine((t, ctx) => {
      const problem = checkTemplate(t);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const rule = z
  .object({
    /** A name for logs and the timeline; "rule <n>" when absent. */
    name: z.string().max(80).optional(),
    /** Label matchers, all of which must match: `severity="critical"`, or a list, or `{a="b", c=~"d"}`. */
    match: matchers,
    /** The agency (contract agency id) the incident is for. */
    agency: z.string(),
    baseServices: z.array(z.string().max(150)).max(50).default([]),
    /** Påverkan 1–4. */
    impact: level,
    /** Tidpunkt 1–4; when absent, the calendar's suggestion at the alert's startsAt. */
    timing: level.optional(),
    title: template('{{ .Labels.alertname }}'),
    description: template('{{ .Annotations.summary }}\n{{ .Annotations.description }}'),
    security: z.boolean().default(false),
  })
  .strict();
export type AlertRuleConfig = z.infer<typeof rule>;

export const alertsSchema = z
  .object({
    quietPeriodMinutes: z.number().int().min(0).max(10_080).default(ALERT_DEFAULTS.quietPeriodMinutes),
    rateLimit: z
      .object({
        perSecond: z.number().positive().max(100_000).default(ALERT_DEFAULTS.rateLimit.perSecond),
        burst: z.number().int().min(1).max(100_000).default(ALERT_DEFAULTS.rateLimit.burst),
      })
      .strict()
      .prefault({}),
    bodyLimitBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(ALERT_DEFAULTS.bodyLimitBytes),
    senders: z
      .array(sender)
      .max(100)
      .default([])
      .refine((list) => new Set(list.map((s) => s.id)).size === list.length, { message: 'each sender id may appear only once' }),
    /** Mapping rules; the first that matches an alert wins. */
    rules: z.array(rule).max(1_000).default([]),
  })
  .strict();

export type AlertsConfig = z.infer<typeof alertsSchema>;

/** The alerts part of a contract (defaults for a contract built without one). */
export function alertsConfigOf(contract: object): AlertsConfig {
  return (contract as { alerts?: AlertsConfig }).alerts ?? alertsSchema.parse({});
}

/** The rules with their matchers parsed, in order. */
export function alertRules(config: AlertsConfig): AlertRule[] {
  return config.rules.map((r, i) => ({
    name: r.name ?? `rule ${i + 1}`,
    matchers: (typeof r.match === 'string' ? [r.match] : r.match).flatMap((m): Matcher[] => parseMatchers(m)),
    agency: r.agency,
    baseServices: r.baseServices,
    impact: r.impact as Level,
    ...(r.timing !== undefined ? { timing: r.timing as Level } : {}),
    title: r.title,
    description: r.description,
    security: r.security,
  }));
}

/**
 * For the contract's own check: a rule that names an agency the contract does not know.
 * Called from contractSchema's superRefine.
 */
export function checkAlertAgencies(c: { agencies: readonly { id: string }[]; alerts?: AlertsConfig }, ctx: z.RefinementCtx): void {
  const known = new Set(c.agencies.map((a) => a.id));
  for (const [i, r] of (c.alerts?.rules ?? []).entries()) {
    if (!known.has(r.agency))
      ctx.addIssue({ code: 'custom', path: ['alerts', 'rules', i, 'agency'], message: `unknown agency "${r.agency}"; known: ${[...known].join(', ')}` });
  }
}
