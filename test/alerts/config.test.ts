// The documented configuration: the Alertmanager snippet (docs/alertmanager.md and
// examples/alertmanager.yml) has Alertmanager's own configuration shape (config.Config,
// config.Route, config.Receiver, config.WebhookConfig and prometheus/common's
// HTTPClientConfig, field for field), and the example rule file is accepted by the
// contract schema and does what the documentation says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { alertRules, alertsConfigOf } from '../../src/config/alerts.js';
import { buildContract, ConfigError } from '../../src/config/load.js';
import { parseMatchers, planIncident } from '../../src/domain/alert-rules.js';
import { ALERTMANAGER_PATH } from '../../src/http/webhooks/alerts.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

// ---- Alertmanager's configuration schema (the fields of the Go structs' yaml tags) ----
/** model.Duration: 1y2w3d4h5m6s7ms. */
const modelDuration = z
  .string()
  .regex(/^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/)
  .refine((v) => v !== '');
/** Go's time.ParseDuration (webhook_config.timeout). */
const goDuration = z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
const amMatcher = z.string().superRefine((m, ctx) => {
  try {
    parseMatchers(m);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});
const authorization = z
  .strictObject({
    type: z.string().optional(),
    credentials: z.string().optional(),
    credentials_file: z.string().optional(),
    credentials_ref: z.string().optional(),
  })
  .refine((a) => [a.credentials, a.credentials_file, a.credentials_ref].filter((x) => x !== undefined).length <= 1, {
    message: 'at most one of credentials, credentials_file and credentials_ref',
  })
  .refine((a) => (a.type ?? 'Bearer').toLowerCase() !== 'basic', { message: 'authorization type cannot be Basic (use basic_auth)' });
const httpConfig = z
  .strictObject({
    authorization: authorization.optional(),
    basic_auth: z
      .strictObject({
        username: z.string().optional(),
        username_file: z.string().optional(),
        password: z.string().optional(),
        password_file: z.string().optional(),
      })
      .optional(),
    bearer_token: z.string().optional(),
    bearer_token_file: z.string().optional(),
    oauth2: z.record(z.string(), z.unknown()).optional(),
    tls_config: z.record(z.string(), z.unknown()).optional(),
    proxy_url: z.string().optional(),
    no_proxy: z.string().optional(),
    proxy_from_environment: z.boolean().optional(),
    follow_redirects: z.boolean().optional(),
    enable_http2: z.boolean().optional(),
  })
  .refine((h) => !(h.authorization && h.basic_auth), { message: 'at most one of basic_auth, oauth2 & authorization' });
const webhookConfig = z
  .strictObject({
    send_resolved: z.boolean().optional(),
    http_config: httpConfig.optional(),
    url: z.url().optional(),
    url_file: z.string().optional(),
    max_alerts: z.number().int().min(0).optional(),
    timeout: goDuration.optional(),
  })
  .refine((w) => (w.url === undefined) !== (w.url_file === undefined), { message: 'one of url or url_file must be configured' });
type AmRoute = { receiver?: string; routes?: AmRoute[] };
const route: z.ZodType<AmRoute> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().optional(),
    group_by: z.array(z.string()).optional(),
    continue: z.boolean().optional(),
    match: z.record(z.string(), z.string()).optional(),
    match_re: z.record(z.string(), z.string()).optional(),
    matchers: z.array(amMatcher).optional(),
    group_wait: modelDuration.optional(),
    group_interval: modelDuration.optional(),
    repeat_interval: modelDuration.optional(),
    mute_time_intervals: z.array(z.string()).optional(),
    active_time_intervals: z.array(z.string()).optional(),
    routes: z.array(route).optional(),
  }),
);
const receiver = z.looseObject({ name: z.string().min(1), webhook_configs: z.array(webhookConfig).optional() });
const alertmanagerConfig = z
  .strictObject({
    global: z.record(z.string(), z.unknown()).optional(),
    route: route,
    receivers: z.array(receiver).min(1),
    inhibit_rules: z.array(z.unknown()).optional(),
    templates: z.array(z.string()).optional(),
    time_intervals: z.array(z.unknown()).optional(),
    mute_time_intervals: z.array(z.unknown()).optional(),
  })
  .superRefine((c, ctx) => {
    // Every receiver a route names must exist (config.checkReceiver), and the root route needs one.
    const names = new Set(c.receivers.map((r) => r.name));
    if (!c.route.receiver) ctx.addIssue({ code: 'custom', path: ['route', 'receiver'], message: 'root route must specify a default receiver' });
    const walk = (r: AmRoute) => {
      if (r.receiver && !names.has(r.receiver)) ctx.addIssue({ code: 'custom', message: `undefined receiver "${r.receiver}" used in route` });
      r.routes?.forEach(walk);
    };
    walk(c.route);
  });

function snippetFromDocs(): string {
  const docs = read('docs/alertmanager.md');
  const block = [...docs.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('webhook_configs'));
  if (!block) throw new Error('docs/alertmanager.md has no yaml block with webhook_configs');
  return block;
}

describe("the documented Alertmanager configuration has Alertmanager's shape", () => {
  for (const [name, text] of [
    ['examples/alertmanager.yml', () => read('examples/alertmanager.yml')],
    ['the snippet in docs/alertmanager.md', snippetFromDocs],
  ] as const) {
    it(`${name}: receivers → webhook_configs → url, send_resolved, max_alerts, http_config.authorization.credentials`, () => {
      const parsed = alertmanagerConfig.safeParse(parseYaml(text()));
      expect(parsed.error?.issues ?? []).toEqual([]);
      const hook = parsed.data!.receivers[0]!.webhook_configs![0]!;
      expect(new URL(hook.url!).pathname).toBe(ALERTMANAGER_PATH);
      expect(hook.send_resolved).toBe(true);
      expect(hook.max_alerts).toBe(0);
      expect(hook.http_config?.authorization?.type ?? 'Bearer').toBe('Bearer');
      expect(hook.http_config?.authorization?.credentials).toBeTruthy();
    });
  }

  it('the schema check is not a rubber stamp: misspelt fields, a missing url, Basic as authorization type and bad durations are refused', () => {
    const base = parseYaml(read('examples/alertmanager.yml'));
    const variants: Array<(c: any) => void> = [
      (c) => (c.receivers[0].webhook_configs[0].sendResolved = true),
      (c) => delete c.receivers[0].webhook_configs[0].url,
      (c) => (c.receivers[0].webhook_configs[0].http_config.authorization.type = 'Basic'),
      (c) => (c.receivers[0].webhook_configs[0].http_config.authorization.credentials_file = '/x'),
      (c) => (c.route.group_wait = '30 seconds'),
      (c) => (c.route.receiver = 'nobody'),
      (c) => (c.route.routes[0].matchers = ['job=="ssbtek"']),
      (c) => (c.receivers[0].webhook_configs[0].max_alerts = -1),
    ];
    for (const change of variants) {
      const copy = structuredClone(base);
      change(copy);
      expect(alertmanagerConfig.safeParse(copy).success, String(change)).toBe(false);
    }
  });
});

describe('the example rule file', () => {
  const contract = buildContract(parseYaml(read('examples/alert-rules.yaml')));
  const rules = alertRules(alertsConfigOf(contract));
  const limits = { titleMax: 150, textMax: 3000 };

  it('is accepted by the contract schema, with its senders, quiet period and four rules', () => {
    const config = alertsConfigOf(contract);
    expect(config.quietPeriodMinutes).toBe(30);
    expect(config.senders).toEqual([{ id: 'grafana', auth: 'hmac', secretEnv: 'SSBTEK_ALERT_SECRET_GRAFANA' }]);
    expect(rules.map((r) => r.name)).toEqual(['flödet nere', 'bastjänst nere', 'långa svarstider', 'enstaka fel']);
  });

  it('maps alerts as the documentation says: a critical Inkomster alert is Skatteverket, Påverkan 2, Tidpunkt from the calendar', () => {
    const plan = planIncident(
      rules,
      {
        status: 'firing',
        labels: { alertname: 'InkomsterTimeout', severity: 'critical', service: 'inkomster' },
        annotations: { summary: 'timeout', description: 'Alla anrop', runbook_url: 'https://wiki/x' },
      },
      limits,
    )!;
    expect(plan).toMatchObject({
      rule: 'bastjänst nere',
      agencyId: 'skatteverket',
      impact: 2,
      baseServices: ['Inkomster'],
      title: 'InkomsterTimeout: timeout',
      description: 'Alla anrop\nRunbook: https://wiki/x',
    });
    expect(plan.timing).toBeUndefined();
    expect(planIncident(rules, { status: 'firing', labels: { alertname: 'X', severity: 'warning' }, annotations: {} }, limits)).toMatchObject({
      rule: 'enstaka fel',
      impact: 4,
      timing: 3,
    });
    expect(planIncident(rules, { status: 'firing', labels: { alertname: 'X', severity: 'info' }, annotations: {} }, limits)).toBeNull();
  });

  it('a contract without alerts accepts no rules and keeps the defaults', () => {
    const config = alertsConfigOf(buildContract());
    expect(config).toMatchObject({ quietPeriodMinutes: 30, senders: [], rules: [], rateLimit: { perSecond: 20, burst: 100 } });
  });

  it('refuses a rule for an unknown agency, a matcher that does not parse, a template outside the subset, a secret in place of a variable name', () => {
    const refused = (alerts: unknown) => {
      try {
        buildContract({ alerts } as never, undefined, { lang: 'en' });
      } catch (err) {
        if (err instanceof ConfigError) return err.message;
        throw err;
      }
      return 'accepted';
    };
    expect(refused({ rules: [{ match: 'a="b"', agency: 'polisen', impact: 1 }] })).toMatch(/alerts\.rules\.0\.agency.*unknown agency "polisen"/s);
    expect(refused({ rules: [{ match: 'a=="b"', agency: 'csn', impact: 1 }] })).toMatch(/alerts\.rules\.0\.match/);
    expect(refused({ rules: [{ match: ['a="b"', 'c=~"("'], agency: 'csn', impact: 1 }] })).toMatch(/alerts\.rules\.0\.match\.1.*regex/s);
    expect(refused({ rules: [{ match: 'a="b"', agency: 'csn', impact: 1, title: '{{ if .Labels.x }}x{{ end }}' }] })).toMatch(/alerts\.rules\.0\.title/);
    expect(refused({ rules: [{ match: 'a="b"', agency: 'csn', impact: 5 }] })).toMatch(/alerts\.rules\.0\.impact/);
    expect(refused({ senders: [{ id: 'x', auth: 'bearer', secretEnv: 'hunter2-secret-value' }] })).toMatch(/alerts\.senders\.0\.secretEnv/);
    expect(refused({ quietPeriodMinutes: -1 })).toMatch(/alerts\.quietPeriodMinutes/);
  });
});
