// Shared set-up for the routine's tests: a contract with parties, a transport that
// records what each party received, and helpers to move the clock and deliver.
import { DateTime } from 'luxon';
import type { App } from '../../src/app.js';
import { buildContract } from '../../src/config/load.js';
import type { Contract } from '../../src/config/contract.js';
import type { AnnouncementTransport } from '../../src/services/announcements.js';
import type { Database } from '../../src/store/index.js';
import { TestClock, testApp } from '../support/app.js';

export const ZONE = 'Europe/Stockholm';

/** Stockholm wall time → epoch ms. */
export const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();

export const PARTIES = [
  { id: 'forsakringskassan', role: 'agency', email: ['drift@fk.example.se'], slack: ['C0FK'] },
  { id: 'csn', role: 'agency', email: ['it-drift@csn.example.se'] },
  { id: 'skatteverket', role: 'agency', lang: 'en', email: ['ops@skv.example.se'] },
  { id: 'driftleverantoren', role: 'operator', name: 'Driftleverantören', slack: ['C0DRIFT'], email: ['servicedesk@drift.example.se'] },
  { id: 'avtalsagaren', role: 'owner', name: 'Avtalsägaren', email: ['avtal@example.se'] },
] as const;

export function routineContract(extra: Record<string, unknown> = {}): Contract {
  return buildContract({ routine: { parties: PARTIES, contact: 'Driftleverantörens servicedesk, 08-123 45 00, servicedesk@drift.example.se', ...extra } });
}

export interface Received {
  destination: string;
  channel: string;
  subject: string;
  text: string;
}

export class Recorder implements AnnouncementTransport {
  down = false;
  constructor(
    readonly destination: string,
    readonly into: Received[],
  ) {}
  async send(channel: string, m: { subject: string; text: string }): Promise<void> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    this.into.push({ destination: this.destination, channel, subject: m.subject, text: m.text });
  }
}

export interface RoutineBot {
  app: App;
  clock: TestClock;
  received: Received[];
  say(line: string, actor?: string, lang?: 'sv' | 'en'): Promise<string>;
  /** Moves the clock and delivers what is due (internal jobs included, then what they queued). */
  advance(to: number): Promise<void>;
}

export async function routineBot(db: Database, start: number, contract = routineContract()): Promise<RoutineBot> {
  const clock = new TestClock(start);
  const app = await testApp(db, clock, contract);
  const received: Received[] = [];
  for (const d of ['email', 'routine:slack', 'routine:teams'] as const) app.routine.useTransport(d, new Recorder(d, received));
  const deliver = async () => {
    for (let i = 0; i < 3; i++) await app.jobs.runner.drain(5_000);
  };
  return {
    app,
    clock,
    received,
    async say(line, actor = 'anna', lang = 'sv') {
      const reply = await app.conversation.handle(line, { actor: { id: actor, source: 'console' }, lang });
      await deliver();
      return reply.text;
    },
    async advance(to) {
      clock.set(to);
      await deliver();
    },
  };
}

/** Sent announcements per party and step, from the store. */
export async function sentSteps(
  db: Database,
  subject: string,
): Promise<Array<{ party: string; step: string; destination: string; channel: string; revision: number }>> {
  return db.prisma.routineAnnouncement.findMany({
    where: { subject, status: 'sent' },
    select: { party: true, step: true, destination: true, channel: true, revision: true },
    orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
  });
}
