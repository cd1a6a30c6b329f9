/**
 * Masking of Swedish personal identity numbers (personnummer) and
 * coordination numbers (samordningsnummer) in free text.
 *
 * Pure module: no I/O, no clock. Used before chat text is stored, echoed or logged.
 *
 * Recognised forms (10 digits YYMMDDNNNC or 12 digits CCYYMMDDNNNC):
 *   separator between date and serial: none, `-`, `+`, `.`, one space, or a
 *   `-`/`+` with one space on either or both sides (`811218 - 9876`).
 *   Typographic variants are read as their plain form: en/em dash, hyphen,
 *   non-breaking hyphen, figure dash, minus sign, small and full-width
 *   hyphen-minus (→ `-`), full-width plus (→ `+`), full-width full stop (→ `.`),
 *   no-break, narrow no-break, figure, thin and ideographic spaces (→ space),
 *   and full-width digits U+FF10–U+FF19 (→ 0–9).
 *
 * A candidate is masked only if
 *   - the Luhn (mod 10) checksum over the 10-digit form YYMMDDNNNC holds,
 *   - the date is a real calendar date (samordningsnummer: day + 60),
 *     with the century taken from the 12-digit form (18, 19 or 20), or for
 *     10-digit forms 19xx/20xx (`-`, `.`, space or none) or 18xx/19xx (`+`),
 *   - it is not part of a longer digit run: no digit directly before or after
 *     it (an order id, IBAN or 13-digit OCR is never partially masked); a
 *     number joined to other digits by a hyphen, plus or dot IS masked, the
 *     personnummer part only (`811218-9876-12` → `[personnummer]-12`,
 *     `811218-9876-701063-2391` → two masks),
 *   - it is not directly labelled as something else: a phone number, payment
 *     reference, clock time, order/invoice or case number
 *     (`tel 0701234567`, `OCR: 8112189876`, `kl. 20261126 1430`), unless a
 *     personnummer label (`pnr`, `personnummer`, `samordningsnummer` …) or a
 *     word for a child (`barnet`, `sonen` …) stands shortly before it,
 *   - with `options.today` only: its birth date is not after today, and it is
 *     not a recent date (≤ {@link RECENT_STAMP_DAYS} days) ending in a clock
 *     time or a counter below 1000, read as a time stamp or case number
 *     (`20261126 1430`, `20261126-0042`), unless labelled as above.
 *
 * Trade-off, measured on the seeded samples in test/fixtures/pii-samples.ts
 * (see test/domain/pii.test.ts): without `today` every true number is masked
 * but about 3 % of look-alikes are too; with `today` look-alikes fall below
 * 1 %, and the price is that a bare, unlabelled number of a child under two
 * whose last four digits read as a clock time or counter (about 18 % of such
 * children, 0.4 % of all numbers) is not masked.
 */

export const PERSONAL_NUMBER_MASK = '[personnummer]';

/** Result of {@link maskPersonalNumbers}: the masked text and how many numbers were replaced. */
export interface MaskResult {
  text: string;
  count: number;
}

// ---------------------------------------------------------------------------
// Normalisation into a "shadow" text of exactly the same UTF-16 length, so a
// match in the shadow maps 1:1 onto the original.
// ---------------------------------------------------------------------------

const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d]);
const SPACES = new Set([0x00a0, 0x2007, 0x2009, 0x200a, 0x202f, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2008, 0x205f, 0x3000]);
const FULLWIDTH_ZERO = 0xff10;
const FULLWIDTH_NINE = 0xff19;

/** Replaces typographic digit/separator variants by ASCII, one UTF-16 unit for one. */
function shadowOf(text: string): string {
  // Fast path: text without any non-ASCII character needs no shadow.
  if (!/[^\p{ASCII}]/u.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) out += text[i];
    else if (code >= FULLWIDTH_ZERO && code <= FULLWIDTH_NINE) out += String.fromCharCode(48 + code - FULLWIDTH_ZERO);
    else if (DASHES.has(code)) out += '-';
    else if (SPACES.has(code)) out += ' ';
    else if (code === 0xff0b) out += '+';
    else if (code === 0xff0e) out += '.';
    else out += text[i];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Candidate scan
// ---------------------------------------------------------------------------

/** Between date and serial: none, `-`, `+`, `.`, one space, or ` - ` style. */
const SEP = String.raw`( ?[-+] ?|\.| )?`;

/**
 * Groups: 1 century, 2 YY, 3 MM, 4 DD, 5 separator, 6 NNNN  (12-digit forms)
 *         7 YY, 8 MM, 9 DD, 10 separator, 11 NNNN          (10-digit forms)
 */
const CANDIDATE = String.raw`(?:(\d{2})(\d{2})(\d{2})(\d{2})${SEP}(\d{4})|(\d{2})(\d{2})(\d{2})${SEP}(\d{4}))`;

/** Not preceded by a digit. */
const LEFT_BOUNDARY = String.raw`(?<!\d)`;
/** Not followed by a digit. */
const RIGHT_BOUNDARY = String.raw`(?!\d)`;

const SCAN = new RegExp(LEFT_BOUNDARY + CANDIDATE + RIGHT_BOUNDARY, 'g');
const WHOLE = new RegExp(`^${CANDIDATE}$`);

// ---------------------------------------------------------------------------
// Context labels (matched on the shadow text just before a candidate)
// ---------------------------------------------------------------------------

/** How far back (UTF-16 units) a personnummer label is looked for. */
const POSITIVE_WINDOW = 40;
/** How far back the directly preceding label is looked for. */
const NEGATIVE_WINDOW = 32;

/**
 * A personnummer label, or a word for a child (whose number has a recent
 * date), somewhere shortly before the number.
 */
const POSITIVE_LABEL =
  /(?:^|[^\p{L}])(?:p-?nr|pers\.?\s?nr|personnr|personnummer|personnumret|samordningsnummer|samordningsnumret|samordningsnr|sam\.?\s?nr|födelsenummer|personal\s+(?:identity|id)\s+number|ssn|barn|barnet|barnets|son|sonen|dotter|dottern|bebis|spädbarn|nyfödd|nyfödda|född|child|baby|daughter|born)(?![\p{L}])/iu;

/** Between a label and its number: one to three of `.`, `:`, `#`, `=`, `-` or spaces. */
const LABEL_END = String.raw`(?:\.?\s?(?:nr|no|nummer|number))?[.:#=\-\s]{1,3}$`;

function labelPattern(words: readonly string[]): RegExp {
  return new RegExp(String.raw`(?:^|[^\p{L}])(?:${words.join('|')})${LABEL_END}`, 'iu');
}

/**
 * Labels that say the number is something else, directly before it and
 * separated from it by a space or punctuation (`tel 070…`, `OCR: …`,
 * `kl. …`, `Dnr …`; `tel070…` is no label). Each kind only exempts numbers
 * that can be what it says:
 *   - a phone label: a 10-digit number starting with 0 (Swedish phone numbers do),
 *   - a time label: a number whose last four digits read as a clock time HHMM,
 *   - a payment, order or case-number label: any number.
 */
const PHONE_LABEL = labelPattern([
  'tel',
  'telefon',
  'telefonnummer',
  'telefonnr',
  'tfn',
  'mobil',
  'mobilnummer',
  'mobilnr',
  'mob',
  'ring',
  'ringde',
  'sms',
  'sms:a',
  'fax',
  'phone',
  'mobile',
  'call',
  'växel',
  'vxl',
]);
const TIME_LABEL = labelPattern(['kl', 'klockan', 'tid', 'tidpunkt', 'time', 'timestamp', 'tidsstämpel', 'loggad', 'loggat', 'at']);
const REFERENCE_LABEL = labelPattern([
  // payment
  'ocr',
  'ocr-nr',
  'ocr-nummer',
  'referens',
  'referensnummer',
  'ref',
  'betalningsreferens',
  'bankgiro',
  'bg',
  'pg',
  'plusgiro',
  'konto',
  'kontonummer',
  'kontonr',
  'clearing',
  'faktura',
  'fakturanummer',
  'fakturanr',
  'invoice',
  'order',
  'ordernummer',
  'ordernr',
  // case numbers
  'dnr',
  'diarienummer',
  'diarienr',
  'ärendenummer',
  'ärendenr',
  String.raw`case\s+(?:no|nr|number|id)`,
  'ticket',
  'inc',
]);

function hasPositiveLabel(before: string): boolean {
  return POSITIVE_LABEL.test(before);
}

/** True if a label directly before the candidate says it is something else it can be. */
function hasNegativeLabel(before: string, c: Candidate): boolean {
  if (REFERENCE_LABEL.test(before)) return true;
  if (TIME_LABEL.test(before) && isClockTime(c.serial)) return true;
  return c.tenDigit && c.yy[0] === '0' && PHONE_LABEL.test(before);
}

/** `HHMM` with HH ≤ 23 and MM ≤ 59. */
function isClockTime(four: string): boolean {
  return Number(four.slice(0, 2)) <= 23 && Number(four.slice(2)) <= 59;
}

// ---------------------------------------------------------------------------
// Date and checksum
// ---------------------------------------------------------------------------

const DAYS_IN_MONTH: readonly number[] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const max = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= max;
}

/** Luhn over exactly ten digits, the last being the check digit. */
function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    const digit = tenDigits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    } else {
      sum += digit;
    }
  }
  return sum % 10 === 0;
}

const SUPPORTED_CENTURIES: readonly number[] = [18, 19, 20];
const CENTURIES_PLUS: readonly number[] = [18, 19];
const CENTURIES_DEFAULT: readonly number[] = [19, 20];

/** A calendar date as a sortable number yyyymmdd. */
type DayNumber = number;

/** The fields of one candidate, read from its capture groups. */
interface Candidate {
  /** Written without century (YYMMDD…). */
  tenDigit: boolean;
  centuries: readonly number[];
  yy: string;
  mm: string;
  dd: string;
  serial: string;
}

function candidateOf(groups: ReadonlyArray<string | undefined>): Candidate | undefined {
  const [cc, yy, mm, dd, , serial, yy10, mm10, dd10, sep10, serial10] = groups;
  if (cc !== undefined && yy !== undefined && mm !== undefined && dd !== undefined && serial !== undefined) {
    const century = Number(cc);
    if (!SUPPORTED_CENTURIES.includes(century)) return undefined;
    return { tenDigit: false, centuries: [century], yy, mm, dd, serial };
  }
  if (yy10 !== undefined && mm10 !== undefined && dd10 !== undefined && serial10 !== undefined) {
    const plus = sep10?.includes('+') === true;
    return { tenDigit: true, centuries: plus ? CENTURIES_PLUS : CENTURIES_DEFAULT, yy: yy10, mm: mm10, dd: dd10, serial: serial10 };
  }
  return undefined;
}

/**
 * The birth dates (yyyymmdd) a checksum-valid candidate can stand for, one per
 * century in which its date is real; empty if the checksum or every date fails.
 */
function birthDates(c: Candidate): DayNumber[] {
  if (!luhnValid(c.yy + c.mm + c.dd + c.serial)) return [];
  const month = Number(c.mm);
  const rawDay = Number(c.dd);
  // Samordningsnummer: day + 60 (61–91). Day 60 would be day 0 → invalid.
  const day = rawDay > 60 ? rawDay - 60 : rawDay;
  const dates: DayNumber[] = [];
  for (const century of c.centuries) {
    const year = century * 100 + Number(c.yy);
    if (isCalendarDate(year, month, day)) dates.push(year * 10_000 + month * 100 + day);
  }
  return dates;
}

/** Validates the capture groups of one CANDIDATE match (checksum and date only). */
function isValidMatch(groups: ReadonlyArray<string | undefined>): boolean {
  const c = candidateOf(groups);
  return c !== undefined && birthDates(c).length > 0;
}

// ---------------------------------------------------------------------------
// Rules that need today's date (optional)
// ---------------------------------------------------------------------------

/**
 * A number whose date lies this many days or fewer before today, and whose
 * last four digits read as a clock time or a small counter, is taken for a
 * time stamp or a case number (`20261126 1430`, `20261126-0042`) unless a
 * personnummer label stands before it.
 */
export const RECENT_STAMP_DAYS = 731;

/** Options of {@link maskPersonalNumbers}. */
export interface MaskOptions {
  /**
   * Today's date in Sweden, `YYYY-MM-DD`. When given, a number whose birth
   * date would lie after today is not masked, and a recent date with a
   * clock-time or counter-like ending is read as a time stamp or case number
   * (see {@link RECENT_STAMP_DAYS}). Without it only checksum, date and
   * labels decide.
   */
  today?: string;
  /**
   * Mask every checksum- and date-valid number, whatever label stands before
   * it and whatever its date (`today` is then ignored). For echoes and logs,
   * where masking a phone number by mistake costs nothing.
   */
  strict?: boolean;
}

function parseToday(today: string | undefined): DayNumber | undefined {
  if (today === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  if (m === null) throw new RangeError(`today must be YYYY-MM-DD, got ${JSON.stringify(today.slice(0, 20))}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day)) throw new RangeError(`today is not a calendar date: ${today}`);
  return year * 10_000 + month * 100 + day;
}

/** Days from the civil date `a` to `b` (b − a), both yyyymmdd. */
function daysBetween(a: DayNumber, b: DayNumber): number {
  const utc = (d: DayNumber): number => Date.UTC(Math.floor(d / 10_000), (Math.floor(d / 100) % 100) - 1, d % 100);
  return Math.round((utc(b) - utc(a)) / 86_400_000);
}

/** `0000`–`0999` (a counter) or `HHMM` with HH ≤ 23 and MM ≤ 59 (a clock time). */
function looksLikeStampSuffix(serial: string): boolean {
  return serial[0] === '0' || isClockTime(serial);
}

/**
 * Decides a checksum-and-date-valid candidate against today's date.
 * @returns false when it cannot be (or is taken not to be) a personnummer.
 */
function plausibleOnDate(c: Candidate, dates: readonly DayNumber[], today: DayNumber, labelled: boolean): boolean {
  const past = dates.filter((d) => d <= today);
  if (past.length === 0) return false; // born in the future
  if (labelled) return true;
  const latest = Math.max(...past);
  return !(daysBetween(latest, today) <= RECENT_STAMP_DAYS && looksLikeStampSuffix(c.serial));
}

/**
 * True if `candidate` (surrounding whitespace ignored) is exactly one
 * checksum-valid personnummer or samordningsnummer in a recognised form
 * (typographic dashes, spaces and full-width digits included).
 */
export function isValidPersonalNumber(candidate: string): boolean {
  const match = WHOLE.exec(shadowOf(candidate.trim()));
  if (match === null) return false;
  return isValidMatch(match.slice(1));
}

/**
 * Replaces every personnummer / samordningsnummer in `text` with
 * {@link PERSONAL_NUMBER_MASK}; all other characters are preserved exactly.
 * Linear: one regex scan plus a bounded look-behind per candidate.
 *
 * Pass `options.today` (the caller's clock, `YYYY-MM-DD`) to also refuse
 * future birth dates and recent time stamps / case numbers; that lowers false
 * positives in incident texts. Pass `options.strict` for echoes and logs.
 *
 * @returns the masked text and the number of replacements (`count`).
 */
export function maskPersonalNumbers(text: string, options: MaskOptions = {}): MaskResult {
  const strict = options.strict === true;
  const today = strict ? undefined : parseToday(options.today);
  const shadow = shadowOf(text);
  let count = 0;
  let out = '';
  let last = 0;
  const scan = new RegExp(SCAN);
  for (let m = scan.exec(shadow); m !== null; m = scan.exec(shadow)) {
    const candidate = candidateOf(m.slice(1, 12));
    if (candidate === undefined) continue;
    const dates = birthDates(candidate);
    if (dates.length === 0) continue;
    const start = m.index;
    const before = shadow.slice(Math.max(0, start - POSITIVE_WINDOW), start);
    const labelled = hasPositiveLabel(before);
    if (!strict && !labelled && hasNegativeLabel(before.slice(-NEGATIVE_WINDOW), candidate)) continue;
    if (today !== undefined && !plausibleOnDate(candidate, dates, today, labelled)) continue;
    out += text.slice(last, start) + PERSONAL_NUMBER_MASK;
    last = start + m[0].length;
    count++;
  }
  if (count === 0) return { text, count: 0 };
  return { text: out + text.slice(last), count };
}
