// The status summary: everything the public page, the calendar, the feed and the JSON
// API show, computed once from the store and cached until something changes.
//
//   * the state now of each agency's base service: in operation, disturbance, outage or
//     service window (from the public facts only: outages, open disturbance notices,
//     windows in progress — never from an incident's internal fields);
//   * the open disturbance notices with their public updates;
//   * the service windows of the next weeks (8 by default) and those just finished;
//   * availability during opening hours per day for the last 90 days, and this month's
//     share against the contract's goal (computeCompliance, 4.9.1).
//
// The cache is rebuilt on every committed change (the change hooks it is given: the
// incident service's onCommitted, the routine's onChanged) and when the time passes a
// window's start or end or midnight; a request then waits for the new summary. Every
// refresh interval (30 s) the store is read again in the background while the cached
// summary is served, so changes made by another process arrive within it. Concurrent
// requests share one rebuild.
import { createHash } from 'node:crypto';
import type { Contract } from '../config/contract.js';
import type { BusinessCalendar, CalendarDay } from '../domain/calendar.js';
import { computeCompliance, type Interval, mergeIntervals, monthOf, type OutageFact } from '../domain/compliance.js';
import type { PublicExtraOpening, PublicNoticeText, PublicOutage, PublicWindow, StatusFacts, StatusSource } from './source.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export type ServiceState = 'operational' | 'disturbance' | 'window' | 'outage';
/** Worst first: the state shown when several apply. */
export const STATE_ORDER: readonly ServiceState[] = ['outage', 'window', 'disturbance', 'operational'];

export interface ServiceStatus {
  /** The agency id; its base service is what the row shows. */
  readonly id: string;
  readonly name: string;
  readonly state: ServiceState;
  /** Named base services affected now (empty: all of the agency's, or none affected). */
  readonly baseServices: readonly string[];
  /** When the shown state began (null when in operation). */
  readonly since: number | null;
  /** When a window in progress ends (null otherwise). */
  readonly until: number | null;
  /** The public references behind the state (WIN-n, notice and outage refs). */
  readonly refs: readonly string[];
}

export interface NoticeSummary {
  readonly ref: string;
  readonly agencies: readonly AgencyName[];
  readonly baseServices: readonly string[];
  readonly openedAt: number;
  readonly closedAt: number | null;
  /** Newest first. */
  readonly texts: readonly PublicNoticeText[];
}

export interface AgencyName {
  readonly id: string;
  readonly name: string;
}

export interface WindowSummary {
  readonly ref: string;
  readonly start: number;
  readonly end: number;
  /** Derived from the stored status and the time. */
  readonly state: 'planned' | 'in-progress' | 'done' | 'cancelled' | 'ended';
  readonly kind: PublicWindow['kind'];
  /** Empty = every agency. */
  readonly agencies: readonly AgencyName[];
  readonly baseServices: readonly string[];
  readonly publicText: string;
  readonly revision: number;
  readonly updatedAt: number;
  readonly lastChange: PublicWindow['lastChange'];
}

export interface DayAvailability {
  /** Local date, YYYY-MM-DD. */
  readonly date: string;
  /** Local midnight. */
  readonly start: number;
  /** Opening time of the day (up to now for today), minutes; 0 on a closed day. */
  readonly openingMinutes: number;
  readonly downtimeMinutes: number;
  /** Available / opening, null on a closed day. */
  readonly share: number | null;
}

export interface StatusSummary {
  /** A hash of the content: the ETag of every representation. */
  readonly version: string;
  /** The last time the content changed. */
  readonly lastModified: number;
  readonly generatedAt: number;
  readonly zone: string;
  /** The contract's opening hours (4.1.1), for the texts. */
  readonly openingHours: { readonly open: string; readonly close: string };
  readonly overall: ServiceState;
  readonly services: readonly ServiceStatus[];
  /** Open disturbance notices, newest first. */
  readonly notices: readonly NoticeSummary[];
  readonly windows: {
    readonly weeks: number;
    /** Not ended and starting within the horizon (cancelled ones included, marked), by start. */
    readonly upcoming: readonly WindowSummary[];
    /** Ended (or done) within the last `recentDays`, newest first. */
    readonly recent: readonly WindowSummary[];
    readonly recentDays: number;
  };
  readonly availability: {
    /** "YYYY-MM" */
    readonly month: string;
    readonly share: number | null;
    readonly goal: number;
    readonly met: boolean | null;
    readonly openingMinutes: number;
    readonly downtimeMinutes: number;
    /** Oldest first, ending today. */
    readonly days: readonly DayAvailability[];
  };
  /** For the calendar and the feed: every window that ended within `feedDays` or lies ahead, by start. */
  readonly calendar: readonly WindowSummary[];
  /** For the feed: every notice open within `feedDays`, newest first. */
  readonly noticeHistory: readonly NoticeSummary[];
}

export interface SummaryOptions {
  /** How far ahead planned windows are listed (weeks). Default 8. */
  upcomingWeeks?: number;
  /** How long finished windows stay listed (days). Default 7. */
  recentDays?: number;
  /** Days of availability shown. Default 90. */
  availabilityDays?: number;
  /** How far back the calendar and the feed reach (days). Default 90. */
  feedDays?: number;
  /** The longest a summary is served without looking at the store again (ms). Default 30 s. */
  refreshMs?: number;
}

/** Subscribes a listener to one kind of committed change (e.g. `(l) => incidents.onCommitted(l)`). */
export type ChangeHook = (listener: () => void) => void;

export interface SummaryDeps {
  source: StatusSource;
  contract: Contract;
  calendar: BusinessCalendar;
  now: () => number;
  /** Further change hooks besides the source's own (the incident service's onCommitted). */
  changeHooks?: readonly ChangeHook[];
  options?: SummaryOptions;
  log?: { error(msg: string, err?: unknown): void };
}

export class SummaryService {
  private cached: StatusSummary | null = null;
  /** The next instant the content changes by the time alone (a window starts or ends): rebuilt before answering. */
  private transitionAt = 0;
  /** When the store is looked at again without a change hook: rebuilt in the background. */
  private refreshAt = 0;
  private dirty = true;
  private building: Promise<StatusSummary> | null = null;
  /** A change arrived during a build: build again after it. */
  private again = false;
  private readonly listeners: Array<(summary: StatusSummary) => void> = [];
  private readonly options: Required<SummaryOptions>;

  constructor(private readonly deps: SummaryDeps) {
    this.options = {
      upcomingWeeks: deps.options?.upcomingWeeks ?? 8,
      recentDays: deps.options?.recentDays ?? 7,
      availabilityDays: deps.options?.availabilityDays ?? 90,
      feedDays: deps.options?.feedDays ?? 90,
      refreshMs: deps.options?.refreshMs ?? 30_000,
    };
    const changed = () => this.changed();
    deps.source.onChanged?.(changed);
    for (const hook of deps.changeHooks ?? []) hook(changed);
  }

  /** The summary for now: the cached one while nothing changed, else a fresh one. */
  async current(): Promise<StatusSummary> {
    // A change is being taken in: answer with what it brings, never the summary before it.
    if (this.building) return this.building;
    const now = this.deps.now();
    if (this.cached && !this.dirty && now < this.transitionAt) {
      // The periodic look at the store (changes made by other processes): served stale
      // while it runs, so no request waits for it.
      if (now >= this.refreshAt) this.rebuild().catch(() => {});
      return this.cached;
    }
    return this.rebuild();
  }

  /** The last summary built, if any (never waits). */
  peek(): StatusSummary | null {
    return this.cached;
  }

  /** Marks the summary stale and rebuilds it at once (a burst of changes shares rebuilds). */
  changed(): void {
    this.dirty = true;
    if (this.building) {
      this.again = true;
      return;
    }
    this.rebuild().catch(() => {
      // logged in rebuild; the next request tries again
    });
  }

  /** Tells `listener` each time a rebuilt summary has a new version. */
  onUpdated(listener: (summary: StatusSummary) => void): void {
    this.listeners.push(listener);
  }

  private rebuild(): Promise<StatusSummary> {
    this.building ??= (async () => {
      try {
        let summary: StatusSummary;
        do {
          this.again = false;
          this.dirty = false;
          summary = await this.build();
        } while (this.again);
        return summary;
      } catch (err) {
        this.dirty = true;
        this.deps.log?.error('status: the summary could not be built', err);
        if (this.cached) return this.cached;
        throw err;
      } finally {
        this.building = null;
      }
    })();
    return this.building;
  }

  private async build(): Promise<StatusSummary> {
    const now = this.deps.now();
    const { calendar } = this.deps;
    const o = this.options;
    const today = calendar.opening.dayAt(now);
    const firstDay = calendar.opening.day(today.index - (o.availabilityDays - 1));
    const monthStart = calendar.local(now).startOf('month').toMillis();
    const facts = await this.deps.source.load({
      now,
      windowsFrom: now - Math.max(o.feedDays, o.recentDays) * DAY_MS,
      noticesFrom: now - o.feedDays * DAY_MS,
      outagesFrom: Math.min(firstDay.startMs, monthStart),
    });
    const previous = this.cached;
    const content = summarize(facts, now, this.deps.contract, calendar, o);
    const version = createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 27);
    const lastModified = previous?.version === version ? previous.lastModified : previous ? now : latestFact(facts, now);
    const summary: StatusSummary = { version, lastModified, generatedAt: now, ...content };
    this.cached = summary;
    this.refreshAt = now + o.refreshMs;
    // The local day rolls over at midnight (the 90 days move on): a transition too.
    this.transitionAt = Math.min(nextTransition(facts.windows, now), calendar.opening.day(today.index + 1).startMs);
    if (previous?.version !== version) {
      for (const l of this.listeners) {
        try {
          l(summary);
        } catch (err) {
          this.deps.log?.error('status: a summary listener failed', err);
        }
      }
    }
    return summary;
  }
}

type Content = Omit<StatusSummary, 'version' | 'lastModified' | 'generatedAt'>;

/** The summary's content for the facts at `now` (pure). */
export function summarize(facts: StatusFacts, now: number, contract: Contract, calendar: BusinessCalendar, o: Required<SummaryOptions>): Content {
  const names = new Map(contract.agencies.map((a) => [a.id, a.name]));
  const agencyNames = (ids: readonly string[]): AgencyName[] => ids.map((id) => ({ id, name: names.get(id) ?? id }));

  const windows = [...facts.windows].sort((a, b) => a.start - b.start || compareRef(a.ref, b.ref)).map((w) => windowSummary(w, now, agencyNames));
  const notices = [...facts.notices]
    .sort((a, b) => b.openedAt - a.openedAt || compareRef(a.ref, b.ref))
    .map(
      (n): NoticeSummary => ({
        ref: n.ref,
        agencies: agencyNames(n.agencies),
        baseServices: [...n.baseServices],
        openedAt: n.openedAt,
        closedAt: n.closedAt !== null && n.closedAt <= now ? n.closedAt : null,
        // Newest first; texts of one instant by their order of writing, the later first.
        texts: [...n.texts]
          .filter((t) => t.at <= now)
          .sort((a, b) => a.at - b.at)
          .reverse(),
      }),
    );
  const openNotices = notices.filter((n) => n.closedAt === null && n.texts.length > 0);

  const services = contract.agencies.map((agency) => serviceStatus(agency.id, agency.name, facts, openNotices, now));
  const overall = STATE_ORDER.find((s) => services.some((x) => x.state === s)) ?? 'operational';

  const horizon = now + o.upcomingWeeks * 7 * DAY_MS;
  const upcoming = windows.filter((w) => w.state !== 'done' && w.end > now && w.start < horizon);
  const recentFrom = now - o.recentDays * DAY_MS;
  const recent = windows
    .filter((w) => (w.state === 'done' || w.state === 'ended') && w.end > recentFrom)
    .sort((a, b) => b.end - a.end || compareRef(a.ref, b.ref));

  return {
    zone: contract.timezone,
    openingHours: { open: contract.openingHours.open, close: contract.openingHours.close },
    overall,
    services,
    notices: openNotices,
    windows: { weeks: o.upcomingWeeks, upcoming, recent, recentDays: o.recentDays },
    availability: availability(facts, now, calendar, o.availabilityDays),
    calendar: windows,
    noticeHistory: notices.filter((n) => n.texts.length > 0),
  };
}

// ---------------------------------------------------------------------------------

function windowSummary(w: PublicWindow, now: number, agencyNames: (ids: readonly string[]) => AgencyName[]): WindowSummary {
  const state: WindowSummary['state'] =
    w.status === 'cancelled' ? 'cancelled' : w.status === 'done' ? 'done' : now >= w.end ? 'ended' : now >= w.start ? 'in-progress' : 'planned';
  return {
    ref: w.ref,
    start: w.start,
    end: w.end,
    state,
    kind: w.kind,
    agencies: agencyNames(w.agencies),
    baseServices: [...w.baseServices],
    publicText: w.publicText,
    revision: w.revision,
    updatedAt: w.updatedAt,
    lastChange: w.lastChange,
  };
}

function serviceStatus(id: string, name: string, facts: StatusFacts, openNotices: readonly NoticeSummary[], now: number): ServiceStatus {
  const touches = (agencies: readonly string[] | readonly AgencyName[]) =>
    agencies.length === 0 || agencies.some((a) => (typeof a === 'string' ? a : a.id) === id);
  const outages = facts.outages.filter((x) => x.start <= now && (x.end === null || x.end > now) && touches(x.agencies));
  const down = outages.filter((x) => x.state === 'down');
  const disturbed = outages.filter((x) => x.state === 'disturbed');
  const windows = facts.windows.filter((w) => w.status === 'planned' && w.start <= now && now < w.end && touches(w.agencies));
  const notices = openNotices.filter((n) => touches(n.agencies));

  const pick = <T extends { ref: string; baseServices: readonly string[] }>(
    state: ServiceState,
    items: readonly T[],
    since: (x: T) => number,
    until: number | null,
  ): ServiceStatus => ({
    id,
    name,
    state,
    baseServices: union(items.flatMap((x) => x.baseServices)),
    since: Math.min(...items.map(since)),
    until,
    refs: items.map((x) => x.ref),
  });
  if (down.length) return pick('outage', down, (x) => x.start, null);
  if (windows.length) return pick('window', windows, (x) => x.start, Math.max(...windows.map((w) => w.end)));
  if (notices.length || disturbed.length) {
    const items = [...notices.map((n) => ({ ref: n.ref, baseServices: n.baseServices, start: n.openedAt })), ...disturbed];
    return pick('disturbance', items, (x) => x.start, null);
  }
  return { id, name, state: 'operational', baseServices: [], since: null, until: null, refs: [] };
}

function availability(facts: StatusFacts, now: number, calendar: BusinessCalendar, dayCount: number): StatusSummary['availability'] {
  const opening = calendar.opening;
  const today = opening.dayAt(now);
  const down = mergeIntervals(
    facts.outages
      .filter((x) => !x.planned && x.state === 'down')
      .map((x): Interval => [x.start, Math.min(x.end ?? now, now)])
      .filter(([s, e]) => e > s),
  );
  const extra = facts.extraOpening;
  const days: DayAvailability[] = [];
  for (let i = today.index - (dayCount - 1); i <= today.index; i++) {
    const day = opening.day(i);
    const open = openingOfDay(day, opening.day(i + 1).startMs, Math.min(now, opening.day(i + 1).startMs), extra);
    const openMs = total(open);
    const downMs = overlap(open, down);
    const openingMinutes = Math.round(openMs / MINUTE_MS);
    const downtimeMinutes = Math.round(downMs / MINUTE_MS);
    days.push({ date: day.date, start: day.startMs, openingMinutes, downtimeMinutes, share: openMs > 0 ? (openMs - downMs) / openMs : null });
  }
  const month = monthOf(calendar.contract.timezone, now);
  const c = computeCompliance(calendar, {
    month,
    now,
    cases: [],
    outages: facts.outages.map(outageFact),
    extraOpening: extra.map((x) => ({ start: x.start, end: x.end })),
  });
  return {
    month,
    share: c.availability.share,
    goal: c.availability.goal,
    met: c.availability.met,
    openingMinutes: c.availability.openingMinutes,
    downtimeMinutes: c.availability.downtimeMinutes,
    days,
  };
}

function outageFact(x: PublicOutage): OutageFact {
  return {
    ref: x.ref,
    start: x.start,
    end: x.end,
    agencies: x.agencies,
    baseServices: x.baseServices,
    cause: null,
    actionPlan: null,
    planned: x.planned,
    state: x.state,
  };
}

/** The day's opening time up to `until`: its weekly hours plus approved extra hours. */
function openingOfDay(day: CalendarDay, dayEnd: number, until: number, extra: readonly PublicExtraOpening[]): Interval[] {
  const out: Interval[] = [];
  if (day.openMs !== null && day.closeMs !== null) {
    const e = Math.min(day.closeMs, until);
    if (e > day.openMs) out.push([day.openMs, e]);
  }
  for (const x of extra) {
    const s = Math.max(x.start, day.startMs);
    const e = Math.min(x.end, dayEnd, until);
    if (e > s) out.push([s, e]);
  }
  return mergeIntervals(out);
}

/** The first instant after `now` at which a window starts or ends (the state changes then). */
function nextTransition(windows: readonly PublicWindow[], now: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const w of windows) {
    if (w.status === 'cancelled') continue;
    if (w.start > now && w.start < next) next = w.start;
    if (w.end > now && w.end < next) next = w.end;
  }
  return next;
}

/** The latest instant at or before `now` that any fact records (the first summary's Last-Modified). */
function latestFact(facts: StatusFacts, now: number): number {
  let latest = 0;
  const see = (t: number | null) => {
    if (t !== null && t <= now && t > latest) latest = t;
  };
  for (const w of facts.windows) {
    see(w.updatedAt);
    see(w.start);
    see(w.end);
  }
  for (const n of facts.notices) {
    see(n.openedAt);
    see(n.closedAt);
    for (const t of n.texts) see(t.at);
  }
  for (const x of facts.outages) {
    see(x.start);
    see(x.end);
  }
  return latest || now;
}

function union(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Length of the intersection of a short sorted list with a sorted, disjoint list. */
function overlap(a: Interval[], b: Interval[]): number {
  let sum = 0;
  for (const [s0, e0] of a) {
    for (const [s1, e1] of b) {
      if (s1 >= e0) break;
      const s = Math.max(s0, s1);
      const e = Math.min(e0, e1);
      if (e > s) sum += e - s;
    }
  }
  return sum;
}

function total(intervals: Interval[]): number {
  let sum = 0;
  for (const [s, e] of intervals) sum += e - s;
  return sum;
}

function compareRef(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
