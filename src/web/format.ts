// Language choice and formatting for the public surfaces: Stockholm time with the
// weekday, shares as percent, lists of agencies, in Swedish or English.
import { DateTime } from 'luxon';
import { DEFAULT_LANG, isLang, type Lang, type Translator, translator } from '../i18n/index.js';
import type { AgencyName } from './summary.js';

/**
 * The language of a request: `?lang=sv|en` wins, then the best supported language in
 * Accept-Language (by q-value, in order), else Swedish.
 */
export function negotiateLang(query: URLSearchParams, acceptLanguage: string | string[] | undefined): { lang: Lang; explicit: boolean } {
  const asked = query.get('lang')?.toLowerCase();
  if (isLang(asked)) return { lang: asked, explicit: true };
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const ranges = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { base: (tag ?? '').trim().toLowerCase().split('-')[0] ?? '', q: q ? Number(q[1]) : 1, i };
    })
    .filter((r) => r.base !== '' && r.q > 0 && Number.isFinite(r.q))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (isLang(r.base)) return { lang: r.base, explicit: false };
    if (r.base === '*') return { lang: DEFAULT_LANG, explicit: false };
  }
  return { lang: DEFAULT_LANG, explicit: false };
}

const MEMO_MAX = 20_000;
const formats = new Map<string, PublicFormat>();

/** The formatter of a language and zone, shared by every rendering (its memo of formatted instants with it). */
export function publicFormat(lang: Lang, zone: string): PublicFormat {
  const key = `${lang}:${zone}`;
  let f = formats.get(key);
  if (!f) {
    f = new PublicFormat(lang, zone);
    formats.set(key, f);
  }
  return f;
}

/** Formatters bound to one language and the contract's time zone. */
export class PublicFormat {
  private readonly memo = new Map<string, string>();
  readonly tr: Translator;
  private readonly locale: string;
  private readonly percent: Intl.NumberFormat;
  private readonly list: Intl.ListFormat;

  constructor(
    readonly lang: Lang,
    readonly zone: string,
  ) {
    this.tr = translator(lang);
    this.locale = lang === 'sv' ? 'sv-SE' : 'en-GB';
    this.percent = new Intl.NumberFormat(this.locale, { style: 'percent', maximumFractionDigits: 2 });
    this.list = new Intl.ListFormat(this.locale, { style: 'long', type: 'conjunction' });
  }

  t(key: string, vars?: Record<string, string | number>): string {
    return this.tr.t(key, vars);
  }

  private dt(t: number): DateTime {
    return DateTime.fromMillis(t, { zone: this.zone }).setLocale(this.locale);
  }

  /** Luxon formatting costs ~0.1 ms a call; the same instants recur in every rendering, so they are kept. */
  private formatted(kind: 'dateTime' | 'date' | 'dayShort' | 'time', t: number): string {
    const key = `${kind}:${t}`;
    let text = this.memo.get(key);
    if (text === undefined) {
      if (this.memo.size >= MEMO_MAX) this.memo.clear();
      text = this.dt(t).toFormat(this.tr.t(`status.format.${kind}`));
      this.memo.set(key, text);
    }
    return text;
  }

  /** "måndag 30 november 2026 kl. 02:00" / "Monday 30 November 2026, 02:00". */
  dateTime(t: number): string {
    return this.formatted('dateTime', t);
  }

  /** "måndag 30 november 2026". */
  date(t: number): string {
    return this.formatted('date', t);
  }

  /** "mån 30 nov." */
  dayShort(t: number): string {
    return this.formatted('dayShort', t);
  }

  time(t: number): string {
    return this.formatted('time', t);
  }

  /** A span: the end's date is left out when it is the same local day. */
  span(start: number, end: number): string {
    return this.tr.t('status.windows.span', { start: this.dateTime(start), end: this.spanEnd(start, end) });
  }

  /** The end of a span: only the time when it is the start's local day. */
  spanEnd(start: number, end: number): string {
    return this.date(start) === this.date(end) ? this.time(end) : this.dateTime(end);
  }

  /** "November 2026" (capitalised) for "YYYY-MM". */
  month(month: string): string {
    const text = DateTime.fromFormat(month, 'yyyy-MM', { zone: this.zone }).setLocale(this.locale).toFormat(this.tr.t('status.format.month'));
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  share(share: number): string {
    return this.percent.format(share);
  }

  /** The agencies by name, or "all agencies" for an empty list. */
  agencies(list: readonly AgencyName[]): string {
    return list.length === 0 ? this.tr.t('status.windows.all') : this.list.format(list.map((a) => a.name));
  }

  join(items: readonly string[]): string {
    return this.list.format(items);
  }

  /** ISO 8601 in UTC, for <time datetime> and the feeds. */
  iso(t: number): string {
    return new Date(t).toISOString();
  }
}
