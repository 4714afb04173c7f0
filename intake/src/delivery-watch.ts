/**
 * "Nothing has arrived for longer than expected" (review M6, M7): requests
 * wait in a Cloudflare queue for its retention period only, so an intake
 * that silently stops receiving (a receiver down, a wrong route, a revoked
 * pull token, a clock so wrong that every push is stale) must say so long
 * before that period ends. This module answers one question for the inbox's
 * alerts and the CLI (`npm run intake -- delivery-check`): when did a
 * request last arrive, and is that longer ago than this intake expects?
 *
 * Content-free: it reads arrival times only, never a request.
 */
export interface DeliveryStatus {
  /** When the newest request arrived (stored or already handled), or null if none ever did. */
  lastDeliveredAt: Date | null;
  /** True when nothing has arrived within `expectedWithinMs`. */
  overdue: boolean;
  /** One line for a person or an alert, with no content of any request. */
  line: string;
}

const HOUR_MS = 3_600_000;

/** The pure rule: pass the newest arrival time from whatever store the intake uses. */
export function deliveryStatus(lastDeliveredAt: Date | null, expectedWithinMs: number, now: Date = new Date()): DeliveryStatus {
  const hours = (ms: number) => `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
  if (!lastDeliveredAt) {
    return {
      lastDeliveredAt,
      overdue: true,
      line: `delivery: ALERT no request has ever arrived here (expected one within ${hours(expectedWithinMs)}); check the push route or the pull token`,
    };
  }
  const age = now.getTime() - lastDeliveredAt.getTime();
  const overdue = age > expectedWithinMs;
  return {
    lastDeliveredAt,
    overdue,
    line: overdue
      ? `delivery: ALERT nothing has arrived for ${hours(age)} (expected within ${hours(expectedWithinMs)}; last ${lastDeliveredAt.toISOString()}); requests still in the queue are lost when its retention ends`
      : `delivery: ok, last request arrived ${hours(age)} ago (${lastDeliveredAt.toISOString()})`,
  };
}
