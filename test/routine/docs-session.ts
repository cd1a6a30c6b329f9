// Prints a window's life from planning to its end as the terminal shows it, and what the
// parties receive (e-mail, Slack), for docs/routine.md. Real output:
//   npx tsx test/routine/docs-session.ts
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import { openDatabase } from '../../src/store/index.js';
import { TestClock } from '../support/app.js';
import { at, Recorder, routineContract, type Received } from './support.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ssbtek-routine-doc-'));
const database = await openDatabase({ dataDir: dir });
const clock = new TestClock(at('2027-01-29T10:00'));
const app = await createApp({ contract: routineContract(), database, now: clock.now, smtp: null });
const received: Received[] = [];
for (const d of ['email', 'routine:slack', 'routine:teams'] as const) app.routine.useTransport(d, new Recorder(d, received));
const deliver = async () => {
  for (let i = 0; i < 3; i++) await app.jobs.runner.drain(5_000);
};
const show = (channel: string) => {
  for (const r of received.filter((x) => x.channel === channel)) {
    if (r.destination === 'email') console.log(`--- e-mail to ${r.channel}\nSubject: ${r.subject}\n\n${r.text}\n`);
    else console.log(`--- Slack, posted in ${r.channel}\n*${r.subject}*\n${r.text}\n`);
  }
  received.length = 0;
};
async function say(line: string, when: string, lang: 'sv' | 'en' = 'sv', actor = 'anna') {
  clock.set(at(when));
  await deliver();
  received.length = 0;
  const reply = await app.conversation.handle(line, { actor: { id: actor, source: 'console' }, lang });
  await deliver();
  console.log(`[${when}] ssbtek> ${line}\n${reply.text}\n`);
}
async function advance(when: string) {
  clock.set(at(when));
  await deliver();
}

await say(
  'fönster 2027-02-27 02:00–06:00 tjänster=Inkomst,Folkbokföring text="Inkomst- och folkbokföringsuppgifter kan inte hämtas." Byte av databasserver',
  '2027-01-29T10:00',
);
show('drift@fk.example.se');
await say('fönster 2027-02-20 02:00–06:00 Byte av lastbalanserare', '2027-01-29T10:05');
await say('window 2027-03-01 05:00–08:30 Patch', '2027-01-29T10:06', 'en');
await say('fönster flytta WIN-1 2027-03-06 02:00–06:00', '2027-01-29T11:00');
show('ops@skv.example.se');
await say('fönster 2027-02-28 22:00–06:00 tjänster=Inkomst text="Inkomstuppgifter kan inte hämtas." Migrering', '2027-01-29T12:00');
await say('fönstren', '2027-01-29T12:01');
await say('extratid 2027-03-13 09:00–13:00', '2027-02-20T10:00');
await say('extra-hours 2027-03-13 09:00–13:00', '2027-02-26T13:00', 'en');
await advance('2027-03-01T06:00');
show('C0DRIFT');
await say('fönster klart WIN-2', '2027-03-01T08:40');
show('avtal@example.se');
await say('incident påverkan=1 tidpunkt=1 titel="DB-kluster nere" myndighet=csn', '2027-03-02T09:00');
show('C0DRIFT');
await say('meddelande INC-1 Inkomstuppgifter kan inte hämtas just nu. Nästa besked senast 10:00.', '2027-03-02T09:05');
show('drift@fk.example.se');
await advance('2027-03-02T10:00');
show('C0DRIFT');
await say('åtgärdad INC-1 Klustret omstartat', '2027-03-02T10:20');
show('ops@skv.example.se');
await advance('2027-03-05T08:00');
show('C0FK');
await say('fönster förläng WIN-1 07:30', '2027-03-06T05:45');
await say('fönster klart WIN-1', '2027-03-06T07:10');
await say('extratid godkänn EXH-1', '2027-03-11T13:30');
show('it-drift@csn.example.se');
await app.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
