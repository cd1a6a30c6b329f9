// A whole bot on a test database with a clock the test moves.
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import type { Contract } from '../../src/config/contract.js';
import type { ContractOverrides } from '../../src/config/load.js';
import type { CaseReminderMessage } from '../../src/scheduler/case-reminders.js';
import type { ReminderMessage, ReminderSink } from '../../src/scheduler/reminders.js';
import type { Database } from '../../src/store/index.js';

export class TestClock {
  constructor(public t: number) {}
  now = () => this.t;
  set(t: number) {
    this.t = t;
  }
}

/** Records what the scheduler delivers. */
export class RecordingSink implements ReminderSink {
  readonly name = 'recording';
  readonly messages: ReminderMessage[] = [];
  /** Orders' and problems' reminders. */
  readonly cases: CaseReminderMessage[] = [];
  fail = false;
  async deliver(message: ReminderMessage): Promise<void> {
    if (this.fail) throw new Error('platform down');
    this.messages.push(message);
  }
  async deliverCase(message: CaseReminderMessage): Promise<void> {
    if (this.fail) throw new Error('platform down');
    this.cases.push(message);
  }
  take(): ReminderMessage[] {
    return this.messages.splice(0);
  }
}

/** A bot on `database` at the test's clock; `contract` is a built contract or overrides of the seed. */
export async function testApp(
  database: Database,
  clock: TestClock,
  contract: ContractOverrides | Contract = {},
  owner?: string,
): Promise<App & { sink: RecordingSink }> {
  const built = 'version' in contract && typeof contract.version === 'string' ? (contract as Contract) : buildContract(contract);
  const app = await createApp({ contract: built, database, now: clock.now, schedulerOwner: owner });
  const sink = new RecordingSink();
  app.sinks.push(sink);
  return Object.assign(app, { sink });
}
