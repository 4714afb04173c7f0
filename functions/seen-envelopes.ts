/**
 * Replays cost nothing downstream (review N1): an envelope whose `enc` (the
 * sender's ephemeral HPKE key, fresh for every honest seal) was seen in the
 * last 24 hours is answered as accepted and dropped, with no queue write and
 * no push. The same envelope posted again is the same request: the intake
 * would drop it by its id anyway, after it had cost a queue write, a push
 * and a place in a municipality's limit.
 *
 * Where: Workers KV (SEEN_ENVELOPES), one key per envelope with a 24-hour
 * expirationTtl, so the set forgets by itself. Not a Durable Object: KV
 * needs no class, migration or routing, runs the same under `wrangler dev`,
 * and its weakness, eventual consistency between locations (up to about a
 * minute), only lets a replay through where it is posted at two locations
 * within that minute, and each copy still counts against its sender's own
 * limits. A Durable Object would be exact but puts one object (one
 * location) in the path of every request.
 *
 *   key = "seen/" + base64url(first 16 bytes of SHA-256("utvag/contact/v1/seen." + enc))
 *
 * The key says nothing about the sender; the envelope is not kept.
 */
import { base64urlEncode } from '../protocol/envelope.ts';

export const SEEN_TTL_SECONDS = 24 * 60 * 60;
const SEEN_LABEL = 'utvag/contact/v1/seen.';

async function seenKey(enc: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(SEEN_LABEL + enc)));
  return `seen/${base64urlEncode(digest.subarray(0, 16))}`;
}

/** True when this enc was queued in the last 24 hours. A store that cannot be read counts as not seen. */
export async function wasSeen(kv: KVNamespace, enc: string): Promise<boolean> {
  try {
    return (await kv.get(await seenKey(enc))) !== null;
  } catch {
    return false; // never refuse a genuine request because the seen set is down
  }
}

/** Remembers an enc that was queued, for 24 hours. */
export async function markSeen(kv: KVNamespace, enc: string): Promise<void> {
  try {
    await kv.put(await seenKey(enc), '1', { expirationTtl: SEEN_TTL_SECONDS });
  } catch {
    // The request is queued; a replay may then cost one more queue write, which the intake drops by id.
  }
}
