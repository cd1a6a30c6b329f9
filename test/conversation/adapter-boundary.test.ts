// The Slack adapter's listeners and Block Kit hold no business rule: they turn payloads
// into Commands and Replies into Block Kit. A source check that fails when a rule creeps
// back in (a UserError thrown, a level parsed, a service called, a reply's text compared).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SLACK = fileURLToPath(new URL('../../src/platforms/slack/', import.meta.url));
/** The files that handle interactions and draw them (delivery and announcing are the outbox's). */
const ADAPTER = [
  'handlers.ts',
  'commands.ts',
  'actions.ts',
  'modals.ts',
  'replies.ts',
  'context.ts',
  'ids.ts',
  'blocks.ts',
  ...readdirSync(join(SLACK, 'blocks')).map((f) => `blocks/${f}`),
];

const source = (file: string) => readFileSync(join(SLACK, file), 'utf8');

describe('the Slack adapter holds no lifecycle, validation or role rule', () => {
  it.each(ADAPTER)('%s raises no refusal of its own and validates nothing itself', (file) => {
    const text = source(file);
    expect(text).not.toMatch(/services\/errors/);
    expect(text).not.toMatch(/new UserError/);
    expect(text).not.toMatch(/from 'zod'/);
    expect(text).not.toMatch(/domain\/priority/);
    expect(text).not.toMatch(/parseLevel|validateIncidentForm|checkField/);
  });

  it.each(ADAPTER)('%s calls no service: every change goes through execute', (file) => {
    const text = source(file);
    expect(text).not.toMatch(/IncidentService|ReminderService/);
    expect(text).not.toMatch(/\.(acknowledge|reprioritise|reopen|snooze|note)\(/);
    expect(text).not.toMatch(/authorize|isManager/);
  });

  it.each(ADAPTER)("%s never decides by comparing a reply's text", (file) => {
    expect(source(file)).not.toMatch(/\.text\s*===|===\s*tr\.t\(/);
  });

  it.each(ADAPTER)('%s asks the lifecycle which buttons to show, and decides no status itself', (file) => {
    const text = source(file);
    expect(text).not.toMatch(/status\s*[!=]==\s*'(open|acknowledged|resolved|closed)'/);
    for (const m of text.matchAll(/import \{([^}]*)\} from '[./]*domain\/lifecycle\.js'/g)) {
      const names = m[1]!
        .split(',')
        .map((s) => s.replace(/^\s*type\s+/, '').trim())
        .filter(Boolean);
      expect(names.every((n) => ['allowedActions', 'isAllowed', 'LifecycleAction'].includes(n))).toBe(true);
    }
  });
});
