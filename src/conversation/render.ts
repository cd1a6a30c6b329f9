// Plain-text rendering of replies: what the terminal prints and what chat platforms
// show as notification text. Rich platforms build their own layout from the same views.
import type { Contacts, Contract } from '../config/contract.js';
import type { CaseReminderMessage } from '../scheduler/case-reminders.js';
import type { ReminderMessage } from '../scheduler/reminders.js';
import type { TimingSuggestion } from '../domain/priority.js';
import { supportDayMs } from '../config/contract.js';
import { formatDuration, formatInstant, formatTarget, formatTimeLeft, ordinal, priorityName } from '../i18n/format.js';
import type { Translator } from '../i18n/index.js';
import type { IncidentView, TargetState } from '../services/incidents.js';

/** Why a Tidpunkt was suggested, and when it was judged if received outside opening hours. */
export function timingReasonText(tr: Translator, contract: Contract, s: TimingSuggestion): string {
  const text = timingReasonCore(tr, contract, s);
  if (!s.outsideOpeningHours) return text;
  return `${text}; ${tr.t('common.timingReason.outsideOpeningHours', { at: formatInstant(tr, s.evaluatedAt, contract.timezone) })}`;
}

/** Why a Tidpunkt was suggested, in words ("the 20th is in the critical period …"). */
export function timingReasonCore(tr: Translator, contract: Contract, s: TimingSuggestion): string {
  const day = ordinal(tr, Number(formatInstantParts(contract, s.evaluatedAt)));
  const r = s.reason;
  switch (r.code) {
    case 'critical':
      return tr.t('common.timingReason.critical', { day, startDay: ordinal(tr, r.startDay) });
    case 'beforeCritical':
      return tr.t('common.timingReason.beforeCritical', { day, startDay: ordinal(tr, r.startDay) });
    case 'afterMonthEnd':
      return tr.t('common.timingReason.afterMonthEnd', { day, daysAfter: r.daysAfter });
    case 'lowSeason':
      return r.label
        ? tr.t('common.timingReason.lowSeason', { label: r.label, from: r.from, to: r.to })
        : tr.t('common.timingReason.lowSeasonUnnamed', { from: r.from, to: r.to });
    case 'normal':
      return tr.t('common.timingReason.normal');
  }
}

function formatInstantParts(contract: Contract, t: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: contract.timezone, day: 'numeric' }).format(t);
}

export function statusName(tr: Translator, status: IncidentView['status']): string {
  return tr.t(`bot.status.${status}`);
}

/** "senast fre 27 nov. 2026 17:15 (30 min) – 25 min kvar på supportklockan" (`agencyId` sets the length of a working day). */
export function targetLine(tr: Translator, contract: Contract, label: string, s: TargetState, agencyId?: string): string {
  const due = formatInstant(tr, s.due, contract.timezone);
  const target = formatTarget(tr, s.target);
  const state =
    s.state === 'running' || s.state === 'broken'
      ? timeLeftText(tr, contract, s, agencyId)
      : s.state === 'met'
        ? tr.t('bot.target.met', { at: formatInstant(tr, s.metAt!, contract.timezone) })
        : tr.t('bot.target.missed', { at: formatInstant(tr, s.metAt!, contract.timezone) });
  return tr.t('bot.target.line', { label, due, target, state });
}

/** The incident as a block of text lines. */
export function incidentText(tr: Translator, contract: Contract, v: IncidentView): string {
  const lines = [
    tr.t('bot.incident.header', { ref: v.ref, priority: priorityName(tr, v.priority).toUpperCase(), status: statusName(tr, v.status) }) +
      (v.security ? ` · ${tr.t('bot.incident.security')}` : ''),
    `${v.title}`,
    tr.t('bot.incident.facts', {
      org: v.agencyName,
      impact: v.impact,
      timing: v.timing,
      received: formatInstant(tr, v.receivedAt, contract.timezone),
      reporter: v.reporter,
    }),
  ];
  if (v.timing !== v.suggestedTiming) lines.push(tr.t('bot.incident.timingOverride', { suggested: v.suggestedTiming }));
  if (v.baseServices.length) lines.push(tr.t('bot.incident.services', { services: v.baseServices.join(', ') }));
  lines.push(targetLine(tr, contract, tr.t('common.deadline.response'), v.response, v.agencyId));
  lines.push(targetLine(tr, contract, tr.t('common.deadline.resolution'), v.resolution, v.agencyId));
  if (v.resolutionNote) lines.push(tr.t('bot.incident.note', { note: v.resolutionNote }));
  return lines.join('\n');
}

/** One line per incident for the open list. */
export function incidentListLine(tr: Translator, contract: Contract, v: IncidentView): string {
  const next = v.status === 'open' ? (v.response.due <= v.resolution.due ? v.response : v.resolution) : v.resolution;
  const which = next === v.response ? tr.t('common.deadline.response') : tr.t('common.deadline.resolution');
  const state = timeLeftText(tr, contract, next, v.agencyId, true);
  return tr.t('bot.list.line', {
    ref: v.ref,
    priority: priorityName(tr, v.priority),
    status: statusName(tr, v.status),
    title: v.title,
    org: v.agencyName,
    which,
    due: formatInstant(tr, next.due, contract.timezone),
    state,
  });
}

/** The text of a reminder: what is due, when, time left, whom it pings, what to do next. */
export function reminderText(tr: Translator, contract: Contract, m: ReminderMessage, mention: (contacts: Contacts) => string = plainMentions): string {
  const v = m.incident;
  const target = m.reminder.target === 'response' ? v.response : v.resolution;
  const vars = {
    ref: v.ref,
    priority: priorityName(tr, v.priority),
    title: v.title,
    org: v.agencyName,
    label: tr.t(`common.deadline.${m.reminder.target}`),
    due: formatInstant(tr, target.due, contract.timezone),
    left: formatDuration(tr, target.left),
    over: formatDuration(tr, -target.left),
    remaining: timeLeftText(tr, contract, target, v.agencyId),
  };
  const kind = m.reminder.kind === 'snooze' ? (target.left < 0 ? 'snoozeBroken' : 'snooze') : m.reminder.kind;
  const lines = [tr.t(`reminder.${kind}`, vars)];
  const who = m.contacts ? mention(m.contacts) : '';
  if (who) lines.push(tr.t('reminder.pinging', { who }));
  if (m.late) lines.push(tr.t('reminder.late', { due: formatInstant(tr, m.reminder.dueAt.getTime(), contract.timezone), by: formatDuration(tr, m.lateBy) }));
  lines.push(tr.t(m.reminder.target === 'response' ? 'reminder.nextAck' : 'reminder.nextResolve', { ref: v.ref, minutes: m.snoozeMinutes[0] ?? '' }));
  return lines.join('\n');
}

/** An order's or a problem's reminder in plain text: what is due, whom it pings, the next step. */
export function caseReminderText(tr: Translator, contract: Contract, m: CaseReminderMessage, mention: (contacts: Contacts) => string = plainMentions): string {
  const c = m.subject;
  const vars = {
    ref: c.ref,
    category: c.kind === 'order' ? tr.t(`report.orderType.${c.orderType}`) : tr.t(`report.priority.${c.priority}`),
    title: c.title,
    label: tr.t(`common.deadline.${m.reminder.target}`),
    due: formatInstant(tr, m.state.due, contract.timezone),
    over: formatDuration(tr, -m.state.left),
    remaining: timeLeftText(tr, contract, m.state, c.agencyId),
  };
  const lines = [tr.t(`reminder.case.${m.reminder.kind}`, vars)];
  const who = m.contacts ? mention(m.contacts) : '';
  if (who) lines.push(tr.t('reminder.pinging', { who }));
  if (m.late) lines.push(tr.t('reminder.late', { due: formatInstant(tr, m.reminder.dueAt, contract.timezone), by: formatDuration(tr, m.lateBy) }));
  const command = tr.t(`reminder.case.command.${c.kind}`);
  lines.push(tr.t(m.reminder.target === 'response' ? 'reminder.case.nextAck' : 'reminder.case.nextResolve', { command, ref: c.ref }));
  return lines.join('\n');
}

/** Time left (or over) as the target counts it: see formatTimeLeft. */
function timeLeftText(tr: Translator, contract: Contract, s: TargetState, agencyId?: string, short = false): string {
  return formatTimeLeft(tr, s.target, s.left, { workingDayMs: supportDayMs(contract, agencyId), broken: s.state === 'broken', short });
}

function plainMentions(c: Contacts): string {
  return [...c.slack.users, ...c.slack.groups, ...c.teams.users].join(', ');
}
