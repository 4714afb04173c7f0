/**
 * A follow-up ("the person wrote back") is the person's only if it proves
 * it (review N3): the request it names must be held here, must have asked
 * for an answer on the site with the same reply address, and the
 * follow-up's proof must verify with THAT request's reply key, which only
 * the holder of the reply secret can sign with (protocol/write-back.ts,
 * WIRE-FORMAT.md §16). Anyone with the published key can seal a request
 * that claims to follow up; without the secret it is refused here, and
 * nothing is stored.
 *
 * One exception keeps what the person wrote (nothing is lost): when the
 * named request was here and has since been deleted (retention keeps the
 * HMAC of every deleted id), the proof cannot be checked any more, and the
 * follow-up is kept as its own entry, marked so staff know it could not be
 * tied to a case. Only someone who knew the deleted request's id (inside
 * its ciphertext) can name it; a case never held here is still refused.
 */
import type { PrivateKeyRing } from '../../protocol/envelope-open.ts';
import type { ContactRequest } from '../../protocol/request.ts';
import { verifyFollowUp } from '../../protocol/write-back.ts';
import type { IntakeStore } from './store.ts';

export type FollowUpCheck =
  | { ok: true; caseRef: string }
  | { ok: true; caseRef: null; originalGone: true }
  | { ok: false; reason: 'unknown_case' | 'other_reply_address' | 'bad_proof' };

export async function checkFollowUp(
  store: IntakeStore,
  followUp: ContactRequest & { followUpOf: string },
  keys: PrivateKeyRing,
): Promise<FollowUpCheck> {
  const tag = store.dedupeTag(followUp.followUpOf);
  const row = store.db.prepare('SELECT ref FROM requests WHERE dedupe = ?').get(tag) as { ref: string } | undefined;
  if (!row) {
    const gone = store.db.prepare('SELECT 1 FROM deleted WHERE dedupe = ?').get(tag) !== undefined;
    return gone ? { ok: true, caseRef: null, originalGone: true } : { ok: false, reason: 'unknown_case' };
  }
  const stored = store.get(row.ref);
  if (!stored) return { ok: false, reason: 'unknown_case' };
  let original: ContactRequest | null;
  try {
    original = (await store.open(stored, keys)).request;
  } catch {
    return { ok: false, reason: 'unknown_case' };
  }
  const address = original?.reply;
  if (!address || !followUp.reply || address.publicKey !== followUp.reply.publicKey || address.mailbox !== followUp.reply.mailbox) {
    return { ok: false, reason: 'other_reply_address' };
  }
  if (!(await verifyFollowUp(address.publicKey, followUp))) return { ok: false, reason: 'bad_proof' };
  return { ok: true, caseRef: row.ref };
}
