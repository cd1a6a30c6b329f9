// Our label matchers against Alertmanager's behaviour (pkg/labels): the four operators,
// fully anchored regexes, a missing label read as the empty string, regex alternatives,
// and the quoting of amtool's matcher syntax.
import { describe, expect, it } from 'vitest';
import {
  type AlertRule,
  checkTemplate,
  formatMatcher,
  MatcherSyntaxError,
  matches,
  matchesAll,
  parseMatchers,
  planIncident,
  renderTemplate,
} from '../../src/domain/alert-rules.js';

const labels = { alertname: 'SsbtekDown', severity: 'critical', service: 'inkomster', env: '' };

describe("label matchers behave like Alertmanager's", () => {
  // [matcher, labels, expected] — each row is what Alertmanager answers for the same input.
  const table: Array<[string, Record<string, string>, boolean]> = [
    ['severity="critical"', labels, true],
    ['severity="crit"', labels, false],
    ['severity!="critical"', labels, false],
    ['severity!="warning"', labels, true],
    // Regexes are anchored at both ends: a substring does not match.
    ['severity=~"crit"', labels, false],
    ['severity=~"crit.*"', labels, true],
    ['severity=~".*tic.*"', labels, true],
    ['service=~"inkomst"', labels, false],
    ['severity!~"crit"', labels, true],
    ['severity!~"crit.*"', labels, false],
    // Alternatives are grouped before anchoring: ^(?:a|b)$, not ^a|b$.
    ['service=~"bostad|inkomster"', labels, true],
    ['service=~"inkomst|bostad"', labels, false],
    ['service=~"x|inkomster"', labels, true],
    ['service!~"bostad|inkomster"', labels, false],
    // A missing label is the empty string.
    ['team=""', labels, true],
    ['team!=""', labels, false],
    ['team=~".*"', labels, true],
    ['team=~".+"', labels, false],
    ['team!~".+"', labels, true],
    ['team!="ops"', labels, true],
    // A label that is present but empty is the same as missing.
    ['env=""', labels, true],
    ['env!=""', labels, false],
    // Case matters, as in Go.
    ['severity="Critical"', labels, false],
    ['severity=~"Critical"', labels, false],
    // Go's leading inline flag (?i) is honoured.
    ['severity=~"(?i)CRITICAL"', labels, true],
    ['severity!~"(?i)CRIT.*"', labels, false],
    // Dots and other regex characters in = are literal.
    ['alertname="Ssbtek.own"', labels, false],
    ['alertname=~"Ssbtek.own"', labels, true],
  ];
  it.each(table)('%s on %j → %s', (text, set, expected) => {
    const [m] = parseMatchers(text);
    expect(matches(m!, set)).toBe(expected);
  });

  it('all matchers of a list must match (AND), and an empty list matches everything', () => {
    expect(matchesAll(parseMatchers('{severity="critical", service=~"inkomster|bostad"}'), labels)).toBe(true);
    expect(matchesAll(parseMatchers('{severity="critical", service="bostad"}'), labels)).toBe(false);
    expect(matchesAll(parseMatchers('{}'), labels)).toBe(true);
  });

  it('values are double-quoted with Go escapes, or unquoted when plain', () => {
    expect(parseMatchers('severity=critical').map(formatMatcher)).toEqual(['severity="critical"']);
    expect(parseMatchers('summary="say \\"hi\\", then \\\\ go"')[0]!.value).toBe('say "hi", then \\ go');
    expect(parseMatchers('a="x,y", b!="{z}"').map((m) => m.value)).toEqual(['x,y', '{z}']);
    expect(parseMatchers('  a = "1" ,  b=~"2|3" , ').map(formatMatcher)).toEqual(['a="1"', 'b=~"2|3"']);
    expect(parseMatchers('"service.name"="x"')[0]!.name).toBe('service.name');
  });

  it('refuses what Alertmanager refuses: bad operators, unclosed quotes, bad regexes, unquoted special characters', () => {
    for (const bad of ['severity', 'severity=="x"', 'severity="x', 'a=~"(unclosed"', '{a="b"', 'a="b"}', 'a=b c', '1a="b"']) {
      expect(() => parseMatchers(bad), bad).toThrow(MatcherSyntaxError);
    }
  });
});

describe('rules and templates', () => {
  const rules: AlertRule[] = [
    {
      name: 'warnings',
      matchers: parseMatchers('severity="warning"'),
      agency: 'skatteverket',
      baseServices: [],
      impact: 4,
      title: 'W',
      description: '',
      security: false,
    },
    {
      name: 'inkomster down',
      matchers: parseMatchers('{severity="critical", service=~"inkomster|bostad"}'),
      agency: 'skatteverket',
      baseServices: ['Inkomster'],
      impact: 2,
      title: '{{ .Labels.alertname }} på {{ .Labels.service }}',
      description: '{{ .Annotations.summary }} {{ .Labels.nope }}',
      security: false,
    },
    { name: 'catch-all', matchers: [], agency: 'fk', baseServices: [], impact: 4, timing: 3, title: 'x', description: '', security: false },
  ];
  const limits = { titleMax: 150, textMax: 3000 };

  it('the first matching rule wins; a catch-all after it takes the rest', () => {
    const plan = planIncident(rules, { status: 'firing', labels, annotations: { summary: 'Inga svar' } }, limits);
    expect(plan).toMatchObject({
      rule: 'inkomster down',
      agencyId: 'skatteverket',
      impact: 2,
      title: 'SsbtekDown på inkomster',
      description: 'Inga svar',
      baseServices: ['Inkomster'],
    });
    expect(plan!.timing).toBeUndefined();
    expect(planIncident(rules, { status: 'firing', labels: { alertname: 'Other' }, annotations: {} }, limits)).toMatchObject({ rule: 'catch-all', timing: 3 });
    expect(planIncident(rules.slice(0, 2), { status: 'firing', labels: { alertname: 'Other' }, annotations: {} }, limits)).toBeNull();
  });

  it('templates: labels, annotations, index, status; unknown fields render empty; personnummer masked', () => {
    const alert = { status: 'firing' as const, labels: { alertname: 'A', 'odd-name': 'v' }, annotations: { summary: 'kund 19121212-1212 saknar svar' } };
    expect(renderTemplate('{{ .Labels.alertname }}/{{index .Labels "odd-name"}}/{{ .Status }}/{{ .Labels.missing }}/{{ .Foo }}', alert)).toBe('A/v/firing//');
    const plan = planIncident([{ ...rules[1]!, matchers: [], title: '{{ .Annotations.summary }}', description: '{{ .Annotations.summary }}' }], alert, limits)!;
    expect(plan.title).toBe('kund [personnummer] saknar svar');
    expect(plan.description).not.toContain('19121212');
  });

  it("a title is one line within the incident's limit; an empty rendering falls back to the alert name", () => {
    const long = planIncident(
      [{ ...rules[1]!, matchers: [], title: '{{ .Annotations.t }}' }],
      { status: 'firing', labels: { alertname: 'A' }, annotations: { t: `rad1\nrad2 ${'x'.repeat(400)}` } },
      limits,
    )!;
    expect(long.title).not.toContain('\n');
    expect([...long.title].length).toBeLessThanOrEqual(150);
    expect(
      planIncident(
        [{ ...rules[1]!, matchers: [], title: '{{ .Labels.none }}' }],
        { status: 'firing', labels: { alertname: 'Fallback' }, annotations: {} },
        limits,
      )!.title,
    ).toBe('Fallback');
  });

  it('templates outside the subset are refused at configuration time', () => {
    expect(checkTemplate('{{ .Labels.alertname }} {{ index .Annotations "x" }}')).toBeNull();
    expect(checkTemplate('{{ if .Labels.x }}y{{ end }}')).toMatch(/unsupported/);
    expect(checkTemplate('{{ .Labels.x')).toMatch(/without/);
  });
});
