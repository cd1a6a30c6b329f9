// The status endpoints on the bot's HTTP server, from the store (the routine's tables):
// caching (ETag, Last-Modified, 304), language, the calendar parsed by ical.js (a moved
// window keeps its UID with a higher SEQUENCE, a cancelled one is STATUS:CANCELLED), the
// JSON for machines, and — above all — nothing private: incidents full of personnummer,
// names and internal titles never reach any public representation.

import { gunzipSync } from 'node:zlib';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { HttpServer } from '../../src/http/server.js';
import { type Actor, IncidentService } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { escapeXml } from '../../src/web/feeds.js';
import { mountStatus } from '../../src/web/http.js';
import { StoreStatusSource } from '../../src/web/store-source.js';
import { SummaryService } from '../../src/web/summary.js';
import { databases } from '../support/databases.js';
import { at } from './fixtures.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);
const anna: Actor = { id: 'anna.andersson', name: 'Anna Andersson', source: 'console' };

/** Everything that must never be public. */
const SECRETS = [
  '19121212-1212',
  '191212121212',
  '121212-1212',
  'Anna Andersson',
  'anna.andersson',
  'Bertil Berg',
  'db-prod-7',
  'INTERN',
  'raid-kontrollern',
  'Kalle Karlsson',
];

describe.each(databases)('status endpoints on the store ($name)', (target) => {
  let db: Database;
  let server: HttpServer;
  let base: string;
  let source: StoreStatusSource;
  const clock = { t: at('2026-11-30T10:00') };
  let windowId: number;
  let cancelledId: number;
  let seriousId: number;

  beforeAll(async () => {
    db = await target.open();
    const incidents = new IncidentService({ prisma: db.prisma, contract, calendar });
    // Incidents with internal titles full of personal data; one gets public notices.
    const serious = await incidents.open(
      {
        impact: 1,
        title: 'INTERN: db-prod-7 nere, Anna Andersson 19121212-1212 ringde',
        agencyId: 'forsakringskassan',
        description: 'Bertil Berg 191212121212 på raid-kontrollern',
      },
      anna,
      at('2026-11-30T09:00'),
    );
    await incidents.open({ impact: 4, title: 'Kalle Karlsson 121212-1212 får fel svar', agencyId: 'csn' }, anna, at('2026-11-30T09:10'));
    seriousId = serious.id;
    // Even a title stored unmasked (an old row) is never read.
    await db.prisma.incident.update({ where: { id: serious.id }, data: { title: 'INTERN db-prod-7 Anna Andersson 19121212-1212' } });
    await db.prisma.disturbanceNotice.createMany({
      data: [
        {
          incidentId: serious.id,
          seq: 1,
          kind: 'notice',
          publicText: 'Svar från Försäkringskassan dröjer eller uteblir.',
          author: 'anna.andersson',
          at: new Date(at('2026-11-30T09:15')),
        },
        {
          incidentId: serious.id,
          seq: 2,
          kind: 'update',
          publicText: 'Felsökning pågår; nästa besked kl. 11.',
          author: 'anna.andersson',
          at: new Date(at('2026-11-30T09:45')),
        },
      ],
    });
    const window = await db.prisma.serviceWindow.create({
      data: {
        startAt: new Date(at('2026-12-05T02:00')),
        endAt: new Date(at('2026-12-05T06:00')),
        plannedEndAt: new Date(at('2026-12-05T06:00')),
        services: ['Inkomstuppgifter'],
        agencies: ['skatteverket'],
        description: 'INTERN: byt raid-kontrollern på db-prod-7 (Bertil Berg)',
        publicText: 'Skatteverkets bastjänst uppdateras. Inga svar från Skatteverket under fönstret. Frågor: ring 19121212-1212.',
        kind: 'normal',
        status: 'planned',
        owner: 'anna.andersson',
        ownerSource: 'console',
        publishedAt: new Date(at('2026-10-30T10:00')),
      },
    });
    windowId = window.id;
    const cancelled = await db.prisma.serviceWindow.create({
      data: {
        startAt: new Date(at('2026-12-12T02:00')),
        endAt: new Date(at('2026-12-12T04:00')),
        plannedEndAt: new Date(at('2026-12-12T04:00')),
        agencies: [],
        description: 'INTERN',
        publicText: 'Hela flödet uppgraderas.',
        kind: 'release',
        status: 'planned',
        owner: 'Bertil Berg',
        ownerSource: 'console',
        publishedAt: new Date(at('2026-10-30T10:00')),
      },
    });
    cancelledId = cancelled.id;
    await db.prisma.outage.create({
      data: {
        startAt: new Date(at('2026-11-20T09:00')),
        endAt: new Date(at('2026-11-20T10:30')),
        kind: 'unplanned',
        cause: 'INTERN: db-prod-7, Anna Andersson 19121212-1212',
      },
    });

    source = new StoreStatusSource(db.prisma);
    const summary = new SummaryService({ source, contract, calendar, now: () => clock.t, changeHooks: [(l) => incidents.onCommitted(l)] });
    server = new HttpServer();
    mountStatus(server, { summary });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });

  it('nothing private reaches the page, the calendar, the feed or the JSON, in either language', async () => {
    const bodies: string[] = [];
    for (const path of [
      '/status',
      '/status?lang=en',
      '/status/windows.ics',
      '/status/windows.ics?lang=en',
      '/status/feed.atom',
      '/status/feed.atom?lang=en',
      '/status/api/summary.json',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      bodies.push(await res.text());
    }
    const all = bodies.join('\n');
    for (const secret of SECRETS) expect(all, secret).not.toContain(secret);
    // … while the public texts are there.
    expect(all).toContain('Svar från Försäkringskassan dröjer eller uteblir.');
    expect(all).toContain('Felsökning pågår; nästa besked kl. 11.');
    expect(all).toContain('Skatteverkets bastjänst uppdateras.');
    // A personnummer typed into a public text by mistake is masked; the titles are never read at all.
    expect(all).toContain('Frågor: ring [personnummer].');
  });

  it('the page: Swedish by default with the weekday in Stockholm time, English by ?lang=en or Accept-Language', async () => {
    const sv = await (await get('/status')).text();
    expect(sv).toMatch(/^<!doctype html><html lang="sv">/);
    expect(sv).toContain('lördag 5 december 2026 kl. 02:00');
    expect(sv).toContain('Störning');
    const en = await get('/status', { 'accept-language': 'en-GB,en;q=0.9,sv;q=0.5' });
    expect(en.headers.get('content-language')).toBe('en');
    expect(en.headers.get('vary')).toContain('Accept-Language');
    const enText = await en.text();
    expect(enText).toContain('<html lang="en">');
    expect(enText).toContain('Saturday 5 December 2026, 02:00');
    expect(await (await get('/status?lang=en', { 'accept-language': 'sv' })).text()).toContain('<html lang="en">');
    expect(await (await get('/status', { 'accept-language': 'de-DE,fr;q=0.8' })).text()).toContain('<html lang="sv">');
  });

  it('ETag and Last-Modified: a revalidation is a 304 until something changes; HEAD has the headers and no body', async () => {
    const first = await get('/status');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[\w-]+-page-sv(-gz)?"$/);
    expect(first.headers.get('cache-control')).toBe('public, no-cache');
    expect(first.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect((await get('/status', { 'if-none-match': etag })).status).toBe(304);
    expect((await get('/status', { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get('/status', { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get('/status', { 'if-none-match': '"other"' })).status).toBe(200);
    const head = await fetch(`${base}/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(await head.text()).toBe('');

    // A committed change (here: a notice update told through the source's signal) gives a new ETag at once.
    await db.prisma.disturbanceNotice.create({
      data: { incidentId: seriousId, seq: 3, kind: 'update', publicText: 'Orsaken är hittad.', author: 'x', at: new Date(clock.t) },
    });
    source.changed();
    const after = await get('/status', { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(await after.text()).toContain('Orsaken är hittad.');
  });

  it('gzip when the client accepts it, with its own ETag', async () => {
    const res = await fetch(`${base}/status`, { headers: { 'accept-encoding': 'gzip' } });
    // fetch decodes gzip itself; the raw length is smaller than the page.
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('etag')).toMatch(/-gz"$/);
    const raw = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get: httpGet }) =>
        httpGet(`${base}/status`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    expect(gunzipSync(raw).toString('utf8')).toMatch(/^<!doctype html>/);
  });

  it('the calendar: one event per window; a moved window keeps its UID with a higher SEQUENCE; a cancelled one is STATUS:CANCELLED', async () => {
    const parse = async () => {
      const res = await get('/status/windows.ics');
      expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      const cal = new ICAL.Component(ICAL.parse(await res.text()));
      return cal.getAllSubcomponents('vevent').map((v) => {
        const e = new ICAL.Event(v);
        return {
          uid: e.uid,
          sequence: e.sequence,
          start: e.startDate.toJSDate().getTime(),
          end: e.endDate.toJSDate().getTime(),
          status: v.getFirstPropertyValue('status'),
          summary: e.summary,
        };
      });
    };
    const before = await parse();
    expect(before).toHaveLength(2);
    const win = before.find((e) => e.uid === `win-${windowId}@ssbtek-status`)!;
    expect(win).toMatchObject({
      sequence: 0,
      start: at('2026-12-05T02:00'),
      end: at('2026-12-05T06:00'),
      status: 'CONFIRMED',
      summary: 'Servicefönster SSBTEK: Skatteverket',
    });

    // The routine moves the window a week (revision 2) and cancels the other.
    await db.prisma.serviceWindow.update({
      where: { id: windowId },
      data: { startAt: new Date(at('2026-12-12T02:00')), endAt: new Date(at('2026-12-12T06:00')), status: 'moved', revision: 2 },
    });
    await db.prisma.serviceWindow.update({ where: { id: cancelledId }, data: { status: 'cancelled', revision: 2 } });
    source.changed();
    const after = await parse();
    expect(after.map((e) => e.uid).sort()).toEqual(before.map((e) => e.uid).sort());
    expect(after.find((e) => e.uid === win.uid)).toMatchObject({ sequence: 1, start: at('2026-12-12T02:00'), status: 'CONFIRMED' });
    expect(after.find((e) => e.uid === `win-${cancelledId}@ssbtek-status`)).toMatchObject({ sequence: 1, status: 'CANCELLED' });
  });

  it('an announced extension moves the end in the calendar (SEQUENCE up again) and is told in the feed', async () => {
    const newEnd = at('2026-12-12T07:00');
    await db.prisma.serviceWindow.update({
      where: { id: windowId },
      data: { endAt: new Date(newEnd), revision: 3, extensions: [{ announcedAt: at('2026-12-12T05:30'), newEnd }] },
    });
    source.changed();
    const cal = new ICAL.Component(ICAL.parse(await (await get('/status/windows.ics')).text()));
    const event = cal
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v))
      .find((e) => e.uid === `win-${windowId}@ssbtek-status`)!;
    expect(event.sequence).toBe(2);
    expect(event.endDate.toJSDate().getTime()).toBe(newEnd);
    expect(await (await get('/status/feed.atom')).text()).toContain('<title>Servicefönster förlängt till lördag 12 december 2026 kl. 02:00 – 07:00</title>');
  });

  it('the JSON for machines: state per service, open notices, upcoming windows and availability, times in ISO 8601', async () => {
    const res = await get('/status/api/summary.json');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await res.json()) as {
      services: Array<{ id: string; state: string }>;
      notices: Array<{ ref: string; texts: Array<{ kind: string; text: string }> }>;
      windows: { upcoming: Array<{ ref: string; start: string; state: string }> };
      availability: { month: string; goal: number; days: unknown[] };
    };
    expect(body.services.find((s) => s.id === 'forsakringskassan')!.state).toBe('disturbance');
    expect(body.services.find((s) => s.id === 'csn')!.state).toBe('operational');
    expect(body.notices.map((n) => n.ref)).toEqual([`INC-${seriousId}`]);
    expect(body.windows.upcoming.map((w) => w.start)).toContain('2026-12-12T01:00:00.000Z');
    expect(body.availability).toMatchObject({ month: '2026-11', goal: contract.availability.minShare });
    expect(body.availability.days).toHaveLength(90);
  });

  it('a notice disappears when its incident is resolved (the all-clear), and stays in the feed', async () => {
    await db.prisma.disturbanceNotice.create({
      data: {
        incidentId: seriousId,
        seq: 4,
        kind: 'all-clear',
        publicText: 'Svar från Försäkringskassan dröjer eller uteblir.',
        author: 'ssbtek',
        at: new Date(clock.t),
      },
    });
    await db.prisma.incident.update({ where: { id: seriousId }, data: { status: 'resolved', resolvedAt: new Date(clock.t) } });
    source.changed();
    const json = (await (await get('/status/api/summary.json')).json()) as { notices: unknown[]; services: Array<{ id: string; state: string }> };
    expect(json.notices).toEqual([]);
    expect(json.services.find((s) => s.id === 'forsakringskassan')!.state).toBe('operational');
    const atom = await (await get('/status/feed.atom')).text();
    expect(atom).toContain('Störningen är över: Försäkringskassan');
  });
});

describe('the XML writer', () => {
  it('escapes markup and drops characters XML cannot hold', () => {
    expect(escapeXml(`<a href="x">&'\u0001\uFFFE</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  });
});
