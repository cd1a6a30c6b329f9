// What a careless, hurried or hostile line gets: a clear refusal that repeats nothing
// private and nothing huge, with nothing stored; on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversation/engine.js';
import type { Actor } from '../../src/services/incidents.js';
import type { Database } from '../../src/store/index.js';
import { databases } from '../support/databases.js';
import { TestClock, testApp } from '../support/app.js';
import { at } from '../support/time.js';

const anna: Actor = { id: 'anna', source: 'console' };
const sv = { actor: anna, lang: 'sv' as const };
const en = { actor: anna, lang: 'en' as const };
const PNR = '811218-9876';

describe.each(databases)('the conversation refuses safely on $name', (target) => {
  let db: Database;
  let app: Awaited<ReturnType<typeof testApp>>;
  const clock = new TestClock(at('2026-11-24 10:00'));
  const stored = async () => [await db.prisma.incident.count(), await db.prisma.incidentEvent.count(), await db.prisma.auditEntry.count()];
  beforeAll(async () => {
    db = await target.open();
    app = await testApp(db, clock);
    await app.conversation.handle('incident påverkan=2 titel="Första"', sv);
  });
  afterAll(() => db.close());

  it.each([
    ['as the command', `${PNR} INC-1`],
    ['as an id', `ack ${PNR}`],
    ['as a level', `priority INC-1 påverkan=${PNR} tidpunkt=1 orsak`],
    ['as an agency', `incident påverkan=1 titel=x myndighet=${PNR}`],
    ['as a snooze length', `snooze INC-1 ${PNR}`],
    ['in an unknown key', `ack INC-1 x${PNR}=ja`],
    ['as a yes/no answer', `incident påverkan=1 titel=x säkerhet=${PNR}`],
    ['as words after an id', `close INC-1 ${PNR}`],
  ])('a personnummer %s is never repeated back', async (_where, line) => {
    const before = await stored();
    const reply = await app.conversation.handle(line, sv);
    expect(reply.kind).toBe('error');
    expect(reply.text).not.toMatch(/811218|9876/);
    expect(await stored()).toEqual(before);
  });

  it('a huge input is repeated at most 80 characters long', async () => {
    const reply = await app.conversation.handle(`ack ${'å'.repeat(10_000)}`, sv);
    expect(reply.kind).toBe('error');
    expect(reply.text.length).toBeLessThan(200);
    const huge = await app.conversation.handle(`incident påverkan=1 titel="${'x'.repeat(800_000)}"`, sv);
    expect(huge).toMatchObject({ kind: 'error', code: 'errors.command.tooLong' });
    expect(huge.text.length).toBeLessThan(200);
  });

  it('a fault is logged under the command name, never with what was typed', async () => {
    const logged: string[] = [];
    const broken = new Conversation({
      incidents: { get: () => Promise.reject(new Error('boom')) } as never,
      contract: app.contract,
      now: clock.now,
      logError: (_err, context) => logged.push(context),
    });
    const reply = await broken.handle(`status INC-${PNR.slice(0, 6)}`, sv);
    expect(reply.kind).toBe('error');
    expect(logged).toEqual(['command status']);
  });

  it('a missing id is asked for with an example, not shown as ""', async () => {
    expect((await app.conversation.handle('ack', sv)).text).toBe('Ange vilken incident, t.ex. ack INC-n.');
    expect((await app.conversation.handle('stäng', en)).text).toBe('Say which incident, e.g. close INC-n.');
  });

  it('a quoted command word works like the word', async () => {
    expect(await app.conversation.handle('"ack" INC-1', sv)).toMatchObject({ kind: 'card', change: 'acknowledged' });
  });

  it('a field given twice is refused, naming it, and nothing is stored', async () => {
    const before = await stored();
    expect((await app.conversation.handle('incident påverkan=1 titel=a impact=2', sv)).text).toBe('Fältet impact anges två gånger. Ange det en gång.');
    expect((await app.conversation.handle('incident title=a title=b impact=1', en)).text).toBe('The field title is given twice. Give it once.');
    expect(await stored()).toEqual(before);
  });

  it('an unclosed quote is refused with where it opened, not put in the title', async () => {
    const before = await stored();
    expect((await app.conversation.handle('incident påverkan=1 titel="Halv titel', sv)).text).toBe(
      'Citattecknet vid tecken 27 stängs aldrig. Avsluta texten med ett citattecken, eller ta bort det.',
    );
    expect(await stored()).toEqual(before);
  });

  it('pnr=… inside a reason is free text, and it is masked before it is stored', async () => {
    await app.conversation.handle('resolve INC-1 Klart', sv);
    const reply = await app.conversation.handle(`reopen INC-1 Ringde pnr=${PNR} igen`, sv);
    expect(reply).toMatchObject({ kind: 'card', change: 'reopened' });
    const event = await db.prisma.incidentEvent.findFirstOrThrow({ where: { type: 'reopened' } });
    expect(JSON.stringify(event.data)).toContain('Ringde pnr=[personnummer] igen');
  });

  it('open and öppna ask for a new incident; list and lista list them', async () => {
    expect((await app.conversation.handle('open', sv)).kind).toBe('form');
    expect((await app.conversation.handle('öppna', sv)).kind).toBe('form');
    expect((await app.conversation.handle('lista', sv)).kind).toBe('list');
  });

  it('control characters, escape sequences, bidi overrides and NUL never reach the store', async () => {
    const reply = await app.conversation.handle('incident påverkan=4 titel="Ti\u0000tel \u001b[2J\u202eok\u0007"', sv);
    expect(reply.kind).toBe('card');
    if (reply.kind !== 'card') return;
    expect(reply.incident.title).toBe('Titel ok');
  });

  it('where a form can be shown, resolve and priority without their text ask for it; where not, they say what is missing', async () => {
    const forms = { ...sv, forms: true };
    const resolve = await app.conversation.handle('resolve INC-1', forms);
    expect(resolve.kind).toBe('form');
    if (resolve.kind !== 'form') return;
    expect(resolve.form.fields.map((f) => f.id)).toEqual(['note']);
    expect(resolve.form.hidden).toEqual({ i: 1 });
    expect(await app.conversation.submitForm('resolve', { note: '  ' }, resolve.form.hidden, forms)).toMatchObject({
      kind: 'formErrors',
      errors: { note: 'Skriv hur incidenten återrapporterades till anmälaren.' },
    });
    expect((await app.conversation.handle('resolve INC-1', sv)).text).toBe('Skriv hur INC-1 återrapporterades: resolve INC-1 <text>.');

    const priority = await app.conversation.handle('priority INC-1', forms);
    expect(priority.kind).toBe('form');
    if (priority.kind !== 'form') return;
    expect(priority.form.fields.map((f) => [f.id, f.initial])).toEqual([
      ['impact', '2'],
      ['timing', '1'],
      ['reason', undefined],
    ]);
    const same = await app.conversation.submitForm('priority', { impact: '2', timing: '1', reason: 'x' }, priority.form.hidden, forms);
    expect(same).toMatchObject({ kind: 'formErrors', errors: { impact: 'INC-1 har redan den påverkan och tidpunkten. Inget ändrades.' } });
    const changed = await app.conversation.submitForm('priority', { impact: '1', timing: '1', reason: 'Alla drabbade' }, priority.form.hidden, forms);
    expect(changed).toMatchObject({ kind: 'card', change: 'reprioritised' });
  });

  it('a form is refused before it is shown when the status does not allow the action or the person may not', async () => {
    await app.conversation.handle('resolve INC-1 Klart igen', sv);
    await app.conversation.handle('close INC-1', sv);
    expect((await app.conversation.handle('resolve INC-1', { ...sv, forms: true })).text).toBe(
      'Kan inte markera INC-1 som åtgärdad: den är stängd. Det som går nu: notera.',
    );
    const guarded = new Conversation({ incidents: app.incidents, contract: app.contract, now: clock.now, authorize: () => false });
    expect((await guarded.handle('priority INC-2', { ...sv, forms: true })).text).toBe('Du har inte behörighet att ändra prioritet. Be en incidentansvarig.');
  });
});
