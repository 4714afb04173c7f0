/**
 * The cases a receipt code or a write-back may lead to: metadata from
 * GET /api/cases, envelopes from GET /api/requests?refs=…, opened here.
 * Nothing typed and nothing opened leaves the browser.
 */
import type { ContactRequest } from '../../../protocol/request.ts';
import type { CaseMeta } from '../inbox/pages.ts';
import { verifyFollowUp } from '../../../protocol/write-back.ts';
import { getJson, postJson } from './http.ts';
import { fetchEnvelopes, openStored, ringOf } from './open-request.ts';
import type { UnlockedVault } from './session-vault.ts';

export interface OpenedCase {
  meta: CaseMeta;
  request: ContactRequest;
}

/** Every case's request this browser can open (those it cannot are skipped: they are not a match). */
export async function openCases(vault: UnlockedVault): Promise<OpenedCase[]> {
  const { cases } = await getJson<{ cases: CaseMeta[] }>('/api/cases');
  const byRef = new Map(cases.map((meta) => [meta.ref, meta]));
  const ring = ringOf(vault);
  const opened: OpenedCase[] = [];
  for (const { ref, body } of await fetchEnvelopes([...byRef.keys()], getJson)) {
    const meta = byRef.get(ref);
    if (!meta) continue;
    try {
      const request = (await openStored(body, ring)).request;
      if (request) opened.push({ meta, request });
    } catch {
      // damaged or another key: not this one
    }
  }
  return opened;
}

/** The follow-up's proof verifies with the original's reply key, and names the same reply address (review N3). */
export async function provesSamePerson(original: ContactRequest | null, followUp: ContactRequest): Promise<boolean> {
  const address = original?.reply;
  if (!address || !followUp.followUpOf || followUp.followUpOf !== original.id) return false;
  if (!followUp.reply || followUp.reply.publicKey !== address.publicKey || followUp.reply.mailbox !== address.mailbox) return false;
  return verifyFollowUp(address.publicKey, { ...followUp, followUpOf: followUp.followUpOf });
}

/**
 * A write-back not yet in its case (the server cannot tell: the case it
 * names is inside the ciphertext): find the case here, check the proof,
 * and link it (POST /api/r/:ref/follow-up-of). Null: it could not be
 * confirmed as the same person, and stays its own entry.
 */
export async function linkWriteBack(
  ref: string,
  followUp: ContactRequest,
  vault: UnlockedVault,
  cases?: OpenedCase[],
): Promise<string | null> {
  if (!followUp.followUpOf) return null;
  const found = (cases ?? (await openCases(vault))).find((c) => c.request.id === followUp.followUpOf);
  if (!found || !(await provesSamePerson(found.request, followUp))) return null;
  const linked = await postJson<{ caseRef: string }>(`/api/r/${encodeURIComponent(ref)}/follow-up-of`, { caseRef: found.meta.ref });
  return linked.caseRef;
}
