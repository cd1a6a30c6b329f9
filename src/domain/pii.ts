/**
 * Masking of Swedish personal identity numbers (personnummer) and
 * coordination numbers (samordningsnummer) in free text.
 *
 * Pure module: no I/O, no clock. Used before chat text is stored or echoed.
 *
 * Accepted formats (Skatteverket):
 *   YYMMDD-NNNN   YYMMDD+NNNN (100+ years)   YYMMDDNNNN   YYMMDD NNNN
 *   YYYYMMDD-NNNN   YYYYMMDDNNNN   YYYYMMDD NNNN
 *
 * A candidate is masked only if
 *   - the Luhn (mod 10) checksum over the 10-digit form YYMMDDNNNC holds,
 *   - the date is a real calendar date (samordningsnummer: day + 60),
 *     with the century taken from the 12-digit form, or for 10-digit forms
 *     19xx/20xx (`-`, space or no separator) or 18xx/19xx (`+`),
 *   - it is a whole token: no digit directly before or after it, and no
 *     digit joined to it by a `-` or `+` (so `46-811218-9876` or a longer
 *     digit run such as an order id, OCR or IBAN is never partially masked).
 */

export const PERSONAL_NUMBER_MASK = '[personnummer]';

/**
 * Groups: 1 century, 2 YY, 3 MM, 4 DD, 5 separator, 6 NNNN  (12-digit forms)
 *         7 YY, 8 MM, 9 DD, 10 separator, 11 NNNN          (10-digit forms)
 */
const CANDIDATE = String.raw`(?:(\d{2})(\d{2})(\d{2})(\d{2})([- ]?)(\d{4})|(\d{2})(\d{2})(\d{2})([-+ ]?)(\d{4}))`;

/** Not preceded by a digit, nor by a digit joined with `-`/`+`. */
const LEFT_BOUNDARY = String.raw`(?<!\d[-+]?)`;
/** Not followed by a digit, nor by `-`/`+` and a digit. */
const RIGHT_BOUNDARY = String.raw`(?![-+]?\d)`;

const SCAN = new RegExp(LEFT_BOUNDARY + CANDIDATE + RIGHT_BOUNDARY, 'g');
const WHOLE = new RegExp('^' + CANDIDATE + '$');

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

/**
 * @param centuries candidate centuries (e.g. [19, 20]); valid if the date is
 *   a real date in any of them.
 */
function isValidParts(
  centuries: readonly number[],
  yy: string,
  mm: string,
  dd: string,
  serial: string,
): boolean {
  if (!luhnValid(yy + mm + dd + serial)) return false;
  const month = Number(mm);
  const rawDay = Number(dd);
  // Samordningsnummer: day + 60 (61–91). Day 60 would be day 0 → invalid.
  const day = rawDay > 60 ? rawDay - 60 : rawDay;
  const yearInCentury = Number(yy);
  return centuries.some((c) => isCalendarDate(c * 100 + yearInCentury, month, day));
}

const SUPPORTED_CENTURIES: readonly number[] = [18, 19, 20];
const CENTURIES_PLUS: readonly number[] = [18, 19];
const CENTURIES_DEFAULT: readonly number[] = [19, 20];

/** Validates the capture groups of one CANDIDATE match. */
function isValidMatch(groups: ReadonlyArray<string | undefined>): boolean {
  const [cc, yy, mm, dd, , serial, yy10, mm10, dd10, sep10, serial10] = groups;
  if (cc !== undefined && yy !== undefined && mm !== undefined && dd !== undefined && serial !== undefined) {
    const century = Number(cc);
    if (!SUPPORTED_CENTURIES.includes(century)) return false;
    return isValidParts([century], yy, mm, dd, serial);
  }
  if (yy10 !== undefined && mm10 !== undefined && dd10 !== undefined && serial10 !== undefined) {
    return isValidParts(sep10 === '+' ? CENTURIES_PLUS : CENTURIES_DEFAULT, yy10, mm10, dd10, serial10);
  }
  return false;
}

/**
 * True if `candidate` (surrounding whitespace ignored) is exactly one
 * checksum-valid personnummer or samordningsnummer in an accepted format.
 */
export function isValidPersonalNumber(candidate: string): boolean {
  const match = WHOLE.exec(candidate.trim());
  if (match === null) return false;
  return isValidMatch(match.slice(1));
}

/**
 * Replaces every valid personnummer / samordningsnummer in `text` with
 * {@link PERSONAL_NUMBER_MASK}; all other characters are preserved exactly.
 * Runs in a single linear regex scan.
 */
export function maskPersonalNumbers(text: string): { text: string; count: number } {
  let count = 0;
  const masked = text.replace(SCAN, (match: string, ...rest: unknown[]) => {
    const groups = rest.slice(0, 11) as Array<string | undefined>;
    if (!isValidMatch(groups)) return match;
    count++;
    return PERSONAL_NUMBER_MASK;
  });
  return { text: masked, count };
}
