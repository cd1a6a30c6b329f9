// Monitoring alerts → incidents: the pure rules (issue 15, contract 4.2 "incidents found
// by monitoring are handled the same way").
//
//   * Label matchers as Alertmanager and amtool write them: `name="value"`, `name!="value"`,
//     `name=~"regex"`, `name!~"regex"`, alone or as a list `{a="b", c=~"d|e"}`. Regexes are
//     fully anchored (`^(?:…)$`) as in Alertmanager, and a missing label matches as the
//     empty string (so `team=""` matches an alert without `team`, and `team!=""` requires it).
//     Values are double-quoted with `\"`, `\\`, `\n` and `\t` escapes, or unquoted when they
//     hold no space, quote, comma, brace or operator character.
//   * A rule: matchers (all must match) → agency, base services, Påverkan, an optional
//     Tidpunkt (otherwise the calendar's suggestion at the alert's startsAt), and title and
//     description templates. The first rule that matches wins.
//   * Templates: a tiny subset of Go's text/template as Alertmanager uses it:
//     `{{ .Labels.name }}`, `{{ .Annotations.name }}`, `{{ index .Labels "odd-name" }}`,
//     `{{ .Status }}`. Anything unknown renders empty. Output is one clean line (title) or
//     text (description), personnummer masked.
//   * The grouping key: Alertmanager's groupKey, else the alert's fingerprint.
//
// No I/O and no clock: every function gets what it needs.
import { maskPersonalNumbers } from './pii.js';
import { isLevel, type Level } from './priority.js';
import { sanitizeInput, sanitizeLine, truncateGraphemes } from './text.js';
import {
  TEMPLATE_ACTION as ACTION,
  TEMPLATE_FIELD as FIELD,
  TEMPLATE_INDEX as INDEX,
  TEMPLATE_SCALAR as SCALAR,
  type Labels,
  type Matcher,
} from '../config/alert-syntax.js';

// The rule syntax lives with the configuration that is validated with it.
export {
  MATCH_TYPES,
  type MatchType,
  type Matcher,
  type Labels,
  MatcherSyntaxError,
  matcher,
  parseMatchers,
  formatMatcher,
  checkTemplate,
} from '../config/alert-syntax.js';

export function matches(m: Matcher, labels: Labels): boolean {
  const v = Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.re!.test(v);
    case '!~':
      return !m.re!.test(v);
  }
}

/** Whether every matcher matches (an empty list matches every alert). */
export function matchesAll(list: readonly Matcher[], labels: Labels): boolean {
  return list.every((m) => matches(m, labels));
}

// ------------------------------------------------------------------------------ rules

/** A mapping rule as the configuration holds it, matchers parsed. */
export interface AlertRule {
  /** For logs and the timeline: which rule opened the incident. */
  readonly name: string;
  readonly matchers: readonly Matcher[];
  readonly agency: string;
  readonly baseServices: readonly string[];
  readonly impact: Level;
  /** Tidpunkt; when absent, the calendar's suggestion at the alert's startsAt. */
  readonly timing?: Level;
  readonly title: string;
  readonly description: string;
  readonly security: boolean;
}

/** One alert as the rules see it. */
export interface AlertFacts {
  readonly status: 'firing' | 'resolved';
  readonly labels: Labels;
  readonly annotations: Labels;
}

/** What an incident opened from an alert is made of. */
export interface IncidentPlan {
  readonly rule: string;
  readonly agencyId: string;
  readonly baseServices: string[];
  readonly impact: Level;
  readonly timing?: Level;
  readonly title: string;
  readonly description: string;
  readonly security: boolean;
}

export interface PlanLimits {
  /** Longest title in graphemes (the incident's own limit). */
  readonly titleMax: number;
  /** Longest description in graphemes. */
  readonly textMax: number;
}

/** The first rule whose matchers all match the alert's labels, or null. */
export function firstMatchingRule(rules: readonly AlertRule[], labels: Labels): AlertRule | null {
  for (const rule of rules) if (matchesAll(rule.matchers, labels)) return rule;
  return null;
}

/**
 * The incident an alert asks for under `rules`, or null when no rule matches. Title and
 * description come from the rule's templates, cleaned, cut to the limits and masked.
 */
export function planIncident(rules: readonly AlertRule[], alert: AlertFacts, limits: PlanLimits): IncidentPlan | null {
  const rule = firstMatchingRule(rules, alert.labels);
  if (!rule) return null;
  const title = truncateGraphemes(mask(sanitizeLine(renderTemplate(rule.title, alert))), limits.titleMax);
  const description = truncateGraphemes(mask(sanitizeInput(renderTemplate(rule.description, alert)).trim()), limits.textMax);
  return {
    rule: rule.name,
    agencyId: rule.agency,
    baseServices: [...rule.baseServices],
    impact: rule.impact,
    ...(rule.timing !== undefined ? { timing: rule.timing } : {}),
    // An empty rendering (a template naming a label the alert lacks) falls back to the alert's name.
    title: title || truncateGraphemes(mask(sanitizeLine(alert.labels.alertname ?? '')), limits.titleMax) || rule.name,
    description,
    security: rule.security,
  };
}

/** A level from configuration (1–4); throws on anything else. */
export function levelOf(n: number): Level {
  if (!isLevel(n)) throw new RangeError(`not a level 1–4: ${n}`);
  return n;
}

/**
 * The key that groups alerts into one incident: Alertmanager's groupKey when the
 * notification has one, else the alert's fingerprint. `source` keeps keys of different
 * intakes apart.
 */
export function groupingKey(source: string, groupKey: string | undefined, fingerprint: string): string {
  return groupKey ? `${source}:group:${groupKey}` : `${source}:fp:${fingerprint}`;
}

/**
 * A stable fingerprint of a label set when the sender gives none: the labels sorted by
 * name, as `name="value"` joined by commas (hash it before storing: values may be private).
 */
export function labelSetText(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');
}

// ------------------------------------------------------------------------------ templates

/** Renders the template subset against one alert; anything unknown renders empty. */
export function renderTemplate(template: string, alert: AlertFacts): string {
  return template.replace(ACTION, (_whole, inner: string) => {
    const action = inner.trim();
    const field = FIELD.exec(action) ?? INDEX.exec(action);
    if (field) {
      const map = field[1]!.endsWith('Labels') ? alert.labels : alert.annotations;
      const name = field[2]!.replace(/\\(.)/g, '$1');
      return Object.hasOwn(map, name) ? (map[name] ?? '') : '';
    }
    if (SCALAR.test(action)) return alert.status;
    return '';
  });
}

// ------------------------------------------------------------------------------ helpers

function mask(text: string): string {
  return maskPersonalNumbers(text, { strict: true }).text;
}
