/**
 * The municipality's answer, written as the team inbox's browser app
 * writes it (issue 19), in Node for the round-trip test: the vault opened
 * with the test intake's public development recovery code, the recipient
 * key unwrapped from it, the reply sealed and the post signed here, and
 * the server's part as the inbox's JSON API does it (kept in the outbox
 * with its record and audit line, then posted as it is).
 */
import { join } from 'node:path';
import { openEnvelope } from '../../../protocol/envelope-open.ts';
import { replyPostBody, signReplyPost } from '../../../protocol/reply-post.ts';
import type { ContactRequest } from '../../../protocol/request.ts';
import { appendAudit } from '../../../intake/src/audit.ts';
import { replyDraft, writeReply, type ReplyChoice } from '../../../intake/src/reply-writer.ts';
import { IntakeStore } from '../../../intake/src/store.ts';
import { openGrant, recoveryKeyPair, sealRecord, unwrapRecipientKey, vaultKeysFrom } from '../../../intake/src/team-vault/index.ts';
import { DEV_RECOVERY_CODE } from '../../../tools/dev/dev-vault.ts';
import { testKeyRing } from '../contact/intake-inbox.ts';

/** Writes and keeps the answer to the request with this receipt code; returns the store (the caller delivers and closes it). */
export async function answerAsTheInbox(intakeDir: string, receipt: string, choice: ReplyChoice): Promise<IntakeStore> {
  const store = IntakeStore.open(join(intakeDir));
  try {
    const ring = await testKeyRing();
    let found: { ref: string; request: ContactRequest } | null = null;
    for (const { ref, body } of store.envelopes(store.listOpen().map((row) => row.ref))) {
      const request = await openEnvelope(JSON.parse(body), ring);
      if (request.receipt === receipt) found = { ref, request };
    }
    if (!found) throw new Error(`no request with receipt ${receipt}`);
    const generation = store.vault.latestGen();
    const recovery = (store.db.prepare('SELECT recovery FROM vault_generations WHERE gen = ?').get(generation) as { recovery: string })
      .recovery;
    const vaultBytes = await openGrant(JSON.parse(recovery), (await recoveryKeyPair(DEV_RECOVERY_CODE)).privateKey, 'recovery');
    const vault = await vaultKeysFrom(vaultBytes, generation!);
    const kid = store.get(found.ref)!.kid;
    const held = store.vault.keys().find((key) => key.kid === kid)!;
    const sender = { kid, publicKey: held.publicKey, ...(await unwrapRecipientKey(vault, kid, held.wrapped)) };
    const outgoing = await writeReply(found.request, replyDraft(choice, null), sender);
    const postBody = replyPostBody({
      v: 1,
      mailbox: outgoing.mailbox,
      sent: Math.floor(Date.now() / 1000),
      reply: outgoing.reply,
      ...(outgoing.writeBack ? { writeBack: outgoing.writeBack } : {}),
    });
    const record = await sealRecord(vault, found.ref, outgoing.replyId, outgoing);
    const postSignature = await signReplyPost(postBody, sender.sign);
    store.transaction(() => {
      store.addReply({ id: outgoing.replyId, ref: found.ref, staffId: null, gen: vault.gen, box: record, postBody, postSignature });
      appendAudit(store, 'test', 'replied', found.ref, null);
    });
    return store;
  } catch (error) {
    store.close();
    throw error;
  }
}
