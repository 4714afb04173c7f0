/**
 * Delivers one sealed reply to the Worker (POST /api/reply), signed with
 * the recipient's own key at the moment of sending (so a reply that waited
 * offline is not refused as stale). Storage-free: the caller keeps the
 * reply until this says `delivered` (reply-outbox.ts does that on disk).
 */
import { REPLY_POST_PATH, REPLY_SIGNATURE_HEADER, replyPostBody, signReplyPost } from '../../protocol/reply-post.ts';
import type { OutgoingReply, ReplySender } from './reply-writer.ts';

export type DeliveryResult =
  /** Stored by the Worker (201), or already there (200). */
  | { status: 'delivered' }
  /** Network error, timeout, 5xx, 429: try again later; nothing is lost. */
  | { status: 'retry'; reason: string }
  /** The Worker refused it for good (bad signature, unknown key, mailbox full …): a person must look. */
  | { status: 'refused'; reason: string };

const TIMEOUT_MS = 15_000;

export async function deliverReply(
  outgoing: OutgoingReply,
  sender: ReplySender,
  siteUrl: string,
  options: { fetch?: typeof fetch; now?: () => Date } = {},
): Promise<DeliveryResult> {
  const doFetch = options.fetch ?? fetch;
  const sent = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const body = replyPostBody({ v: 1, mailbox: outgoing.mailbox, sent, reply: outgoing.reply });
  let response: Response;
  try {
    response = await doFetch(new URL(REPLY_POST_PATH, siteUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [REPLY_SIGNATURE_HEADER]: await signReplyPost(body, sender.privateJwk) },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { status: 'retry', reason: `network: ${(error as Error).message}` };
  }
  const answer = ((await response.json().catch(() => ({}))) as { error?: string }).error ?? '';
  if (response.status === 201 || response.status === 200) return { status: 'delivered' };
  // stale: this machine's clock is off; it may be fixed, so try again.
  if (response.status >= 500 || response.status === 429 || answer === 'stale') {
    return { status: 'retry', reason: `${response.status} ${answer}`.trim() };
  }
  return { status: 'refused', reason: `${response.status} ${answer}`.trim() };
}
