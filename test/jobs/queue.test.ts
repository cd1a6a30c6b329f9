// The job queue on both stores: claims and leases on the database's clock, SKIP LOCKED,
// renewal, backoff, failing for good after the configured attempts, and a stale claim that
// delays nothing else.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobQueue, type JobInput, type JobMetrics } from '../../src/jobs/queue.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';

const T0 = Date.parse('2026-11-30T09:00:00Z');

describe.each(databases)('job queue on $name', (target) => {
  let db: Database;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db.close());
  afterEach(async () => {
    vi.restoreAllMocks();
    await db.prisma.job.deleteMany();
    await db.prisma.jobChannel.deleteMany();
  });

  const queue = (owner: string, options: { clock?: () => number; maxAttempts?: number; metrics?: JobMetrics } = {}) =>
    new JobQueue({
      prisma: db.prisma,
      owner,
      maxAttempts: options.maxAttempts ?? 3,
      backoffMs: 1_000,
      backoffMaxMs: 60_000,
      clock: options.clock,
      metrics: options.metrics,
    });
  const job = (key: string, dueAt?: number, extra: Partial<JobInput> = {}): JobInput => ({
    kind: 'thread',
    destination: 'slack',
    channel: 'C1',
    payload: { n: key },
    dedupeKey: key,
    dueAt,
    ...extra,
  });

  it('claims what is due by the database clock, whatever the process clock says', async () => {
    const q = queue('a');
    const dbNow = await q.now();
    await q.enqueue(db.prisma, [job('past', dbNow - 1_000), job('soon', dbNow + 3_600_000)]);
    // This process's clock runs two hours fast: it must not matter. (PGlite runs inside this
    // process, so there the database's clock is this process's and cannot be skewed apart.)
    if (target.name === 'postgres') vi.spyOn(Date, 'now').mockReturnValue(dbNow + 7_200_000);
    const claimed = await q.claim('slack', 'C1', 10, 30_000);
    expect(claimed.map((c) => c.payload.n)).toEqual(['past']);
    const [row] = await db.prisma.$queryRaw<
      Array<{ lease: number }>
    >`SELECT (extract(epoch FROM (claimed_until - now())) * 1000)::float8 AS lease FROM jobs WHERE dedupe_key = 'past'`;
    expect(row!.lease).toBeGreaterThan(25_000);
    expect(row!.lease).toBeLessThanOrEqual(30_000);
  });

  it('a due time and a lease are one clock: enqueue without a due time is due at once', async () => {
    const q = queue('a');
    expect(await q.enqueue(db.prisma, [job('now')])).toBe(1);
    expect(await q.enqueue(db.prisma, [job('now')])).toBe(0); // the dedupe key holds
    expect(await q.claim('slack', 'C1', 10, 30_000)).toHaveLength(1);
  });

  it('two processes claiming at once never get the same job (SKIP LOCKED)', async () => {
    const a = queue('a', { clock: () => T0 });
    const b = queue('b', { clock: () => T0 });
    await a.enqueue(
      db.prisma,
      Array.from({ length: 40 }, (_, i) => job(`j${i}`, T0 - 1_000)),
    );
    const [x, y] = await Promise.all([a.claim('slack', 'C1', 25, 30_000), b.claim('slack', 'C1', 25, 30_000)]);
    const ids = [...x, ...y].map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(40);
  });

  it('renewing extends only my claims; a claim taken over after its lease is no longer mine and is flagged a takeover', async () => {
    let t = T0;
    const a = queue('a', { clock: () => t });
    const b = queue('b', { clock: () => t });
    await a.enqueue(db.prisma, [job('x', T0)]);
    const [mine] = await a.claim('slack', 'C1', 1, 10_000);
    expect(mine!.takeover).toBe(false);
    t += 8_000;
    expect([...(await a.renew([mine!.id], 10_000))]).toEqual([mine!.id]); // now held until T0+18 s
    t += 9_000;
    expect(await b.claim('slack', 'C1', 1, 10_000)).toEqual([]); // still held
    t += 2_000;
    const [taken] = await b.claim('slack', 'C1', 1, 10_000);
    expect(taken).toMatchObject({ id: mine!.id, takeover: true, attempts: 2 });
    expect((await a.renew([mine!.id], 10_000)).size).toBe(0);
    expect(await a.complete(mine!)).toBe('lost');
    expect(await b.complete(taken!)).toBe('done');
  });

  it("a failure backs off exponentially, or by the platform's Retry-After", async () => {
    let t = T0;
    const q = queue('a', { clock: () => t, maxAttempts: 5 });
    await q.enqueue(db.prisma, [job('x', T0), job('y', T0)]);
    const [x, y] = await q.claim('slack', 'C1', 2, 30_000);
    expect(await q.fail(x!, { code: 'http_503' })).toBe('retry');
    expect(await q.fail(y!, { code: 'ratelimited', retryAfterMs: 7_000 })).toBe('retry');
    const rows = await db.prisma.job.findMany({ orderBy: { id: 'asc' } });
    expect(rows[0]!.dueAt.getTime() - T0).toBeGreaterThanOrEqual(800);
    expect(rows[0]!.dueAt.getTime() - T0).toBeLessThanOrEqual(1_200);
    expect(rows[1]!.dueAt.getTime() - T0).toBe(7_000);
    expect(rows.map((r) => r.lastError)).toEqual(['http_503', 'ratelimited']);
    t += 1_300;
    const [again] = await q.claim('slack', 'C1', 2, 30_000);
    expect(again).toMatchObject({ id: x!.id, attempts: 2 });
    await q.fail(again!, { code: 'http_503' });
    const second = await db.prisma.job.findUniqueOrThrow({ where: { id: x!.id } });
    expect(second.dueAt.getTime() - t).toBeGreaterThanOrEqual(1_600); // doubled (±20 %)
    expect(second.dueAt.getTime() - t).toBeLessThanOrEqual(2_400);
  });

  it('after the configured attempts a job ends failed, is counted once and is never claimed again', async () => {
    let t = T0;
    const failed: string[] = [];
    const q = queue('a', { clock: () => t, maxAttempts: 3, metrics: { failed: (kind) => failed.push(kind) } });
    await q.enqueue(db.prisma, [job('x', T0, { incidentId: null })]);
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const [j] = await q.claim('slack', 'C1', 1, 30_000);
      if (j) outcomes.push(await q.fail(j, { code: 'http_500' }));
      t += 120_000;
    }
    expect(outcomes).toEqual(['retry', 'retry', 'failed']);
    expect(failed).toEqual(['thread']);
    expect(await db.prisma.job.findFirstOrThrow()).toMatchObject({ status: 'failed', attempts: 3, lastError: 'http_500', claimedBy: null });
    expect(await q.nextDueAt(['slack'])).toBeNull();
  });

  it('a permanent error fails at once', async () => {
    const q = queue('a', { clock: () => T0, maxAttempts: 8 });
    await q.enqueue(db.prisma, [job('x', T0)]);
    const [j] = await q.claim('slack', 'C1', 1, 30_000);
    expect(await q.fail(j!, { code: 'channel_not_found', permanent: true })).toBe('failed');
  });

  it('a stale claim held by a dead process does not delay the next due job (nextDueAt ignores claimed rows)', async () => {
    const t = T0;
    const dead = queue('dead', { clock: () => t });
    const alive = queue('alive', { clock: () => t });
    await dead.enqueue(db.prisma, [job('held', T0 - 1_000), job('next', T0 + 2_000)]);
    expect(await dead.claim('slack', 'C1', 1, 600_000)).toHaveLength(1);
    // Before: the stale claim's expiry (T0 + 10 min) would have been the answer.
    expect(await alive.nextDueAt(['slack'])).toBe(T0 + 2_000);
  });

  it("on the database clock, nextDueAt also waits for the channel's pace and ignores a channel held by a live sender", async () => {
    const q = queue('a');
    const other = queue('b');
    const now = await q.now();
    await q.enqueue(db.prisma, [job('x', now - 5_000)]);
    expect(await other.holdChannel('slack:C1', 60_000)).toBe(true);
    const held = await q.nextDueAt(['slack']);
    expect(held! - now).toBeGreaterThan(55_000);
    await other.releaseChannel('slack:C1', 3_000);
    const paced = await q.nextDueAt(['slack']);
    expect(paced! - now).toBeGreaterThan(2_000);
    expect(paced! - now).toBeLessThan(4_000);
    expect(await q.holdChannel('slack:C1', 60_000)).toBe(false); // pace not over yet
  });

  it('a card is coalesced per incident: the newest revision wins, an older one changes nothing, a claim in flight runs again', async () => {
    const q = queue('a', { clock: () => T0 });
    const card = (revision: number) => ({
      kind: 'card',
      destination: 'slack',
      channel: 'C1',
      payload: { r: revision },
      dedupeKey: 'card:slack:1',
      dueAt: T0,
      revision,
    });
    await q.enqueueLatest(db.prisma, card(1));
    const [claimed] = await q.claim('slack', 'C1', 1, 30_000);
    await q.enqueueLatest(db.prisma, card(3));
    await q.enqueueLatest(db.prisma, card(2));
    expect(await db.prisma.job.count()).toBe(1);
    expect((await db.prisma.job.findFirstOrThrow()).revision).toBe(3);
    expect(await q.complete(claimed!)).toBe('again'); // it showed revision 1; 3 is waiting
    const [next] = await q.claim('slack', 'C1', 1, 30_000);
    expect(next!.revision).toBe(3);
    expect(await q.complete(next!)).toBe('done');
    await q.enqueueLatest(db.prisma, card(3));
    expect((await db.prisma.job.findFirstOrThrow()).status).toBe('done');
  });

  it('a process claims only the kinds it has handlers for, and waits for nothing else', async () => {
    const q = queue('a', { clock: () => T0 });
    await q.enqueue(db.prisma, [job('ann', T0 - 1_000, { kind: 'announcement' }), job('card', T0 + 5_000, { kind: 'card' })]);
    const scope = [{ destination: 'slack', kinds: ['card', 'thread', 'reminder'] }];
    expect(await q.dueChannels(scope)).toEqual([]);
    expect(await q.nextDueAt(scope)).toBe(T0 + 5_000);
    expect(await q.claim('slack', 'C1', 10, 30_000, ['card'])).toEqual([]);
    expect((await q.claim('slack', 'C1', 10, 30_000, ['announcement'])).map((j) => j.kind)).toEqual(['announcement']);
  });

  it('deliveryProblems lists failed and retrying deliveries of an incident, without message text', async () => {
    const incident = await db.prisma.incident.create({
      data: {
        title: 't',
        agencyId: 'csn',
        impact: 1,
        timing: 1,
        suggestedTiming: 1,
        priority: 'critical',
        status: 'open',
        reporter: 'r',
        source: 'cli',
        receivedAt: new Date(T0),
        responseDueAt: new Date(T0),
        resolutionDueAt: new Date(T0),
        configVersion: 'v',
      },
    });
    const q = queue('a', { clock: () => T0, maxAttempts: 1 });
    await q.enqueue(db.prisma, [job('x', T0, { incidentId: incident.id, kind: 'card' }), job('y', T0, { incidentId: incident.id, kind: 'reminder' })]);
    const [x, y] = await q.claim('slack', 'C1', 2, 30_000);
    await q.fail(x!, { code: 'http_503' });
    await q.complete(y!);
    expect(await q.deliveryProblems(incident.id)).toEqual([
      expect.objectContaining({ kind: 'card', destination: 'slack', status: 'failed', attempts: 1, maxAttempts: 1, lastError: 'http_503' }),
    ]);
    await db.prisma.incident.delete({ where: { id: incident.id } });
  });
});
