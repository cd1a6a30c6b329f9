// The incident lifecycle (4.3) as one table: for each status, which actions a person may
// take and the status each leads to, and which role an action needs. The services
// enforce it, the conversation refuses with it, and every card renderer asks it which
// buttons to show; no other file decides it. Pure: no I/O, no clock.

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * What a person can do to an incident. `open` creates one (it has no status before);
 * `snooze` pauses its reminders, `priority` sets a new Påverkan/Tidpunkt and `note` adds
 * a line to its timeline (a remark, a monitoring alert that fired again), all three
 * leaving the status as it is.
 */
export const LIFECYCLE_ACTIONS = ['open', 'ack', 'resolve', 'reopen', 'priority', 'close', 'snooze', 'note'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

/** Who may take an action: anyone, or a manager (incidentansvarig). */
export type Role = 'anyone' | 'manager';

/** The actions that need a manager when roles are configured. */
export type ManagerAction = 'resolve' | 'priority' | 'close' | 'reopen';

const ROLE: Record<LifecycleAction, Role> = {
  open: 'anyone',
  ack: 'anyone',
  snooze: 'anyone',
  note: 'anyone',
  resolve: 'manager',
  priority: 'manager',
  reopen: 'manager',
  close: 'manager',
};

/**
 * status → action → the status it leads to. An action missing from a status's row is
 * refused in that status.
 *
 * - Resolving an incident nobody acknowledged also starts it (its response is met then),
 *   so a reopened incident is always back in work: acknowledged, never open.
 * - A resolved incident can still get a new priority (a wrong one would misstate the
 *   report), a closed one cannot change at all.
 * - Only open and acknowledged incidents have deadlines running, so only they have
 *   reminders to snooze.
 * - A note changes nothing but the timeline, so it is taken in every status (an alert
 *   may fire again after an incident was closed).
 */
const TRANSITIONS: Record<IncidentStatus, Partial<Record<Exclude<LifecycleAction, 'open'>, IncidentStatus>>> = {
  open: { ack: 'acknowledged', resolve: 'resolved', priority: 'open', snooze: 'open', note: 'open' },
  acknowledged: { resolve: 'resolved', priority: 'acknowledged', snooze: 'acknowledged', note: 'acknowledged' },
  resolved: { reopen: 'acknowledged', priority: 'resolved', close: 'closed', note: 'resolved' },
  closed: { note: 'closed' },
};

/** The status a new incident starts in. */
export const INITIAL_STATUS: IncidentStatus = 'open';

/** The actions allowed in `status`, in the table's order (the order buttons are shown). */
export function allowedActions(status: IncidentStatus): LifecycleAction[] {
  const row = TRANSITIONS[status];
  return LIFECYCLE_ACTIONS.filter((a) => a !== 'open' && row[a] !== undefined);
}

/** Whether `action` is allowed in `status`. */
export function isAllowed(status: IncidentStatus, action: LifecycleAction): boolean {
  return action !== 'open' && TRANSITIONS[status][action] !== undefined;
}

/** The status `action` leads to from `status`, or null when it is not allowed there. */
export function nextStatus(status: IncidentStatus | null, action: LifecycleAction): IncidentStatus | null {
  if (action === 'open') return status === null ? INITIAL_STATUS : null;
  if (status === null) return null;
  return TRANSITIONS[status][action] ?? null;
}

/** The role `action` needs. */
export function roleFor(action: LifecycleAction): Role {
  return ROLE[action];
}

/** Whether the incident's deadlines still run (open or acknowledged): reminders, the open list. */
export function isActive(status: IncidentStatus): boolean {
  return isAllowed(status, 'snooze');
}

export function isIncidentStatus(value: unknown): value is IncidentStatus {
  return typeof value === 'string' && (INCIDENT_STATUSES as readonly string[]).includes(value);
}
