// The reminder ladder: when the bot speaks about a deadline. Pure: given a target's
// start, its deadline, the ladder from the configuration and the time now, it lists
// the reminders still to come. The store keeps them as rows; the scheduler sends them.
import type { Contract, Contacts, EscalationLevels, Ladder, Priority, Span, Target } from '../config/contract.js';
import type { BusinessClock } from './calendar.js';

export type ReminderTarget = 'response' | 'resolution';
export type ReminderKind = 'warning' | 'breach' | 'repeat' | 'escalation' | 'snooze';

export interface PlannedReminder {
  target: ReminderTarget;
  kind: ReminderKind;
  /** Position in the ladder, unique per target and deadline. */
  seq: number;
  /** Escalation level to ping: 0 = the incident's own thread only, 1, 2. */
  level: 0 | 1 | 2;
  /** When it should go out (after holding for support hours). */
  dueAt: number;
  /** The deadline it speaks about. */
  deadlineAt: number;
}

export interface LadderInput {
  target: ReminderTarget;
  /** The target as configured (its clock decides how fractions and lead times count). */
  spec: Target;
  ladder: Ladder;
  /** When the target's clock started (receipt or next opening) and when it falls due. */
  clockStart: number;
  deadline: number;
  clock: BusinessClock;
  /** Hold messages due outside support hours until the next opening. */
  hold: boolean;
}

/** Every rung of one target's ladder, in time order, whatever the time now. */
export function ladderFor(input: LadderInput): PlannedReminder[] {
  const { target, spec, ladder, clockStart, deadline, clock } = input;
  const onSupportClock = spec.clock === 'support' && spec.unit !== 'calendarDays';
  const total = onSupportClock ? clock.between(clockStart, deadline) : deadline - clockStart;
  // `at(elapsed)`: the instant when `elapsed` of the target's own time has run.
  const at = (elapsed: number) => (onSupportClock ? clock.add(clockStart, elapsed) : clockStart + elapsed);
  // After the breach, repeats and escalation keep to support hours when held there;
  // otherwise they run on the wall clock (e.g. through the night for Kritisk).
  const after = (from: number, span: number) => (onSupportClock && input.hold ? clock.add(from, span) : from + span);
  const hold = (t: number) => (input.hold && onSupportClock ? holdForSupportHours(clock, t) : t);

  const warnings = new Set<number>();
  for (const f of ladder.warnAtFractions) warnings.add(at(total * f));
  for (const lead of ladder.warnBefore) {
    const ms = spanMs(lead);
    if (ms < total) warnings.add(at(total - ms));
  }
  const rungs: PlannedReminder[] = [...warnings]
    .filter((t) => t > clockStart && t < deadline)
    .sort((a, b) => a - b)
    .map((t) => ({ target, kind: 'warning' as const, level: 0 as const, dueAt: hold(t), deadlineAt: deadline, seq: 0 }));
  if (ladder.breach) rungs.push({ target, kind: 'breach', level: 1, dueAt: hold(deadline), deadlineAt: deadline, seq: 0 });
  if (ladder.repeatEvery) {
    const every = spanMs(ladder.repeatEvery);
    for (let k = 1; k <= ladder.repeatMax; k++)
      rungs.push({ target, kind: 'repeat', level: 1, dueAt: hold(after(deadline, k * every)), deadlineAt: deadline, seq: 0 });
  }
  if (ladder.escalateAfter)
    rungs.push({ target, kind: 'escalation', level: 2, dueAt: hold(after(deadline, spanMs(ladder.escalateAfter))), deadlineAt: deadline, seq: 0 });
  rungs.sort((a, b) => a.dueAt - b.dueAt || order(a.kind) - order(b.kind));
  return rungs.map((r, i) => ({ ...r, seq: i + 1 }));
}

/**
 * The rungs still worth sending at `now`: future ones, plus — when the deadline has
 * already passed — the latest breach-side rung that is due (so a deadline that broke
 * while nobody was told is told once, now, instead of replaying the whole ladder).
 */
export function pendingFrom(rungs: PlannedReminder[], now: number): PlannedReminder[] {
  const future = rungs.filter((r) => r.dueAt > now);
  const overdue = rungs.filter((r) => r.dueAt <= now && r.kind !== 'warning');
  const latest = overdue.at(-1);
  return latest ? [{ ...latest, dueAt: now }, ...future] : future;
}

/**
 * Rungs due at once, in due order, per subject and target: after downtime several rungs of
 * one ladder may be due together, and only the latest is worth saying; the older ones are
 * superseded. `keyOf` names the subject and target of a row.
 */
export function latestDue<T>(due: readonly T[], keyOf: (row: T) => string): { latest: T[]; superseded: T[] } {
  const groups = new Map<string, T[]>();
  for (const row of due) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const latest: T[] = [];
  const superseded: T[] = [];
  for (const group of groups.values()) {
    latest.push(group[group.length - 1]!);
    superseded.push(...group.slice(0, -1));
  }
  return { latest, superseded };
}

/** Inside support hours (closing time itself included) or else the next opening. */
export function holdForSupportHours(clock: BusinessClock, t: number): number {
  const day = clock.dayAt(t);
  if (day.openMs !== null && t >= day.openMs && t <= day.closeMs!) return t;
  return clock.nextOpening(t);
}

/**
 * The contacts to ping for an incident (or a case) at an escalation level. Level 2 adds its
 * people to level 1's (the first line stays in the loop); its channel wins.
 */
export function contactsFor(contract: Contract, agencyId: string, priority: Priority | null, level: 1 | 2): Contacts {
  const agency = contract.escalation.agencies[agencyId];
  // Without a priority (an order) the agency's default contacts answer.
  const levels: EscalationLevels = (priority === null ? undefined : agency?.[priority]) ?? agency?.default ?? contract.escalation.default;
  if (level === 1) return levels.level1;
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
  const [one, two] = [levels.level1, levels.level2];
  const slackChannel = two.slack.channel ?? one.slack.channel;
  const teamsChannel = two.teams.channel ?? one.teams.channel;
  return {
    slack: {
      users: union(one.slack.users, two.slack.users),
      groups: union(one.slack.groups, two.slack.groups),
      ...(slackChannel ? { channel: slackChannel } : {}),
    },
    teams: { users: union(one.teams.users, two.teams.users), ...(teamsChannel ? { channel: teamsChannel } : {}) },
  };
}

export function spanMs(span: Span): number {
  return span.amount * (span.unit === 'hours' ? 3_600_000 : 60_000);
}

function order(kind: ReminderKind): number {
  return ['warning', 'breach', 'repeat', 'escalation', 'snooze'].indexOf(kind);
}
