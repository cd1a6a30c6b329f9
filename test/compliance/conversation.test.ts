// `compliance`, `order`, `problem` and `outage` in the command language: typed in the
// terminal (on both stores) and as the Slack slash command (the chart arrives as a PNG).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSession } from '../../src/platforms/console/session.js';
import type { Database } from '../../src/store/index.js';
import { TestClock, testApp } from '../support/app.js';
import { databases, pgliteTarget } from '../support/databases.js';
import { startBot, type Bot } from '../support/fake-slack.js';
import { at } from '../support/time.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe.each(databases)('compliance and cases in the terminal on $name', (target) => {
  let db: Database;
  let app: Awaited<ReturnType<typeof testApp>>;
  const clock = new TestClock(at('2026-11-24 10:00'));
  const session = (lang: 'sv' | 'en' = 'sv') => new ConsoleSession(app.conversation, app.contract, { actor: { id: 'anna', source: 'console' }, lang });
  beforeAll(async () => {
    db = await target.open();
    app = await testApp(db, clock);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('an order is opened with its own BES number and its deadline from the order table, then resolved late', async () => {
    const s = session();
    clock.set(at('2026-11-02 09:00'));
    const opened = await s.feed('beställning anslutning "Ny anslutning för CSN" myndighet=csn');
    expect(opened).toMatch(/^BES-1 registrerad\./);
    expect(opened).toContain('Anslutning');
    // Five working days on the support clock: Monday 09:00 → Monday 09:00 a week later.
    expect(opened).toContain('Åtgärdas senast: mån 9 nov. 2026 09:00');
    clock.set(at('2026-11-10 09:00'));
    const resolved = await s.feed('beställning åtgärdad BES-1 Anslutningen klar');
    expect(resolved).toContain('BES-1 åtgärdad.');
    expect(resolved).toContain('för sent');
  });

  it('a problem with Påverkan and Tidpunkt gets a PRB number, links incidents, and records root cause and action', async () => {
    const s = session('en');
    clock.set(at('2026-11-03 10:00'));
    const incident = await app.incidents.open({ impact: 2, timing: 3, title: 'Timeouts', agencyId: 'csn' }, { id: 'anna', source: 'console' }, clock.t);
    const opened = await s.feed(`problem impact=2 timing=3 incidents=${incident.ref} Recurring timeouts`);
    expect(opened).toMatch(/^PRB-1 recorded\./);
    expect(opened).toContain(`Incidents: ${incident.ref}`);
    expect(await s.feed('problem cause PRB-1 Connection pool too small')).toContain('Root cause: Connection pool too small');
    expect(await s.feed('problem action PRB-1 Raise the pool to 50')).toContain('Proposed action: Raise the pool to 50');
    expect(await s.feed('problem PRB-9')).toBe('PRB-9 does not exist.');
    expect(await s.feed('problem close PRB-1')).toBe('Cannot close PRB-1: it is open.');
  });

  it('"available with disturbance" must name its incident; an outage is recorded with cause and action plan', async () => {
    const s = session();
    clock.set(at('2026-11-06 12:00'));
    expect(await s.feed('avbrott störning start="2026-11-05 10:00" slut="2026-11-05 11:00" orsak=Långsamt')).toContain('ange incident=INC-n');
    const out = await s.feed(
      'avbrott start="2026-11-05 10:00" slut="2026-11-05 11:30" tjänster=Inkomstuppgifter orsak="Databasen föll" åtgärdsplan="Ny failover"',
    );
    expect(out).toMatch(/^AVB-\d+ registrerat\./);
    expect(out).toContain('Åtgärdsplan: Ny failover');
  });

  it('`efterlevnad` answers with each goal met or missed, with the share, and the breaches', async () => {
    clock.set(at('2026-11-24 10:00'));
    const text = await session().feed('efterlevnad 2026-11');
    expect(text).toContain('november 2026');
    expect(text).toMatch(/Beställningar.*0 %/);
    expect(text).toContain('BES-1');
    // The 90-minute outage took 90 minutes of opening time.
    expect(text).toMatch(/Tillgänglighet.*1:30/);
    const en = await session('en').feed('compliance 2026-11 csn');
    expect(en).toContain('CSN');
  });

  it('a month that is not a month, or an agency nobody knows, is refused', async () => {
    expect(await session().feed('efterlevnad 2026-13')).toBe('"2026-13" är ingen månad; skriv ÅÅÅÅ-MM, t.ex. 2026-10.');
    expect(await session('en').feed('compliance nobody')).toMatch(/^Unknown agency "nobody"\. Known: /);
  });
});

describe('compliance in Slack', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot(await pgliteTarget.open());
  });
  afterAll(() => bot.close());

  it('/ssbtek compliance answers privately with the headline and shares a 12-month chart as a PNG in the channel', async () => {
    await bot.app.incidents.open({ impact: 3, timing: 3, title: 'Långsamma svar', agencyId: 'csn' }, { id: 'U0ANNA', source: 'slack' }, bot.clock.t);
    const res = await bot.requester.command('compliance 2026-11', { user: 'U0ANNA', channel: 'C0OPS', triggerId: '2001.1.compliance' });
    expect(res.status).toBe(200);
    const answer = await bot.fake.waitForResponse(res.responseId);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(answer.body.text).toContain('Uppföljning av avtalet november 2026');
    expect(answer.body.text).toMatch(/Tillgänglighet/);
    const done = await bot.fake.waitFor('files.completeUploadExternal');
    expect(done.body.channel_id).toBe('C0OPS');
    const file = bot.fake.files.find((f) => f.completed)!;
    expect(file.filename).toBe('efterlevnad-2026-11.png');
    expect(file.bytes!.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    // IHDR: a real image, twice the spec's 560-pixel plot plus axes and legend.
    expect(file.bytes!.readUInt32BE(16)).toBeGreaterThan(1000);
    expect(file.bytes!.length).toBe(file.length);
  });
});
