// Errors a person can act on. Each carries a message key (locales/*/errors.json) and
// the values the message needs; the conversation layer translates it. Anything else
// thrown below this layer is a fault: logged, never shown in chat.

export type UserErrorCode =
  | 'incident.notFound'
  | 'incident.badId'
  | 'incident.transition'
  | 'incident.conflict'
  | 'incident.reasonRequired'
  | 'incident.noteRequired'
  | 'incident.samePriority'
  | 'incident.titleRequired'
  | 'incident.titleTooLong'
  | 'incident.textTooLong'
  | 'agency.unknown'
  | 'level.invalid'
  | 'permission.denied'
  | 'reminder.snoozeMinutes'
  | 'reminder.nothingToSnooze';

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`${code} ${JSON.stringify(params)}`);
    this.name = 'UserError';
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;
