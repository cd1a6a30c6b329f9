// Priority names as people write them: Swedish or English, any case, with or without
// diacritics ("Hög", "hog", "HIGH"). Shared by the command line and the chat bot.
import { PRIORITIES, type Priority } from '../config/contract.js';

/** Every accepted spelling, after folding (lower case, diacritics removed). */
const NAMES: ReadonlyMap<string, Priority> = new Map<string, Priority>([
  ['kritisk', 'critical'],
  ['critical', 'critical'],
  ['hog', 'high'],
  ['high', 'high'],
  ['medel', 'medium'],
  ['medium', 'medium'],
  ['lag', 'low'],
  ['low', 'low'],
]);

/** Lower case, surrounding space trimmed, diacritics removed: "  Hög " → "hog". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();
}

/**
 * The priority a person means, or null when the text names none.
 * Accepts Kritisk/critical, Hög/Hog/high, Medel/medium, Låg/Lag/low in any case.
 */
export function parsePriority(text: string): Priority | null {
  if (typeof text !== 'string') return null;
  return NAMES.get(fold(text)) ?? null;
}

/** True for the contract's own identifiers ("critical", …), exactly as stored. */
export function isPriority(value: unknown): value is Priority {
  return typeof value === 'string' && (PRIORITIES as readonly string[]).includes(value);
}
