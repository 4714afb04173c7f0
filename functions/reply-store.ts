/**
 * Where the Worker keeps sealed replies: Workers KV (REPLY_STORE), one
 * entry per reply, expiring after REPLY_RETENTION_DAYS. Runs locally under
 * `wrangler dev` and in the Worker tests (miniflare's KV).
 *
 *   key   = "reply/" + H(mailbox) + "/" + reply id
 *   H     = base64url(first 16 bytes of SHA-256("utvag/reply/v1/store." + mailbox))
 *   value = {"kid","enc","ct"}; metadata = {"sent": unix seconds, "wb"?: write-back key}
 *   "writeback/" + H(mailbox) + "/" + reply id = "1": that answer's one write-back was taken
 *
 * Storing under a hash means a listing of the store does not hand out
 * mailbox ids (a mailbox id is what reads and deletes). One key per reply,
 * so two replies written at once cannot overwrite each other. Nothing here
 * logs; a mailbox id never leaves this module except as its hash.
 */
import { base64urlEncode } from '../protocol/envelope.ts';
import { REPLY_RETENTION_DAYS, type LookupResponse, type LookupSlot, type SealedReply } from '../protocol/reply.ts';
import { MAX_REPLIES_PER_MAILBOX, REPLY_CT_SIZE, REPLY_ID_SIZE, REPLY_WIRE_VERSION } from '../protocol/limits.ts';
import { ENC_SIZE, KID_SIZE } from '../protocol/envelope.ts';

const STORE_LABEL = 'utvag/reply/v1/store.';
export const REPLY_TTL_SECONDS = REPLY_RETENTION_DAYS * 24 * 60 * 60;

async function mailboxPrefix(mailbox: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(STORE_LABEL + mailbox)));
  return `reply/${base64urlEncode(digest.subarray(0, 16))}/`;
}

interface StoredValue {
  kid: string;
  enc: string;
  ct: string;
}

export type PutResult = 'stored' | 'already_stored' | 'mailbox_full';

/** Keeps one sealed reply; idempotent by reply id (a resend after a lost answer stores nothing new). */
export async function putReply(
  kv: KVNamespace,
  mailbox: string,
  id: string,
  reply: SealedReply,
  sent: number,
  writeBack?: string,
): Promise<PutResult> {
  const prefix = await mailboxPrefix(mailbox);
  const listed = await kv.list({ prefix, limit: MAX_REPLIES_PER_MAILBOX + 1 });
  if (listed.keys.some((key) => key.name === prefix + id)) return 'already_stored';
  if (listed.keys.length >= MAX_REPLIES_PER_MAILBOX) return 'mailbox_full';
  const value: StoredValue = { kid: reply.kid, enc: reply.enc, ct: reply.ct };
  await kv.put(prefix + id, JSON.stringify(value), {
    expirationTtl: REPLY_TTL_SECONDS,
    metadata: { sent, ...(writeBack ? { wb: writeBack } : {}) },
  });
  return 'stored';
}

/** The write-back key kept with a stored answer, or null when there is no such answer or it offers none. */
export async function writeBackKeyOf(kv: KVNamespace, mailbox: string, id: string): Promise<string | null> {
  const stored = await kv.getWithMetadata<{ wb?: string }>((await mailboxPrefix(mailbox)) + id);
  return stored.value !== null && typeof stored.metadata?.wb === 'string' ? stored.metadata.wb : null;
}

async function writeBackMarker(mailbox: string, id: string): Promise<string> {
  return `writeback/${(await mailboxPrefix(mailbox)).slice('reply/'.length)}${id}`;
}

/** Takes an answer's one write-back: false when it was taken before. */
export async function takeWriteBack(kv: KVNamespace, mailbox: string, id: string): Promise<boolean> {
  const key = await writeBackMarker(mailbox, id);
  if ((await kv.get(key)) !== null) return false;
  await kv.put(key, '1', { expirationTtl: REPLY_TTL_SECONDS });
  return true;
}

/** Gives the write-back back when it could not be queued, so the person can try again. */
export async function releaseWriteBack(kv: KVNamespace, mailbox: string, id: string): Promise<void> {
  await kv.delete(await writeBackMarker(mailbox, id));
}

function randomBase64url(bytes: number): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A slot of random bytes, the same shape and length as a real one. */
function decoySlot(): LookupSlot {
  const ct = new Uint8Array(REPLY_CT_SIZE);
  // getRandomValues fills at most 65,536 bytes per call; 8,208 is fine.
  crypto.getRandomValues(ct);
  const enc = crypto.getRandomValues(new Uint8Array(ENC_SIZE));
  enc[0] = 0x04;
  return { id: randomBase64url(REPLY_ID_SIZE), kid: randomBase64url(KID_SIZE), enc: base64urlEncode(enc), ct: base64urlEncode(ct) };
}

/**
 * The look-up answer: the mailbox's replies, oldest first, then decoys, so
 * the answer has the same length whether the mailbox exists or not. The
 * store is read the same number of times either way.
 */
export async function lookUpReplies(kv: KVNamespace, mailbox: string): Promise<LookupResponse> {
  const prefix = await mailboxPrefix(mailbox);
  const listed = await kv.list<{ sent?: number }>({ prefix, limit: MAX_REPLIES_PER_MAILBOX });
  const keys = [...listed.keys].sort((a, b) => (a.metadata?.sent ?? 0) - (b.metadata?.sent ?? 0));
  const names = Array.from({ length: MAX_REPLIES_PER_MAILBOX }, (_, i) => keys[i]?.name ?? `${prefix}none-${i}`);
  const values = await Promise.all(names.map((name) => kv.get<StoredValue>(name, 'json')));
  const real: LookupSlot[] = [];
  values.forEach((value, i) => {
    if (value && keys[i]) real.push({ id: keys[i].name.slice(prefix.length), kid: value.kid, enc: value.enc, ct: value.ct });
  });
  const replies = [...real];
  while (replies.length < MAX_REPLIES_PER_MAILBOX) replies.push(decoySlot());
  return { v: REPLY_WIRE_VERSION, count: real.length, replies };
}

/** Removes one reply. Says nothing about whether it was there. */
export async function deleteReply(kv: KVNamespace, mailbox: string, id: string): Promise<void> {
  await kv.delete((await mailboxPrefix(mailbox)) + id);
}
