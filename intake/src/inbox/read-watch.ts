/**
 * Reading many requests in a short time raises an alert (security review
 * N7): a rogue, coerced or hijacked account taking everything should not
 * go unnoticed. Counted in memory per staff member: distinct requests
 * opened or exported within the window; crossing the limit alerts once
 * per window. The alert holds a count only; the audit log says who.
 */

/** More distinct requests than this within READ_WINDOW_MINUTES raises the alert. */
export const READ_ALERT_COUNT = 20;
export const READ_WINDOW_MINUTES = 10;

export class ReadWatch {
  private readonly seen = new Map<number, Map<string, number>>();
  private readonly alertedAt = new Map<number, number>();
  private readonly limit: number;
  private readonly windowMs: number;
  constructor(limit = READ_ALERT_COUNT, windowMinutes = READ_WINDOW_MINUTES) {
    this.limit = limit;
    this.windowMs = windowMinutes * 60_000;
  }

  /** Records one reading; returns the count when it crosses the limit (alert now), else null. */
  record(staffId: number, ref: string, now: number): number | null {
    const since = now - this.windowMs;
    const mine = this.seen.get(staffId) ?? new Map<string, number>();
    for (const [seenRef, at] of mine) if (at <= since) mine.delete(seenRef);
    mine.set(ref, now);
    this.seen.set(staffId, mine);
    if (mine.size <= this.limit) return null;
    const last = this.alertedAt.get(staffId);
    if (last !== undefined && last > since) return null;
    this.alertedAt.set(staffId, now);
    return mine.size;
  }
}
