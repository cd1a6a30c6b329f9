// Block Kit limits hold for any input, in both languages: the incident card at its
// longest, every modal, long lists, odd characters. The same checker that the fake Slack
// runs on every call in the end-to-end tests.
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { incidentForm, priorityForm, resolveForm } from '../../src/conversation/forms.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { suggestTiming } from '../../src/domain/priority.js';
import { translator, type Lang } from '../../src/i18n/index.js';
import type { IncidentView } from '../../src/services/incidents.js';
import {
  decodeMeta,
  encodeMeta,
  escapeMrkdwn,
  incidentMessage,
  formModal,
  openedConfirmation,
  textBlocks,
  threadText,
  truncate,
  truncateMrkdwn,
} from '../../src/platforms/slack/blocks.js';
import { checkMessage, checkModal } from '../support/fake-slack.js';
import { at } from '../support/time.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const langs: Lang[] = ['sv', 'en'];
const now = at('2026-11-24 10:00');

function view(overrides: Partial<IncidentView> = {}): IncidentView {
  const target = { amount: 30, unit: 'minutes' as const, clock: 'support' as const };
  return {
    id: 123456789,
    ref: 'INC-123456789',
    title: 'Inga svar',
    description: '',
    agencyId: 'skatteverket',
    agencyName: 'Skatteverket',
    baseServices: [],
    impact: 1,
    timing: 1,
    suggestedTiming: 1,
    priority: 'critical',
    security: false,
    status: 'open',
    reporter: 'U0REPORTER',
    receivedAt: now,
    response: { target, due: now + 30 * 60_000, left: 30 * 60_000, metAt: null, state: 'running' },
    resolution: { target: { amount: 8, unit: 'hours', clock: 'support' }, due: now + 8 * 3_600_000, left: 8 * 3_600_000, metAt: null, state: 'running' },
    configVersion: 'v',
    resolutionNote: null,
    acknowledgedBy: null,
    resolvedBy: null,
    revision: 0,
    ...overrides,
  };
}

/** The longest an incident can get: every text at its maximum, full of characters that escaping lengthens. */
const extreme = view({
  title: `${'Å<&>'.repeat(37)}🔴😀`.slice(0, 150),
  description: '<&>'.repeat(1000),
  baseServices: Array.from({ length: 40 }, (_, i) => `Tjänst ${i} ${'&'.repeat(140)}`),
  resolutionNote: '&<'.repeat(1500),
  security: true,
  timing: 4,
  suggestedTiming: 1,
  status: 'resolved',
  acknowledgedBy: `U${'A'.repeat(200)}`,
  resolvedBy: 'anna.andersson@example.org',
  reporter: '<!channel>',
  agencyName: 'N'.repeat(3000),
  revision: 2 ** 31 - 1,
});

describe.each(langs)('Block Kit limits in %s', (lang) => {
  const tr = translator(lang);

  it.each(['open', 'acknowledged', 'resolved', 'closed'] as const)('the incident card at its longest (%s) keeps every limit', (status) => {
    const message = incidentMessage(tr, contract, { ...extreme, status }, { buttons: true, asOf: now });
    expect(checkMessage(message)).toEqual([]);
    expect(message.text.length).toBeLessThanOrEqual(300);
  });

  it("the reporter's confirmation and the thread lines keep every limit", () => {
    expect(checkMessage(openedConfirmation(tr, contract, extreme, 'C0INCIDENTS', now))).toEqual([]);
    for (const change of ['opened', 'acknowledged', 'resolved', 'reopened', 'reprioritised', 'closed'] as const) {
      const text = threadText(tr, {
        change,
        incident: extreme,
        actor: { id: 'x'.repeat(500), source: 'teams' },
        detail: { note: '&'.repeat(3000), reason: '<'.repeat(3000) },
      });
      expect(checkMessage({ text })).toEqual([]);
      expect(text.length).toBeLessThanOrEqual(3000);
    }
  });

  it('the incident form modal keeps every limit, even with 120 agencies with long names', () => {
    const suggestion = suggestTiming(calendar, now);
    expect(checkModal(formModal(tr, incidentForm(tr, contract, suggestion), encodeMeta({ c: 'C0GENERAL', l: lang })))).toEqual([]);
    const many = buildContract({
      agencies: Array.from({ length: 120 }, (_, i) => ({ id: `myndighet-${i}`, name: `Myndigheten för ${'mycket '.repeat(20)}långa namn nummer ${i}` })),
      defaultAgency: 'myndighet-0',
    });
    const modal = formModal(tr, incidentForm(tr, many, suggestTiming(new BusinessCalendar(many), now)), encodeMeta({ c: 'C0GENERAL' }));
    expect(checkModal(modal)).toEqual([]);
    const org = modal.blocks.find((b: any) => b.block_id === 'org') as any;
    expect(org.element.options).toHaveLength(100);
    expect(org.element.initial_option.value).toBe('myndighet-0');
  });

  it('the report-back and priority modals keep every limit', () => {
    const meta = encodeMeta({ i: extreme.id, c: 'C0GENERAL', l: lang, im: 1, tm: 4 });
    expect(checkModal(formModal(tr, resolveForm(tr, extreme), meta))).toEqual([]);
    expect(checkModal(formModal(tr, priorityForm(tr, contract, extreme, suggestTiming(calendar, now)), meta))).toEqual([]);
  });

  it('a long list is split into sections of at most 3000 characters and at most 50 blocks', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `INC-${i} Kritisk (Öppen) ${'<titel>'.repeat(20)} – Skatteverket`);
    const blocks = textBlocks(tr, lines.join('\n'));
    expect(checkMessage({ text: 'x', blocks })).toEqual([]);
    expect(blocks).toHaveLength(50);
    expect(JSON.stringify(blocks.at(-1))).toMatch(lang === 'sv' ? /och \d+ rader till/ : /and \d+ more lines/);
    const one = textBlocks(tr, 'x'.repeat(10_000), { code: true });
    expect(checkMessage({ text: 'x', blocks: one })).toEqual([]);
    expect(checkMessage({ text: 'x', blocks: textBlocks(tr, '') })).toEqual([]);
  });
});

describe('text helpers', () => {
  it('truncate keeps the limit, ends with an ellipsis and never splits an emoji', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    const cut = truncate('abcd😀efgh', 6);
    expect(cut.length).toBeLessThanOrEqual(6);
    expect(cut).toBe('abcd…');
  });

  it('truncateMrkdwn never leaves half an entity or half a mention', () => {
    expect(truncateMrkdwn(escapeMrkdwn('abc<def'), 8)).toBe('abc&lt;…');
    expect(truncateMrkdwn(escapeMrkdwn('abc<def'), 6)).toBe('abc…');
    expect(truncateMrkdwn('hej <@U0123456789> där', 10)).toBe('hej …');
  });

  it('escapes mentions and links out of user text', () => {
    expect(escapeMrkdwn('<!channel> & <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;https://x|y&gt;');
  });

  it('private_metadata stays within 3000 characters: droppable parts go first', () => {
    const meta = encodeMeta({ c: 'C0GENERAL', l: 'sv', r: `https://hooks.slack.com/commands/${'x'.repeat(4000)}` }, ['r']);
    expect(meta.length).toBeLessThanOrEqual(3000);
    expect(decodeMeta(meta)).toEqual({ c: 'C0GENERAL', l: 'sv' });
    expect(() => encodeMeta({ c: 'x'.repeat(4000) })).toThrow();
    expect(decodeMeta('not json')).toEqual({});
  });
});
