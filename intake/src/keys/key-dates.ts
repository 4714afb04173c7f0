/**
 * When the recipient's HPKE keys end, and when the next one is due (issue
 * 20, part 3: an administrator makes and retires them in the inbox). Pure
 * dates, no key material: the server (serve's reminder, the routes'
 * checks), the pages and the browser app share these rules, so the
 * reminder and the next key's last day are the same everywhere.
 *
 * A key's `notAfter` is its last day (YYYY-MM-DD, UTC). A retired key is
 * no longer published but still opens what was sealed to it.
 */

/** A recipient key lives 90 days. */
export const RECIPIENT_KEY_DAYS = 90;
/** The next key starts this long before the newest ends, so a site built with either works. */
export const KEY_OVERLAP_DAYS = 30;
/** serve and the inbox remind the administrators this long before the newest key ends. */
export const KEY_REMINDER_DAYS = 30;

const DAY_MS = 86_400_000;

export interface KeyDates {
  notAfter: string;
  retiredAt: number | null;
}

/** The UTC day of `when` as YYYY-MM-DD. */
export function dayOf(when: Date | number): string {
  return new Date(when).toISOString().slice(0, 10);
}

function msOf(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

/** Whether `day` is a real calendar day in the YYYY-MM-DD form (2026-02-30 is not). */
export function isDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(msOf(day)) && dayOf(msOf(day)) === day;
}

/** Keys that still work for new requests: not retired, and their last day not passed. */
export function validKeys<K extends KeyDates>(keys: readonly K[], now: Date): K[] {
  const today = dayOf(now);
  return keys.filter((key) => key.retiredAt === null && key.notAfter >= today);
}

/** The last day of the newest key not retired, or null when there is none. */
export function newestEnd(keys: readonly KeyDates[]): string | null {
  return (
    keys
      .filter((key) => key.retiredAt === null)
      .map((key) => key.notAfter)
      .sort()
      .at(-1) ?? null
  );
}

/**
 * The next key's last day: 90 days from the newest key's end minus the
 * 30-day overlap, or from today, whichever is later.
 */
export function nextNotAfter(keys: readonly KeyDates[], now: Date): string {
  const newest = newestEnd(keys);
  const start = Math.max(msOf(dayOf(now)), newest === null ? 0 : msOf(newest) - KEY_OVERLAP_DAYS * DAY_MS);
  return dayOf(start + RECIPIENT_KEY_DAYS * DAY_MS);
}

export interface KeyReminder {
  newestEnds: string;
  ended: boolean;
}

/**
 * The reminder serve prints and the inbox shows its administrators: the
 * newest key's last day when it is 30 days from today or sooner (or
 * passed), else null. Content-free: a date. No key yet (before setup) is
 * not this reminder's business.
 */
export function keyReminder(keys: readonly KeyDates[], now: Date): KeyReminder | null {
  const newest = newestEnd(keys);
  if (newest === null || newest > dayOf(now.getTime() + KEY_REMINDER_DAYS * DAY_MS)) return null;
  return { newestEnds: newest, ended: newest < dayOf(now) };
}
