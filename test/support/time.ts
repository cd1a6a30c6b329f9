// Test helpers: write instants the way the contract speaks, in Stockholm local time.
import { DateTime } from 'luxon';

const ZONE = 'Europe/Stockholm';

/** "2026-11-27 16:45" (Stockholm) → epoch ms. Seconds are optional. */
export function at(local: string): number {
  const dt = DateTime.fromFormat(local, local.length > 16 ? 'yyyy-MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm', { zone: ZONE });
  if (!dt.isValid) throw new Error(`bad test instant ${local}: ${dt.invalidExplanation}`);
  return dt.toMillis();
}

/** Epoch ms → "Mon 2026-11-30 08:15" (Stockholm), seconds shown when not zero. */
export function local(t: number | null): string {
  if (t === null) return 'none';
  const dt = DateTime.fromMillis(t, { zone: ZONE }).setLocale('en');
  return dt.toFormat(dt.second || dt.millisecond ? 'ccc yyyy-MM-dd HH:mm:ss' : 'ccc yyyy-MM-dd HH:mm');
}
