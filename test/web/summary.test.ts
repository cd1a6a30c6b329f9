// The status summary: what the public page says now, from the published facts only,
// and its cache (same version while nothing changes, rebuilt on every change hook and
// when a window starts or ends).
import { describe, expect, it } from 'vitest';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { MemoryStatusSource } from '../../src/web/source.js';
import { type ServiceState, SummaryService } from '../../src/web/summary.js';
import { at, noticeFact, outageFact, windowFact } from './fixtures.js';

const contract = buildContract();
const calendar = new BusinessCalendar(contract);

function setup(now: number, source = new MemoryStatusSource()) {
  const clock = { t: now };
  const hooks: Array<() => void> = [];
  const summary = new SummaryService({ source, contract, calendar, now: () => clock.t, changeHooks: [(l) => hooks.push(l)] });
  return {
    clock,
    source,
    summary,
    fireHook: () => {
      for (const l of hooks) l();
    },
  };
}

const stateOf = (services: ReadonlyArray<{ id: string; state: ServiceState }>) => Object.fromEntries(services.map((s) => [s.id, s.state]));

describe('state now per agency', () => {
  it('every base service is in operation when nothing is published', async () => {
    const { summary } = setup(at('2026-11-30T10:00'));
    const s = await summary.current();
    expect(s.overall).toBe('operational');
    expect(s.services.map((x) => x.name)).toEqual(contract.agencies.map((a) => a.name));
    expect(new Set(s.services.map((x) => x.state))).toEqual(new Set(['operational']));
  });

  it('a window in progress on Saturday 03:00 shows Skatteverket in a service window until 06:00, the others in operation', async () => {
    const source = new MemoryStatusSource({ windows: [windowFact('WIN-1', '2026-12-05T02:00', '2026-12-05T06:00')] });
    const { summary } = setup(at('2026-12-05T03:00'), source);
    const s = await summary.current();
    expect(stateOf(s.services)).toMatchObject({ skatteverket: 'window', forsakringskassan: 'operational', csn: 'operational' });
    const skv = s.services.find((x) => x.id === 'skatteverket')!;
    expect(skv).toMatchObject({ since: at('2026-12-05T02:00'), until: at('2026-12-05T06:00'), refs: ['WIN-1'], baseServices: ['Inkomstuppgifter'] });
    expect(s.overall).toBe('window');
    expect(s.windows.upcoming.map((w) => [w.ref, w.state])).toEqual([['WIN-1', 'in-progress']]);
  });

  it('a window with no agencies named takes the whole flow: every agency is in a service window', async () => {
    const source = new MemoryStatusSource({ windows: [windowFact('WIN-2', '2026-12-05T02:00', '2026-12-05T06:00', { agencies: [] })] });
    const { summary } = setup(at('2026-12-05T02:00'), source);
    const s = await summary.current();
    expect(new Set(s.services.map((x) => x.state))).toEqual(new Set(['window']));
  });

  it('an open disturbance notice marks its agency disturbed; an unplanned outage wins over it; a cancelled window changes nothing', async () => {
    const source = new MemoryStatusSource({
      notices: [noticeFact('INC-4', '2026-11-30T09:00', [['2026-11-30T09:05', 'notice', 'Svaren dröjer.']], { agencies: ['forsakringskassan', 'csn'] })],
      outages: [outageFact('OUT-1', '2026-11-30T09:30', '2026-11-30T11:00', { agencies: ['csn'] })],
      windows: [windowFact('WIN-3', '2026-11-30T09:00', '2026-11-30T12:00', { status: 'cancelled', agencies: ['pensionsmyndigheten'] })],
    });
    const { summary } = setup(at('2026-11-30T10:00'), source);
    const s = await summary.current();
    expect(stateOf(s.services)).toMatchObject({
      forsakringskassan: 'disturbance',
      csn: 'outage',
      pensionsmyndigheten: 'operational',
      skatteverket: 'operational',
    });
    expect(s.overall).toBe('outage');
    expect(s.notices.map((n) => n.ref)).toEqual(['INC-4']);
  });

  it('a "disturbed" outage (answers from 3 or more agencies) is a disturbance, not an outage', async () => {
    const source = new MemoryStatusSource({ outages: [outageFact('OUT-2', '2026-11-30T09:30', '2026-11-30T11:00', { state: 'disturbed' })] });
    const { summary } = setup(at('2026-11-30T10:00'), source);
    expect(new Set((await summary.current()).services.map((x) => x.state))).toEqual(new Set(['disturbance']));
  });

  it('a notice that got its all-clear is no longer shown, and the agency is back in operation', async () => {
    const notice = noticeFact('INC-5', '2026-11-30T09:00', [
      ['2026-11-30T09:05', 'notice', 'Svaren dröjer.'],
      ['2026-11-30T09:50', 'all-clear', 'Svaren dröjer.'],
    ]);
    const { summary } = setup(at('2026-11-30T10:00'), new MemoryStatusSource({ notices: [{ ...notice, closedAt: at('2026-11-30T09:50') }] }));
    const s = await summary.current();
    expect(s.notices).toEqual([]);
    expect(stateOf(s.services).forsakringskassan).toBe('operational');
    expect(s.noticeHistory.map((n) => n.ref)).toEqual(['INC-5']);
  });

  it('notice texts are newest first', async () => {
    const notice = noticeFact('INC-6', '2026-11-30T09:00', [
      ['2026-11-30T09:05', 'notice', 'Första'],
      ['2026-11-30T09:45', 'update', 'Andra'],
    ]);
    const { summary } = setup(at('2026-11-30T10:00'), new MemoryStatusSource({ notices: [notice] }));
    expect((await summary.current()).notices[0]!.texts.map((t) => t.text)).toEqual(['Andra', 'Första']);
  });
});

describe('windows listed', () => {
  it('the next 8 weeks are listed by start (a cancelled one marked), later ones are not; finished ones within 7 days are listed newest first', async () => {
    const source = new MemoryStatusSource({
      windows: [
        windowFact('WIN-10', '2027-01-23T02:00', '2027-01-23T06:00'), // within 8 weeks of 2026-11-30
        windowFact('WIN-11', '2027-01-30T02:00', '2027-01-30T06:00'), // beyond
        windowFact('WIN-12', '2026-12-05T02:00', '2026-12-05T06:00', { status: 'cancelled' }),
        windowFact('WIN-13', '2026-11-28T02:00', '2026-11-28T06:00', { status: 'done' }),
        windowFact('WIN-14', '2026-11-21T02:00', '2026-11-21T06:00', { status: 'done' }), // 9 days ago
        windowFact('WIN-15', '2026-11-29T02:00', '2026-11-29T06:00'), // ended without "done"
      ],
    });
    const { summary } = setup(at('2026-11-30T10:00'), source);
    const s = await summary.current();
    expect(s.windows.upcoming.map((w) => [w.ref, w.state])).toEqual([
      ['WIN-12', 'cancelled'],
      ['WIN-10', 'planned'],
    ]);
    expect(s.windows.recent.map((w) => [w.ref, w.state])).toEqual([
      ['WIN-15', 'ended'],
      ['WIN-13', 'done'],
    ]);
    // The calendar keeps all of them (the cancelled one too, for subscribers).
    expect(s.calendar.map((w) => w.ref)).toEqual(['WIN-14', 'WIN-13', 'WIN-15', 'WIN-12', 'WIN-10', 'WIN-11']);
  });
});

describe('availability during opening hours', () => {
  it('90 days ending today; a 90-minute outage on a Friday is 450 of 540 minutes; weekends are closed', async () => {
    const source = new MemoryStatusSource({ outages: [outageFact('OUT-3', '2026-11-20T09:00', '2026-11-20T10:30')] });
    const { summary } = setup(at('2026-11-30T10:00'), source);
    const { availability: a } = await summary.current();
    expect(a.days).toHaveLength(90);
    expect(a.days.at(-1)).toMatchObject({ date: '2026-11-30', openingMinutes: 120, downtimeMinutes: 0, share: 1 });
    expect(a.days.find((d) => d.date === '2026-11-20')).toMatchObject({ openingMinutes: 540, downtimeMinutes: 90, share: 450 / 540 });
    expect(a.days.find((d) => d.date === '2026-11-21')).toMatchObject({ openingMinutes: 0, share: null });
    // November 2026 up to Monday the 30th 10:00: 20 whole working days and 120 minutes.
    expect(a.month).toBe('2026-11');
    expect(a.openingMinutes).toBe(20 * 540 + 120);
    expect(a.downtimeMinutes).toBe(90);
    expect(a.goal).toBe(contract.availability.minShare);
    expect(a.share).toBeCloseTo(1 - 90 / (20 * 540 + 120), 10);
    expect(a.met).toBe(true);
  });

  it('planned outages and "disturbed" ones are not downtime; time outside opening hours is not either', async () => {
    const source = new MemoryStatusSource({
      outages: [
        outageFact('OUT-4', '2026-11-24T09:00', '2026-11-24T12:00', { planned: true }),
        outageFact('OUT-5', '2026-11-25T09:00', '2026-11-25T12:00', { state: 'disturbed' }),
        outageFact('OUT-6', '2026-11-26T17:00', '2026-11-27T08:30'),
      ],
    });
    const { summary } = setup(at('2026-11-30T10:00'), source);
    const a = (await summary.current()).availability;
    expect(a.days.filter((d) => d.downtimeMinutes > 0).map((d) => [d.date, d.downtimeMinutes])).toEqual([['2026-11-27', 30]]);
    expect(a.downtimeMinutes).toBe(30);
  });

  it('a month below the 98 % goal says so', async () => {
    const source = new MemoryStatusSource({ outages: [outageFact('OUT-7', '2026-11-02T08:00', '2026-11-04T17:00')] });
    const { summary } = setup(at('2026-11-30T10:00'), source);
    const a = (await summary.current()).availability;
    expect(a.downtimeMinutes).toBe(3 * 540);
    expect(a.met).toBe(false);
  });
});

describe('the cache', () => {
  it('serves the same summary while nothing changes, and a new version after a change hook fires', async () => {
    const { summary, source, fireHook, clock } = setup(at('2026-11-30T10:00'));
    const first = await summary.current();
    clock.t += 1000;
    expect(await summary.current()).toBe(first);
    // A change in the store that the hooks report: the next request sees it.
    (source as unknown as { facts: unknown }).facts = { ...source.current, windows: [windowFact('WIN-20', '2026-12-05T02:00', '2026-12-05T06:00')] };
    fireHook();
    const second = await summary.current();
    expect(second.version).not.toBe(first.version);
    expect(second.windows.upcoming.map((w) => w.ref)).toEqual(['WIN-20']);
    expect(second.lastModified).toBe(clock.t);
  });

  it('the source change signal rebuilds at once, and onUpdated tells the new version', async () => {
    const { summary, source } = setup(at('2026-11-30T10:00'));
    await summary.current();
    const seen: string[] = [];
    summary.onUpdated((s) => seen.push(s.windows.upcoming.map((w) => w.ref).join(',')));
    source.set({ windows: [windowFact('WIN-21', '2026-12-05T02:00', '2026-12-05T06:00')] });
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['WIN-21']);
    expect(summary.peek()!.windows.upcoming[0]!.ref).toBe('WIN-21');
  });

  it('the same facts give the same version (an ETag every replica agrees on)', async () => {
    const facts = { windows: [windowFact('WIN-22', '2026-12-05T02:00', '2026-12-05T06:00')] };
    const a = await setup(at('2026-11-30T10:00'), new MemoryStatusSource(facts)).summary.current();
    const b = await setup(at('2026-11-30T10:00'), new MemoryStatusSource(facts)).summary.current();
    expect(a.version).toBe(b.version);
    expect(a.lastModified).toBe(b.lastModified);
  });

  it('the state changes when the window starts, without any change hook', async () => {
    const source = new MemoryStatusSource({ windows: [windowFact('WIN-23', '2026-12-05T02:00', '2026-12-05T06:00')] });
    const { summary, clock } = setup(at('2026-12-05T01:59:59.900'), source);
    expect(stateOf((await summary.current()).services).skatteverket).toBe('operational');
    clock.t = at('2026-12-05T02:00');
    expect(stateOf((await summary.current()).services).skatteverket).toBe('window');
  });

  it('a failing store keeps the last summary', async () => {
    const source = new MemoryStatusSource();
    const errors: unknown[] = [];
    const clock = { t: at('2026-11-30T10:00') };
    const summary = new SummaryService({
      source,
      contract,
      calendar,
      now: () => clock.t,
      log: { error: (_m, e) => errors.push(e) },
      options: { refreshMs: 1000 },
    });
    const first = await summary.current();
    source.load = () => Promise.reject(new Error('store down'));
    clock.t += 5000;
    expect(await summary.current()).toBe(first);
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toHaveLength(1);
    // A change hook while the store is down: the request still gets the last summary.
    summary.changed();
    expect(await summary.current()).toBe(first);
  });

  it('the periodic look at the store (changes by other processes) serves the cached summary while it reads', async () => {
    const source = new MemoryStatusSource();
    const clock = { t: at('2026-11-30T10:00') };
    const summary = new SummaryService({ source, contract, calendar, now: () => clock.t, options: { refreshMs: 30_000 } });
    const first = await summary.current();
    // Another process planned a window: no hook fires here.
    (source as unknown as { facts: unknown }).facts = { ...source.current, windows: [windowFact('WIN-30', '2026-12-05T02:00', '2026-12-05T06:00')] };
    clock.t += 29_000;
    expect(await summary.current()).toBe(first);
    clock.t += 1_000;
    expect(await summary.current()).toBe(first);
    await new Promise((r) => setTimeout(r, 10));
    expect((await summary.current()).windows.upcoming.map((w) => w.ref)).toEqual(['WIN-30']);
  });
});
