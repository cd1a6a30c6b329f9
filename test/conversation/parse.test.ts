// The command language, the same on every platform.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/conversation/parse.js';

const ok = (line: string) => {
  const r = parseCommand(line);
  if (!r.ok) throw new Error(`did not parse: ${line}`);
  return r.command;
};

describe('the /ssbtek command language', () => {
  it('reads an inline incident with Swedish keys and a quoted title', () => {
    expect(ok('/ssbtek incident påverkan=1 tidpunkt=2 titel="Inga svar från SSBTEK" myndighet=skatteverket')).toEqual({
      name: 'incident',
      fields: { impact: '1', timing: '2', title: 'Inga svar från SSBTEK', org: 'skatteverket' },
      words: [],
      unknownKeys: [],
    });
  });
  it('reads English keys and the typographic quotes Slack and Teams put in', () => {
    expect(ok('incident impact=2 timing=3 title=“Slow answers” org=csn').fields).toEqual({ impact: '2', timing: '3', title: 'Slow answers', org: 'csn' });
    expect(ok('incident titel=„Fel i flödet” paverkan=4').fields).toEqual({ title: 'Fel i flödet', impact: '4' });
  });
  it('accepts keys without diacritics and in any case', () => {
    expect(ok('INCIDENT Paverkan=1 TIDPUNKT=1 Sakerhet=ja').fields).toEqual({ impact: '1', timing: '1', security: 'ja' });
  });
  it('keeps free words in order for notes and reasons', () => {
    expect(ok('resolve INC-4 Återrapporterat per telefon').words).toEqual(['INC-4', 'Återrapporterat', 'per', 'telefon']);
    expect(ok('priority INC-4 påverkan=2 tidpunkt=3 Färre tjänster berörs').words).toEqual(['INC-4', 'Färre', 'tjänster', 'berörs']);
  });
  it('knows Swedish command words', () => {
    expect(ok('kvittera INC-2').name).toBe('ack');
    expect(ok('åtgärdad INC-2 klart').name).toBe('resolve');
    expect(ok('lista').name).toBe('list');
    expect(ok('hjälp').name).toBe('help');
    expect(ok('återöppna INC-2').name).toBe('reopen');
    expect(ok('prioritet INC-2').name).toBe('priority');
    expect(ok('stäng INC-2').name).toBe('close');
  });
  it('reports unknown keys instead of ignoring them', () => {
    expect(ok('incident påverkan=1 prio=hög').unknownKeys).toEqual(['prio']);
  });
  it('tells an unknown command and an empty line apart', () => {
    expect(parseCommand('/ssbtek')).toEqual({ ok: false, problem: 'empty' });
    expect(parseCommand('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(parseCommand('/ssbtek radera allt')).toEqual({ ok: false, problem: 'unknownCommand', word: 'radera' });
  });
  it('keeps an unclosed quote as ordinary text', () => {
    expect(ok('incident titel="Halv').fields.title).toBe('"Halv');
  });
});
