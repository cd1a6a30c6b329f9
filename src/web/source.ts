// What the public status page reads: the published facts of the information routine
// (service windows, disturbance notices with their public texts, outages, approved
// extra opening hours), already reduced to what may be shown to anyone.
//
// The page depends on this small interface, not on the routine's tables: the store
// implementation (store-source.ts) maps the routine's rows onto it, and tests may hand
// in facts directly. Nothing here may carry an incident's title or description, a
// person's name or any text that was not written for the public.

/** A service window as published (UC 4.6.1: the schedule of planned changes). */
export interface PublicWindow {
  /** Its public reference, e.g. "WIN-7"; stable for its whole life (the calendar UID). */
  readonly ref: string;
  /** The window in force: [start, end), epoch ms (an announced extension moves `end`). */
  readonly start: number;
  readonly end: number;
  /** The stored state; "in progress" is derived from the time. */
  readonly status: 'planned' | 'done' | 'cancelled';
  readonly kind: 'normal' | 'release' | 'emergency';
  /** Agency ids it touches; empty = every agency (the whole flow). */
  readonly agencies: readonly string[];
  /** Base services it takes down, as named by the planner; empty = all of the agencies'. */
  readonly baseServices: readonly string[];
  /** The text written for the public; never the internal description. */
  readonly publicText: string;
  /** 0 when published; one more for every published change (move, extension, cancellation). */
  readonly revision: number;
  readonly publishedAt: number;
  /** The last published change. */
  readonly updatedAt: number;
  /** What the last published change was. */
  readonly lastChange: 'published' | 'moved' | 'extended' | 'cancelled' | 'done';
}

/** One public text of a disturbance notice: the notice itself, an update, or the all-clear. */
export interface PublicNoticeText {
  readonly at: number;
  readonly kind: 'notice' | 'update' | 'all-clear';
  readonly text: string;
}

/** A disturbance notice (the routine, 6): only its public texts. */
export interface PublicNotice {
  /** Its public reference (never the internal title). */
  readonly ref: string;
  readonly agencies: readonly string[];
  readonly baseServices: readonly string[];
  readonly openedAt: number;
  /** When the disturbance ended (the all-clear, or its incident resolved), else null. */
  readonly closedAt: number | null;
  /** Oldest first. */
  readonly texts: readonly PublicNoticeText[];
}

/** A stop of the service (4.9.1), as the routine records it. */
export interface PublicOutage {
  readonly ref: string;
  readonly start: number;
  /** Null while it goes on. */
  readonly end: number | null;
  readonly agencies: readonly string[];
  readonly baseServices: readonly string[];
  readonly planned: boolean;
  /** "disturbed": answers from 3 or more agencies — available with disturbance, not downtime. */
  readonly state: 'down' | 'disturbed';
}

/** Approved extra opening hours (4.1.2): opening time outside the weekly hours. */
export interface PublicExtraOpening {
  readonly start: number;
  readonly end: number;
}

export interface StatusFacts {
  readonly windows: readonly PublicWindow[];
  readonly notices: readonly PublicNotice[];
  readonly outages: readonly PublicOutage[];
  readonly extraOpening: readonly PublicExtraOpening[];
}

/** What the summary asks for: every fact that touches [from, ∞). */
export interface StatusQuery {
  readonly now: number;
  /** Windows that end at or after this instant (and every later one). */
  readonly windowsFrom: number;
  /** Notices open at or after this instant (open ones always). */
  readonly noticesFrom: number;
  /** Outages and extra opening hours that end at or after this instant (or go on). */
  readonly outagesFrom: number;
}

export interface StatusSource {
  /** The facts for one summary: a few cheap queries. */
  load(query: StatusQuery): Promise<StatusFacts>;
  /** Tells `listener` after every committed change to these facts (in this process). */
  onChanged?(listener: () => void): void;
}

/** A source of fixed facts with a change signal (tests, benches, a static export). */
export class MemoryStatusSource implements StatusSource {
  private facts: StatusFacts = { windows: [], notices: [], outages: [], extraOpening: [] };
  private readonly listeners: Array<() => void> = [];

  constructor(facts?: Partial<StatusFacts>) {
    if (facts) this.facts = { ...this.facts, ...facts };
  }

  /** Replaces (part of) the facts and tells the listeners. */
  set(facts: Partial<StatusFacts>): void {
    this.facts = { ...this.facts, ...facts };
    for (const l of this.listeners) l();
  }

  get current(): StatusFacts {
    return this.facts;
  }

  async load(query: StatusQuery): Promise<StatusFacts> {
    const { windows, notices, outages, extraOpening } = this.facts;
    return {
      windows: windows.filter((w) => w.end >= query.windowsFrom),
      notices: notices.filter((n) => n.closedAt === null || n.closedAt >= query.noticesFrom),
      outages: outages.filter((o) => o.end === null || o.end >= query.outagesFrom),
      extraOpening: extraOpening.filter((x) => x.end >= query.outagesFrom),
    };
  }

  onChanged(listener: () => void): void {
    this.listeners.push(listener);
  }
}
