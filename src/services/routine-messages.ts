// The texts of the routine's announcements (UC 6): each in the party's language, with the
// same facts — what, when (Stockholm time, with weekday), which services, who is
// affected, who to contact. The facts are frozen in the job when the announcement is
// made, so a later change can never rewrite what an earlier step said.
import type { LadderStep } from '../config/routine.js';
import { formatSpan, stepLabel } from '../i18n/routine-format.js';
import { formatDuration, formatInstant } from '../i18n/format.js';
import { translator, type Translator } from '../i18n/index.js';
import type { AnnouncementJobPayload } from './announcements.js';

export type WindowEvent = 'step' | 'moved' | 'cancelled' | 'extended' | 'overrun';

export interface WindowFacts {
  ref: string;
  start: number;
  end: number;
  services: string[];
  /** Agency names; empty = every agency. */
  agencies: string[];
  /** The public text (never internal detail); the description when none was given. */
  text: string;
  kind: 'normal' | 'release' | 'emergency';
  contact: string;
}

export type AnnouncementContent =
  | { type: 'window'; event: WindowEvent; step: string; window: WindowFacts; previous?: { start: number; end: number }; overrunMinutes?: number }
  | { type: 'extra-hours'; event: 'approved' | 'rejected'; ref: string; from: number; to: number; reason?: string; contact: string }
  | { type: 'notice'; event: 'notice' | 'update' | 'all-clear'; ref: string; text: string; seq: number; contact: string }
  | { type: 'ask'; event: 'overrun' | 'notice' | 'update'; ref: string; start?: number; end?: number; minutes?: number };

/** "4 veckor före" from a step id ("before-4-weeks"); the id itself when it is not a ladder step. */
export function stepIdLabel(tr: Translator, id: string): string {
  const m = /^before-(\d+)-(weeks|days|workingDays|hours|minutes)$/.exec(id);
  if (m) return stepLabel(tr, { at: 'before', amount: Number(m[1]), unit: m[2] as 'weeks' } as LadderStep);
  if (id === 'published' || id === 'start' || id === 'end') return stepLabel(tr, { at: id } as LadderStep);
  return id;
}

/** Renders an announcement for its party: a subject line (e-mail) and the text. */
export function renderAnnouncement(payload: AnnouncementJobPayload, zone: string): { subject: string; text: string } {
  const tr = translator(payload.lang);
  const c = payload.content;
  const k = (key: string, vars?: Record<string, string | number>) => tr.t(`routine.announce.${key}`, vars);
  const footer = k('footer', { party: payload.partyName });
  switch (c.type) {
    case 'window': {
      const w = c.window;
      const span = formatSpan(tr, w.start, w.end, zone);
      const step = stepIdLabel(tr, c.step);
      const lead =
        c.event === 'step'
          ? k(`window.lead.${c.step === 'published' || c.step === 'start' || c.step === 'end' ? c.step : 'before'}`, { ref: w.ref, step })
          : k(`window.lead.${c.event}`, {
              ref: w.ref,
              previous: c.previous ? formatSpan(tr, c.previous.start, c.previous.end, zone) : '',
              minutes: c.overrunMinutes ?? 0,
              duration: formatDuration(tr, (c.overrunMinutes ?? 0) * 60_000),
            });
      const subject = k(`window.subject.${c.event}`, { ref: w.ref, span, step });
      const lines = [
        lead,
        '',
        k('fact.what', { what: w.text || k('fact.noText') }),
        k('fact.when', { span, duration: formatDuration(tr, w.end - w.start) }),
        k('fact.services', { services: w.services.length ? w.services.join(', ') : k('fact.allServices') }),
        k('fact.agencies', { agencies: w.agencies.length ? w.agencies.join(', ') : k('fact.allAgencies') }),
        k('fact.kind', { kind: tr.t(`routine.window.kind.${w.kind}`) }),
        k('fact.contact', { contact: w.contact || k('fact.noContact') }),
        '',
        footer,
      ];
      return { subject, text: lines.join('\n') };
    }
    case 'extra-hours': {
      const span = formatSpan(tr, c.from, c.to, zone);
      const lines = [
        k(`extraHours.${c.event}`, { ref: c.ref, span }),
        ...(c.reason ? [k('extraHours.reason', { reason: c.reason })] : []),
        '',
        k('fact.contact', { contact: c.contact || k('fact.noContact') }),
        '',
        footer,
      ];
      return { subject: k(`extraHours.subject.${c.event}`, { ref: c.ref, span }), text: lines.join('\n') };
    }
    case 'notice': {
      const lines = [k(`notice.lead.${c.event}`, { ref: c.ref }), '', c.text, '', k('fact.contact', { contact: c.contact || k('fact.noContact') }), '', footer];
      return { subject: k(`notice.subject.${c.event}`, { ref: c.ref }), text: lines.join('\n') };
    }
    case 'ask': {
      const vars = {
        ref: c.ref,
        span: c.start !== undefined && c.end !== undefined ? formatSpan(tr, c.start, c.end, zone) : '',
        end: c.end !== undefined ? formatInstant(tr, c.end, zone) : '',
        minutes: c.minutes ?? 0,
      };
      return { subject: k(`ask.subject.${c.event}`, vars), text: k(`ask.${c.event}`, vars) };
    }
  }
}
