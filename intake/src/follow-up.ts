/**
 * A follow-up ("the person wrote back") is the person's only if it proves
 * it (review N3): the request it names must be held here, must have asked
 * for an answer on the site with the same reply address, and the
 * follow-up's proof must verify with THAT request's reply key, which only
 * the holder of the reply secret can sign with (protocol/write-back.ts,
 * WIRE-FORMAT.md §16). Anyone with the published key can seal a request
 * that claims to follow up; without the secret it is refused here, and
 * nothing is stored.
 */
import type { PrivateKeyRing } from '../../protocol/envelope.ts';
import type { ContactRequest } from '../../protocol/request.ts';
import { verifyFollowUp } from '../../protocol/write-back.ts';
import type { IntakeStore } from './store.ts';

export type FollowUpCheck = { ok: true; caseRef: string } | { ok: false; reason: 'unknown_case' | 'other_reply_address' | 'bad_proof' };

export async function checkFollowUp(
  store: IntakeStore,
  followUp: ContactRequest & { followUpOf: string },
  keys: PrivateKeyRing,
): Promise<FollowUpCheck> {
  const row = store.db.prepare('SELECT ref FROM requests WHERE dedupe = ?').get(store.dedupeTag(followUp.followUpOf)) as
    { ref: string } | undefined;
  if (!row) return { ok: false, reason: 'unknown_case' };
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
