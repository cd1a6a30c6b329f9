// Reminders in the terminal: printed as they fall due.
import type { Writable } from 'node:stream';
import type { Contract } from '../../config/contract.js';
import { caseReminderText, reminderText } from '../../conversation/render.js';
import { translator, type Lang } from '../../i18n/index.js';
import type { CaseReminderMessage } from '../../scheduler/case-reminders.js';
import type { ReminderMessage, ReminderSink } from '../../scheduler/reminders.js';

export class ConsoleReminderSink implements ReminderSink {
  readonly name = 'console';

  constructor(
    private readonly output: Writable,
    private readonly contract: Contract,
    private readonly lang: Lang,
  ) {}

  async deliver(message: ReminderMessage): Promise<void> {
    this.output.write(`\n${reminderText(translator(this.lang), this.contract, message)}\n`);
  }

  async deliverCase(message: CaseReminderMessage): Promise<void> {
    this.output.write(`\n${caseReminderText(translator(this.lang), this.contract, message)}\n`);
  }
}
