import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  PERSONAL_NUMBER_MASK,
  isValidPersonalNumber,
  maskPersonalNumbers,
} from '../../src/domain/pii.js';

// ---------------------------------------------------------------------------
// Test-side reference implementation (deliberately written independently of
// the module under test: Luhn from the right, month lengths from Date.UTC).
// ---------------------------------------------------------------------------

/** Luhn check digit for the nine digits YYMMDDNNN. */
function luhnCheckDigit(nineDigits: string): number {
  let sum = 0;
  let double = true; // rightmost payload digit is doubled when a check digit follows
  for (let i = nineDigits.length - 1; i >= 0; i--) {
    let d = Number(nineDigits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d = Math.floor(d / 10) + (d % 10);
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

/** True if the last of the ten digits of a (10- or 12-digit) number is the Luhn check digit. */
function hasCorrectCheckDigit(formatted: string): boolean {
  const digits = formatted.replace(/\D/g, '');
  const ten = digits.slice(-10);
  return luhnCheckDigit(ten.slice(0, 9)) === Number(ten[9]);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

interface Person {
  year: number; // 1800–2099
  month: number; // 1–12
  day: number; // real day of month
  serial: number; // 0–999
  coordination: boolean; // samordningsnummer: day + 60
}

type Format =
  | 'YYYYMMDD-NNNN'
  | 'YYYYMMDDNNNN'
  | 'YYYYMMDD NNNN'
  | 'YYMMDD-NNNN'
  | 'YYMMDDNNNN'
  | 'YYMMDD NNNN'
  | 'YYMMDD+NNNN';

const ALL_FORMATS: readonly Format[] = [
  'YYYYMMDD-NNNN',
  'YYYYMMDDNNNN',
  'YYYYMMDD NNNN',
  'YYMMDD-NNNN',
  'YYMMDDNNNN',
  'YYMMDD NNNN',
  'YYMMDD+NNNN',
];

/** Formats in which a person can be written (`+` only for 18xx/19xx births). */
function formatsFor(p: Person): Format[] {
  return ALL_FORMATS.filter((f) => f !== 'YYMMDD+NNNN' || p.year < 2000);
}

/** Renders a person's number; `checkDelta` (0–9) shifts the check digit to make it wrong. */
function render(p: Person, format: Format, checkDelta = 0): string {
  const cc = pad(Math.floor(p.year / 100), 2);
  const yy = pad(p.year % 100, 2);
  const mm = pad(p.month, 2);
  const dd = pad(p.day + (p.coordination ? 60 : 0), 2);
  const nnn = pad(p.serial, 3);
  const check = (luhnCheckDigit(yy + mm + dd + nnn) + checkDelta) % 10;
  const last4 = nnn + String(check);
  switch (format) {
    case 'YYYYMMDD-NNNN':
      return `${cc}${yy}${mm}${dd}-${last4}`;
    case 'YYYYMMDDNNNN':
      return `${cc}${yy}${mm}${dd}${last4}`;
    case 'YYYYMMDD NNNN':
      return `${cc}${yy}${mm}${dd} ${last4}`;
    case 'YYMMDD-NNNN':
      return `${yy}${mm}${dd}-${last4}`;
    case 'YYMMDDNNNN':
      return `${yy}${mm}${dd}${last4}`;
    case 'YYMMDD NNNN':
      return `${yy}${mm}${dd} ${last4}`;
    case 'YYMMDD+NNNN':
      return `${yy}${mm}${dd}+${last4}`;
  }
}

const personArb: fc.Arbitrary<Person> = fc
  .record({
    year: fc.integer({ min: 1800, max: 2099 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 31 }),
    serial: fc.integer({ min: 0, max: 999 }),
    coordination: fc.boolean(),
  })
  .map((p) => ({ ...p, day: Math.min(p.day, daysInMonth(p.year, p.month)) }));

/** A valid number rendered in one of its accepted formats. */
const renderingArb: fc.Arbitrary<{ person: Person; format: Format; text: string }> = personArb.chain(
  (person) =>
    fc.constantFrom(...formatsFor(person)).map((format) => ({ person, format, text: render(person, format) })),
);

/** Surrounding text: letters, Swedish letters, whitespace, punctuation, emoji — never digits. */
const SURROUNDING_CHARS = [
  ...'abcxyzABCXYZ',
  ...'åäöÅÄÖéü',
  ' ',
  '  ',
  '\n',
  '\t',
  ...'.,;:!?()[]{}"\'/\\-+_*#@&%=<>',
  '🙂',
  '\u00a0',
];
const surroundingArb = fc.string({ unit: fc.constantFrom(...SURROUNDING_CHARS), maxLength: 30 });

const digitArb = fc.constantFrom(...'0123456789');

// ---------------------------------------------------------------------------

describe('PERSONAL_NUMBER_MASK', () => {
  it('is the fixed string [personnummer] so the UI can mention it', () => {
    expect(PERSONAL_NUMBER_MASK).toBe('[personnummer]');
  });
});

describe('test generator sanity', () => {
  it('computes the Luhn check digit of Skatteverket test number 19121212-1212 as 2', () => {
    expect(luhnCheckDigit('121212121')).toBe(2);
  });

  it('renders a known person in every accepted format', () => {
    const p: Person = { year: 1981, month: 12, day: 18, serial: 987, coordination: false };
    expect(formatsFor(p).map((f) => render(p, f))).toEqual([
      '19811218-9876',
      '198112189876',
      '19811218 9876',
      '811218-9876',
      '8112189876',
      '811218 9876',
      '811218+9876',
    ]);
  });
});

describe('maskPersonalNumbers — properties', () => {
  it('masks every valid personnummer and samordningsnummer in every accepted format, embedded in arbitrary text, and leaves the surrounding text unchanged', () => {
    fc.assert(
      fc.property(surroundingArb, renderingArb, surroundingArb, (before, { text: number }, after) => {
        const result = maskPersonalNumbers(before + number + after);
        expect(result.count).toBe(1);
        expect(result.text).toBe(before + PERSONAL_NUMBER_MASK + after);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every generated valid rendering with isValidPersonalNumber', () => {
    fc.assert(
      fc.property(renderingArb, ({ text }) => {
        expect(isValidPersonalNumber(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not mask a number whose check digit is wrong, in any format', () => {
    fc.assert(
      fc.property(
        surroundingArb,
        renderingArb,
        fc.integer({ min: 1, max: 9 }),
        surroundingArb,
        (before, { person, format }, delta, after) => {
          const wrong = render(person, format, delta);
          const input = before + wrong + after;
          expect(isValidPersonalNumber(wrong)).toBe(false);
          expect(maskPersonalNumbers(input)).toEqual({ text: input, count: 0 });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('masks several numbers in one text and counts each of them', () => {
    const separatorArb = surroundingArb.filter((s) => s.length > 0 && s !== '-' && s !== '+');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(renderingArb, separatorArb), { minLength: 1, maxLength: 6 }),
        surroundingArb,
        (parts, before) => {
          const input = before + parts.map(([r, sep]) => r.text + sep).join('');
          const expected = before + parts.map(([, sep]) => PERSONAL_NUMBER_MASK + sep).join('');
          expect(maskPersonalNumbers(input)).toEqual({ text: expected, count: parts.length });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('does not mask a valid number that has a digit directly before or after it', () => {
    fc.assert(
      fc.property(renderingArb, digitArb, fc.boolean(), ({ text }, digit, atStart) => {
        const input = atStart ? digit + text : text + digit;
        expect(maskPersonalNumbers(input)).toEqual({ text: input, count: 0 });
      }),
      { numRuns: 1000 },
    );
  });

  it('does not mask a valid number joined to other digits by a hyphen or plus', () => {
    fc.assert(
      fc.property(
        renderingArb,
        fc.string({ unit: digitArb, minLength: 1, maxLength: 4 }),
        fc.constantFrom('-', '+'),
        fc.boolean(),
        ({ text }, digits, joiner, atStart) => {
          const input = atStart ? digits + joiner + text : text + joiner + digits;
          expect(maskPersonalNumbers(input)).toEqual({ text: input, count: 0 });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never masks anything inside an 11-digit or 13-digit (or longer) run of digits', () => {
    fc.assert(
      fc.property(
        surroundingArb,
        fc.oneof(
          fc.string({ unit: digitArb, minLength: 11, maxLength: 11 }),
          fc.string({ unit: digitArb, minLength: 13, maxLength: 40 }),
        ),
        surroundingArb,
        (before, run, after) => {
          const input = before + run + after;
          expect(maskPersonalNumbers(input)).toEqual({ text: input, count: 0 });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('leaves text without digits unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => s.replace(/\d/g, '')), (text) => {
        expect(maskPersonalNumbers(text)).toEqual({ text, count: 0 });
      }),
    );
  });

  it('is idempotent: masking already masked text masks nothing more', () => {
    fc.assert(
      fc.property(surroundingArb, renderingArb, surroundingArb, (before, { text: number }, after) => {
        const once = maskPersonalNumbers(before + number + after).text;
        expect(maskPersonalNumbers(once)).toEqual({ text: once, count: 0 });
      }),
    );
  });
});

describe('maskPersonalNumbers — real examples that must be masked', () => {
  const examples: ReadonlyArray<readonly [name: string, number: string]> = [
    ['Skatteverket test number with century and hyphen', '19121212-1212'],
    ['Skatteverket test number with century and no separator', '191212121212'],
    ['Skatteverket test number with century and a space', '19121212 1212'],
    ['Skatteverket test number without century, with hyphen', '121212-1212'],
    ['Skatteverket test number without century or separator', '1212121212'],
    ['Skatteverket test number without century, with a space', '121212 1212'],
    ['Skatteverket test number with the 100+ plus sign', '121212+1212'],
    ['personnummer 811218-9876', '811218-9876'],
    ['personnummer 8112189876 without separator', '8112189876'],
    ['personnummer 19811218-9876 with century', '19811218-9876'],
    ['personnummer 198112189876 with century and no separator', '198112189876'],
    ['samordningsnummer 701063-2391 (day 63 = 3rd)', '701063-2391'],
    ['samordningsnummer without separator', '7010632391'],
    ['samordningsnummer with a space', '701063 2391'],
    ['samordningsnummer with century and hyphen', '19701063-2391'],
    ['samordningsnummer written with century and no separator', '197010632391'],
    ['29 February 2000 without century (valid in 20xx)', '000229-1235'],
    ['29 February 2000 with century', '20000229-1235'],
    ['samordningsnummer on 29 February 2000 (day 89)', '000289-1232'],
    ['29 February 1896 with the plus sign', '960229+1230'],
    ['29 February 1896 with century', '18960229-1230'],
    ['100+ number 900101+1239', '900101+1239'],
    ['1890 birth with century', '18900101-1239'],
  ];

  it.each(examples)('example is checksum-correct per the test reference: %s', (_name, number) => {
    expect(hasCorrectCheckDigit(number)).toBe(true);
  });

  it.each(examples)('masks %s', (_name, number) => {
    expect(isValidPersonalNumber(number)).toBe(true);
    expect(maskPersonalNumbers(`Mitt nummer är ${number}, tack.`)).toEqual({
      text: `Mitt nummer är ${PERSONAL_NUMBER_MASK}, tack.`,
      count: 1,
    });
  });

  it('masks a number preceded directly by letters and a colon (pnr:198112189876)', () => {
    expect(maskPersonalNumbers('pnr:198112189876')).toEqual({ text: `pnr:${PERSONAL_NUMBER_MASK}`, count: 1 });
  });

  it('masks a number glued to letters on both sides', () => {
    expect(maskPersonalNumbers('abc811218-9876xyz')).toEqual({ text: `abc${PERSONAL_NUMBER_MASK}xyz`, count: 1 });
  });

  it('masks a number at the very start and one at the very end of the text', () => {
    expect(maskPersonalNumbers('811218-9876 och 19701063-2391')).toEqual({
      text: `${PERSONAL_NUMBER_MASK} och ${PERSONAL_NUMBER_MASK}`,
      count: 2,
    });
  });

  it('masks a text that consists of nothing but the number', () => {
    expect(maskPersonalNumbers('121212+1212')).toEqual({ text: PERSONAL_NUMBER_MASK, count: 1 });
  });

  it('masks multiple numbers in one message and preserves åäö, emoji and whitespace exactly', () => {
    const input = 'Hej Åsa! 🙂\n\tDitt pnr är 811218-9876; Örjans sam.nr: 7010632391.\r\nMvh,  Ärende INC-1234 (2026-11-26)';
    const expected = `Hej Åsa! 🙂\n\tDitt pnr är ${PERSONAL_NUMBER_MASK}; Örjans sam.nr: ${PERSONAL_NUMBER_MASK}.\r\nMvh,  Ärende INC-1234 (2026-11-26)`;
    expect(maskPersonalNumbers(input)).toEqual({ text: expected, count: 2 });
  });

  it('masks numbers separated only by a comma or a slash', () => {
    expect(maskPersonalNumbers('811218-9876,701063-2391/121212-1212')).toEqual({
      text: `${PERSONAL_NUMBER_MASK},${PERSONAL_NUMBER_MASK}/${PERSONAL_NUMBER_MASK}`,
      count: 3,
    });
  });
});

describe('maskPersonalNumbers — look-alikes that must stay untouched', () => {
  // Checksum-correct numbers whose only defect is the date (or century).
  const badDates: ReadonlyArray<readonly [name: string, text: string]> = [
    ['month 13', '811318-1237'],
    ['month 00', '810018-1232'],
    ['day 32', '811232-1230'],
    ['day 00', '811200-1238'],
    ['30 February (0230)', '810230-1234'],
    ['31 April', '810431-1231'],
    ['29 February in a year that is not leap in 19xx or 20xx', '810229-1237'],
    ['29 February 1990 with century', '19900229-1236'],
    ['29 February 1900 with century (1900 is not a leap year)', '19000229-1235'],
    ['29 February 00 with the plus sign (1800 and 1900 are not leap years)', '000229+1235'],
    ['samordningsnummer with day 60 (day 0)', '810160-1238'],
    ['samordningsnummer with day 92 (day 32)', '810192-1230'],
    ['samordningsnummer on 30 February (day 90)', '810290-1231'],
    ['12-digit number with an unsupported century 21xx', '21121212-1212'],
    ['12-digit number with an unsupported century 17xx', '171212121212'],
  ];

  it.each(badDates)('look-alike with a correct check digit but %s is checksum-correct per the test reference', (_n, text) => {
    expect(hasCorrectCheckDigit(text)).toBe(true);
  });

  it.each(badDates)('does not mask a checksum-correct number with %s', (_name, text) => {
    expect(isValidPersonalNumber(text)).toBe(false);
    const input = `nr ${text} slut`;
    expect(maskPersonalNumbers(input)).toEqual({ text: input, count: 0 });
  });

  const lookAlikes: ReadonlyArray<readonly [name: string, text: string]> = [
    ['a wrong check digit (811218-9875)', '811218-9875'],
    ['a wrong check digit with century (19121212-1213)', '19121212-1213'],
    ['ten digits that fail Luhn', '8112189875'],
    ['an ISO date', '2026-11-26'],
    ['an ISO date with a time', '2026-11-26 14:30'],
    ['an ISO timestamp', '2026-11-26T14:30:00Z'],
    ['a compact date and time', '20261126T1430'],
    ['a clock time', '09:15:00'],
    ['an incident id', 'INC-1234'],
    ['an incident id with six digits', 'INC-811218'],
    ['a mobile number that fails the checks', '0701234567'],
    ['a mobile number with separators', '070-123 45 67'],
    ['an international phone number', '+46 70 123 45 67'],
    ['an international phone number without spaces', '+46701234567'],
    ['an 11-digit run containing a valid 10-digit number', '81121898760'],
    ['an 11-digit run ending in a valid 10-digit number', '18112189876'],
    ['a 13-digit run containing a valid 12-digit number', '1981121898761'],
    ['a 13-digit run ending in a valid 12-digit number', '0198112189876'],
    ['a 14-digit order id containing a valid number', 'Order 19811218987612'],
    ['an IBAN with spaces', 'SE45 5000 0000 0583 9825 7466'],
    ['an IBAN without spaces', 'SE4550000000058398257466'],
    ['an OCR reference containing a valid number', 'OCR 1234811218987612'],
    ['a valid number hyphen-joined to a preceding digit group', '46-811218-9876'],
    ['a valid number hyphen-joined to a following digit group', '811218-9876-12'],
    ['a valid number with a doubled hyphen', '811218--9876'],
    ['a valid number with two spaces as separator', '811218  9876'],
    ['a valid number with a spaced hyphen', '811218 - 9876'],
    ['a plus sign in the 12-digit form', '19811218+9876'],
    ['a valid number split by a dot', '811218.9876'],
  ];

  it.each(lookAlikes)('does not mask %s', (_name, text) => {
    const input = `Se ${text} här.`;
    expect(maskPersonalNumbers(input)).toEqual({ text: input, count: 0 });
    expect(maskPersonalNumbers(text)).toEqual({ text, count: 0 });
  });
});

describe('isValidPersonalNumber', () => {
  it('accepts a valid number surrounded by whitespace', () => {
    expect(isValidPersonalNumber('  811218-9876\n')).toBe(true);
  });

  it('rejects a valid number embedded in other text', () => {
    expect(isValidPersonalNumber('pnr 811218-9876')).toBe(false);
    expect(isValidPersonalNumber('811218-9876 x')).toBe(false);
  });

  it('rejects the empty string and non-numbers', () => {
    expect(isValidPersonalNumber('')).toBe(false);
    expect(isValidPersonalNumber('personnummer')).toBe(false);
    expect(isValidPersonalNumber('811218-987')).toBe(false);
  });

  it('treats a leap day without century as valid if it is valid in 19xx or 20xx, and with + only in 18xx or 19xx', () => {
    expect(isValidPersonalNumber('000229-1235')).toBe(true); // 2000-02-29
    expect(isValidPersonalNumber('0002291235')).toBe(true);
    expect(isValidPersonalNumber('000229 1235')).toBe(true);
    expect(isValidPersonalNumber('000229+1235')).toBe(false); // 1800, 1900: not leap
    expect(isValidPersonalNumber('960229+1230')).toBe(true); // 1896
  });
});

describe('maskPersonalNumbers — performance', () => {
  it('masks a 10 KB message full of numbers and look-alikes quickly', () => {
    const chunk = 'pnr 811218-9876, ring 070-123 45 67, order 19811218987612, 2026-11-26 ';
    const input = chunk.repeat(Math.ceil(10_000 / chunk.length));
    const start = performance.now();
    const result = maskPersonalNumbers(input);
    const elapsed = performance.now() - start;
    expect(result.count).toBe(Math.ceil(10_000 / chunk.length));
    expect(elapsed).toBeLessThan(500);
  });

  it('handles a 1 MB adversarial run of digits and separators without blowing up', () => {
    const input = '12121212-1212 1212+'.repeat(60_000) + '1'.repeat(100_000);
    const start = performance.now();
    maskPersonalNumbers(input);
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
