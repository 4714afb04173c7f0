/**
 * A write-back belongs to its case (issue 21, review N3; WIRE-FORMAT.md
 * §16): the person's follow-up is shown in the original request's thread,
 * not as a new request in the list, and the original's row says the person
 * wrote back. One whose original retention deleted stays visible as its own
 * entry with a note; a forged one is still refused with nothing stored.
 */
import { describe, expect, it } from 'vitest';
import { deriveReplyKeys, type ReplyKeys } from '../../protocol/reply-keys.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { signFollowUp } from '../../protocol/write-back.ts';
import { NO_RECIPIENTS } from '../src/promise.ts';
import { envelopeBody } from './helpers.ts';
import { setUp, sv } from './inbox-helpers.ts';
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
  const deliver = (request: ContactRequest) =>
    envelopeBody(inbox.intake, request).then((body) => inbox.store.receive(body, inbox.intake.keys, NO_RECIPIENTS));
  const first = await deliver(original);
  if (first.status !== 'stored') throw new Error(first.status);
  return { ...inbox, mine, original, originalRef: first.ref, deliver };
}

describe('a write-back in its case (N3, the inbox part)', () => {
  it("is in its original's thread, not in the list; the original's row says the person wrote back", async () => {
    const { store, person, get, post, mine, original, originalRef, deliver } = await caseWithWriteBack();
    const followUp = await writeBack(mine, mine, original.id);
    const result = await deliver(followUp);
    expect(result).toMatchObject({ status: 'stored' });
    const followUpRef = (result as { ref: string }).ref;

    expect(store.listOpen().map((row) => row.ref)).toEqual([originalRef]);
    expect(store.openCounts()).toMatchObject({ open: 1, unclaimed: 1 });
    expect(store.get(originalRef)).toMatchObject({ followUps: 1, lastFollowUpAt: expect.any(Number) });
    expect(store.get(followUpRef)).toMatchObject({ followUpOf: originalRef, dueAt: null });

    const duty = person('Sara', 'staff');
    const list = await (await get('/', duty)).text();
    expect(list).toContain(`/r/${originalRef}`);
    expect(list).not.toContain(`/r/${followUpRef}`);
    expect(list).toContain(sv.wroteBack);

    const view = await (await get(`/r/${originalRef}`, duty)).text();
    expect(view).toContain(ORIGINAL_TEXT);
    expect(view).toContain(`id="thread"`);
    expect(view).toContain(WROTE_BACK);
    expect(view.indexOf(ORIGINAL_TEXT)).toBeLessThan(view.indexOf(WROTE_BACK));

    // The case file has the thread too.
    await post(`/r/${originalRef}/claim`, duty);
    const exported = await (await post(`/r/${originalRef}/export`, duty)).text();
    expect(exported).toContain(ORIGINAL_TEXT);
    expect(exported).toContain(`${sv.thread}\n`);
    expect(exported).toContain(WROTE_BACK);

    // The write-back's own address leads to its case's thread.
    const direct = await get(`/r/${followUpRef}`, duty);
    expect(direct.status).toBe(303);
    expect(direct.headers.get('location')).toBe(`/r/${originalRef}#thread`);
    // Its own receipt code finds its case.
    const found = await (await post('/lookup', duty, { code: followUp.receipt })).text();
    expect(found).toContain(`/r/${originalRef}`);
    expect(found).not.toContain(`/r/${followUpRef}`);

    // And nobody works on it apart from its case: a claim or a note under it goes to the case, changing nothing.
    for (const action of ['claim', 'notes']) {
      const answer = await post(`/r/${followUpRef}/${action}`, person(`Other ${action}`, 'staff'), { note: 'x' });
      expect(answer.headers.get('location')).toBe(`/r/${originalRef}#thread`);
    }
    expect(store.get(followUpRef)).toMatchObject({ status: 'new', claimedBy: null });
    expect(store.notes(followUpRef)).toEqual([]);
  });

  it('every write-back joins the same thread (one naming a write-back too), and a closed case opens again', async () => {
    const { store, person, mine, original, originalRef, deliver } = await caseWithWriteBack();
    const staff = person('Ali', 'staff');
    expect(store.claim(originalRef, staff.id)).toBe(true);
    expect(store.setStatus(originalRef, 'closed')).toBe(true);
    const firstRequest = await writeBack(mine, mine, original.id, 'första');
    const first = await deliver(firstRequest);
    const second = await deliver(await writeBack(mine, mine, original.id, 'andra'));
    const third = await deliver(await writeBack(mine, mine, firstRequest.id, 'tredje'));
    const refs = [first, second, third].map((result) => (result as { ref?: string }).ref);
    expect(refs.every(Boolean)).toBe(true);
    expect(store.followUpsOf(originalRef).map((row) => row.ref)).toEqual(refs);
    expect(store.get(originalRef)).toMatchObject({ followUps: 3, status: 'claimed', closedAt: null });
    expect(store.listClosed()).toEqual([]);
  });

  it('one whose original was deleted by retention stays visible as its own entry, with a note', async () => {
    const { store, person, get, mine, original, originalRef, deliver } = await caseWithWriteBack();
    const staff = person('Ali', 'staff');
    store.claim(originalRef, staff.id);
    store.setStatus(originalRef, 'closed', new Date(Date.now() - 40 * 86_400_000));
    expect(store.applyRetention(30)).toEqual([originalRef]);

    const result = await deliver(await writeBack(mine, mine, original.id));
    expect(result).toMatchObject({ status: 'stored' });
    const ref = (result as { ref: string }).ref;
    expect(store.get(ref)).toMatchObject({ followUpOf: null, originalGone: true });
    expect(store.listOpen().map((row) => row.ref)).toEqual([ref]);
    const view = await (await get(`/r/${ref}`, staff)).text();
    expect(view).toContain(WROTE_BACK);
    expect(view).toContain(sv.originalGone);
  });

  it('retention deletes a case together with its thread', async () => {
    const { store, person, mine, original, originalRef, deliver } = await caseWithWriteBack();
    const result = await deliver(await writeBack(mine, mine, original.id));
    const staff = person('Ali', 'staff');
    store.claim(originalRef, staff.id);
    store.setStatus(originalRef, 'closed', new Date(Date.now() - 40 * 86_400_000));
    expect(store.applyRetention(30).sort()).toEqual([originalRef, (result as { ref: string }).ref].sort());
    expect(store.count()).toBe(0);
  });

  it('a forged one is still refused, nothing stored, the case untouched', async () => {
    const { store, mine, original, originalRef, deliver } = await caseWithWriteBack();
    const attacker = await deriveReplyKeys('99998888777766665555');
    for (const forged of [
      await writeBack(attacker, mine, original.id),
      await writeBack(attacker, attacker, original.id),
      await writeBack(attacker, attacker, crypto.randomUUID()),
    ]) {
      expect(await deliver(forged)).toMatchObject({ status: 'refused', code: 'forged_follow_up' });
    }
    expect(store.count()).toBe(1);
    expect(store.get(originalRef)).toMatchObject({ followUps: 0, lastFollowUpAt: null });
  });
});
