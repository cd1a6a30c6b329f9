// The command language: `/ssbtek <command> …`, the same on every platform.
// Parsing turns a line into a command or a parse problem; it never throws.

export type CommandName = 'help' | 'incident' | 'status' | 'list' | 'ack' | 'resolve' | 'reopen' | 'priority' | 'close' | 'snooze';

/** Swedish and English words for each command. */
const ALIASES: Record<string, CommandName> = {
  help: 'help', hjälp: 'help', hjalp: 'help', '?': 'help',
  incident: 'incident', inc: 'incident', ny: 'incident', new: 'incident',
  status: 'status', visa: 'status', show: 'status',
  list: 'list', lista: 'list', öppna: 'list', open: 'list',
  ack: 'ack', kvittera: 'ack', acknowledge: 'ack', påbörja: 'ack', start: 'ack',
  resolve: 'resolve', åtgärdad: 'resolve', atgardad: 'resolve', lös: 'resolve', resolved: 'resolve',
  reopen: 'reopen', återöppna: 'reopen', ateroppna: 'reopen',
  priority: 'priority', prioritet: 'priority', prio: 'priority', reprioritise: 'priority',
  close: 'close', stäng: 'close', stang: 'close', avsluta: 'close',
  snooze: 'snooze', snooza: 'snooze', vänta: 'snooze',
};

/** Field keys for `key=value`, Swedish and English, with or without diacritics. */
const FIELD_KEYS: Record<string, FieldKey> = {
  påverkan: 'impact', paverkan: 'impact', impact: 'impact',
  tidpunkt: 'timing', timing: 'timing', time: 'timing',
  titel: 'title', title: 'title', rubrik: 'title',
  myndighet: 'org', org: 'org', agency: 'org', uppgiftslämnare: 'org',
  tjänster: 'services', tjanster: 'services', bastjänster: 'services', services: 'services',
  beskrivning: 'description', description: 'description', desc: 'description',
  säkerhet: 'security', sakerhet: 'security', security: 'security',
};

export type FieldKey = 'impact' | 'timing' | 'title' | 'org' | 'services' | 'description' | 'security';

export interface ParsedCommand {
  name: CommandName;
  /** key=value pairs, keys normalised. */
  fields: Partial<Record<FieldKey, string>>;
  /** Words that were not key=value, in order (quotes removed). */
  words: string[];
  /** Keys given that the language does not know. */
  unknownKeys: string[];
}

export type ParseResult = { ok: true; command: ParsedCommand } | { ok: false; problem: 'empty' } | { ok: false; problem: 'unknownCommand'; word: string };

/** Parses one line; a leading "/ssbtek" or "ssbtek" is optional. */
export function parseCommand(line: string): ParseResult {
  const tokens = tokenize(line);
  if (tokens.length && /^\/?ssbtek$/i.test(tokens[0].text) && !tokens[0].quoted) tokens.shift();
  if (tokens.length === 0) return { ok: false, problem: 'empty' };
  const word = tokens[0].text;
  const name = ALIASES[word.toLowerCase()];
  if (!name || tokens[0].quoted) return { ok: false, problem: 'unknownCommand', word };
  const fields: ParsedCommand['fields'] = {};
  const words: string[] = [];
  const unknownKeys: string[] = [];
  for (const token of tokens.slice(1)) {
    if (token.key !== undefined) {
      const key = FIELD_KEYS[token.key.toLowerCase()];
      if (key) fields[key] = token.text;
      else unknownKeys.push(token.key);
    } else {
      words.push(token.text);
    }
  }
  return { ok: true, command: { name, fields, words, unknownKeys } };
}

interface Token {
  text: string;
  key?: string;
  quoted: boolean;
}

const OPENING_QUOTES = new Set(['"', '“', '”', '„', "'", '‘', '’']);
const closingFor = (q: string) => (q === '“' || q === '„' ? '”' : q === '‘' ? '’' : q);

/**
 * Splits on white space, honouring quotes (straight and typographic: chat apps turn
 * "…" into “…”), and `key=value` / `key="quoted value"`.
 */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && /\s/.test(line[i])) i++;
    if (i >= n) break;
    let key: string | undefined;
    const keyMatch = /^([\p{L}_][\p{L}\p{N}_-]*)=/u.exec(line.slice(i));
    if (keyMatch) {
      key = keyMatch[1];
      i += keyMatch[0].length;
    }
    let text = '';
    let quoted = false;
    if (i < n && OPENING_QUOTES.has(line[i])) {
      const close = closingFor(line[i]);
      const end = findClosing(line, i + 1, close, line[i]);
      if (end >= 0) {
        text = line.slice(i + 1, end);
        quoted = true;
        i = end + 1;
      }
    }
    if (!quoted) {
      const start = i;
      while (i < n && !/\s/.test(line[i])) i++;
      text = line.slice(start, i);
    }
    tokens.push({ text, key, quoted });
  }
  return tokens;
}

function findClosing(line: string, from: number, close: string, open: string): number {
  for (let j = from; j < line.length; j++) {
    if (line[j] === close || (open === '"' && (line[j] === '”' || line[j] === '“')) || (open === '”' && line[j] === '”')) return j;
  }
  return -1;
}
