/**
 * Time on the promise, in the inbox's words: "5 h 12 min left" or
 * "overdue by 1 h 3 min". Used by the inbox pages and `intake list`.
 */
import type { InboxText } from './inbox/text.ts';

export function describeTimeLeft(msLeft: number, t: Pick<InboxText, 'hours' | 'minutes' | 'left' | 'overdueBy'>): string {
  const minutes = Math.floor(Math.abs(msLeft) / 60_000);
  const span = `${Math.floor(minutes / 60)} ${t.hours} ${minutes % 60} ${t.minutes}`;
  return msLeft >= 0 ? `${span} ${t.left}` : `${t.overdueBy} ${span}`;
}
