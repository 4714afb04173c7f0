/**
 * Delivers one sealed reply to the Worker (POST /api/reply): the exact
 * body and signature a staff member's browser made (issue 19: the server
 * holds no key that signs or seals), posted as they are. A post refused as
 * `stale` (it waited longer than the Worker's clock window) waits for a
 * browser to sign it again. Storage-free: the caller keeps the reply until
 * this says `delivered` (reply-outbox.ts does that on disk).
 *
 * Like the push (push-auth.ts), delivery is counted only on proof (review
 * N12): the site must be https (plain http only on this machine, for
 * development), a redirect is refused rather than followed (it would post
 * the mailbox id and the sealed reply somewhere else), and only the
 * Worker's acknowledgement, signed with its push key (one of
 * INTAKE_WORKER_PUBLIC_KEYS) over this reply's id and this very body,
 * counts as delivered. Any other 2xx is retried.
 */
import { REPLY_POST_PATH, REPLY_SIGNATURE_HEADER, replyPostSchema } from '../../protocol/reply-post.ts';
import { replyIdOf } from '../../protocol/reply.ts';
import { importVerifyKey, verifyReplyAck } from '../../protocol/push-auth.ts';
import { parsePublicKeyList } from './keys/public-key-list.ts';

export type DeliveryResult =
  /** Stored by the Worker (201), or already there (200), with its signed acknowledgement. */
  | { status: 'delivered' }
  /** Network error, timeout, 5xx, 429, an unsigned 2xx: try again later; nothing is lost. */
  | { status: 'retry'; reason: string }
  /** Refused as stale (signed too long ago, or this machine's clock is off): a browser must sign it again. */
  | { status: 'stale' }
  /** The Worker refused it for good (bad signature, unknown key, mailbox full, a redirect, plain http …): a person must look. */
  | { status: 'refused'; reason: string };

const TIMEOUT_MS = 15_000;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Null when replies may be posted to this site, else why not: https only, plain http on loopback only. */
export function siteUrlProblem(siteUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(siteUrl);
  } catch {
    return 'the site address is not a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && (LOOPBACK_HOSTS.has(url.hostname) || /^127\./.test(url.hostname))) return null;
  return `replies go only to an https:// site (plain http only on this machine), not ${url.protocol}//${url.host}`;
}

/** The Worker's public keys from INTAKE_WORKER_PUBLIC_KEYS (the same the push receiver trusts). */
export async function workerKeysFromEnv(): Promise<CryptoKey[]> {
  return Promise.all(parsePublicKeyList(process.env['INTAKE_WORKER_PUBLIC_KEYS']).map(importVerifyKey));
}

/** The signed post a browser handed over, as the Worker gets it. */
export interface SignedPost {
  body: string;
  signature: string;
}

/** The post's reply id (the Worker's acknowledgement names it), or null when the body is not a reply post. */
export async function postReplyId(body: string): Promise<string | null> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null;
  }
  const post = replyPostSchema.safeParse(json);
  return post.success ? replyIdOf(post.data.reply.ct) : null;
}

export async function deliverReply(
  post: SignedPost,
  siteUrl: string,
  options: { fetch?: typeof fetch; workerKeys?: readonly CryptoKey[] } = {},
): Promise<DeliveryResult> {
  const problem = siteUrlProblem(siteUrl);
  if (problem) return { status: 'refused', reason: problem };
  const replyId = await postReplyId(post.body);
  if (!replyId) return { status: 'refused', reason: 'not a reply post' };
  const workerKeys = options.workerKeys ?? (await workerKeysFromEnv());
  if (workerKeys.length === 0)
    return { status: 'retry', reason: 'no Worker key to check the acknowledgement (set INTAKE_WORKER_PUBLIC_KEYS)' };
  const doFetch = options.fetch ?? fetch;
  const body = post.body;
  let response: Response;
  try {
    response = await doFetch(new URL(REPLY_POST_PATH, siteUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [REPLY_SIGNATURE_HEADER]: post.signature },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { status: 'retry', reason: `network: ${(error as Error).message}` };
  }
  // A redirect (or the opaque answer a browser-like fetch gives for one) is never followed.
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    await response.body?.cancel();
    return { status: 'refused', reason: `${response.status} redirect refused: set UTVAG_SITE_URL to the site's own address` };
  }
  const text = await response.text().catch(() => '');
  let answer: string;
  try {
    answer = ((JSON.parse(text) as { error?: unknown }).error as string | undefined) ?? '';
  } catch {
    answer = '';
  }
  if (response.status === 201 || response.status === 200) {
    if (await verifyReplyAck(workerKeys, replyId, body, text)) return { status: 'delivered' };
    return { status: 'retry', reason: `${response.status} without the Worker's signed acknowledgement` };
  }
  // stale: the signature is too old for the Worker's clock window; a browser signs it again.
  if (answer === 'stale') return { status: 'stale' };
  if (response.status >= 500 || response.status === 429) {
    return { status: 'retry', reason: `${response.status} ${typeof answer === 'string' ? answer : ''}`.trim() };
  }
  return { status: 'refused', reason: `${response.status} ${typeof answer === 'string' ? answer : ''}`.trim() };
}
