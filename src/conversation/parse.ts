// The lexical layer of the command language: a line becomes tokens (words, quoted
// texts and key=value pairs). Which words are commands and what their arguments mean is
// the command table's business (commands.ts). Never throws.

export interface Token {
  /** The word or the value, quotes removed. */
  text: string;
  /** For `key=value`: the key as typed. */
  key?: string;
  quoted: boolean;
  /** The token as typed (quotes and key included). */
  raw: string;
  /** Where the token starts in the line (0-based, UTF-16). */
  start: number;
}

export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; problem: 'unbalancedQuote'; position: number };

const OPENING_QUOTES = new Set(['"', '“', '”', '„', "'", '‘', '’']);
const closingFor = (q: string) => (q === '“' || q === '„' ? '”' : q === '‘' ? '’' : q);
const SPACE = /\s/;
const KEY = /^([\p{L}_][\p{L}\p{N}_-]*)=/u;

/**
 * Splits on white space, honouring quotes (straight and typographic: chat apps turn
 * "…" into “…”), and `key=value` / `key="quoted value"`. A quote opens only at the start
 * of a token (so "it's" and "users'" are ordinary words); one that opens and never closes
 * is refused with its position, never taken as part of the text.
 */
export function tokenize(line: string): TokenizeResult {
  const tokens: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && SPACE.test(line[i]!)) i++;
    if (i >= n) break;
    const start = i;
    let key: string | undefined;
    const keyMatch = KEY.exec(line.slice(i, i + 200));
    if (keyMatch) {
      key = keyMatch[1];
      i += keyMatch[0].length;
    }
    let text: string;
    let quoted = false;
    const first = line[i];
    if (first !== undefined && OPENING_QUOTES.has(first)) {
      const end = findClosing(line, i + 1, first);
      if (end < 0) return { ok: false, problem: 'unbalancedQuote', position: i + 1 };
      text = line.slice(i + 1, end);
      quoted = true;
      i = end + 1;
    } else {
      const from = i;
      while (i < n && !SPACE.test(line[i]!)) i++;
      text = line.slice(from, i);
    }
    tokens.push({ text, key, quoted, raw: line.slice(start, i), start });
  }
  return { ok: true, tokens };
}

/** The closing quote's index; a straight " also closes on a typographic one (and back). */
function findClosing(line: string, from: number, open: string): number {
  const close = closingFor(open);
  for (let j = from; j < line.length; j++) {
    const c = line[j];
    if (c === close) return j;
    if (open === '"' && (c === '”' || c === '“')) return j;
    if ((open === '“' || open === '”' || open === '„') && c === '"') return j;
  }
  return -1;
}
