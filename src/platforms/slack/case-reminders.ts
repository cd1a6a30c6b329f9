// Reminders about orders (BES-n) and problems (PRB-n) in Slack: a message in the incident
// channel (and the escalation channel from the breach on: a job each), mentioning the
// escalation contacts, with the command that answers it. A case has no card or thread.
// In a burst they join the incidents' reminders in one digest (SlackReminders.deliver).
//
// Each is checked again before sending (the case still runs that target with that
// deadline, a warning is not said after its deadline), carries its job id in the metadata
// and, after a takeover, is looked for in the channel before it is sent again.
import type { Contacts, Contract } from '../../config/contract.js';
import { caseReminderText } from '../../conversation/render.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { ClaimedJob } from '../../jobs/queue.js';
import type { DeliveryContext } from '../../jobs/runner.js';
import { readyCaseReminders, type CaseReminderMessage } from '../../scheduler/case-reminders.js';
import type { CaseService } from '../../services/cases.js';
import type { SlackAnnouncer } from './announcer.js';
import { mentions } from './blocks/reminder.js';
import { escapeMrkdwn, section, truncate } from './blocks/text.js';

/** Where the mentions go in the text before it is escaped (no text can contain it: NUL is removed on input). */
const MENTIONS = '\u0000mentions\u0000';

export interface SlackCaseRemindersOptions {
  cases: CaseService;
  contract: Contract;
  lang: Lang;
  now: () => number;
  lateAfterMs?: number;
}

/** A case reminder still worth saying, with its message. */
export interface ReadyCaseReminder {
  job: ClaimedJob;
  message: CaseReminderMessage;
}

export class SlackCaseReminders {
  constructor(private readonly options: SlackCaseRemindersOptions) {}

  /** The claimed case reminders still worth saying (the others are dropped on the way). */
  async prepare(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<ReadyCaseReminder[]> {
    const { cases, contract, now } = this.options;
    return readyCaseReminders(jobs, ctx, { cases, contract, at: now(), lateAfterMs: this.options.lateAfterMs });
  }

  /** Its line in a digest: what is due (the mentions are added by the digest). */
  line(r: ReadyCaseReminder): { job: ClaimedJob; text: string; contacts: Contacts | null } {
    const text = caseReminderText(translator(this.options.lang), this.options.contract, r.message, () => '').split('\n')[0]!;
    return { job: r.job, text, contacts: r.message.contacts };
  }

  /** One case reminder as its own message in the job's channel. */
  async single({ job, message }: ReadyCaseReminder, ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { contract } = this.options;
    try {
      // Everything but the mentions is escaped: a title cannot mention or link, and
      // "<what was done>" in the next step is shown as written.
      const who = message.contacts ? mentions(message.contacts) : '';
      const text = escapeMrkdwn(caseReminderText(translator(this.options.lang), contract, message, () => (who ? MENTIONS : ''))).replace(MENTIONS, who);
      await announcer.postOnce(job, ctx, { channel: job.channel!, text: truncate(text, 3000), blocks: [section(text)] });
    } catch (err) {
      await announcer.failed(job, err, ctx);
    }
  }
}
