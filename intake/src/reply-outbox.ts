/**
 * The intake's queue of written replies (issue 14), in the store: a reply
 * written and signed in a staff member's browser is committed to the
 * `replies` table (its record sealed under the team vault, with the exact
 * signed post) before any attempt to send it, and marked delivered only
 * after the Worker acknowledges it. So a written reply survives an offline
 * Worker or a killed process; the running `serve` (and `deliver-replies`)
 * sends what waits. The server signs nothing (issue 19).
 *
 *   waiting     written, not yet delivered (retried); problem 'stale': the
 *               Worker refused the signature as too old, and it waits for a
 *               browser to sign it again (GET /api/replies/unsigned)
 *   delivered   the Worker has it (the municipality's record stays here)
 *   refused     refused by the Worker for good, with the reason (a person must look)
 *
 * Nothing here logs a mailbox id or what was written: summaries carry
 * counts and status codes only.
 */
import { deliverReply, type DeliveryResult } from './reply-delivery.ts';
import type { IntakeStore } from './store.ts';

/** The problem a waiting reply carries while its signature is too old. */
export const STALE = 'stale';

export interface OutboxSummary {
  delivered: number;
  waiting: number;
  refused: { ref: string; reason: string }[];
  /** Why the waiting ones wait (the last reason seen: a status code or "network"). */
  lastRetryReason?: string;
}

/** Tries every waiting reply once that has a signature not known to be stale. */
export async function deliverOutbox(
  store: IntakeStore,
  siteUrl: string,
  options: { fetch?: typeof fetch; now?: () => Date; workerKeys?: readonly CryptoKey[] } = {},
): Promise<OutboxSummary> {
  const summary: OutboxSummary = { delivered: 0, waiting: 0, refused: [] };
  for (const waiting of store.waitingReplies()) {
    // An old record (before issue 19) waits for `intake move-keys`; a stale one for a new signature.
    if (waiting.postBody === null || waiting.postSignature === null || waiting.problem === STALE) {
      summary.waiting++;
      continue;
    }
    let result: DeliveryResult;
    try {
      result = await deliverReply({ body: waiting.postBody, signature: waiting.postSignature }, siteUrl, options);
    } catch (error) {
      result = { status: 'retry', reason: (error as Error).name };
    }
    const now = options.now?.() ?? new Date();
    if (result.status === 'delivered') {
      store.markReply(waiting.id, 'delivered', null, now);
      summary.delivered++;
    } else if (result.status === 'refused') {
      store.markReply(waiting.id, 'refused', result.reason, now);
      summary.refused.push({ ref: waiting.ref, reason: result.reason });
    } else {
      const reason = result.status === 'stale' ? STALE : result.reason;
      store.markReply(waiting.id, 'waiting', reason, now);
      summary.waiting++;
      summary.lastRetryReason = reason;
    }
  }
  return summary;
}

export function summaryLine(summary: OutboxSummary): string {
  const parts = [`${summary.delivered} delivered`, `${summary.waiting} waiting in the outbox`];
  if (summary.refused.length > 0) parts.push(`${summary.refused.length} refused (shown in the team inbox)`);
  return parts.join(', ') + (summary.waiting > 0 && summary.lastRetryReason ? ` (last problem: ${summary.lastRetryReason})` : '');
}

/**
 * Sends waiting replies every `intervalMs` while the receiver runs, and at
 * once when `kick()` is called (after a reply is written). Returns stop and
 * kick. No site URL: replies wait until one is given.
 */
export function startReplyDelivery(
  store: IntakeStore,
  site: string | null,
  log: (line: string) => void,
  intervalMs = 30_000,
): { stop: () => void; kick: () => Promise<OutboxSummary | null> } {
  if (!site) return { stop: () => undefined, kick: async () => null };
  let running: Promise<OutboxSummary | null> | null = null;
  const run = (): Promise<OutboxSummary | null> => {
    if (running) return running;
    running = deliverOutbox(store, site)
      .then((summary) => {
        if (summary.delivered > 0 || summary.refused.length > 0) log(`replies: ${summaryLine(summary)}`);
        return summary;
      })
      .catch((error: unknown) => {
        log(`reply delivery failed (${(error as Error).name}); the replies wait in the outbox`);
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), kick: run };
}
