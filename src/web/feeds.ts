// The subscriptions: the service windows as iCalendar (ical-generator), the notices and
// window announcements as Atom (a small XML writer that escapes every value), and the
// summary as JSON for machines. All are built from the same cached summary, so none
// can disagree with the page or with what the bot says in chat.
import ical, { ICalCalendarMethod, ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import type { Lang } from '../i18n/index.js';
import { type PublicFormat, publicFormat } from './format.js';
import type { NoticeSummary, StatusSummary, WindowSummary } from './summary.js';

export interface FeedOptions {
  /** The absolute URL of the page (…/status), for links in the feeds. */
  pageUrl: string;
  /** Authority of the tag: URIs that identify the feed, its entries and calendar events. Default "ssbtek-status". */
  tagAuthority?: string;
  /** Most entries in the Atom feed. Default 100. */
  maxEntries?: number;
}

const DEFAULT_AUTHORITY = 'ssbtek-status';

/** The calendar UID of a window: the same for its whole life, so a move or cancellation updates the event. */
export function windowUid(ref: string, authority = DEFAULT_AUTHORITY): string {
  return `${ref.toLowerCase()}@${authority}`;
}

/**
 * One VEVENT per window (UTC times). SEQUENCE is the window's revision (one more for
 * each published move, extension or cancellation); a cancelled window stays in the
 * calendar with STATUS:CANCELLED so subscribers' copies are removed or marked.
 */
export function renderCalendar(summary: StatusSummary, lang: Lang, options: FeedOptions): string {
  const f = publicFormat(lang, summary.zone);
  const authority = options.tagAuthority ?? DEFAULT_AUTHORITY;
  const cal = ical({
    name: f.t('status.ics.name'),
    description: f.t('status.ics.description'),
    prodId: { company: 'SSBTEK', product: 'status', language: lang.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    url: options.pageUrl,
    ttl: 60 * 60,
  });
  for (const w of summary.calendar) {
    const cancelled = w.state === 'cancelled';
    const agencies = f.agencies(w.agencies);
    cal.createEvent({
      id: windowUid(w.ref, authority),
      start: new Date(w.start),
      end: new Date(w.end),
      summary: f.t(cancelled ? 'status.ics.cancelled' : 'status.ics.summary', { agencies }),
      description: [w.publicText, f.t(`status.windows.kind.${w.kind}`), w.baseServices.length ? f.join(w.baseServices) : null, w.ref]
        .filter(Boolean)
        .join('\n\n'),
      sequence: w.revision,
      status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      transparency: ICalEventTransparency.TRANSPARENT,
      stamp: new Date(w.updatedAt),
      lastModified: new Date(w.updatedAt),
      url: `${options.pageUrl}?lang=${lang}#${w.ref.toLowerCase()}`,
    });
  }
  return cal.toString();
}

/**
 * An Atom feed (RFC 4287): one entry per public notice text (the notice, each update,
 * the all-clear) and one per service window (its latest announcement: published, moved,
 * extended, cancelled or done), newest first.
 */
export function renderAtom(summary: StatusSummary, lang: Lang, options: FeedOptions): string {
  const f = publicFormat(lang, summary.zone);
  const authority = options.tagAuthority ?? DEFAULT_AUTHORITY;
  // A tag: URI (RFC 4151) minted once: the ids never change with the time of the request.
  const tag = (path: string) => `tag:${authority},2026:${path}`;
  const entries: Array<{ updated: number; order: number; xml: () => XmlNode }> = [];

  for (const n of summary.noticeHistory) {
    // Texts are newest first: counted from the oldest, a text's number never changes as updates follow.
    for (const [i, t] of n.texts.entries()) {
      const number = n.texts.length - i;
      entries.push({
        updated: t.at,
        order: entries.length,
        xml: () =>
          entry({
            id: tag(`notice/${encodeURIComponent(n.ref)}/${number}`),
            title: f.t(`status.feed.notice.${t.kind}`, { agencies: f.agencies(n.agencies) }),
            updated: t.at,
            published: t.at,
            link: `${options.pageUrl}?lang=${lang}#notices-h`,
            category: 'disturbance',
            text: noticeText(n, t.text, f),
          }),
      });
    }
  }
  for (const w of summary.calendar) {
    entries.push({
      updated: w.updatedAt,
      order: entries.length,
      xml: () =>
        entry({
          id: tag(`window/${encodeURIComponent(w.ref)}`),
          title: f.t(`status.feed.window.${w.lastChange}`, { span: f.span(w.start, w.end) }),
          updated: w.updatedAt,
          published: null,
          link: `${options.pageUrl}?lang=${lang}#${w.ref.toLowerCase()}`,
          category: 'service-window',
          text: windowText(w, f),
        }),
    });
  }
  // Newest first; texts of one instant keep the summary's order (newest first: the all-clear before the update it ends).
  entries.sort((a, b) => b.updated - a.updated || a.order - b.order);
  const kept = entries.slice(0, options.maxEntries ?? 100);
  const updated = Math.max(summary.lastModified, ...kept.map((e) => e.updated));
  const feed = el('feed', { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': lang }, [
    el('id', {}, [tag(`status/${lang}`)]),
    el('title', {}, [f.t('status.feed.title')]),
    el('subtitle', {}, [f.t('status.feed.subtitle')]),
    el('updated', {}, [iso(updated)]),
    el('author', {}, [el('name', {}, ['SSBTEK'])]),
    el('link', { rel: 'self', type: 'application/atom+xml', href: `${options.pageUrl}/feed.atom?lang=${lang}` }),
    el('link', { rel: 'alternate', type: 'text/html', href: `${options.pageUrl}?lang=${lang}` }),
    ...kept.map((e) => e.xml()),
  ]);
  return `<?xml version="1.0" encoding="utf-8"?>\n${serialize(feed)}\n`;
}

function entry(e: { id: string; title: string; updated: number; published: number | null; link: string; category: string; text: string }): XmlNode {
  return el('entry', {}, [
    el('id', {}, [e.id]),
    el('title', {}, [e.title]),
    el('updated', {}, [iso(e.updated)]),
    ...(e.published === null ? [] : [el('published', {}, [iso(e.published)])]),
    el('link', { rel: 'alternate', type: 'text/html', href: e.link }),
    el('category', { term: e.category }),
    el('content', { type: 'text' }, [e.text]),
  ]);
}

function noticeText(n: NoticeSummary, text: string, f: PublicFormat): string {
  const services = n.baseServices.length ? `\n\n${f.t('status.notices.baseServices', { services: f.join(n.baseServices) })}` : '';
  return `${text}${services}`;
}

function windowText(w: WindowSummary, f: PublicFormat): string {
  const lines = [f.span(w.start, w.end), f.agencies(w.agencies)];
  if (w.baseServices.length) lines.push(f.join(w.baseServices));
  lines.push(`${f.t(`status.windows.kind.${w.kind}`)} · ${f.t(`status.windows.state_${w.state}`)}`, '', w.publicText);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------
// A small XML writer: elements, attributes and text, every value escaped.

export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: ReadonlyArray<XmlNode | string>;
}

const NAME = /^[A-Za-z_][\w.:-]*$/;

export function el(name: string, attrs: Record<string, string> = {}, children: Array<XmlNode | string> = []): XmlNode {
  if (!NAME.test(name)) throw new TypeError(`not an XML name: ${name}`);
  for (const a of Object.keys(attrs)) if (!NAME.test(a)) throw new TypeError(`not an XML attribute name: ${a}`);
  return { name, attrs, children };
}

export function serialize(node: XmlNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  const inner = node.children.map((c) => (typeof c === 'string' ? escapeXml(c) : serialize(c))).join('');
  return `<${node.name}${attrs}>${inner}</${node.name}>`;
}

/** Escapes markup and drops the characters XML 1.0 cannot hold (C0 controls but tab, LF, CR; lone surrogates; U+FFFE/F). */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

/** The summary for machines: state per service, open notices, windows, availability; instants in ISO 8601 (UTC). */
export function summaryJson(s: StatusSummary): unknown {
  const t = (x: number | null) => (x === null ? null : iso(x));
  const windows = (list: readonly WindowSummary[]) =>
    list.map((w) => ({
      ref: w.ref,
      start: t(w.start),
      end: t(w.end),
      state: w.state,
      kind: w.kind,
      agencies: w.agencies,
      baseServices: w.baseServices,
      text: w.publicText,
      revision: w.revision,
      updatedAt: t(w.updatedAt),
    }));
  return {
    version: s.version,
    lastModified: t(s.lastModified),
    generatedAt: t(s.generatedAt),
    timezone: s.zone,
    overall: s.overall,
    services: s.services.map((x) => ({
      id: x.id,
      name: x.name,
      state: x.state,
      baseServices: x.baseServices,
      since: t(x.since),
      until: t(x.until),
      refs: x.refs,
    })),
    notices: s.notices.map((n) => ({
      ref: n.ref,
      agencies: n.agencies,
      baseServices: n.baseServices,
      openedAt: t(n.openedAt),
      texts: n.texts.map((x) => ({ at: t(x.at), kind: x.kind, text: x.text })),
    })),
    windows: { weeks: s.windows.weeks, upcoming: windows(s.windows.upcoming), recent: windows(s.windows.recent) },
    availability: {
      month: s.availability.month,
      share: s.availability.share,
      goal: s.availability.goal,
      met: s.availability.met,
      openingMinutes: s.availability.openingMinutes,
      downtimeMinutes: s.availability.downtimeMinutes,
      days: s.availability.days.map((d) => ({ date: d.date, openingMinutes: d.openingMinutes, downtimeMinutes: d.downtimeMinutes, share: d.share })),
    },
  };
}
