// Public facts for the status page tests: windows, notices and outages as the routine
// publishes them, at instants in Stockholm time.
import { DateTime } from 'luxon';
import type { PublicNotice, PublicOutage, PublicWindow } from '../../src/web/source.js';

/** Epoch ms of a Stockholm wall time, e.g. at('2026-11-30T10:00'). */
export const at = (local: string) => DateTime.fromISO(local, { zone: 'Europe/Stockholm' }).toMillis();

export function windowFact(ref: string, start: string, end: string, more: Partial<PublicWindow> = {}): PublicWindow {
  return {
    ref,
    start: at(start),
    end: at(end),
    status: 'planned',
    kind: 'normal',
    agencies: ['skatteverket'],
    baseServices: ['Inkomstuppgifter'],
    publicText: `Skatteverkets bastjänst uppdateras (${ref}).`,
    revision: 0,
    publishedAt: at('2026-10-01T10:00'),
    updatedAt: at('2026-10-01T10:00'),
    lastChange: 'published',
    ...more,
  };
}

export function noticeFact(
  ref: string,
  opened: string,
  texts: Array<[string, PublicNotice['texts'][number]['kind'], string]>,
  more: Partial<PublicNotice> = {},
): PublicNotice {
  return {
    ref,
    agencies: ['forsakringskassan'],
    baseServices: [],
    openedAt: at(opened),
    closedAt: null,
    texts: texts.map(([when, kind, text]) => ({ at: at(when), kind, text })),
    ...more,
  };
}

export function outageFact(ref: string, start: string, end: string | null, more: Partial<PublicOutage> = {}): PublicOutage {
  return { ref, start: at(start), end: end === null ? null : at(end), agencies: [], baseServices: [], planned: false, state: 'down', ...more };
}
