// A whole bot on a test database with a clock the test moves.
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import type { ContractOverrides } from '../../src/config/load.js';
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
  fail = false;
  async deliver(message: ReminderMessage): Promise<void> {
    if (this.fail) throw new Error('platform down');
    this.messages.push(message);
  }
  take(): ReminderMessage[] {
    return this.messages.splice(0);
  }
}

export async function testApp(database: Database, clock: TestClock, overrides: ContractOverrides = {}, owner?: string): Promise<App & { sink: RecordingSink }> {
  const app = await createApp({ contract: buildContract(overrides), database, now: clock.now, schedulerOwner: owner });
  const sink = new RecordingSink();
  app.sinks.push(sink);
  return Object.assign(app, { sink });
}
