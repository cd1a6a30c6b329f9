// The transactional outbox on both stores: a change writes its chat deliveries in its own
// transaction; cards are coalesced; a process without Slack writes what a replica with Slack
// delivers; never an older card after a newer one; failures end `failed` after the
// configured attempts; 429 Retry-After; digests; a takeover finds what Slack already has.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import { BusinessCalendar } from '../../src/domain/calendar.js';
import { cardKey, Outbox } from '../../src/jobs/outbox.js';
import { JobQueue } from '../../src/jobs/queue.js';
import { IncidentService, type Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { startBot, textOf, type Bot } from '../support/fake-slack.js';
import { at } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'console' };
const contract = buildContract();

describe.each(databases)('chat outbox on $name', (target) => {
  let db: Database;
  let bot: Bot | undefined;
  let plain: App | undefined;
  beforeAll(async () => {
    db = await target.open();
  });
  afterAll(() => db.close());
  afterEach(async () => {
    await bot?.close();
    await plain?.close();
    bot = undefined;
    plain = undefined;
    await db.prisma.job.deleteMany();
    await db.prisma.jobChannel.deleteMany();
    await db.prisma.chatReference.deleteMany();
    await db.prisma.chatDestination.deleteMany();
    await db.prisma.reminder.deleteMany();
    await db.prisma.incident.deleteMany();
  });

  /** A Slack replica (delivering) and a process without Slack (the terminal), sharing a clock. */
  async function replicas(
    botOptions: Parameters<typeof startBot>[1] = {},
    fakeOptions: Parameters<typeof startBot>[2] = {},
    appOptions: Parameters<typeof startBot>[4] = {},
  ) {
    bot = await startBot(db, { incidentChannel: 'C0INCIDENTS', ...botOptions }, fakeOptions, contract, appOptions);
    const clock = bot.clock;
    plain = await createApp({ contract, database: db, now: () => clock.t, schedulerOwner: 'terminal', ...appOptions });
    return { bot, plain };
  }

  it('a change writes its deliveries in its own transaction; a change rolled back writes none', async () => {
    const queue = new JobQueue({ prisma: db.prisma, owner: 't', maxAttempts: 3, backoffMs: 100, backoffMaxMs: 1000, clock: () => at('2026-11-24 10:00') });
    const outbox = new Outbox({ prisma: db.prisma, queue });
    await outbox.register('slack', { incidentChannel: 'C0INCIDENTS' }, 'test');
    const calendar = new BusinessCalendar(contract);
    const ok = new IncidentService({ prisma: db.prisma, contract, calendar, hooks: [outbox.hook] });
    const v = await ok.open({ impact: 2, title: 'Skrivs' }, anna, at('2026-11-24 10:00'));
    expect(await db.prisma.job.findMany({ select: { kind: true, channel: true, dedupeKey: true } })).toEqual([
      { kind: 'card', channel: 'C0INCIDENTS', dedupeKey: cardKey('slack', v.id) },
    ]);
    const failing = new IncidentService({
      prisma: db.prisma,
      contract,
      calendar,
      hooks: [
        outbox.hook,
        async () => {
          throw new Error('a later write failed');
        },
      ],
    });
    await expect(failing.open({ impact: 2, title: 'Rullas tillbaka' }, anna, at('2026-11-24 10:00'))).rejects.toThrow('a later write failed');
    await expect(failing.acknowledge(v.id, anna, at('2026-11-24 10:01'))).rejects.toThrow('a later write failed');
    expect(await db.prisma.incident.count()).toBe(1);
    expect(await db.prisma.job.count()).toBe(1);
    expect((await db.prisma.job.findFirstOrThrow()).revision).toBe(0);
  });

  it('card updates are coalesced per incident (one row, the newest revision); each change gets its thread line', async () => {
    const queue = new JobQueue({ prisma: db.prisma, owner: 't', maxAttempts: 3, backoffMs: 100, backoffMaxMs: 1000, clock: () => at('2026-11-24 10:00') });
    const outbox = new Outbox({ prisma: db.prisma, queue });
    await outbox.register('slack', { incidentChannel: 'C0INCIDENTS' }, 'test');
    const incidents = new IncidentService({ prisma: db.prisma, contract, calendar: new BusinessCalendar(contract), hooks: [outbox.hook] });
    const v = await incidents.open({ impact: 1, title: 'Många ändringar' }, anna, at('2026-11-24 10:00'));
    await incidents.acknowledge(v.id, anna, at('2026-11-24 10:01'));
    await incidents.resolve(v.id, 'Återrapporterat', anna, at('2026-11-24 10:02'));
    const jobs = await db.prisma.job.findMany({ orderBy: { id: 'asc' } });
    expect(jobs.map((j) => `${j.kind}@${j.revision}`)).toEqual(['card@2', 'thread@1', 'thread@2']);
    expect(jobs.map((j) => (j.payload as { change?: string }).change)).toEqual([undefined, 'acknowledged', 'resolved']);
    expect(await outbox.cardState(v.id)).toMatchObject({ state: 'pending', destination: 'slack', channel: 'C0INCIDENTS' });
  });

  it('a change made by a process without Slack reaches Slack through another replica: card, update and thread line', async () => {
    const { bot, plain } = await replicas();
    const v = await plain.incidents.open({ impact: 2, title: 'Från terminalen' }, anna, bot.clock.t);
    expect(bot.fake.callsOf('chat.postMessage')).toHaveLength(0); // nothing was sent by the writer
    await bot.slack.idle();
    const card = await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS' && !b.thread_ts);
    expect(textOf(card.body.blocks)).toContain('Från terminalen');
    expect(card.body.metadata).toMatchObject({ event_type: 'ssbtek_delivery' });
    expect(await plain.jobs.outbox.cardState(v.id)).toMatchObject({ state: 'posted', channel: 'C0INCIDENTS', messageId: card.response.ts });
    await plain.incidents.acknowledge(v.id, anna, bot.clock.t);
    await bot.slack.idle();
    const update = await bot.fake.waitFor('chat.update', (b) => b.ts === card.response.ts);
    expect(textOf(update.body.blocks)).toContain('Påbörjad');
    const line = await bot.fake.waitFor('chat.postMessage', (b) => b.thread_ts === card.response.ts);
    expect(line.body.text).toContain('Kvitterad av anna via terminalen');
    expect(
      await db.prisma.job.findMany({
        where: { kind: { in: ['card', 'thread'] }, status: { not: 'done' } },
        select: { kind: true, status: true, lastError: true },
      }),
    ).toEqual([]);
    expect(bot.fake.violations).toEqual([]);
  });

  it('the person who opens an incident is told what happened to its card: saved and to follow, or already in the channel', async () => {
    const { bot, plain } = await replicas();
    const ctx = { actor: anna, lang: 'sv' as const, deliveryId: 'term-1' };
    const first = await plain.conversation.handle('incident påverkan=3 titel="Kortets öde"', ctx);
    expect(first.text).toMatch(/Incident INC-\d+ är registrerad\./);
    expect(first.text).toContain('Sparat. Kortet kommer i Slack så snart Slack tar emot det.');
    await bot.slack.idle();
    await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS' && !b.thread_ts);
    // The same delivery again (a retried request) returns the incident, and the card is there now.
    const again = await plain.conversation.handle('incident påverkan=3 titel="Kortets öde"', ctx);
    expect(again.text).toContain('Kortet finns i Slack (C0INCIDENTS).');
    const en = await plain.conversation.handle('incident impact=4 title="Card fate"', { actor: anna, lang: 'en' });
    expect(en.text).toContain('Saved. The card will follow in Slack as soon as Slack takes it.');
  });

  it('an older card is never shown after a newer one: a replica holding a stale revision drops it', async () => {
    const { bot, plain } = await replicas();
    const v = await plain.incidents.open({ impact: 2, title: 'Revisioner' }, anna, bot.clock.t);
    await bot.slack.idle();
    await bot.fake.waitFor('chat.postMessage', (b) => b.channel === 'C0INCIDENTS');
    // Another replica already showed revision 7 (a newer state than this one will render).
    await db.prisma.chatReference.updateMany({ where: { incidentId: v.id }, data: { shownRevision: 7 } });
    const updates = bot.fake.callsOf('chat.update').length;
    await plain.incidents.acknowledge(v.id, anna, bot.clock.t);
    await bot.slack.idle();
    await bot.fake.waitFor('chat.postMessage', (b) => Boolean(b.thread_ts)); // the thread line still goes out
    expect(bot.fake.callsOf('chat.update')).toHaveLength(updates);
    expect(await db.prisma.job.findFirstOrThrow({ where: { kind: 'card' } })).toMatchObject({ status: 'done', lastError: 'a newer revision is already shown' });
  });

  it('a permanently failing destination ends failed after the configured attempts, shows in deliveryProblems and is not retried', async () => {
    const { bot, plain } = await replicas({}, {}, { jobs: { maxAttempts: 3, backoffMs: 1_000, backoffMaxMs: 1_000 } });
    bot.fake.failHttp('chat.postMessage', 503, 50);
    const v = await plain.incidents.open({ impact: 2, title: 'Slack nere' }, anna, bot.clock.t);
    for (let i = 0; i < 6; i++) {
      await bot.slack.idle();
      bot.clock.t += 60_000;
    }
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0INCIDENTS')).toHaveLength(3);
    expect(await plain.jobs.queue.deliveryProblems(v.id)).toEqual([
      expect.objectContaining({ kind: 'card', status: 'failed', attempts: 3, maxAttempts: 3, lastError: 'http_503' }),
    ]);
    expect(await plain.jobs.outbox.cardState(v.id)).toMatchObject({ state: 'failed' });
    expect(bot.logs.filter((l) => l.level === 'error' && l.msg.includes('failed after 3 attempts'))).toHaveLength(1);
    // Staff see it: `status` names the card that could not be delivered, in both languages.
    const sv = await plain.conversation.handle(`status ${v.ref}`, { actor: anna, lang: 'sv' });
    expect(sv.text).toContain('⚠ Kortet till slack C0INCIDENTS kunde inte levereras efter 3 av 3 försök (http_503)');
    const en = await plain.conversation.handle(`status ${v.ref}`, { actor: anna, lang: 'en' });
    expect(en.text).toContain('⚠ The card to slack C0INCIDENTS could not be delivered after 3 of 3 attempts (http_503)');
    // A new change brings the card back to life.
    await plain.incidents.acknowledge(v.id, anna, bot.clock.t);
    expect(await db.prisma.job.findFirstOrThrow({ where: { kind: 'card' } })).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it("Slack's 429 is respected: the channel waits Retry-After, nothing is lost or repeated, no attempt is used", async () => {
    const { bot, plain } = await replicas({ channelPaceMs: 0 }, { rateLimit: { perChannelPerSecond: 1 } });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await plain.incidents.open({ impact: 3, title: `Storm ${i}` }, anna, bot.clock.t)).id);
    const started = Date.now();
    await bot.slack.idle();
    const cards = bot.fake.messages.get('C0INCIDENTS') ?? [];
    expect(cards).toHaveLength(3);
    expect(bot.fake.rateLimited.get('C0INCIDENTS') ?? 0).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900); // three posts at one per second
    expect(new Set(cards.map((c) => c.metadata?.event_payload.job_ids)).size).toBe(3);
    expect((await db.prisma.job.findMany({ where: { kind: 'card' } })).every((j) => j.status === 'done' && j.attempts === 1)).toBe(true);
  });

  it('more reminders than the threshold due at once in one channel go out as one digest', async () => {
    const { bot, plain } = await replicas({ digestThreshold: 3 });
    const refs: string[] = [];
    for (let i = 0; i < 6; i++) refs.push((await plain.incidents.open({ impact: 1, timing: 1, title: `Samtidigt ${i}` }, anna, bot.clock.t)).ref);
    await bot.slack.idle();
    bot.clock.t = at('2026-11-24 10:15');
    const fired = await bot.app.scheduler.tick(bot.clock.t);
    expect(fired.sent).toBe(6);
    const digest = await bot.fake.waitFor('chat.postMessage', (b) => textOf(b).includes('6 påminnelser'));
    expect(digest.body.thread_ts).toBeUndefined();
    for (const ref of refs) expect(textOf(digest.body.blocks)).toContain(`${ref} (Kritisk)`);
    expect(String(digest.body.metadata.event_payload.job_ids).split(',')).toHaveLength(6);
    expect(bot.fake.callsOf('chat.postMessage').filter((c) => textOf(c.body).includes('⏰'))).toHaveLength(1);
    expect(await db.prisma.job.count({ where: { kind: 'reminder', status: 'done' } })).toBe(6);
  });

  it('a warning that could only go out after its deadline is dropped, never said as "0 min left"', async () => {
    const { bot, plain } = await replicas();
    const v = await plain.incidents.open({ impact: 1, timing: 1, title: 'Sen varning' }, anna, bot.clock.t);
    await bot.slack.idle();
    // The warning fires at 10:15 (written by the process without Slack)…
    bot.clock.t = at('2026-11-24 10:15');
    expect(await plain.scheduler.tick(bot.clock.t)).toMatchObject({ sent: 1 });
    // …but Slack was unreachable until after the 10:30 deadline.
    bot.clock.t = at('2026-11-24 10:31');
    const posts = bot.fake.callsOf('chat.postMessage').length;
    await bot.slack.idle();
    expect(bot.fake.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(await db.prisma.job.findFirstOrThrow({ where: { kind: 'reminder', incidentId: v.id } })).toMatchObject({
      status: 'dropped',
      lastError: 'deadline passed before the warning went out',
    });
  });

  it('after a takeover, a card Slack already accepted (its job id in the metadata) is found and not posted again', async () => {
    const { bot, plain } = await replicas();
    const v = await plain.incidents.open({ impact: 2, title: 'Krasch mitt i' }, anna, bot.clock.t);
    const job = await db.prisma.job.findFirstOrThrow({ where: { kind: 'card', incidentId: v.id } });
    // A replica claimed it, posted it… and died before recording it; its lease has run out.
    await db.prisma.job.update({ where: { id: job.id }, data: { claimedBy: 'dead-replica', claimedUntil: new Date(bot.clock.t - 1_000), attempts: 1 } });
    const res = await fetch(`${bot.fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-dead-replica', 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'C0INCIDENTS',
        text: 'INC card',
        metadata: { event_type: 'ssbtek_delivery', event_payload: { job_ids: String(job.id) } },
      }),
    });
    const posted = (await res.json()) as { ts: string };
    await bot.slack.idle();
    expect(bot.fake.callsOf('conversations.history')).toHaveLength(1);
    expect(bot.fake.messages.get('C0INCIDENTS')).toHaveLength(1);
    const update = await bot.fake.waitFor('chat.update', (b) => b.ts === posted.ts); // brought up to date, not reposted
    expect(textOf(update.body.blocks)).toContain('Krasch mitt i');
    expect(await db.prisma.chatReference.findFirstOrThrow({ where: { incidentId: v.id } })).toMatchObject({ messageId: posted.ts });
    expect(await db.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: 'done', attempts: 2 });
  });
});
