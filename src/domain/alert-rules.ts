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

export const MATCH_TYPES = ['=', '!=', '=~', '!~'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** The anchored regex, for =~ and !~. */
  readonly re?: RegExp;
}

export type Labels = Readonly<Record<string, string>>;

/** What a matcher refused, with where (for a configuration error that names it). */
export class MatcherSyntaxError extends Error {
  constructor(
    message: string,
    readonly input: string,
  ) {
    super(message);
    this.name = 'MatcherSyntaxError';
  }
}

/** Builds a matcher; a regex is compiled anchored, as Alertmanager does (`^(?:value)$`). */
export function matcher(name: string, type: MatchType, value: string): Matcher {
  if (!LABEL_NAME.test(name)) throw new MatcherSyntaxError(`"${name}" is not a label name`, name);
  if (type === '=~' || type === '!~') {
    let re: RegExp;
    try {
      // Go's leading inline flags ("(?i)critical") become JavaScript flags; the rest is anchored.
      const flags = /^\(\?([ims]+)\)/.exec(value);
      const body = flags ? value.slice(flags[0].length) : value;
      re = new RegExp(`^(?:${body})$`, `u${[...new Set(flags?.[1] ?? '')].join('')}`);
    } catch (err) {
      throw new MatcherSyntaxError(`the regex of ${name} does not compile (${(err as Error).message.replace(/^Invalid regular expression: /, '')})`, value);
    }
    return Object.freeze({ name, type, value, re });
  }
  return Object.freeze({ name, type, value });
}

/** Whether one matcher matches a label set (a missing label is the empty string). */
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

/**
 * Parses matchers as amtool and Alertmanager's configuration write them: one
 * (`severity="critical"`), several separated by commas, or a braced list
 * (`{service=~"inkomst|bostad", env!="test"}`). Throws MatcherSyntaxError.
 */
export function parseMatchers(input: string): Matcher[] {
  let text = input.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw new MatcherSyntaxError('a braced list must end with "}"', input);
    text = text.slice(1, -1).trim();
  } else if (text.endsWith('}')) {
    throw new MatcherSyntaxError('a "}" without "{"', input);
  }
  const out: Matcher[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (i === text.length) return out;
  for (;;) {
    skipSpace();
    // The label name: bare, or double-quoted (Alertmanager's UTF-8 form).
    let name: string;
    if (text[i] === '"') {
      const q = readQuoted(text, i, input);
      name = q.value;
      i = q.end;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      if (!m) throw new MatcherSyntaxError(`expected a label name at position ${i + 1}`, input);
      name = m[0];
      i += name.length;
    }
    skipSpace();
    const op = /^(=~|!~|!=|=)/.exec(text.slice(i));
    if (!op) throw new MatcherSyntaxError(`expected one of = != =~ !~ after "${name}"`, input);
    i += op[0].length;
    skipSpace();
    let value: string;
    if (text[i] === '"') {
      const q = readQuoted(text, i, input);
      value = q.value;
      i = q.end;
    } else {
      const m = /^[^\s",{}=!~]*/.exec(text.slice(i))!;
      value = m[0];
      i += value.length;
    }
    out.push(matcher(name, op[0] as MatchType, value));
    skipSpace();
    if (i === text.length) return out;
    if (text[i] !== ',')
      throw new MatcherSyntaxError(`unexpected "${text[i]}" at position ${i + 1} (quote values that hold spaces or special characters)`, input);
    i++;
    skipSpace();
    // A trailing comma is allowed, as in Alertmanager.
    if (i === text.length) return out;
  }
}

/** Shows a matcher as Alertmanager prints it: `name="value"` (quotes and backslashes escaped). */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.type}"${m.value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
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
  readonly orgId: string;
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
    orgId: rule.agency,
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

const ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
const FIELD = /^\.(Labels|Annotations|CommonLabels|CommonAnnotations)\.([A-Za-z_][A-Za-z0-9_]*)$/;
const INDEX = /^index\s+\.(Labels|Annotations|CommonLabels|CommonAnnotations)\s+"((?:[^"\\]|\\.)*)"$/;
const SCALAR = /^\.(Status)$/;

/**
 * Whether a template uses only the supported subset; returns what is wrong, or null.
 * (A field the alert lacks is fine — it renders empty — but `{{ if … }}` is refused.)
 */
export function checkTemplate(template: string): string | null {
  for (const m of template.matchAll(ACTION)) {
    const action = m[1]!.trim();
    if (!FIELD.test(action) && !INDEX.test(action) && !SCALAR.test(action) && !/^\.[A-Za-z_][\w.]*$/.test(action)) {
      return `unsupported template action {{ ${action} }}: use {{ .Labels.name }}, {{ .Annotations.name }}, {{ index .Labels "name" }} or {{ .Status }}`;
    }
  }
  const unclosed = template.replace(ACTION, '').includes('{{');
  return unclosed ? 'a "{{" without "}}"' : null;
}

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

const LABEL_NAME = /^[\s\S]+$/;

function mask(text: string): string {
  return maskPersonalNumbers(text, { strict: true }).text;
}

/** Reads a double-quoted string at `start`; Go-style escapes \" \\ \n \t. */
function readQuoted(text: string, start: number, input: string): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[++i];
      if (next === undefined) break;
      if (next === 'n') value += '\n';
      else if (next === 't') value += '\t';
      else if (next === '"' || next === '\\') value += next;
      else throw new MatcherSyntaxError(`unknown escape \\${next} in a quoted value`, input);
      continue;
    }
    value += c;
  }
  throw new MatcherSyntaxError('a quoted value without its closing quote', input);
}
