// The public surfaces' language choice and Stockholm-time formatting.
import { describe, expect, it } from 'vitest';
import { negotiateLang, publicFormat } from '../../src/web/format.js';
import { at } from './fixtures.js';

const q = (s = '') => new URLSearchParams(s);

describe('language of a request', () => {
  it('Swedish by default, and for a browser that asks for nothing we speak', () => {
    expect(negotiateLang(q(), undefined)).toEqual({ lang: 'sv', explicit: false });
    expect(negotiateLang(q(), 'de-DE,fr;q=0.8')).toEqual({ lang: 'sv', explicit: false });
  });

  it('Accept-Language picks the best supported language by q-value, then by order', () => {
    expect(negotiateLang(q(), 'en-GB,en;q=0.9,sv;q=0.5').lang).toBe('en');
    expect(negotiateLang(q(), 'sv;q=0.4, en;q=0.8').lang).toBe('en');
    expect(negotiateLang(q(), 'de, sv-SE;q=0.7, en;q=0.7').lang).toBe('sv');
    expect(negotiateLang(q(), 'en;q=0, sv;q=0.1').lang).toBe('sv');
  });

  it('?lang=en or ?lang=sv wins over the header; an unknown ?lang is ignored', () => {
    expect(negotiateLang(q('lang=en'), 'sv')).toEqual({ lang: 'en', explicit: true });
    expect(negotiateLang(q('lang=SV'), 'en')).toEqual({ lang: 'sv', explicit: true });
    expect(negotiateLang(q('lang=fi'), 'en')).toEqual({ lang: 'en', explicit: false });
  });
});

describe('dates in Stockholm time with the weekday', () => {
  it('winter and summer time, in both languages', () => {
    const sv = publicFormat('sv', 'Europe/Stockholm');
    const en = publicFormat('en', 'Europe/Stockholm');
    expect(sv.dateTime(at('2027-01-09T02:00'))).toBe('lördag 9 januari 2027 kl. 02:00');
    expect(en.dateTime(at('2027-01-09T02:00'))).toBe('Saturday 9 January 2027, 02:00');
    expect(sv.dateTime(Date.UTC(2027, 5, 19, 0, 30))).toBe('lördag 19 juni 2027 kl. 02:30');
    expect(sv.span(at('2027-01-09T02:00'), at('2027-01-09T06:00'))).toBe('lördag 9 januari 2027 kl. 02:00 – 06:00');
    expect(en.span(at('2027-01-09T22:00'), at('2027-01-10T04:00'))).toBe('Saturday 9 January 2027, 22:00 – Sunday 10 January 2027, 04:00');
    expect(sv.month('2026-11')).toBe('November 2026');
    expect(sv.share(0.9917)).toBe('99,17\u00a0%'); // a no-break space before the sign, as Swedish writes it
    expect(en.share(0.98)).toBe('98%');
  });
});
