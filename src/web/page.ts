// GET /status: the public status page, rendered on the server from the summary
// (preact + htm + preact-render-to-string: every value is escaped by the renderer; no
// HTML is built by string concatenation). It needs no JavaScript and loads nothing
// else: the style sheet is inline.
//
// Accessibility (WCAG 2.1 AA, the Swedish accessibility act for public digital
// services): one <main> with a skip link, a heading per section, `lang` on the page and
// on the other language's link, tables with captions and header cells, every state told
// in text and by an icon's shape besides its colour, contrast of at least 4.5:1 for
// text, a visible focus ring, and a layout that reflows to one column on a phone and
// at 400 % zoom.

import { html as htmPreact } from 'htm/preact';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { formatDuration } from '../i18n/format.js';
import type { Lang } from '../i18n/index.js';
import { type PublicFormat, publicFormat } from './format.js';
import type { DayAvailability, NoticeSummary, ServiceState, ServiceStatus, StatusSummary, WindowSummary } from './summary.js';

// htm's tagged templates bound to preact's h(): attributes and text are values, never markup.
const html = htmPreact as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

export interface PageLinks {
  /** The page's own path ("/status"); the feeds live below it. */
  base: string;
}

/** The whole document, `<!doctype html>` included. */
export function renderStatusPage(summary: StatusSummary, lang: Lang, links: PageLinks = { base: '/status' }): string {
  const f = publicFormat(lang, summary.zone);
  return `<!doctype html>${renderToString(page(summary, f, links))}`;
}

function page(s: StatusSummary, f: PublicFormat, links: PageLinks): VNode {
  const other: Lang = f.lang === 'sv' ? 'en' : 'sv';
  const base = links.base;
  return html`<html lang=${f.lang}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${f.t('status.title')}</title>
      <link rel="alternate" type="application/atom+xml" href=${`${base}/feed.atom?lang=${f.lang}`} title=${f.t('status.feed.title')} />
      <link rel="alternate" type="text/calendar" href=${`${base}/windows.ics?lang=${f.lang}`} title=${f.t('status.ics.name')} />
      <link rel="alternate" hreflang=${other} href=${`${base}?lang=${other}`} />
      <style dangerouslySetInnerHTML=${{ __html: CSS }}></style>
    </head>
    <body>
      <a class="skip" href="#main">${f.t('status.skip')}</a>
      <header class="top">
        <div class="wrap bar">
          <p class="brand">SSBTEK</p>
          <nav aria-label=${f.t('status.language.label')}>
            <a href=${`${base}?lang=${other}`} lang=${other} hreflang=${other}>${f.t('status.language.other')}</a>
          </nav>
        </div>
      </header>
      <main id="main" class="wrap" tabindex="-1">
        <h1>${f.t('status.title')}</h1>
        <p class="intro">${f.t('status.intro')}</p>
        <p class=${`overall s-${s.overall}`}>${icon(s.overall)}<span>${f.t(`status.overall.${s.overall}`)}</span></p>
        <p class="updated">${around(f.t('status.updated'), 'time', html`<time datetime=${f.iso(s.lastModified)}>${f.dateTime(s.lastModified)}</time>`)} ${f.t('status.zone')}</p>
        ${nowSection(s, f)} ${noticesSection(s, f)} ${windowsSection(s, f)} ${availabilitySection(s, f)}
        <section aria-labelledby="subscribe-h">
          <h2 id="subscribe-h">${f.t('status.subscribe.heading')}</h2>
          <ul class="links">
            <li><a href=${`${base}/windows.ics?lang=${f.lang}`}>${f.t('status.subscribe.ics')}</a></li>
            <li><a href=${`${base}/feed.atom?lang=${f.lang}`}>${f.t('status.subscribe.atom')}</a></li>
            <li><a href=${`${base}/api/summary.json`}>${f.t('status.subscribe.json')}</a></li>
          </ul>
        </section>
      </main>
      <footer class="wrap foot"><p>${f.t('status.footer')}</p></footer>
    </body>
  </html>`;
}

function nowSection(s: StatusSummary, f: PublicFormat): VNode {
  return html`<section aria-labelledby="now-h">
    <h2 id="now-h">${f.t('status.now.heading')}</h2>
    <table class="stack">
      <caption>${f.t('status.now.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">${f.t('status.now.service')}</th>
          <th scope="col">${f.t('status.now.state')}</th>
          <th scope="col">${f.t('status.now.detail')}</th>
        </tr>
      </thead>
      <tbody>
        ${s.services.map(
          (x) => html`<tr key=${x.id}>
            <th scope="row">${x.name}</th>
            <td data-label=${f.t('status.now.state')}>${badge(x.state, f)}</td>
            <td data-label=${f.t('status.now.detail')}>${serviceDetail(x, f)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

function serviceDetail(x: ServiceStatus, f: PublicFormat): string {
  if (x.state === 'operational') return f.t('status.now.none');
  const parts: string[] = [];
  if (x.since !== null) parts.push(f.t('status.now.since', { time: f.dateTime(x.since) }));
  if (x.until !== null) parts.push(f.t('status.now.until', { time: f.dateTime(x.until) }));
  if (x.baseServices.length) parts.push(f.t('status.now.services', { services: f.join(x.baseServices) }));
  return parts.join(', ');
}

function noticesSection(s: StatusSummary, f: PublicFormat): VNode {
  return html`<section aria-labelledby="notices-h">
    <h2 id="notices-h">${f.t('status.notices.heading')}</h2>
    ${s.notices.length === 0 ? html`<p>${f.t('status.notices.none')}</p>` : s.notices.map((n) => notice(n, f))}
  </section>`;
}

function notice(n: NoticeSummary, f: PublicFormat): VNode {
  return html`<article class="notice" key=${n.ref} aria-labelledby=${`notice-${slug(n.ref)}`}>
    <h3 id=${`notice-${slug(n.ref)}`}>${icon('disturbance')}<span>${f.t('status.notices.noticeHeading', { agencies: f.agencies(n.agencies) })}</span></h3>
    <p class="meta">${f.t('status.notices.published', { time: f.dateTime(n.openedAt) })}${n.baseServices.length ? ` · ${f.t('status.notices.baseServices', { services: f.join(n.baseServices) })}` : ''}</p>
    <ol class="texts">
      ${n.texts.map(
        (t) => html`<li key=${`${t.at}-${t.kind}`}>
          <p class="meta"><strong>${f.t(`status.notices.kind.${t.kind}`)}</strong>, <time datetime=${f.iso(t.at)}>${f.dateTime(t.at)}</time></p>
          <p class="text">${t.text}</p>
        </li>`,
      )}
    </ol>
  </article>`;
}

function windowsSection(s: StatusSummary, f: PublicFormat): VNode {
  const { weeks, recentDays } = s.windows;
  return html`<section aria-labelledby="windows-h">
    <h2 id="windows-h">${f.t('status.windows.heading')}</h2>
    <p>${f.t('status.windows.intro', { weeks, hours: f.t('status.windows.openingHours', s.openingHours) })}</p>
    ${s.windows.upcoming.length === 0 ? html`<p>${f.t('status.windows.none', { weeks })}</p>` : windowTable(s.windows.upcoming, f.t('status.windows.caption', { weeks }), f)}
    <h3>${f.t('status.windows.recentHeading')}</h3>
    ${
      s.windows.recent.length === 0
        ? html`<p>${f.t('status.windows.recentNone', { days: recentDays })}</p>`
        : windowTable(s.windows.recent, f.t('status.windows.recentCaption', { days: recentDays }), f)
    }
  </section>`;
}

function windowTable(windows: readonly WindowSummary[], caption: string, f: PublicFormat): VNode {
  return html`<table class="stack windows">
    <caption>${caption}</caption>
    <thead>
      <tr>
        <th scope="col">${f.t('status.windows.when')}</th>
        <th scope="col">${f.t('status.windows.affected')}</th>
        <th scope="col">${f.t('status.windows.what')}</th>
        <th scope="col">${f.t('status.windows.state')}</th>
      </tr>
    </thead>
    <tbody>
      ${windows.map(
        (w) => html`<tr key=${w.ref} id=${slug(w.ref)} class=${w.state === 'cancelled' ? 'cancelled' : ''}>
          <th scope="row">
            <span class="ref">${w.ref}</span>
            <span class="when"><time datetime=${f.iso(w.start)}>${f.dateTime(w.start)}</time> – <time datetime=${f.iso(w.end)}>${f.spanEnd(w.start, w.end)}</time></span>
          </th>
          <td data-label=${f.t('status.windows.affected')}>${f.agencies(w.agencies)}${w.baseServices.length ? html`<br />${f.join(w.baseServices)}` : ''}</td>
          <td data-label=${f.t('status.windows.what')}>
            <p class="text">${w.publicText}</p>
            <p class="meta">${f.t(`status.windows.kind.${w.kind}`)}${w.revision > 0 ? ` · ${f.t('status.windows.changed', { time: f.dateTime(w.updatedAt) })}` : ''}</p>
          </td>
          <td data-label=${f.t('status.windows.state')}>${windowBadge(w.state, f)}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

function availabilitySection(s: StatusSummary, f: PublicFormat): VNode {
  const a = s.availability;
  const days = a.days;
  const closed = days.filter((d) => d.share === null).length;
  const partial = days.filter((d) => d.share !== null && d.downtimeMinutes > 0).length;
  const full = days.length - closed - partial;
  const goal = f.share(a.goal);
  return html`<section aria-labelledby="availability-h">
    <h2 id="availability-h">${f.t('status.availability.heading')}</h2>
    ${
      a.share === null
        ? html`<p>${f.t('status.availability.monthNone', { month: f.month(a.month), goal })}</p>`
        : html`<p class="month">
          ${f.t('status.availability.month', { month: f.month(a.month), share: f.share(a.share), goal })}
          ${' '}<span class=${`goal ${a.met ? 'met' : 'missed'}`}>${icon(a.met ? 'operational' : 'outage')}<span>${f.t(a.met ? 'status.availability.met' : 'status.availability.notMet')}</span></span>
        </p>`
    }
    <p>${f.t('status.availability.downtime', { duration: formatDuration(f.tr, a.downtimeMinutes * 60_000) })}</p>
    <h3>${f.t('status.availability.daysHeading', { days: days.length })}</h3>
    <div class="chart" role="img" aria-label=${f.t('status.availability.chart', { days: days.length, full, partial, closed })}>
      ${days.map((d) => html`<span key=${d.date} class=${`day ${dayClass(d)}`} style=${d.share !== null && d.downtimeMinutes > 0 ? `height:${Math.max(15, Math.round(d.share * 100))}%` : undefined}></span>`)}
    </div>
    <ul class="legend">
      <li><span class="day full"></span>${f.t('status.availability.legendFull')}</li>
      <li><span class="day partial"></span>${f.t('status.availability.legendPartial')}</li>
      <li><span class="day closed"></span>${f.t('status.availability.legendClosed')}</li>
    </ul>
    <details>
      <summary>${f.t('status.availability.tableSummary')}</summary>
      <table class="days">
        <caption>${f.t('status.availability.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">${f.t('status.availability.date')}</th>
            <th scope="col">${f.t('status.availability.opening')}</th>
            <th scope="col">${f.t('status.availability.downtimeCol')}</th>
            <th scope="col">${f.t('status.availability.share')}</th>
          </tr>
        </thead>
        <tbody>
          ${[...days].reverse().map(
            (d) => html`<tr key=${d.date}>
              <th scope="row"><time datetime=${d.date}>${f.dayShort(d.start)}</time></th>
              <td>${d.share === null ? f.t('status.availability.closed') : f.t('status.availability.minutes', { minutes: d.openingMinutes })}</td>
              <td>${d.share === null ? '–' : f.t('status.availability.minutes', { minutes: d.downtimeMinutes })}</td>
              <td>${d.share === null ? '–' : f.share(d.share)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </section>`;
}

function dayClass(d: DayAvailability): string {
  return d.share === null ? 'closed' : d.downtimeMinutes > 0 ? 'partial' : 'full';
}

function badge(state: ServiceState, f: PublicFormat): VNode {
  return html`<span class=${`badge s-${state}`}>${icon(state)}<span>${f.t(`status.state.${state}`)}</span></span>`;
}

function windowBadge(state: WindowSummary['state'], f: PublicFormat): VNode {
  const look: ServiceState = state === 'in-progress' ? 'window' : state === 'cancelled' ? 'outage' : 'operational';
  return html`<span class=${`badge w-${state}`}>${icon(look, state)}<span>${f.t(`status.windows.state_${state}`)}</span></span>`;
}

/** An icon whose shape tells the state (never colour alone); decorative, the text beside it says it. */
function icon(state: ServiceState, variant?: WindowSummary['state']): VNode {
  const shape = variant === 'planned' ? CLOCK : variant === 'done' || variant === 'ended' ? CHECK : variant === 'cancelled' ? CROSS : SHAPES[state];
  return html`<svg class="icon" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">${shape}</svg>`;
}

const CHECK = html`<circle cx="10" cy="10" r="9" fill="currentColor" /><path d="M5.5 10.5l3 3 6-7" fill="none" stroke="#fff" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" />`;
const TRIANGLE = html`<path d="M10 1.5L19 18H1z" fill="currentColor" /><path d="M10 7v5.5" stroke="#fff" stroke-width="2.2" stroke-linecap="round" /><circle cx="10" cy="15.2" r="1.3" fill="#fff" />`;
const WRENCH = html`<rect x="1" y="1" width="18" height="18" rx="3" fill="currentColor" /><path d="M6 14l5-5m0 0a3 3 0 104-4l-2 2-1.5-.5L11 5l2-2a3 3 0 00-4 4" fill="none" stroke="#fff" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />`;
const CROSS = html`<path d="M6 1h8l5 5v8l-5 5H6l-5-5V6z" fill="currentColor" /><path d="M6.8 6.8l6.4 6.4m0-6.4l-6.4 6.4" stroke="#fff" stroke-width="2.2" stroke-linecap="round" />`;
const CLOCK = html`<circle cx="10" cy="10" r="9" fill="currentColor" /><path d="M10 5v5l3.5 2" fill="none" stroke="#fff" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />`;
const SHAPES: Record<ServiceState, VNode> = { operational: CHECK, disturbance: TRIANGLE, window: WRENCH, outage: CROSS };

/** A translated text with one {placeholder} replaced by an element (the translator leaves it in when given no values). */
function around(text: string, placeholder: string, node: VNode): Array<string | VNode> {
  const [before, ...after] = text.split(`{${placeholder}}`);
  return after.length === 0 ? [text] : [before ?? '', node, after.join(`{${placeholder}}`)];
}

function slug(ref: string): string {
  return ref.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

// Colours: text on white at least 4.5:1 (the darkest used, #5c3d00 and #0b5a27, are
// above 7:1); icons at least 3:1 against their background.
const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#fff}
.wrap{max-width:62rem;margin:0 auto;padding:0 1rem}
.skip{position:absolute;left:-10000px;top:0;background:#fff;color:#0b3d91;padding:.5rem 1rem;z-index:10}
.skip:focus{left:1rem;top:.5rem}
a{color:#0b3d91;text-underline-offset:.15em}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #0b3d91;outline-offset:2px;box-shadow:0 0 0 5px #fff}
main:focus{outline:none}
.top{background:#0b2545;color:#fff}
.top .bar{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;padding-top:.5rem;padding-bottom:.5rem}
.top a{color:#fff}
.top :focus-visible{outline-color:#fff;box-shadow:0 0 0 5px #0b2545}
.brand{margin:0;font-weight:700;letter-spacing:.05em}
h1{font-size:2rem;line-height:1.2;margin:1.5rem 0 .5rem}
h2{font-size:1.5rem;line-height:1.25;margin:2rem 0 .75rem;padding-top:1rem;border-top:1px solid #d0d4da}
h3{font-size:1.2rem;margin:1.5rem 0 .5rem}
.intro{max-width:48rem}
.updated,.meta{color:#4a4f57;font-size:.95rem}
.overall{display:flex;align-items:center;gap:.6rem;font-size:1.2rem;font-weight:600;padding:.8rem 1rem;border-radius:.4rem;border:2px solid currentColor;margin:1rem 0}
.icon{flex:none;width:1.25em;height:1.25em;vertical-align:-.25em}
.s-operational{color:#0b5a27;background:#eef7f1}
.s-disturbance{color:#5c3d00;background:#fdf4e3}
.s-window{color:#123f7a;background:#ecf2fb}
.s-outage{color:#8f0016;background:#fcebed}
.w-planned{color:#123f7a}
.w-in-progress{color:#123f7a;background:#ecf2fb}
.w-done,.w-ended{color:#0b5a27}
.w-cancelled{color:#8f0016}
.badge{display:inline-flex;align-items:center;gap:.4rem;font-weight:600;padding:.15rem .5rem;border-radius:.3rem;white-space:nowrap}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.25rem 0;color:#1b1b1b}
th,td{text-align:left;vertical-align:top;padding:.5rem .6rem;border-bottom:1px solid #d0d4da}
thead th{border-bottom:2px solid #1b1b1b}
tbody th{font-weight:600}
.ref{display:block;font-weight:700}
.when{display:block;font-weight:400}
.text{white-space:pre-line;margin:0 0 .25rem}
tr.cancelled .text,tr.cancelled .when{text-decoration:line-through}
.notice{border:2px solid #5c3d00;border-left-width:.5rem;border-radius:.4rem;padding:.5rem 1rem;margin:1rem 0;background:#fffdf8}
.notice h3{display:flex;gap:.5rem;align-items:center;margin:.5rem 0;color:#5c3d00}
.texts{list-style:none;margin:0;padding:0}
.texts li{border-top:1px solid #e2d6bf;padding:.5rem 0}
.texts .meta{margin:0}
.goal{display:inline-flex;gap:.35rem;align-items:center;font-weight:700;white-space:nowrap}
.goal.met{color:#0b5a27}
.goal.missed{color:#8f0016}
.chart{display:flex;align-items:flex-end;gap:2px;height:3rem;margin:.5rem 0;padding:2px;border:1px solid #8a9099;border-radius:.25rem}
.chart .day{flex:1 1 0;min-width:1px}
.day{display:inline-block;height:100%}
.day.full{background:#1e7a3c}
.day.partial{background:repeating-linear-gradient(45deg,#a3001b 0 3px,#fff 3px 5px);border:1px solid #a3001b}
.day.closed{height:30%;background:#767676}
.legend{list-style:none;padding:0;margin:.25rem 0 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem}
.legend li{display:flex;align-items:center;gap:.4rem}
.legend .day{width:1rem;height:1rem}
.legend .day.closed{height:.5rem}
details{margin:.5rem 0 1rem}
summary{cursor:pointer;color:#0b3d91;text-decoration:underline;padding:.25rem 0}
.links{padding-left:1.2rem}
.links li{margin:.35rem 0}
.foot{border-top:1px solid #d0d4da;margin-top:2rem;padding-top:.5rem;padding-bottom:2rem;color:#4a4f57}
@media (max-width:40em){
  h1{font-size:1.6rem}
  table.stack,table.stack thead,table.stack tbody,table.stack tr,table.stack th,table.stack td{display:block;width:100%}
  table.stack caption{display:block;width:100%}
  table.stack thead{position:absolute;left:-10000px}
  table.stack tr{border:1px solid #d0d4da;border-radius:.3rem;margin:0 0 .75rem;padding:.25rem 0}
  table.stack td,table.stack th{border:0;padding:.25rem .6rem}
  table.stack td::before{content:attr(data-label) ": ";font-weight:600;display:block;color:#4a4f57}
  .days th,.days td{padding:.35rem .3rem;font-size:.95rem}
}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
@media print{.skip,.top nav{display:none}}
`;
