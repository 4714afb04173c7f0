/**
 * When a published key stops being valid: the whole of its notAfter day
 * (UTC) is still valid. Used where keys are chosen (key-choice.ts) and
 * where statements are checked (key-statement.ts).
 */
import { parseCalendarDay } from './request-check.ts';

/** The first instant the key is no longer valid: the day after notAfter, 00:00 UTC. */
export function keyExpiresAt(entry: { notAfter: string }): Date {
  const day = parseCalendarDay(entry.notAfter);
  if (!day) throw new Error(`notAfter is not a day: ${entry.notAfter}`);
  return new Date(day.getTime() + 24 * 60 * 60 * 1000);
}

export function isKeyValid(entry: { notAfter: string }, now: Date): boolean {
  return now.getTime() < keyExpiresAt(entry).getTime();
}
