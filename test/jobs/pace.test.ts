// One pace per platform channel: the incidents' Slack deliveries ('slack'), the information
// routine's ('routine:slack') and the monthly report's ('report:slack') share a channel's
// pace and its one sender, because Slack counts messages per channel, not per sender.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, paceKey, type ClaimedJob, type JobInput } from '../../src/jobs/queue.js';
import { JobRunner, type DeliveryContext, type DeliveryHandler } from '../../src/jobs/runner.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';

const PACE = 400;
const quiet = { info() {}, warn() {}, error() {} };

class Recorder implements DeliveryHandler {
  readonly paceMs = PACE;
  constructor(
    readonly destination: string,
    private readonly sends: Array<{ at: number; destination: string; channel: string | null }>,
  ) {}
  async deliver(jobs: ClaimedJob[], ctx: DeliveryContext): Promise<void> {
    for (const job of jobs) {
      if (!(await ctx.beforeSend([job.id])).has(job.id)) return;
      this.sends.push({ at: performance.now(), destination: this.destination, channel: job.channel });
      ctx.sent();
      await ctx.complete(job);
    }
  }
}

describe.each(databases)('channel pace across destinations on $name', (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db.close());

  it('the pace key is the platform and the channel', () => {
    expect(paceKey('slack', 'C1')).toBe('slack:C1');
    expect(paceKey('routine:slack', 'C1')).toBe('slack:C1');
    expect(paceKey('report:slack', 'C1')).toBe('slack:C1');
    expect(paceKey('routine:teams', '19:x@thread.tacv2')).toBe('teams:19:x@thread.tacv2');
    expect(paceKey('email', null)).toBe('email:');
  });

  it('an incident reminder, a routine announcement and a report due at once in one Slack channel go out one pace apart; another channel keeps its own pace', async () => {
    const queue = new JobQueue({ prisma: db.prisma, owner: 'pace-test', maxAttempts: 3, backoffMs: 1_000, backoffMaxMs: 60_000 });
    const runner = new JobRunner({ queue, log: quiet, leaseMs: 10_000, batch: 10 });
    const sends: Array<{ at: number; destination: string; channel: string | null }> = [];
    for (const destination of ['slack', 'routine:slack', 'report:slack']) runner.register(new Recorder(destination, sends));
    const job = (destination: string, channel: string, n: number): JobInput => ({
      kind: 'thread',
      destination,
      channel,
      payload: { n },
      dedupeKey: `pace:${destination}:${channel}:${n}`,
    });
    await queue.enqueue(db.prisma, [
      ...[1, 2].flatMap((n) => [job('slack', 'C1', n), job('routine:slack', 'C1', n), job('report:slack', 'C1', n)]),
      job('slack', 'C2', 1),
      job('slack', 'C2', 2),
    ]);
    for (let pass = 0; pass < 100 && sends.length < 8; pass++) {
      await runner.deliverDue();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sends).toHaveLength(8);
    const c1 = sends.filter((s) => s.channel === 'C1').map((s) => s.at);
    expect(new Set(sends.filter((s) => s.channel === 'C1').map((s) => s.destination))).toEqual(new Set(['slack', 'routine:slack', 'report:slack']));
    // Six messages in C1 from three destinations: never two within one pace (a little
    // slack for the database clock's millisecond rounding).
    for (let i = 1; i < c1.length; i++) expect(c1[i]! - c1[i - 1]!).toBeGreaterThanOrEqual(PACE - 15);
    // C2 is not queued behind C1: both of its messages are out before C1's last.
    const c2 = sends.filter((s) => s.channel === 'C2').map((s) => s.at);
    expect(Math.max(...c2)).toBeLessThan(c1.at(-1)!);
    await runner.stop();
  });
});
