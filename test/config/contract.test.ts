// The contract as configuration: the seed's values by default, any part overridable,
// and an invalid file refused with the field, what is wrong and what to fix — in Swedish,
// or in English when SSBTEK_LANG says so.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/config/contract.js';
import { readEnv } from '../../src/config/env.js';
import { buildContract, ConfigError, langFromEnv, loadContract } from '../../src/config/load.js';
import { SEED_CONTRACT } from '../../src/config/seed.js';

function file(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssbtek-config-'));
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

/** The ConfigError a configuration gives, in the language asked for. */
function refusal(overrides: unknown, lang: 'sv' | 'en' = 'sv'): ConfigError {
  try {
    buildContract(overrides, undefined, { lang });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('the configuration was accepted');
}

const EXAMPLE = fileURLToPath(new URL('../../examples/contract.example.yaml', import.meta.url));

describe('contract configuration', () => {
  it("defaults to the seed's numbers", () => {
    const c = buildContract();
    expect(c.incidentTargets.critical).toEqual({
      response: { amount: 30, unit: 'minutes', clock: 'support' },
      resolution: { amount: 8, unit: 'hours', clock: 'support' },
    });
    expect(c.problemTargets.critical.resolution).toEqual({ amount: 6, unit: 'calendarDays', clock: 'support' });
    expect(c.orderTargets.connection.response).toBeNull();
    expect(c.agencies.find((a) => a.id === 'transportstyrelsen')?.supportHours).toEqual({ days: [1, 2, 3, 4, 5], open: '08:00', close: '16:30' });
    expect(c.goals.incidents).toBe(0.9);
    expect(c.notice.plannedChangeWeeks).toBe(4);
    expect(c.criticalPeriod.startDay).toBe(20);
    expect(c.reportDay).toBe(10);
  });

  it('a YAML file overrides one number and keeps the rest', () => {
    const c = loadContract(file('c.yaml', 'incidentTargets:\n  critical:\n    response:\n      amount: 15\n'));
    expect(c.incidentTargets.critical.response).toEqual({ amount: 15, unit: 'minutes', clock: 'support' });
    expect(c.incidentTargets.critical.resolution.amount).toBe(8);
    expect(c.incidentTargets.high.response?.amount).toBe(60);
  });

  it('a JSON file can add an agency with its own support hours', () => {
    const seed = buildContract();
    const agencies = [...seed.agencies, { id: 'kronofogden', name: 'Kronofogden', supportHours: { days: [1, 2, 3, 4], open: '07:30', close: '16:00' } }];
    const c = loadContract(file('c.json', JSON.stringify({ agencies })));
    expect(c.agencies.map((a) => a.id)).toContain('kronofogden');
  });

  it('the version changes with the configuration and is stable without change', () => {
    expect(buildContract().version).toBe(buildContract().version);
    expect(buildContract({ reportDay: 11 }).version).not.toBe(buildContract().version);
  });

  it('the contract is frozen: no code can change a number at run time', () => {
    const c = buildContract();
    expect(() => {
      (c.incidentTargets.critical.response as { amount: number }).amount = 1;
    }).toThrow();
  });

  const invalid: Array<[string, unknown, RegExp]> = [
    ['a negative target', { incidentTargets: { high: { response: { amount: -5 } } } }, /^incidentTargets\.high\.response\.amount: ska vara större än 0$/],
    [
      'an unknown unit',
      { problemTargets: { low: { resolution: { unit: 'weeks' } } } },
      /^problemTargets\.low\.resolution\.unit: ska vara ett av "minutes", "hours", "workingDays", "calendarDays"$/,
    ],
    ['a closing time before opening', { supportHours: { open: '17:00', close: '08:00' } }, /^supportHours: open måste vara före close$/],
    ['a badly written time', { openingHours: { open: '8' } }, /^openingHours\.open: ska vara en tid som TT:MM/],
    ['a misspelt field', { incidentTarget: {} }, /^okänt fält "incidentTarget"; kontrollera stavningen$/],
    [
      'a matrix with an unknown priority',
      {
        priorityMatrix: [
          ['urgent', 'high', 'medium', 'low'],
          ['high', 'high', 'medium', 'low'],
          ['medium', 'medium', 'medium', 'low'],
          ['low', 'low', 'low', 'low'],
        ],
      },
      /^priorityMatrix\.0\.0: ska vara ett av "critical"/,
    ],
    ['a default agency that does not exist', { defaultAgency: 'nasa' }, /^defaultAgency: nämner ingen myndighet i "agencies" \(forsakringskassan, /],
    ['a goal above 100 %', { goals: { incidents: 1.5 } }, /^goals\.incidents: får vara högst 1$/],
    ['a misspelt time zone', { timezone: 'Europe/Stokholm' }, /^timezone: är ingen känd tidszon; ange ett IANA-namn som "Europe\/Stockholm"$/],
    ['a time zone on another planet', { timezone: 'Mars/Olympus' }, /^timezone: är ingen känd tidszon/],
    [
      'ten million working days',
      { incidentTargets: { high: { resolution: { amount: 10_000_000, unit: 'workingDays' } } } },
      /^incidentTargets\.high\.resolution\.amount: får vara högst 250 arbetsdagar; längre än så kan ett avtal inte avse$/,
    ],
    [
      '1e308 minutes',
      { incidentTargets: { critical: { resolution: { amount: 1e308, unit: 'minutes' } } } },
      /^incidentTargets\.critical\.resolution\.amount: får vara högst 525\s600 minuter/,
    ],
    [
      'more than a year of hours on the wall clock',
      { problemTargets: { low: { resolution: { amount: 8761, unit: 'hours', clock: 'wall' } } } },
      /^problemTargets\.low\.resolution\.amount: får vara högst 8\s760 timmar/,
    ],
    [
      'more than a year of calendar days',
      { problemTargets: { critical: { resolution: { amount: 366 } } } },
      /^problemTargets\.critical\.resolution\.amount: får vara högst 365 kalenderdagar/,
    ],
    [
      'an amount that is not a number (NaN)',
      { incidentTargets: { low: { response: { amount: Number.NaN } } } },
      /^incidentTargets\.low\.response\.amount: ska vara ett ändligt tal/,
    ],
    [
      'an infinite amount',
      { incidentTargets: { low: { response: { amount: Number.POSITIVE_INFINITY } } } },
      /^incidentTargets\.low\.response\.amount: ska vara ett ändligt tal/,
    ],
    [
      'a date with month 13 and day 45',
      { holidays: { extraClosed: ['2027-13-45'] } },
      /^holidays\.extraClosed\.0: finns inte i kalendern; ange månad 01–12 och en dag som finns i månaden$/,
    ],
    ['29 February in a year that has none', { holidays: { extraOpen: ['2027-02-29'] } }, /^holidays\.extraOpen\.0: finns inte i kalendern/],
    [
      'a low season that starts on 30 February',
      { criticalPeriod: { lowSeason: [{ from: '02-30', to: '03-05' }] } },
      /^criticalPeriod\.lowSeason\.0\.from: finns inte i kalendern/,
    ],
    ['a holiday country the calendar does not know', { holidays: { country: 'XX' } }, /^holidays\.country: är inget land som helgdagskalendern känner/],
    ['a snooze of a month', { reminders: { snoozeMinutes: [15, 43_200] } }, /^reminders\.snoozeMinutes\.1: får vara högst 10\s080$/],
    ['a weekday given twice', { supportHours: { days: [1, 1, 2] } }, /^supportHours\.days: samma veckodag står flera gånger/],
  ];
  it.each(invalid)('refuses %s, naming the field and what to fix on one line', (_name, overrides, line) => {
    const err = refusal(overrides);
    expect(err.message.split('\n')[0]).toBe('Konfigurationen går inte att använda:');
    expect(err.problems.some((p) => line.test(p))).toBe(true);
    // Each problem is one line of the message, indented under the headline.
    for (const p of err.problems) expect(err.message).toContain(`\n  - ${p}`);
  });

  it('a support-clock target is bounded by 250 working days of the shortest support day, and says so', () => {
    // Transportstyrelsen's day is 8 h 30 min: 250 × 8.5 h = 2 125 h.
    const err = refusal({ incidentTargets: { critical: { resolution: { amount: 3000, unit: 'hours' } } } });
    expect(err.problems).toEqual([
      'incidentTargets.critical.resolution.amount: räcker längre än 250 arbetsdagar på supportklockan; högst 2\u00a0125 timmar med den kortaste supportdagen (Transportstyrelsen, 8 h 30 min)',
    ]);
    expect(buildContract({ incidentTargets: { critical: { resolution: { amount: 2125, unit: 'hours' } } } }).incidentTargets.critical.resolution.amount).toBe(
      2125,
    );
    // The same hours on the wall clock are only bounded by the year.
    expect(
      buildContract({ incidentTargets: { critical: { resolution: { amount: 3000, unit: 'hours', clock: 'wall' } } } }).incidentTargets.critical.resolution
        .amount,
    ).toBe(3000);
  });

  it('a support day of one minute cannot stretch a seed target over centuries', () => {
    const err = refusal({ supportHours: { open: '08:00', close: '08:01' } });
    expect(err.problems).toContain(
      'incidentTargets.critical.resolution.amount: räcker längre än 250 arbetsdagar på supportklockan; högst 4 timmar med den kortaste supportdagen (Försäkringskassan, 1 min)',
    );
  });

  it('reminder repeats are bounded too: 1 000 repeats of a day on the support clock are refused', () => {
    const err = refusal({ reminders: { incidents: { low: { resolution: { repeatEvery: { amount: 24, unit: 'hours' }, repeatMax: 1000 } } } } });
    expect(err.problems.join('\n')).toMatch(/^reminders\.incidents\.low\.resolution\.repeatMax: räcker längre än 250 arbetsdagar/m);
  });

  it('accepts every target exactly at its bound', () => {
    const c = buildContract({
      problemTargets: {
        low: { resolution: { amount: LIMITS.target.workingDays, unit: 'workingDays' } },
        critical: { resolution: { amount: LIMITS.target.calendarDays, unit: 'calendarDays' } },
      },
      incidentTargets: { low: { resolution: { amount: LIMITS.target.minutes, unit: 'minutes', clock: 'wall' } } },
    });
    expect(c.problemTargets.low.resolution.amount).toBe(250);
  });

  it('the same refusal reads in English, problem by problem', () => {
    const err = refusal({ timezone: 'Mars/Olympus', incidentTargets: { high: { resolution: { amount: 10_000_000, unit: 'workingDays' } } } }, 'en');
    expect(err.message).toBe(
      [
        'The configuration cannot be used:',
        '  - timezone: is not a known time zone; give an IANA name such as "Europe/Stockholm"',
        '  - incidentTargets.high.resolution.amount: must be at most 250 working days; no contract means a longer target',
      ].join('\n'),
    );
    // The error carries keys and parameters, so it can be shown in either language later.
    expect(err.details.map((d) => d.key)).toEqual(['issue.timezone', 'issue.targetTooLarge']);
    expect(err.render('sv')).toContain('  - timezone: är ingen känd tidszon');
    expect(err.lines('sv')[1]).toBe('incidentTargets.high.resolution.amount: får vara högst 250 arbetsdagar; längre än så kan ett avtal inte avse');
  });

  it('a file is named in the headline', () => {
    const path = file('c.yaml', 'timezone: Europe/Stokholm\n');
    expect(() => loadContract(path, { lang: 'sv' })).toThrow(`${path} går inte att använda:\n  - timezone: är ingen känd tidszon`);
    expect(() => loadContract(path, { lang: 'en' })).toThrow(`${path} cannot be used:\n  - timezone: is not a known time zone`);
  });

  it('YAML numbers that overflow or are not numbers are refused: 1e400, .inf, .nan', () => {
    for (const value of ['1e400', '.inf', '.nan']) {
      const path = file('c.yaml', `incidentTargets:\n  critical:\n    response:\n      amount: ${value}\n`);
      expect(() => loadContract(path, { lang: 'en' })).toThrow(/incidentTargets\.critical\.response\.amount: must be a finite number/);
    }
    const huge = file('c.yaml', 'incidentTargets:\n  critical:\n    response:\n      amount: 1e308\n');
    expect(() => loadContract(huge, { lang: 'en' })).toThrow(/incidentTargets\.critical\.response\.amount: must be at most 525,600 minutes/);
  });

  it('a field given twice in a YAML file is refused, not silently the last one', () => {
    const path = file('c.yaml', 'reportDay: 10\nreportDay: 11\n');
    expect(() => loadContract(path, { lang: 'sv' })).toThrow(/: inte giltig YAML \(.*\); rätta filen$/);
  });

  it('refuses an unreadable or malformed file with its name and what to do', () => {
    expect(() => loadContract('/nonexistent/ssbtek.yaml', { lang: 'sv' })).toThrow(
      'SSBTEK_CONFIG=/nonexistent/ssbtek.yaml: filen kan inte läsas, den finns inte; rätta sökvägen eller ta bort SSBTEK_CONFIG',
    );
    expect(() => loadContract('/nonexistent/ssbtek.yaml', { lang: 'en' })).toThrow(
      'SSBTEK_CONFIG=/nonexistent/ssbtek.yaml: cannot read the file, it does not exist',
    );
    expect(() => loadContract(tmpdir(), { lang: 'en' })).toThrow(/is a folder; name a YAML or JSON file/);
    const bad = file('bad.json', '{ "reportDay": ');
    expect(() => loadContract(bad, { lang: 'en' })).toThrow(/: not valid JSON \(.+\); correct the file$/);
    expect(() => loadContract(file('list.yaml', '- 1\n- 2\n'), { lang: 'en' })).toThrow(/the file must hold fields with values/);
  });

  it('without a language asked for, the error follows SSBTEK_LANG (en_GB.UTF-8 → English)', () => {
    const saved = process.env.SSBTEK_LANG;
    try {
      process.env.SSBTEK_LANG = 'en_GB.UTF-8';
      expect(() => buildContract({ timezone: 'Mars/Olympus' })).toThrow(/is not a known time zone/);
      delete process.env.SSBTEK_LANG;
      expect(() => buildContract({ timezone: 'Mars/Olympus' })).toThrow(/är ingen känd tidszon/);
    } finally {
      if (saved === undefined) delete process.env.SSBTEK_LANG;
      else process.env.SSBTEK_LANG = saved;
    }
  });

  it('a plain-text ConfigError still works for callers with their own message', () => {
    const err = new ConfigError('Slack needs a secret.', ['SLACK_SIGNING_SECRET: required']);
    expect(err.message).toBe('Slack needs a secret.');
    expect(err.problems).toEqual(['SLACK_SIGNING_SECRET: required']);
    expect(err.render('en')).toBe('Slack needs a secret.');
  });
});

describe('the example configuration (examples/contract.example.yaml)', () => {
  const c = loadContract(EXAMPLE);

  it('keeps every seed agency: none is dropped by the list replacing the seed', () => {
    const ids = c.agencies.map((a) => a.id);
    for (const a of SEED_CONTRACT.agencies) expect(ids).toContain(a.id);
    expect(ids).toContain('kronofogden');
  });

  it("overrides one agency's numbers and leaves the others as the seed has them", () => {
    expect(c.agencies.find((a) => a.id === 'transportstyrelsen')?.supportHours).toEqual({ days: [1, 2, 3, 4, 5], open: '08:00', close: '16:00' });
    expect(c.agencies.find((a) => a.id === 'csn')?.supportHours).toBeUndefined();
    expect(c.incidentTargets.critical.response?.amount).toBe(15);
    expect(c.incidentTargets.critical.resolution.amount).toBe(8);
    expect(c.holidays.extraClosed).toEqual(['2027-05-07']);
  });
});

describe('the environment', () => {
  it.each([
    ['en_GB.UTF-8', 'en'],
    ['en-GB', 'en'],
    ['en', 'en'],
    ['EN_us', 'en'],
    ['en.UTF-8', 'en'],
    ['sv_SE', 'sv'],
    ['sv_SE.UTF-8@euro', 'sv'],
    ['fi_FI', 'sv'],
    ['C', 'sv'],
    ['', 'sv'],
    [undefined, 'sv'],
  ] as const)('SSBTEK_LANG=%s is read as %s (one lenient parser for the bot and the CLI)', (value, lang) => {
    expect(langFromEnv(value)).toBe(lang);
    expect(readEnv(value === undefined ? {} : { SSBTEK_LANG: value }).SSBTEK_LANG).toBe(lang);
  });

  it('refuses a bad variable with its name and what to fix, in Swedish by default', () => {
    expect(() => readEnv({ PORT: 'åttio' })).toThrow(new ConfigError({ key: 'env.invalid' }, [{ path: 'PORT', key: 'issue.env.port' }], 'sv'));
    expect(() => readEnv({ PORT: 'åttio' })).toThrow('Miljövariablerna går inte att använda:\n  - PORT: ska vara ett portnummer, 0–65535');
    expect(() => readEnv({ PORT: '70000' })).toThrow('PORT: får vara högst 65\u00a0535');
  });

  it('in English when SSBTEK_LANG says so, one line per variable', () => {
    const env = { SSBTEK_LANG: 'en_GB.UTF-8', DATABASE_URL: 'mysql://db', SLACK_BOT_TOKEN: 'xoxb-only' };
    expect(() => readEnv(env)).toThrow(
      [
        'The environment is invalid:',
        '  - DATABASE_URL: must start with postgresql:// (leave it empty for the embedded database)',
        '  - SLACK_SIGNING_SECRET: is required when SLACK_BOT_TOKEN is set: set SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)',
      ].join('\n'),
    );
  });

  it('a Slack bot token with an app token (Socket Mode) needs no signing secret', () => {
    expect(readEnv({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).SLACK_APP_TOKEN).toBe('xapp-1');
  });
});
