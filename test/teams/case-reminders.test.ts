// Reminders about orders and problems in Teams, through the real Teams SDK and the fake
// Bot Framework connector: a message in TEAMS_INCIDENT_CHANNEL with real mentions of the
// contacts (level 2 also in the escalation channel), a person's title shown as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeTeamsMarkdown } from '../../src/platforms/teams/announcer.js';
import { pgliteTarget } from '../support/databases.js';
import type { ConnectorCall } from '../support/fake-teams.js';
import { at } from '../support/time.js';
import { ESCALATION_CHANNEL, INCIDENT_CHANNEL, PEOPLE, startTeamsBot, type TeamsBot } from './bot-harness.js';

const sendsTo = (conversation: string) => (c: ConnectorCall) => c.kind === 'send' && c.conversationId === conversation;

describe('Teams: reminders about orders and problems', () => {
  let bot: TeamsBot;
  beforeAll(async () => {
    bot = await startTeamsBot(await pgliteTarget.open(), {
      now: at('2026-11-23 10:00'),
      incidentChannel: INCIDENT_CHANNEL,
      contract: {
        escalation: {
          default: {
            level1: { teams: { users: [PEOPLE.jour.aadObjectId] } },
            level2: { teams: { users: [PEOPLE.eskal.aadObjectId], channel: ESCALATION_CHANNEL } },
          },
        },
      } as never,
    });
  });
  afterAll(() => bot?.close());

  it('a problem opened in Teams is broken after its response target: the incident channel hears it with a real mention of level 1', async () => {
    // Påverkan 1, Tidpunkt 1: Kritisk — response within one working day (9 support hours).
    const res = await bot.message('problem påverkan=1 tidpunkt=1 Tjänsten *faller* varje [natt](https://x.example) myndighet=csn', { from: PEOPLE.jour });
    expect(res.status).toBe(200);
    const answer = await bot.call((c) => c.kind === 'send' && c.body?.summary === 'PRB-1 registrerad.');
    expect(answer.conversationId).not.toBe(INCIDENT_CHANNEL);
    bot.clock.t = at('2026-11-24 10:00');
    await bot.app.scheduler.tick(bot.clock.t);
    await bot.teams.idle();
    const breach = await bot.call(
      (c) => sendsTo(INCIDENT_CHANNEL)(c) && String(c.body?.text ?? '').includes('PRB-1') && String(c.body.text).includes('BRUTEN'),
    );
    expect(breach.body.textFormat).toBe('markdown');
    expect(breach.body.text).toContain('🚨 PRB-1 (Kritisk) Tjänsten \\*faller\\* varje \\[natt\\]\\(https://x.example\\) – Responstid BRUTEN');
    expect(breach.body.text).toContain('Till: <at>Jonas Jour</at>');
    expect(breach.body.entities).toEqual([{ type: 'mention', text: '<at>Jonas Jour</at>', mentioned: { id: PEOPLE.jour.aadObjectId, name: 'Jonas Jour' } }]);
    expect(breach.body.text).toContain('Nästa steg: problem kvittera PRB-1');
  });

  it('level 2 mentions both levels and goes to the escalation channel as well', async () => {
    // Eight support hours after the breach.
    bot.clock.t = at('2026-11-25 09:00');
    await bot.app.scheduler.tick(bot.clock.t);
    await bot.teams.idle();
    const escalated = await bot.call((c) => sendsTo(ESCALATION_CHANNEL)(c) && String(c.body?.text ?? '').includes('PRB-1'));
    expect(escalated.body.text).toContain('🚨🚨 Eskalering: PRB-1 (Kritisk)');
    expect(escalated.body.entities.map((e: { mentioned: { id: string } }) => e.mentioned.id).sort()).toEqual(
      [PEOPLE.jour.aadObjectId, PEOPLE.eskal.aadObjectId].sort(),
    );
    expect(bot.fake.calls.filter((c) => sendsTo(INCIDENT_CHANNEL)(c) && String(c.body?.text ?? '').includes('Eskalering: PRB-1'))).toHaveLength(1);
  });

  it('acknowledging the problem stops the response reminders', async () => {
    await bot.message('problem kvittera PRB-1', { from: PEOPLE.jour });
    expect(await bot.app.database.prisma.reminder.count({ where: { case: { number: 1 }, target: 'response', status: 'pending' } })).toBe(0);
  });

  it('markdown marks in a title are escaped for Teams, angle brackets become entities', () => {
    expect(escapeTeamsMarkdown('<at>Alla</at> **fet** [länk](u) _k_ `c` # rubrik')).toBe(
      '&lt;at&gt;Alla&lt;/at&gt; \\*\\*fet\\*\\* \\[länk\\]\\(u\\) \\_k\\_ \\`c\\` \\# rubrik',
    );
  });
});
