// What the commands print: pure functions from domain results to text or JSON, in the
// reader's language. Instants are shown in the contract's time zone; JSON carries
// them in UTC (isoUtc).
import type { Contract, Priority, TargetPair } from '../config/contract.js';
import type { CaseRef, Deadlines } from '../domain/deadlines.js';
import type { Level, TimingSuggestion } from '../domain/priority.js';
import { timingReasonCore } from '../conversation/render.js';
import type { Translator } from '../i18n/index.js';
import { formatInstant, formatTarget, priorityName } from '../i18n/format.js';
import { isoUtc } from './instant.js';

/** "Hög (Påverkan 1: Totalt avbrott …, Tidpunkt 2: Under öppettid …)". */
export function renderPriority(tr: Translator, impact: Level, timing: Level, priority: Priority): string {
  return tr.t('cli.priority.result', {
    priority: priorityName(tr, priority),
    impactLabel: tr.t('common.impact.label'),
    impact,
    impactText: tr.t(`common.impact.${impact}`),
    timingLabel: tr.t('common.timing.label'),
    timing,
    timingText: tr.t(`common.timing.${timing}`),
  });
}

export function priorityJson(impact: Level, timing: Level, priority: Priority) {
  return { priority, impact, timing };
}

/** The suggested Tidpunkt, when it was received, why, and when it was judged if later. */
export function renderTiming(tr: Translator, contract: Contract, s: TimingSuggestion, receivedAt: number): string {
  const zone = contract.timezone;
  const lines = [
    tr.t('cli.timing.result', { label: tr.t('common.timing.label'), timing: s.timing, text: tr.t(`common.timing.${s.timing}`) }),
    tr.t('cli.timing.received', { at: formatInstant(tr, receivedAt, zone) }),
    tr.t('cli.timing.reason', { reason: timingReasonCore(tr, contract, s) }),
  ];
  if (s.outsideOpeningHours) {
    lines.push(tr.t('cli.timing.note', { note: tr.t('common.timingReason.outsideOpeningHours', { at: formatInstant(tr, s.evaluatedAt, zone) }) }));
  }
  return lines.join('\n');
}

export function timingJson(s: TimingSuggestion, receivedAt: number) {
  return {
    timing: s.timing,
    reason: s.reason,
    received: isoUtc(receivedAt),
    evaluatedAt: isoUtc(s.evaluatedAt),
    outsideOpeningHours: s.outsideOpeningHours,
  };
}

export interface DeadlineView {
  readonly ref: CaseRef;
  readonly org: string;
  readonly receivedAt: number;
  readonly deadlines: Deadlines;
  readonly targets: TargetPair;
}

/** Both deadlines as a small table, in the contract's time zone. */
export function renderDeadlines(tr: Translator, contract: Contract, v: DeadlineView): string {
  const zone = contract.timezone;
  const agencyName = contract.agencies.find((a) => a.id === v.org)?.name ?? v.org;
  const kind = tr.t(`common.kind.${v.ref.kind}`);
  const heading =
    v.ref.kind === 'order'
      ? tr.t('cli.deadlines.headingOrder', { kind, type: tr.t(`common.orderType.${v.ref.type}`), org: agencyName })
      : tr.t('cli.deadlines.headingPriority', { kind, priority: priorityName(tr, v.ref.priority), org: agencyName });
  const due = (at: number | null, target: TargetPair['response']) =>
    at === null || target === null
      ? tr.t('common.deadline.none')
      : tr.t('cli.deadlines.due', { at: formatInstant(tr, at, zone), target: formatTarget(tr, target) });
  const rows: Array<[string, string]> = [[tr.t('cli.deadlines.received'), formatInstant(tr, v.receivedAt, zone)]];
  if (v.deadlines.clockStart !== v.receivedAt) rows.push([tr.t('common.deadline.clockStart'), formatInstant(tr, v.deadlines.clockStart, zone)]);
  rows.push([tr.t('common.deadline.response'), due(v.deadlines.response, v.targets.response)]);
  rows.push([tr.t('common.deadline.resolution'), due(v.deadlines.resolution, v.targets.resolution)]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return [heading, ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)}  ${value}`), tr.t('cli.deadlines.zone', { zone })].join('\n');
}

/** The machine form: instants in UTC (ISO 8601 with milliseconds), response null for orders. */
export function deadlinesJson(v: DeadlineView, contractVersion: string) {
  const what = v.ref.kind === 'order' ? { type: v.ref.type } : { priority: v.ref.priority };
  return {
    response: v.deadlines.response === null ? null : isoUtc(v.deadlines.response),
    resolution: isoUtc(v.deadlines.resolution),
    clockStart: isoUtc(v.deadlines.clockStart),
    opened: isoUtc(v.receivedAt),
    kind: v.ref.kind,
    ...what,
    org: v.org,
    targets: v.targets,
    contractVersion,
  };
}
