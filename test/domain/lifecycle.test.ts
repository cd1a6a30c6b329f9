// The incident lifecycle (4.3) as one table: what can be done in each status, what it
// leads to, and who may do it.
import { describe, expect, it } from 'vitest';
import { allowedActions, INCIDENT_STATUSES, isActive, isAllowed, LIFECYCLE_ACTIONS, nextStatus, roleFor } from '../../src/domain/lifecycle.js';

describe('the incident lifecycle', () => {
  it('an open incident can be acknowledged, resolved, reprioritised and snoozed, not reopened or closed', () => {
    expect(allowedActions('open')).toEqual(['ack', 'resolve', 'priority', 'snooze', 'note']);
    expect(nextStatus('open', 'ack')).toBe('acknowledged');
    expect(nextStatus('open', 'resolve')).toBe('resolved');
    expect(nextStatus('open', 'close')).toBeNull();
    expect(nextStatus('open', 'reopen')).toBeNull();
  });

  it('an acknowledged incident is resolved next; it cannot be acknowledged twice', () => {
    expect(allowedActions('acknowledged')).toEqual(['resolve', 'priority', 'snooze', 'note']);
    expect(nextStatus('acknowledged', 'ack')).toBeNull();
  });

  it('a resolved incident is reopened (back in work) or closed, and can still get a new priority; its reminders are over', () => {
    expect(allowedActions('resolved')).toEqual(['reopen', 'priority', 'close', 'note']);
    expect(nextStatus('resolved', 'reopen')).toBe('acknowledged');
    expect(nextStatus('resolved', 'close')).toBe('closed');
    expect(isAllowed('resolved', 'snooze')).toBe(false);
  });

  it('a closed incident cannot change; only a note can still be added to its timeline', () => {
    expect(allowedActions('closed')).toEqual(['note']);
    for (const action of LIFECYCLE_ACTIONS.filter((a) => a !== 'note')) expect(nextStatus('closed', action)).toBeNull();
    expect(nextStatus('closed', 'note')).toBe('closed');
  });

  it('opening creates an open incident and is nothing else', () => {
    expect(nextStatus(null, 'open')).toBe('open');
    for (const status of INCIDENT_STATUSES) expect(nextStatus(status, 'open')).toBeNull();
    expect(nextStatus(null, 'ack')).toBeNull();
  });

  it('priority, snooze and a note leave the status as it is', () => {
    for (const status of ['open', 'acknowledged'] as const) {
      expect(nextStatus(status, 'priority')).toBe(status);
      expect(nextStatus(status, 'snooze')).toBe(status);
    }
    for (const status of INCIDENT_STATUSES) expect(nextStatus(status, 'note')).toBe(status);
  });

  it('resolving, reprioritising, reopening and closing need a manager; opening, acknowledging, snoozing and notes anyone', () => {
    expect(LIFECYCLE_ACTIONS.filter((a) => roleFor(a) === 'manager')).toEqual(['resolve', 'reopen', 'priority', 'close']);
    expect(LIFECYCLE_ACTIONS.filter((a) => roleFor(a) === 'anyone')).toEqual(['open', 'ack', 'snooze', 'note']);
  });

  it('deadlines run (reminders, the open list) only while open or acknowledged', () => {
    expect(INCIDENT_STATUSES.filter(isActive)).toEqual(['open', 'acknowledged']);
  });

  it('every allowed action leads to a status, and every action is refused somewhere or leads somewhere', () => {
    for (const status of INCIDENT_STATUSES) for (const action of allowedActions(status)) expect(INCIDENT_STATUSES).toContain(nextStatus(status, action));
  });
});
