// The lines in an incident's thread: what changed and who did it.
import type { Translator } from '../../../i18n/index.js';
import { priorityName } from '../../../i18n/format.js';
import type { CommittedChange } from '../../../services/incidents.js';
import { PRIORITY_EMOJI, who } from './card.js';
import { escapeMrkdwn, LIMITS, truncateMrkdwn } from './text.js';

/** A line for the incident's thread telling what changed and who did it. */
export function threadText(tr: Translator, c: Pick<CommittedChange, 'change' | 'actor' | 'detail' | 'incident'>): string {
  const by = who(tr, c.actor);
  const v = c.incident;
  const detail = (key: string) => escapeMrkdwn(typeof c.detail[key] === 'string' ? (c.detail[key] as string) : '');
  switch (c.change) {
    case 'opened':
      return tr.t('slack.thread.opened', { who: by });
    case 'acknowledged':
      return tr.t('slack.thread.acknowledged', { who: by });
    case 'resolved':
      return truncateMrkdwn(tr.t('slack.thread.resolved', { who: by, note: detail('note') || escapeMrkdwn(v.resolutionNote ?? '') }), LIMITS.sectionText);
    case 'reopened':
      return detail('reason')
        ? truncateMrkdwn(tr.t('slack.thread.reopenedReason', { who: by, reason: detail('reason') }), LIMITS.sectionText)
        : tr.t('slack.thread.reopened', { who: by });
    case 'reprioritised':
      return truncateMrkdwn(
        `${PRIORITY_EMOJI[v.priority]} ${tr.t('slack.thread.reprioritised', { who: by, priority: priorityName(tr, v.priority), impact: v.impact, timing: v.timing, reason: detail('reason') })}`,
        LIMITS.sectionText,
      );
    case 'closed':
      return tr.t('slack.thread.closed', { who: by });
    case 'noted':
      return truncateMrkdwn(tr.t('slack.thread.noted', { who: by, note: detail('note') }), LIMITS.sectionText);
  }
}
