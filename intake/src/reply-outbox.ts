/**
 * The intake's queue of written replies (issue 14), in the store: a reply
 * is committed to the `replies` table (encrypted like notes) before any
 * attempt to send it, and marked delivered only after the Worker has it.
 * So a written reply survives an offline Worker or a killed process; the
 * running `serve` (and `deliver-replies`) sends what waits.
 *
 *   waiting     written, not yet delivered (retried)
 *   delivered   the Worker has it (the municipality's record stays here)
 *   refused     refused by the Worker for good, with the reason (a person must look)
 *
 * Nothing here logs a mailbox id or what was written: summaries carry
 * counts and status codes only.
 */
import { deliverReply, type DeliveryResult } from './reply-delivery.ts';
import type { OutgoingReply, ReplySender } from './reply-writer.ts';
import type { IntakeStore } from './store.ts';

/** Keeps a written reply in the store's outbox; committed when this returns. */
export function enqueueReply(
  store: IntakeStore,
  ref: string,
  staffId: number | null,
  outgoing: OutgoingReply,
  now: Date = new Date(),
): void {
  store.addReply(outgoing.replyId, ref, staffId, JSON.stringify(outgoing), now);
}

export interface OutboxSummary {
  delivered: number;
  waiting: number;
  refused: { receipt: string; reason: string }[];
  /** Why the waiting ones wait (the last reason seen: a status code or "network"). */
  lastRetryReason?: string;
}

/** Tries every waiting reply once, signed with the key of the request it answers. */
export async function deliverOutbox(
  store: IntakeStore,
  senderOf: (kid: string) => ReplySender | null | Promise<ReplySender | null>,
  siteUrl: string,
  options: { fetch?: typeof fetch; now?: () => Date; workerKeys?: readonly CryptoKey[] } = {},
): Promise<OutboxSummary> {
  const summary: OutboxSummary = { delivered: 0, waiting: 0, refused: [] };
  for (const waiting of store.waitingReplies()) {
    const outgoing = JSON.parse(waiting.record) as OutgoingReply;
    const sender = await senderOf(outgoing.reply.kid);
    let result: DeliveryResult;
    if (!sender) {
      result = { status: 'retry', reason: 'no key for this reply in the vault' };
    } else {
      try {
        result = await deliverReply(outgoing, sender, siteUrl, options);
      } catch (error) {
        result = { status: 'retry', reason: (error as Error).name };
      }
    }
    const now = options.now?.() ?? new Date();
    if (result.status === 'delivered') {
      store.markReply(waiting.id, 'delivered', null, now);
      summary.delivered++;
    } else if (result.status === 'refused') {
      store.markReply(waiting.id, 'refused', result.reason, now);
      summary.refused.push({ receipt: outgoing.receipt, reason: result.reason });
    } else {
      store.markReply(waiting.id, 'waiting', result.reason, now);
      summary.waiting++;
      summary.lastRetryReason = result.reason;
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
  senderOf: (kid: string) => ReplySender | null | Promise<ReplySender | null>,
  site: string | null,
  log: (line: string) => void,
  intervalMs = 30_000,
): { stop: () => void; kick: () => Promise<OutboxSummary | null> } {
  if (!site) return { stop: () => undefined, kick: async () => null };
  let running: Promise<OutboxSummary | null> | null = null;
  const run = (): Promise<OutboxSummary | null> => {
    if (running) return running;
    running = deliverOutbox(store, senderOf, site)
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
