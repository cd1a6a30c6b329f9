// The view of an incident a person is shown: both targets with their deadlines, time left
// as each target counts it, met, missed or broken — judged by the contract version the
// incident's deadlines came from.
import type { Priority, Target } from '../config/contract.js';
import { targetsFor, timeLeft } from '../domain/deadlines.js';
import type { Level } from '../domain/priority.js';
import type { Incident } from '../store/index.js';
import type { ContractVersion } from './contract-versions.js';
import { incidentRef, type IncidentStatus, type IncidentView, type TargetState } from './incident-types.js';

export function incidentView(incident: Incident, { contract, calendar }: ContractVersion, now: number): IncidentView {
  const priority = incident.priority as Priority;
  const pair = targetsFor(contract, { kind: 'incident', priority });
  const clock = calendar.hasAgency(incident.agencyId) ? calendar.supportClock(incident.agencyId) : calendar.supportClock(contract.defaultAgency);
  const state = (target: Target, due: Date, metAt: Date | null): TargetState => {
    const dueMs = due.getTime();
    const met = metAt?.getTime() ?? null;
    if (met !== null) return { target, due: dueMs, left: 0, metAt: met, state: met <= dueMs ? 'met' : 'missed' };
    const left = timeLeft(clock, target, now, dueMs);
    return { target, due: dueMs, left, metAt: null, state: now > dueMs ? 'broken' : 'running' };
  };
  return {
    id: incident.id,
    ref: incidentRef(incident.id),
    title: incident.title,
    description: incident.description,
    agencyId: incident.agencyId,
    agencyName: contract.agencies.find((a) => a.id === incident.agencyId)?.name ?? incident.agencyId,
    baseServices: incident.baseServices,
    impact: incident.impact as Level,
    timing: incident.timing as Level,
    suggestedTiming: incident.suggestedTiming as Level,
    priority,
    security: incident.security,
    status: incident.status as IncidentStatus,
    reporter: incident.reporter,
    receivedAt: incident.receivedAt.getTime(),
    response: state(pair.response!, incident.responseDueAt, incident.acknowledgedAt),
    resolution: state(pair.resolution, incident.resolutionDueAt, incident.resolvedAt),
    configVersion: incident.configVersion,
    resolutionNote: incident.resolutionNote,
    acknowledgedBy: incident.acknowledgedBy,
    resolvedBy: incident.resolvedBy,
    revision: incident.revision,
  };
}
