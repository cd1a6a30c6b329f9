// Reminders about orders (BES-n) and problems (PRB-n) in Slack: a message in the incident
// channel (and the escalation channel from the breach on: a job each), mentioning the
// escalation contacts, with the command that answers it. A case has no card or thread.
//
// Each is checked again before sending (the case still runs that target with that
// deadline, a warning is not said after its deadline), carries its job id in the metadata
// and, after a takeover, is looked for in the channel before it is sent again.
import type { webApi } from '@slack/bolt';
import type { Contract } from '../../config/contract.js';
import { caseReminderText } from '../../conversation/render.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { ClaimedJob } from '../../jobs/queue.js';
import type { DeliveryContext } from '../../jobs/runner.js';
import { readyCaseReminders } from '../../scheduler/case-reminders.js';
import type { CaseService } from '../../services/cases.js';
import type { Logger } from '../../app.js';
import type { SlackAnnouncer } from './announcer.js';
import { mentions } from './blocks/reminder.js';
import { escapeMrkdwn, section, truncate } from './blocks/text.js';
import { postReminderDigest } from './reminders.js';

/** Where the mentions go in the text before it is escaped (no text can contain it: NUL is removed on input). */
const MENTIONS = '\u0000mentions\u0000';

export interface SlackCaseRemindersOptions {
  client: webApi.WebClient;
  cases: CaseService;
  contract: Contract;
  lang: Lang;
  now: () => number;
  log: Logger;
  /** More reminders than this for one channel at once → one digest. */
  digestThreshold: number;
  lateAfterMs?: number;
}

export class SlackCaseReminders {
  constructor(private readonly options: SlackCaseRemindersOptions) {}

  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext, announcer: SlackAnnouncer): Promise<void> {
    const { cases, contract, client, now } = this.options;
    const tr = translator(this.options.lang);
    const ready = await readyCaseReminders(jobs, ctx, { cases, contract, at: now(), lateAfterMs: this.options.lateAfterMs });
    // A burst (after downtime) goes out as one digest, like the incidents' reminders: at one
    // message a second it would otherwise hold the channel for minutes.
    if (ready.length > this.options.digestThreshold) {
      const lines = ready.map(({ job, message }) => ({
        job,
        text: caseReminderText(tr, contract, message, () => '').split('\n')[0]!,
        contacts: message.contacts,
      }));
      await postReminderDigest(this.options, lines, ctx, announcer);
      return;
    }
    for (const { job, message } of ready) {
      if (ctx.stopped) return;
      try {
        const channel = job.channel!;
        if (job.takeover && (await announcer.findDelivered(job, channel))) {
          await ctx.drop(job, 'already posted (found by its metadata)', 'done');
          continue;
        }
        // Everything but the mentions is escaped: a title cannot mention or link, and
        // "<what was done>" in the next step is shown as written.
        const who = message.contacts ? mentions(message.contacts) : '';
        const text = escapeMrkdwn(caseReminderText(tr, contract, message, () => (who ? MENTIONS : ''))).replace(MENTIONS, who);
        if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
        await client.chat.postMessage({
          channel,
          text: truncate(text, 3000),
          blocks: [section(text)],
          unfurl_links: false,
          unfurl_media: false,
          metadata: announcer.metadata([job.id]),
        });
        ctx.sent();
        await ctx.complete(job);
      } catch (err) {
        await announcer.failed(job, err, ctx);
      }
    }
  }
}
