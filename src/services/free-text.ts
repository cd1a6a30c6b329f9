// Free text as it is stored and shown: control, escape and bidi-override characters and
// NUL removed, personnummer masked, limits counted in user-perceived characters.
import { DateTime } from 'luxon';
import { maskPersonalNumbers } from '../domain/pii.js';
import { sanitizeInput, sanitizeLine, textLength } from '../domain/text.js';
import { UserError } from './errors.js';
import { TEXT_MAX, TITLE_MAX, type Actor } from './incident-types.js';

/** An actor as stored and audited: never a personnummer, whatever a platform or SSBTEK_USER said. */
export function actorId(actor: Actor): string {
  return maskPersonalNumbers(sanitizeLine(actor.id), { strict: true }).text;
}

/**
 * Free text as it is stored: control, escape and bidi-override characters and NUL removed
 * (they could drive an operator's terminal or fail in PostgreSQL), personnummer masked
 * (judged against today's date in the contract's zone), and within its limit in
 * user-perceived characters (an emoji is one).
 */
export type FreeTextProblem = 'titleRequired' | 'titleTooLong' | 'textTooLong';

/** The incident's refusals; other cases (orders, problems) pass their own. */
const incidentRefusal = (problem: FreeTextProblem, params: Record<string, number>): Error => new UserError(`incident.${problem}`, params);

export function cleaner(zone: string, now: number, refuse: (problem: FreeTextProblem, params: Record<string, number>) => Error = incidentRefusal) {
  const today = DateTime.fromMillis(now, { zone }).toISODate() ?? undefined;
  const mask = (text: string) => maskPersonalNumbers(text, { today }).text;
  return {
    title(text: string): string {
      const cleaned = mask(sanitizeLine(text ?? ''));
      if (!cleaned) throw refuse('titleRequired', {});
      const length = textLength(cleaned);
      if (length > TITLE_MAX) throw refuse('titleTooLong', { max: TITLE_MAX, length });
      return cleaned;
    },
    text(text: string): string {
      const cleaned = mask(sanitizeInput(text ?? '').trim());
      const length = textLength(cleaned);
      if (length > TEXT_MAX) throw refuse('textTooLong', { max: TEXT_MAX, length });
      return cleaned;
    },
  };
}
