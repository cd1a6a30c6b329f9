// The incident's vocabulary shared by the service, the conversation and every platform:
// who acts, what a change is, and the view a person is shown.
import type { Priority, Target } from '../config/contract.js';
import type { IncidentStatus } from '../domain/lifecycle.js';
import type { Level } from '../domain/priority.js';
import type { Incident, Prisma } from '../store/index.js';
import { UserError } from './errors.js';

export { INCIDENT_STATUSES, type IncidentStatus } from '../domain/lifecycle.js';
export const SOURCES = ['console', 'slack', 'teams', 'cli', 'monitoring'] as const;
export type Source = (typeof SOURCES)[number];

export const TITLE_MAX = 150;
export const TEXT_MAX = 3000;

/** Who acts: a platform user id, shown and audited as is. */
export interface Actor {
  id: string;
  name?: string;
  source: Source;
}

export interface OpenIncidentInput {
  impact: number;
  /** Tidpunkt; the suggestion for the receipt instant when omitted. */
  timing?: number;
  title: string;
  agencyId?: string;
  baseServices?: string[];
  description?: string;
  security?: boolean;
  /** When the incident was received; defaults to `now`. */
  receivedAt?: number;
  /** A platform delivery id: a retried delivery returns the first incident. */
  idempotencyKey?: string;
}

export type ChangeKind = 'opened' | 'acknowledged' | 'resolved' | 'reopened' | 'reprioritised' | 'closed' | 'noted';

/** Runs inside the change's transaction (reminders are written this way). */
export type ChangeHook = (tx: Prisma.TransactionClient, incident: Incident, change: ChangeKind, now: number, actor: Actor) => Promise<void>;

/** Told after a change has committed (chat messages are updated this way). */
export interface CommittedChange {
  incident: IncidentView;
  change: ChangeKind;
  actor: Actor;
  /** The event's text data: a reason or a resolution note. */
  detail: Record<string, unknown>;
}
export type CommitListener = (change: CommittedChange) => void | Promise<void>;

/** One target's state, as the status and list views show it. */
export interface TargetState {
  target: Target;
  due: number;
  /** Time left as the target counts it (support clock unless wall/calendar days); negative when overdue. */
  left: number;
  /** When the target was met (ack for response, resolve for resolution), else null. */
  metAt: number | null;
  state: 'running' | 'met' | 'missed' | 'broken';
}

export interface IncidentView {
  id: number;
  ref: string;
  title: string;
  description: string;
  agencyId: string;
  agencyName: string;
  baseServices: string[];
  impact: Level;
  timing: Level;
  suggestedTiming: Level;
  priority: Priority;
  security: boolean;
  status: IncidentStatus;
  reporter: string;
  receivedAt: number;
  response: TargetState;
  resolution: TargetState;
  configVersion: string;
  resolutionNote: string | null;
  acknowledgedBy: string | null;
  resolvedBy: string | null;
  revision: number;
}

export const incidentRef = (id: number) => `INC-${id}`;

/** Parses "INC-12", "inc-12" or "12"; throws a UserError otherwise. */
export function parseIncidentRef(text: string | undefined): number {
  const m = /^(?:INC-?)?(\d{1,9})$/i.exec((text ?? '').trim());
  if (!m) throw new UserError('incident.badId', { given: text ?? '' });
  return Number(m[1]);
}
