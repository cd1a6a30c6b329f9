/**
 * Hygiene for free text that users type and that operators read (issue 8,
 * items 4, 6, 7 and "an emoji counts as two characters").
 *
 * Pure module: no I/O, no clock.
 *
 * - {@link sanitizeInput} / {@link sanitizeLine}: clean text on the way IN
 *   (before it is validated, stored or compared): no NUL, no control
 *   characters, no terminal escape sequences, no bidi overrides, no invisible
 *   format characters that can fake text; emoji, Swedish letters and all
 *   ordinary Unicode kept; NFC.
 * - {@link terminalSafe}: neutralise text on the way OUT to a terminal
 *   (stored before this existed, or from any other source): every control or
 *   bidi character is shown visibly instead of acting.
 * - {@link textLength}: length in user-perceived characters (graphemes).
 * - {@link capEcho}: what may be repeated back to a user or written to a log:
 *   one line, personnummer masked, at most `max` characters.
 */

import { maskPersonalNumbers } from './pii.js';

// biome-ignore-start lint/suspicious/noControlCharactersInRegex: finding control characters is the purpose of this module

/**
 * Terminal escape sequences, removed whole (not only the ESC byte):
 * CSI `ESC [ … final` (e.g. `ESC[2J` clear screen), OSC `ESC ] … BEL|ST`
 * (window title, hyperlinks), DCS/SOS/PM/APC `ESC P|X|^|_ … ST`, other
 * two-byte and nF escapes, and the same sequences introduced by the 8-bit C1
 * codes CSI (U+009B), OSC (U+009D), DCS/SOS/PM/APC (U+0090, U+0098, U+009E, U+009F).
 * A string sequence without its terminator ends at the end of the line.
 */
const ESCAPE_SEQUENCE = new RegExp(
  [
    String.raw`\x1b\[[0-?]*[ -/]*[@-~]`,
    String.raw`\x1b\][^\x07\x1b\x9c\n]*(?:\x07|\x9c|\x1b\\)?`,
    String.raw`\x1b[PX^_][^\x1b\x9c\n]*(?:\x1b\\|\x9c)?`,
    String.raw`\x1b[ -/]*[0-~]`,
    String.raw`\x9b[0-?]*[ -/]*[@-~]`,
    String.raw`\x9d[^\x07\x1b\x9c\n]*(?:\x07|\x9c|\x1b\\)?`,
    String.raw`[\x90\x98\x9e\x9f][^\x1b\x9c\n]*(?:\x1b\\|\x9c)?`,
  ].join('|'),
  'g',
);

/** C0 controls except TAB and LF, DEL, and C1 controls. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

// biome-ignore-end lint/suspicious/noControlCharactersInRegex: -

/**
 * Invisible format characters that reorder or hide text: bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), LRM/RLM/ALM
 * (U+200E, U+200F, U+061C), zero-width space, word joiner and invisible
 * operators (U+200B, U+2060–U+2064), deprecated format controls
 * (U+206A–U+206F), BOM/ZWNBSP (U+FEFF), interlinear annotation
 * (U+FFF9–U+FFFB), Mongolian vowel separator (U+180E), soft hyphen (U+00AD),
 * Hangul fillers used as blank names (U+115F, U+1160, U+3164, U+FFA0).
 */
const INVISIBLE_FORMAT = /[\u00ad\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0]/g;

/**
 * Zero-width joiner / non-joiner: kept where they join something (emoji ZWJ
 * sequences such as 👩‍💻, letters of scripts that need them), dropped next to
 * ASCII, digits, spaces or at the ends, where they only hide a difference.
 */
const STRAY_JOINER =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: the classes test one neighbouring code point, U+FE0F on its own included
  /(?<![\p{Extended_Pictographic}\p{Emoji_Modifier}\u{fe0f}\p{M}\p{L}])[\u200c\u200d]|[\u200c\u200d](?![\p{Extended_Pictographic}\p{M}\p{L}])|(?<=[\p{ASCII}])[\u200c\u200d]|[\u200c\u200d](?=[\p{ASCII}])/gu;

/** Runs of tag characters (U+E0000–U+E007F); kept only right after 🏴 (an emoji tag sequence such as the flag of England). */
const TAG_RUN = /(\u{1f3f4})?[\u{e0000}-\u{e007f}]+/gu;

function keepEmojiTagSequence(run: string, flag: string | undefined): string {
  return flag === undefined ? '' : run;
}

/** A surrogate half without its partner. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** CR LF, lone CR, NEL (U+0085), line and paragraph separators → LF. */
const LINE_BREAK = /\r\n?|[\u0085\u2028\u2029]/g;

/** Vertical tab and form feed → a space (they separate words). */
const VERTICAL_SPACE = /[\v\f]/g;

/**
 * Cleans free text a user typed, before it is validated, stored or compared.
 *
 * Removes NUL and the other C0 controls except `\n` and `\t`, DEL, the C1
 * controls U+0080–U+009F, whole terminal escape sequences (`ESC[2J`, OSC
 * titles, …), bidi overrides/isolates/marks and the invisible format
 * characters listed at {@link INVISIBLE_FORMAT}; CR LF and CR become `\n`,
 * vertical tab and form feed a space; lone surrogates become U+FFFD.
 * Keeps ordinary Unicode, emoji (ZWJ sequences, skin tones, flags), Swedish
 * letters. Result is NFC-normalised. Does not trim.
 *
 * @example sanitizeInput('Ti\u0000tel \u001b[2J\u202eok') === 'Titel ok'
 */
export function sanitizeInput(text: string): string {
  return text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(LINE_BREAK, '\n')
    .replace(ESCAPE_SEQUENCE, '')
    .replace(VERTICAL_SPACE, ' ')
    .replace(CONTROL, '')
    .replace(INVISIBLE_FORMAT, '')
    .replace(TAG_RUN, keepEmojiTagSequence)
    .replace(STRAY_JOINER, '')
    .normalize('NFC');
}

/**
 * {@link sanitizeInput}, then every run of whitespace (newlines, tabs,
 * no-break and other Unicode spaces) becomes one space and the ends are
 * trimmed: for titles and other one-line fields.
 */
export function sanitizeLine(text: string): string {
  return sanitizeInput(text).replace(/\s+/gu, ' ').trim();
}

/** True if `text` contains a NUL character (PostgreSQL refuses it in text, code 22021). */
export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

const UNSAFE_FOR_TERMINAL =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀ … ␟ (␛ for ESC, ␇ for BEL, ␍ for CR)
  if (code === 0x7f) return '\u2421'; // ␡
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  return `\\u{${code.toString(16)}}`;
}

/**
 * Makes text safe to write to a terminal: every C0 control except `\n` and
 * `\t` becomes its visible Control Picture (`ESC` → `␛`, BEL → `␇`, CR → `␍`),
 * DEL `␡`, C1 controls, bidi controls and line/paragraph separators a visible
 * `\u{…}` escape, lone surrogates U+FFFD. Everything else, including `\n`,
 * emoji and Swedish letters, is unchanged. Idempotent.
 *
 * @example terminalSafe('a\u001b[2Jb') === 'a␛[2Jb'
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, visible);
}

const GRAPHEMES = new Intl.Segmenter('sv', { granularity: 'grapheme' });

/** Length in user-perceived characters (grapheme clusters): `'👩‍💻 å'` has length 3. */
export function textLength(text: string): number {
  let n = 0;
  for (const _ of GRAPHEMES.segment(text)) n++;
  return n;
}

/**
 * The first `max` graphemes of `text`; if it is longer, the first `max − 1`
 * followed by `…`. Never splits an emoji or a letter with its accent.
 */
export function truncateGraphemes(text: string, max: number): string {
  if (max < 1) return '';
  // Every grapheme is at least one UTF-16 unit: a text this short cannot be too long.
  if (text.length <= max) return text;
  let count = 0;
  let cutAt = 0;
  for (const { index } of GRAPHEMES.segment(text)) {
    if (count === max - 1) cutAt = index; // where the max-th grapheme starts
    if (count === max) return `${text.slice(0, cutAt)}…`;
    count++;
  }
  return text;
}

/** Digits, separators and invisible characters a cut may leave dangling at the end (a half personnummer). */
const DANGLING_NUMBER = /[\d\uff10-\uff19\s.+\-\u2010-\u2015\u2212\ufe58\ufe63\uff0b\uff0d\uff0e\p{Cc}\p{Cf}]+$/u;

/**
 * What may be repeated to a user in an error message or written to a log:
 * the input as one clean line ({@link sanitizeLine}), every personnummer
 * masked (strictly: labels such as `tel` do not exempt a number here), at
 * most `max` graphemes (longer input ends in `…`).
 *
 * Huge input is first cut to a bounded prefix; digits and separators at the
 * end of that prefix are dropped too, so a number split by the cut cannot
 * leak half of itself.
 *
 * @param max maximum length in graphemes, the `…` included (default 80).
 */
export function capEcho(text: string, max = 80): string {
  const bound = max * 16 + 256;
  let prefix = text;
  let cut = false;
  if (prefix.length > bound) {
    prefix = prefix.slice(0, bound).replace(DANGLING_NUMBER, '');
    cut = true;
  }
  const line = maskPersonalNumbers(sanitizeLine(prefix), { strict: true }).text;
  const capped = truncateGraphemes(line, max);
  if (!cut || capped.endsWith('…')) return capped;
  return truncateGraphemes(`${capped}…`, max);
}
