// Instants on the command line and in batch input: ISO 8601 with an explicit offset.
//
// A bare local time ("2026-11-20T10:00") is refused rather than guessed: a deadline
// computed from the wrong hour is worse than an error that says to add "+01:00" or "Z".
import { DateTime } from 'luxon';

export type InstantResult =
  | { ok: true; ms: number }
  /** noOffset: a valid local date and time without an offset; invalid: anything else. */
  | { ok: false; reason: 'noOffset' | 'invalid' };

// YYYY-MM-DDTHH:MM[:SS[.fff]] then Z or ±HH[:MM] (±HHMM too). "T" may be a space (RFC 3339).
const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Parses a full ISO 8601 instant; exact to the millisecond (further digits are cut). */
export function parseInstant(text: string): InstantResult {
  const m = ISO.exec(text.trim());
  if (!m) return { ok: false, reason: 'invalid' };
  const [, ys, mos, ds, hs, mis, ss, frac, zulu, sign, ohs, oms] = m;
  const year = Number(ys);
  const month = Number(mos);
  const day = Number(ds);
  const hour = Number(hs);
  const minute = Number(mis);
  const second = ss === undefined ? 0 : Number(ss);
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return { ok: false, reason: 'invalid' };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'invalid' };
  if (!zulu && !sign) return { ok: false, reason: 'noOffset' };
  let offsetMinutes = 0;
  if (sign) {
    const oh = Number(ohs);
    const om = oms === undefined ? 0 : Number(oms);
    if (oh > 23 || om > 59) return { ok: false, reason: 'invalid' };
    offsetMinutes = (sign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  let ms = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (year < 100) ms = new Date(ms).setUTCFullYear(year); // Date.UTC reads 0–99 as 1900–1999
  return { ok: true, ms: ms - offsetMinutes * 60_000 };
}

/**
 * For a local time without an offset, the same text with the offset `zone` has at that
 * moment ("2026-07-01T10:00" → "2026-07-01T10:00+02:00"), to suggest in an error; null
 * when the text is not a local date and time.
 */
export function suggestOffset(text: string, zone: string): string | null {
  const trimmed = text.trim();
  const parsed = parseInstant(trimmed);
  if (parsed.ok || parsed.reason !== 'noOffset') return null;
  const local = DateTime.fromISO(trimmed.replace(' ', 'T'), { zone });
  return local.isValid ? `${trimmed}${local.toFormat('ZZ')}` : null;
}

/** Epoch ms → "2026-11-20T09:00:00.000Z", the one output format for instants. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
