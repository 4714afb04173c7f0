/**
 * A write-back belongs to its case (issue 21, review N3; WIRE-FORMAT.md
 * §16): the person's follow-up is shown in the original request's thread,
 * not as a new request in the list, and the original's row says the person
 * wrote back. Since issue 19 the server cannot open either: the browser
 * that opens a write-back verifies its proof against the case's reply key
 * and links it (POST /api/r/:ref/follow-up-of); the server keeps the case's
 * bookkeeping. One that does not verify stays its own entry, marked in the
 * browser.
 */
import { describe, expect } from 'vitest';
import { it } from './backend.ts';
import { deriveReplyKeys, type ReplyKeys } from '../../protocol/reply-keys.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { signFollowUp } from '../../protocol/write-back.ts';
import { NO_RECIPIENTS } from '../src/promise.ts';
import { envelopeBody } from './helpers.ts';
import { setUp, type Person } from './inbox-helpers.ts';
import { answerHereAnswers } from '../../tools/dev/sample-request.ts';

const ORIGINAL_TEXT = 'ORIGINAL-3c1f: jag vill ut';
const WROTE_BACK = 'WROTE-BACK-8e2a: kan vi ses på torsdag?';

function askForContact(mine: ReplyKeys, message = ORIGINAL_TEXT, followUpOf?: string): ContactRequest {
  return createRequest(answerHereAnswers(message, mine, followUpOf ? { followUpOf } : {}));
}

async function writeBack(signer: ReplyKeys, address: ReplyKeys, caseId: string, message = WROTE_BACK): Promise<ContactRequest> {
  const followUp = askForContact(address, message, caseId);
  followUp.followUpProof = await signFollowUp(signer.signingKey, { id: followUp.id, followUpOf: caseId, message });
  return followUp;
}

async function caseWithWriteBack() {
  const inbox = await setUp();
  const mine = await deriveReplyKeys('12341234123412341234');
  const original = askForContact(mine);
  const deliver = (request: ContactRequest) => envelopeBody(inbox.intake, request).then((body) => inbox.store.receive(body, NO_RECIPIENTS));
  const first = await deliver(original);
  if (first.status !== 'stored') throw new Error(first.status);
  /** A write-back arrives as a request of its own; the browser that opens it verifies it and links it (POST …/follow-up-of). */
  const linked = async (request: ContactRequest, who: Person, caseRef = first.ref) => {
    const result = await deliver(request);
    if (result.status !== 'stored') throw new Error(result.status);
    const answer = await inbox.api(`/api/r/${result.ref}/follow-up-of`, who, { caseRef });
    expect(answer.status).toBe(200);
    return result.ref;
  };
  return { ...inbox, mine, original, originalRef: first.ref, deliver, linked };
}

describe('a write-back in its case (N3, the server part: the proof is checked in the browser)', () => {
  it("arrives as its own row; once the browser links it, it is in its original's thread, not in the list", async () => {
    const { store, person, get, api, post, mine, original, originalRef, deliver, auditActions } = await caseWithWriteBack();
    const duty = person('Sara', 'staff');
    const followUp = await writeBack(mine, mine, original.id);
    const result = await deliver(followUp);
    expect(result).toMatchObject({ status: 'stored' });
    const followUpRef = (result as { ref: string }).ref;
    // Until a browser has opened and verified it, the server cannot know it is a write-back.
    expect(
      store
        .listOpen()
        .map((row) => row.ref)
        .sort(),
    ).toEqual([originalRef, followUpRef].sort());

    expect(await (await api(`/api/r/${followUpRef}/follow-up-of`, duty, { caseRef: originalRef })).json()).toEqual({
      caseRef: originalRef,
    });
    expect(auditActions()).toContain(`staff:${duty.id} follow_up_linked ${followUpRef} ${originalRef}`);
    expect(store.listOpen().map((row) => row.ref)).toEqual([originalRef]);
    expect(store.openCounts()).toMatchObject({ open: 1, unclaimed: 1 });
    expect(store.get(originalRef)).toMatchObject({ followUps: 1, lastFollowUpAt: expect.any(Number) });
    expect(store.get(followUpRef)).toMatchObject({ followUpOf: originalRef, dueAt: null });
    // Linked once, never moved.
    expect((await api(`/api/r/${followUpRef}/follow-up-of`, duty, { caseRef: originalRef })).status).toBe(409);

    const list = await (await get('/', duty)).text();
    expect(list).toContain(`/r/${originalRef}`);
    expect(list).not.toContain(`/r/${followUpRef}`);

    // The case's ciphertext comes with its thread, oldest first, for the browser to open.
    const view = (await (await api(`/api/r/${originalRef}`, duty)).json()) as { thread: { ref: string; envelope: string }[] };
    expect(view.thread.map((entry) => entry.ref)).toEqual([followUpRef]);
    expect(view.thread[0]!.envelope).toBe(store.get(followUpRef)!.envelope);

    // The write-back's own address leads to its case's thread.
    const direct = await get(`/r/${followUpRef}`, duty);
    expect(direct.status).toBe(303);
    expect(direct.headers.get('location')).toBe(`/r/${originalRef}#thread`);

    // And nobody works on it apart from its case: a claim goes to the case; a note under it is refused.
    const answer = await post(`/r/${followUpRef}/claim`, person('Other', 'staff'));
    expect(answer.headers.get('location')).toBe(`/r/${originalRef}#thread`);
    const note = await api(`/api/r/${followUpRef}/notes`, duty, { gen: 1, box: { iv: 'AAAAAAAAAAAAAAAA', ct: 'AAAA' } });
    expect(await note.json()).toEqual({ error: 'in_its_case', caseRef: originalRef });
    expect(store.get(followUpRef)).toMatchObject({ status: 'new', claimedBy: null });
    expect(store.notes(followUpRef)).toEqual([]);
  });

  it('every write-back joins the same thread (one naming a write-back too), and a closed case opens again', async () => {
    const { store, person, mine, original, originalRef, linked } = await caseWithWriteBack();
    const staff = person('Ali', 'staff');
    expect(store.claim(originalRef, staff.id)).toBe(true);
    expect(store.setStatus(originalRef, 'closed')).toBe(true);
    const first = await linked(await writeBack(mine, mine, original.id, 'första'), staff);
    const second = await linked(await writeBack(mine, mine, original.id, 'andra'), staff);
    // The browser links a write-back of a write-back to the one it names; it joins the same case.
    const third = await linked(await writeBack(mine, mine, original.id, 'tredje'), staff, first);
    expect(store.followUpsOf(originalRef).map((row) => row.ref)).toEqual([first, second, third]);
    expect(store.get(originalRef)).toMatchObject({ followUps: 3, status: 'claimed', closedAt: null });
    expect(store.listClosed()).toEqual([]);
  });

  it('retention deletes a case together with its thread', async () => {
    const { store, person, mine, original, originalRef, linked } = await caseWithWriteBack();
    const staff = person('Ali', 'staff');
    const followUpRef = await linked(await writeBack(mine, mine, original.id), staff);
    store.claim(originalRef, staff.id);
    store.setStatus(originalRef, 'closed', new Date(Date.now() - 40 * 86_400_000));
    expect(store.applyRetention(30).sort()).toEqual([originalRef, followUpRef].sort());
    expect(store.count()).toBe(0);
  });

  it('refuses a link to a case it does not hold, and a link from a request that is not there', async () => {
    const { store, person, api, mine, original, originalRef, deliver } = await caseWithWriteBack();
    const staff = person('Ali', 'staff');
    const result = await deliver(await writeBack(mine, mine, original.id));
    const ref = (result as { ref: string }).ref;
    expect((await api(`/api/r/${ref}/follow-up-of`, staff, { caseRef: 'AAAAAAAAAAAAAAAA' })).status).toBe(409);
    expect((await api(`/api/r/${ref}/follow-up-of`, staff, { caseRef: 'not a ref' })).status).toBe(400);
    expect((await api(`/api/r/AAAAAAAAAAAAAAAA/follow-up-of`, staff, { caseRef: originalRef })).status).toBe(404);
    expect(store.get(originalRef)).toMatchObject({ followUps: 0, lastFollowUpAt: null });
  });
});
