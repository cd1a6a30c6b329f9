// The syntax of the alert mapping rules in the contract configuration (issue 15): label
// matchers as Alertmanager and amtool write them and the template subset. The configuration
// is validated with it at load; domain/alert-rules.ts applies the parsed rules to alerts.
// Pure: no I/O.

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

// ------------------------------------------------------------------------------ templates

export const TEMPLATE_ACTION = /\{\{-?\s*([\s\S]*?)\s*-?\}\}/g;
export const TEMPLATE_FIELD = /^\.(Labels|Annotations|CommonLabels|CommonAnnotations)\.([A-Za-z_][A-Za-z0-9_]*)$/;
export const TEMPLATE_INDEX = /^index\s+\.(Labels|Annotations|CommonLabels|CommonAnnotations)\s+"((?:[^"\\]|\\.)*)"$/;
export const TEMPLATE_SCALAR = /^\.(Status)$/;

/**
 * Whether a template uses only the supported subset; returns what is wrong, or null.
 * (A field the alert lacks is fine — it renders empty — but `{{ if … }}` is refused.)
 */
export function checkTemplate(template: string): string | null {
  for (const m of template.matchAll(TEMPLATE_ACTION)) {
    const action = m[1]!.trim();
    if (!TEMPLATE_FIELD.test(action) && !TEMPLATE_INDEX.test(action) && !TEMPLATE_SCALAR.test(action) && !/^\.[A-Za-z_][\w.]*$/.test(action)) {
      return `unsupported template action {{ ${action} }}: use {{ .Labels.name }}, {{ .Annotations.name }}, {{ index .Labels "name" }} or {{ .Status }}`;
    }
  }
  const unclosed = template.replace(TEMPLATE_ACTION, '').includes('{{');
  return unclosed ? 'a "{{" without "}}"' : null;
}

// ------------------------------------------------------------------------------ helpers

const LABEL_NAME = /^[\s\S]+$/;

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
