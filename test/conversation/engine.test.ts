// The conversation: commands in, translated replies out, never a stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversation/engine.js';
import type { Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { pgliteTarget } from '../support/databases.js';
import { TestClock, testApp } from '../support/app.js';
import { at } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'console' };
const sv = { actor: anna, lang: 'sv' as const };
const en = { actor: anna, lang: 'en' as const };

describe('the conversation', () => {
  let db: Database;
  let app: Awaited<ReturnType<typeof testApp>>;
  const clock = new TestClock(at('2026-11-27 16:45'));
  beforeAll(async () => {
    db = await pgliteTarget.open();
    app = await testApp(db, clock);
  });
  afterAll(() => db.close());

  it('opens an incident inline and answers with priority and both deadlines in Swedish', async () => {
    const reply = await app.conversation.handle('/ssbtek incident påverkan=1 tidpunkt=1 titel="Inga svar från SSBTEK" myndighet=skatteverket', sv);
    expect(reply).toMatchObject({ kind: 'card', visibility: 'public', change: 'opened' });
    expect(reply.text).toContain('INC-1 · KRITISK · Öppen');
    expect(reply.text).toContain('Responstid: senast mån 30 nov. 2026 08:15 (30 min) – 30 min kvar på supportklockan');
    expect(reply.text).toContain('Åtgärdstid: senast mån 30 nov. 2026 15:45 (8 timmar)');
  });

  it('answers the same in English', async () => {
    const reply = await app.conversation.handle('status INC-1', en);
    expect(reply.text).toContain('INC-1 · CRITICAL · Open');
    expect(reply.text).toContain('Response: by Mon 30 Nov 2026 08:15 (30 min) – 30 min left on the support clock');
  });

  it('asks for the form when incident has no arguments, with the Tidpunkt suggestion and why', async () => {
    const reply = await app.conversation.handle('incident', sv);
    expect(reply.kind).toBe('form');
    if (reply.kind !== 'form') return;
    const timing = reply.form.fields.find((f) => f.id === 'timing')!;
    expect(timing.initial).toBe('1');
    expect(timing.hint).toBe('Förslag: 1 – den 27:e är i den kritiska perioden (från den 20:e till månadens slut)');
    expect(reply.form.fields.find((f) => f.id === 'impact')!.options!.map((o) => o.value)).toEqual(['1', '2', '3', '4']);
  });

  const mistakes: Array<[string, string, string]> = [
    ['an unknown command', 'radera INC-1', 'Okänt kommando "radera". Skriv help för att se kommandona.'],
    ['impact 5', 'incident påverkan=5 titel=x', 'Påverkan måste vara 1, 2, 3 eller 4 (inte "5").'],
    [
      'an unknown agency',
      'incident påverkan=1 titel=x myndighet=nasa',
      'Okänd myndighet "nasa". Välj en av: forsakringskassan, skatteverket, csn, arbetsformedlingen, pensionsmyndigheten, transportstyrelsen, a-kassorna.',
    ],
    ['a missing title', 'incident påverkan=1', 'Det saknas titel. Exempel: incident påverkan=1 titel="Inga svar från SSBTEK".'],
    ['a missing reason', 'priority INC-1 påverkan=2 tidpunkt=3', 'Ange en orsak till den nya prioriteten för INC-1, efter påverkan och tidpunkt.'],
    ['a bad id', 'ack 12a', '"12a" är inget incident-id. Skriv t.ex. INC-12.'],
    ['an incident that does not exist', 'ack INC-999', 'Det finns ingen incident INC-999. Skriv list för de öppna.'],
    [
      'an unknown key',
      'incident påverkan=1 prio=1 titel=x',
      'Okänt fält: prio. Använd påverkan=, tidpunkt=, titel=, myndighet=, tjänster=, beskrivning=, säkerhet=.',
    ],
    ['resolve without a note', 'resolve INC-1', 'Skriv hur INC-1 återrapporterades: resolve INC-1 <text>.'],
  ];
  it.each(mistakes)('%s gets a clear Swedish message and changes nothing', async (_name, line, message) => {
    const before = await db.prisma.auditEntry.count();
    const reply = await app.conversation.handle(line, sv);
    expect(reply).toMatchObject({ kind: 'error', visibility: 'private', text: message });
    expect(await db.prisma.auditEntry.count()).toBe(before);
  });

  it('a refused change names the action and the incident, says why, and what can be done instead', async () => {
    expect((await app.conversation.handle('close INC-1', sv)).text).toBe(
      'Kan inte stänga INC-1: den är öppen. Det som går nu: kvittera, åtgärdad, prioritet, snooza, notera.',
    );
    expect((await app.conversation.handle('close INC-1', en)).text).toBe(
      'Cannot close INC-1: it is open. What can be done now: ack, resolve, priority, snooze, note.',
    );
    await app.conversation.handle('resolve INC-1 Återrapporterat i telefon', sv);
    await app.conversation.handle('close INC-1', sv);
    expect(await app.conversation.handle('ack INC-1', sv)).toMatchObject({
      kind: 'error',
      code: 'bot.refuse.ack',
      text: 'Kan inte kvittera INC-1: den är stängd. Det som går nu: notera.',
    });
    expect((await app.conversation.handle('ack INC-1', en)).text).toBe('Cannot acknowledge INC-1: it is closed. What can be done now: note.');
  });

  it('a fault below becomes a translated message, logged, never a stack trace', async () => {
    const logged: unknown[] = [];
    const broken = new Conversation({
      incidents: { listOpen: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'x')")) } as never,
      contract: app.contract,
      now: clock.now,
      logError: (err) => logged.push(err),
    });
    const reply = await broken.handle('list', sv);
    expect(reply).toMatchObject({
      kind: 'error',
      visibility: 'private',
      text: 'Något gick fel hos boten, och inget ändrades. Försök igen om en stund; felet är loggat.',
    });
    expect(logged).toHaveLength(1);
  });

  it('refuses a restricted action for someone not allowed', async () => {
    const guarded = new Conversation({
      incidents: app.incidents,
      contract: app.contract,
      now: clock.now,
      authorize: (action, actor) => actor.id === 'chef' || action === 'reopen',
    });
    await app.conversation.handle('incident påverkan=2 titel="Begränsad"', sv);
    const refused = await guarded.handle('resolve INC-2 klart', sv);
    expect(refused.text).toBe('Du har inte behörighet att åtgärda. Be en incidentansvarig.');
    const allowed = await guarded.handle('resolve INC-2 klart', { actor: { id: 'chef', source: 'console' }, lang: 'sv' });
    expect(allowed).toMatchObject({ kind: 'card', change: 'resolved' });
  });

  it('each handled command is recorded by name and outcome, never by what was typed', async () => {
    const records: unknown[] = [];
    const observed = new Conversation({
      incidents: app.incidents,
      contract: app.contract,
      now: clock.now,
      authorize: () => false,
      onCommand: (r) => records.push({ ...r, ms: typeof r.ms }),
    });
    await observed.handle('status INC-1', sv);
    await observed.handle('ack INC-999', { ...sv, deliveryId: 'd1' });
    await observed.handle('radera 811218-9876', sv);
    await observed.handle('close INC-1', sv);
    expect(records).toEqual([
      { command: 'status', outcome: 'ok', ms: 'number', incident: 'INC-1', source: 'console', actor: 'anna' },
      { command: 'ack', outcome: 'user_error', ms: 'number', incident: 'INC-999', source: 'console', actor: 'anna', delivery: 'd1' },
      { command: 'unparsed', outcome: 'user_error', ms: 'number', source: 'console', actor: 'anna' },
      { command: 'close', outcome: 'denied', ms: 'number', incident: 'INC-1', source: 'console', actor: 'anna' },
    ]);
  });

  it('help lists every command', async () => {
    const reply = await app.conversation.handle('help', en);
    for (const word of ['incident', 'status', 'list', 'ack', 'resolve', 'reopen', 'priority', 'close', 'snooze', 'note'])
      expect(reply.text).toContain(`  ${word}`);
  });
});
