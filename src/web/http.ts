// The public status endpoints on the bot's HTTP server:
//
//   GET /status                   the page (HTML; Swedish, or English by ?lang=en / Accept-Language)
//   GET /status/windows.ics       the service windows as iCalendar
//   GET /status/feed.atom         disturbance notices and window announcements as Atom
//   GET /status/api/summary.json  the summary for machines
//
// Every answer comes from the cached summary; a rendered body is kept per summary
// version, language and encoding, so a request costs a hash-map lookup and a write.
// ETag (the summary's version) and Last-Modified make revalidation a 304.

import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { HttpRequest, HttpServer } from '../http/server.js';
import { DEFAULT_LANG, type Lang } from '../i18n/index.js';
import { type FeedOptions, renderAtom, renderCalendar, summaryJson } from './feeds.js';
import { negotiateLang } from './format.js';
import { renderStatusPage } from './page.js';
import type { StatusSummary, SummaryService } from './summary.js';

export interface StatusRouteDeps {
  summary: SummaryService;
  /** The page's path. Default "/status". */
  base?: string;
  /** The page's absolute URL for links in the feeds; default from the request's Host. */
  publicUrl?: string;
  /** Authority of the feeds' tag: URIs and calendar UIDs. */
  tagAuthority?: string;
  /** Cache-Control max-age in seconds; 0 (default) = revalidate every time (cheap: 304). */
  maxAgeSeconds?: number;
}

type Variant = 'page' | 'ics' | 'atom' | 'json';

const TYPES: Record<Variant, string> = {
  page: 'text/html; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** The page may load nothing and run nothing; its only style is inline. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Rendered bodies kept per summary version (variants × languages × encodings × hosts). */
const MAX_BODIES = 64;

interface Body {
  plain: Buffer;
  gzip: Buffer | null;
}

/** Registers the status routes on `server`. */
export function mountStatus(server: HttpServer, deps: StatusRouteDeps): void {
  const base = (deps.base ?? '/status').replace(/\/+$/, '');
  const bodies = new Map<string, Body>();
  let bodiesVersion = '';
  const cacheControl = deps.maxAgeSeconds && deps.maxAgeSeconds > 0 ? `public, max-age=${Math.floor(deps.maxAgeSeconds)}` : 'public, no-cache';

  const pageUrl = (req: HttpRequest) => {
    if (deps.publicUrl) return deps.publicUrl.replace(/\/+$/, '');
    const host = typeof req.headers.host === 'string' && /^[\w.:[\]-]+$/.test(req.headers.host) ? req.headers.host : 'localhost';
    return `http://${host}${base}`;
  };

  const body = (summary: StatusSummary, variant: Variant, lang: Lang, url: string): Body => {
    if (summary.version !== bodiesVersion) {
      bodies.clear();
      bodiesVersion = summary.version;
    }
    const key = `${variant}:${lang}:${url}`;
    let found = bodies.get(key);
    if (!found) {
      // Bounded: the key holds the Host a client sent (for the feeds' links).
      if (bodies.size >= MAX_BODIES) bodies.clear();
      const feed: FeedOptions = { pageUrl: url, tagAuthority: deps.tagAuthority };
      const text =
        variant === 'page'
          ? renderStatusPage(summary, lang, { base })
          : variant === 'ics'
            ? renderCalendar(summary, lang, feed)
            : variant === 'atom'
              ? renderAtom(summary, lang, feed)
              : JSON.stringify(summaryJson(summary));
      const plain = Buffer.from(text, 'utf8');
      found = { plain, gzip: plain.length > 1024 ? gzipSync(plain) : null };
      bodies.set(key, found);
    }
    return found;
  };

  const handler =
    (variant: Variant) =>
    async (req: HttpRequest, res: ServerResponse): Promise<void> => {
      const summary = await deps.summary.current();
      const { lang, explicit } = variant === 'json' ? { lang: DEFAULT_LANG, explicit: true } : negotiateLang(req.query, req.headers['accept-language']);
      const found = body(summary, variant, lang, pageUrl(req));
      const gzip = found.gzip !== null && acceptsGzip(req.headers['accept-encoding']);
      const etag = `"${summary.version}-${variant}-${lang}${gzip ? '-gz' : ''}"`;
      const headers: Record<string, string> = {
        etag,
        'last-modified': new Date(summary.lastModified).toUTCString(),
        'cache-control': cacheControl,
        vary: explicit ? 'Accept-Encoding' : 'Accept-Language, Accept-Encoding',
        'x-content-type-options': 'nosniff',
      };
      if (variant === 'page') {
        headers['content-security-policy'] = PAGE_CSP;
        headers['referrer-policy'] = 'no-referrer';
        headers['content-language'] = lang;
      }
      if (variant === 'json') headers['access-control-allow-origin'] = '*';
      if (notModified(req, etag, summary.lastModified)) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const payload = gzip ? found.gzip! : found.plain;
      headers['content-type'] = TYPES[variant];
      headers['content-length'] = String(payload.length);
      if (gzip) headers['content-encoding'] = 'gzip';
      if (variant === 'ics') headers['content-disposition'] = 'inline; filename="ssbtek-windows.ics"';
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : payload);
    };

  server.route('GET', base, handler('page'));
  server.route('GET', `${base}/windows.ics`, handler('ics'));
  server.route('GET', `${base}/feed.atom`, handler('atom'));
  server.route('GET', `${base}/api/summary.json`, handler('json'));
}

/** If-None-Match wins (weak comparison); else If-Modified-Since at one-second resolution. */
function notModified(req: HttpRequest, etag: string, lastModified: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    const strip = (t: string) => t.trim().replace(/^W\//, '');
    return inm.split(',').some((t) => t.trim() === '*' || strip(t) === etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return Number.isFinite(since) && Math.floor(lastModified / 1000) * 1000 <= since;
  }
  return false;
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip') return false;
    const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)).find(Boolean);
    return !q || Number(q[1]) > 0;
  });
}
