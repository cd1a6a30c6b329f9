// The command language, the same on every platform: a line becomes a typed Command, or
// a refusal that says what is wrong.
import { describe, expect, it } from 'vitest';
import { COMMANDS, isParseError, parse, type Command, type ParseError } from '../../src/conversation/commands.js';
import { tokenize } from '../../src/conversation/parse.js';

const ok = (line: string): Command => {
  const r = parse(line);
  if (isParseError(r)) throw new Error(`did not parse: ${line}: ${r.key}`);
  return r;
};
const refused = (line: string): ParseError => {
  const r = parse(line);
  if (!isParseError(r)) throw new Error(`parsed: ${line}`);
  return r;
};

describe('the /ssbtek command language', () => {
  it('reads an inline incident with Swedish keys and a quoted title', () => {
    expect(ok('/ssbtek incident påverkan=1 tidpunkt=2 titel="Inga svar från SSBTEK" myndighet=skatteverket')).toEqual({
      name: 'incident',
      values: { impact: '1', timing: '2', title: 'Inga svar från SSBTEK', org: 'skatteverket' },
    });
  });
  it('reads English keys and the typographic quotes Slack and Teams put in', () => {
    expect(ok('incident impact=2 timing=3 title=“Slow answers” org=csn')).toEqual({
      name: 'incident',
      values: { impact: '2', timing: '3', title: 'Slow answers', org: 'csn' },
    });
    expect(ok('incident titel=„Fel i flödet” paverkan=4')).toEqual({ name: 'incident', values: { title: 'Fel i flödet', impact: '4' } });
  });
  it('accepts keys without diacritics and in any case', () => {
    expect(ok('INCIDENT Paverkan=1 TIDPUNKT=1 Sakerhet=ja')).toEqual({ name: 'incident', values: { impact: '1', timing: '1', security: 'ja' } });
  });
  it('keeps the free words of a note or a reason in order', () => {
    expect(ok('resolve INC-4 Återrapporterat per telefon')).toEqual({ name: 'resolve', id: 4, note: 'Återrapporterat per telefon' });
    expect(ok('priority INC-4 påverkan=2 tidpunkt=3 Färre tjänster berörs')).toEqual({
      name: 'priority',
      id: 4,
      impact: 2,
      timing: 3,
      reason: 'Färre tjänster berörs',
    });
  });
  it('a key=value inside a reason is free text, not an unknown field', () => {
    expect(ok('resolve INC-4 Ringde upp pnr=811218-9876 enligt SPOC')).toEqual({ name: 'resolve', id: 4, note: 'Ringde upp pnr=811218-9876 enligt SPOC' });
    expect(ok('reopen 4 orsak=kom tillbaka')).toEqual({ name: 'reopen', id: 4, reason: 'orsak=kom tillbaka' });
  });
  it('knows Swedish command words', () => {
    expect(ok('kvittera INC-2')).toEqual({ name: 'ack', id: 2 });
    expect(ok('åtgärdad INC-2 klart')).toMatchObject({ name: 'resolve' });
    expect(ok('lista')).toEqual({ name: 'list' });
    expect(ok('hjälp')).toEqual({ name: 'help' });
    expect(ok('återöppna INC-2')).toMatchObject({ name: 'reopen' });
    expect(ok('prioritet INC-2')).toEqual({ name: 'priority', id: 2 });
    expect(ok('stäng INC-2')).toEqual({ name: 'close', id: 2 });
  });
  it('open and öppna open an incident (the form); the list is list and lista', () => {
    expect(ok('open')).toEqual({ name: 'incident' });
    expect(ok('öppna')).toEqual({ name: 'incident' });
    expect(ok('list')).toEqual({ name: 'list' });
  });
  it('a quoted command word is the command', () => {
    expect(ok('"ack" INC-1')).toEqual({ name: 'ack', id: 1 });
    expect(ok('“kvittera” INC-1')).toEqual({ name: 'ack', id: 1 });
  });
  it('an empty line (or /ssbtek alone) is help', () => {
    expect(ok('/ssbtek')).toEqual({ name: 'help' });
    expect(ok('  ')).toEqual({ name: 'help' });
  });
  it('an unknown command is refused with the word', () => {
    expect(refused('/ssbtek radera allt')).toMatchObject({ key: 'errors.command.unknown', params: { word: 'radera' } });
  });
  it('reports unknown keys instead of ignoring them', () => {
    expect(refused('incident påverkan=1 prio=hög')).toMatchObject({ key: 'errors.command.unknownKeys', params: { keys: 'prio' }, command: 'incident' });
    expect(refused('ack INC-1 nu=ja')).toMatchObject({ key: 'errors.command.noKeys', params: { keys: 'nu' }, command: 'ack' });
  });
  it('refuses a field given twice, naming it, rather than taking the last', () => {
    expect(refused('incident påverkan=1 impact=2 titel=x')).toMatchObject({ key: 'errors.command.duplicateKey', params: { key: 'impact' } });
    expect(refused('priority INC-1 tidpunkt=1 tidpunkt=2 orsak')).toMatchObject({ key: 'errors.command.duplicateKey', params: { key: 'tidpunkt' } });
  });
  it('refuses an unclosed quote and says where it opened, instead of putting it in the title', () => {
    expect(refused('incident titel="Halv')).toMatchObject({ key: 'errors.command.unbalancedQuote', params: { position: 16 } });
    expect(tokenize("resolve INC-1 it's fixed")).toMatchObject({ ok: true });
  });
  it('a missing id is said as missing, not as ""', () => {
    expect(refused('ack')).toMatchObject({ key: 'errors.command.idMissing', command: 'ack' });
    expect(refused('close  ')).toMatchObject({ key: 'errors.command.idMissing', command: 'close' });
  });
  it('bad ids, levels and snooze lengths are refused with what was given', () => {
    expect(refused('ack 12a')).toMatchObject({ key: 'errors.incident.badId', params: { given: '12a' } });
    expect(refused('priority INC-1 påverkan=5 tidpunkt=1 x')).toMatchObject({ key: 'errors.level.invalid', params: { field: 'impact', given: '5' } });
    expect(refused('snooze INC-1 länge')).toMatchObject({ key: 'errors.reminder.snoozeMinutes', params: { given: 'länge' } });
  });
  it('words where the command takes none are refused, not ignored', () => {
    expect(refused('ack INC-1 INC-2')).toMatchObject({ key: 'errors.command.extraWords', params: { words: 'INC-2' } });
    expect(refused('incident bara text')).toMatchObject({ key: 'errors.command.incidentUsage' });
  });
  it('every command in the table has Swedish and English words, and no word names two commands', () => {
    // A word may be the same in both languages ("problem"), but never name two commands.
    const owner = new Map<string, string>();
    for (const c of COMMANDS) {
      for (const word of [...c.words.sv, ...c.words.en]) {
        expect(owner.get(word) ?? c.name, `"${word}"`).toBe(c.name);
        owner.set(word, c.name);
      }
    }
    for (const c of COMMANDS) {
      expect(c.words.sv.length).toBeGreaterThan(0);
      expect(c.words.en.length).toBeGreaterThan(0);
    }
  });
});
