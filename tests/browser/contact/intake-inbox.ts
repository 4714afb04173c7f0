import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { loadPrivateKeys } from '../../../tools/dev/plain-keys.ts';
import { keyRing, openEnvelope, type PrivateKeyRing } from '../../../protocol/envelope-open.ts';
import type { PrivateKeyJwk } from '../../../protocol/envelope.ts';
import type { ContactRequest } from '../../../protocol/request.ts';
import { listPlainKeyFiles } from '../../../intake/src/key-vault.ts';
import { deliverReply, type DeliveryResult } from '../../../intake/src/reply-delivery.ts';
import { replyDraft, senderFromVault, signedPost, writeReply, type ReplyChoice } from '../../../intake/src/reply-writer.ts';
import { testIntakeDir } from '../../../tools/dev/test-intake.ts';
import { DATABASE_FILE } from '../../../intake/src/store.ts';

/** The test intake's private keys, from its ignored folder (made by `npm test`). */
export async function testKeyRing(): Promise<PrivateKeyRing> {
  return keyRing(await loadPrivateKeys(testIntakeDir));
}

/** Decrypts an envelope the browser sent, with the intake's private key, in Node. */
export async function decryptInNode(envelope: unknown): Promise<ContactRequest> {
  return openEnvelope(envelope, await testKeyRing());
}

/** Requests already decrypted, by ref: each envelope is opened once per worker, not on every poll. */
const opened = new Map<string, ContactRequest>();

/** Every request in the test intake's store, decrypted here with the test key (the store holds only envelopes). */
export async function storedRequests(): Promise<ContactRequest[]> {
  const db = new DatabaseSync(join(testIntakeDir, 'intake', DATABASE_FILE), { readOnly: true });
  try {
    const refs = (db.prepare('SELECT ref FROM envelopes').all() as { ref: string }[]).map((row) => row.ref);
    const fresh = refs.filter((ref) => !opened.has(ref));
    if (fresh.length > 0) {
      const ring = await testKeyRing();
      const body = db.prepare('SELECT body FROM envelopes WHERE ref = ?');
      for (const ref of fresh) {
        const row = body.get(ref) as { body: string };
        opened.set(ref, await openEnvelope(JSON.parse(row.body), ring));
      }
    }
    return refs.map((ref) => opened.get(ref)!);
  } finally {
    db.close();
  }
}

/**
 * Waits until the local intake (push from the Worker's queue) has stored
 * the request with this receipt code, and returns it as stored.
 */
export async function waitForInboxRequest(receipt: string, timeoutMs = 30_000): Promise<ContactRequest> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = (await storedRequests().catch(() => [])).find((request) => request.receipt === receipt);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Request ${receipt} did not arrive in the intake inbox within ${timeoutMs} ms`);
}

/**
 * Answers a stored request as the team inbox's browser does (issue 19):
 * the envelope opened with the recipient key, the reply sealed with it
 * (HPKE auth mode), the post body built and signed with it, then sent to
 * the site as the intake sends a signed post it was given. Here the key
 * comes from the test intake's plain key file; in the inbox, from the vault.
 */
export async function answerAsTheInbox(
  receipt: string,
  choice: ReplyChoice,
  siteUrl: string,
  options: { fetch?: typeof fetch; workerKeys?: readonly CryptoKey[] },
): Promise<DeliveryResult> {
  const request = await waitForInboxRequest(receipt);
  const db = new DatabaseSync(join(testIntakeDir, 'intake', DATABASE_FILE), { readOnly: true });
  let kid: string;
  try {
    const bodies = (db.prepare('SELECT body FROM envelopes').all() as { body: string }[]).map(
      (row) => JSON.parse(row.body) as { kid: string },
    );
    const ring = await testKeyRing();
    kid = '';
    for (const envelope of bodies) {
      if ((await openEnvelope(envelope, ring).catch(() => null))?.receipt === receipt) kid = envelope.kid;
    }
  } finally {
    db.close();
  }
  const file = (await listPlainKeyFiles(testIntakeDir)).find((name) => basename(name).startsWith(`${kid}.`));
  if (!file) throw new Error(`no plain key file for ${kid}`);
  const {
    kid: _kid,
    notAfter: _notAfter,
    ...privateJwk
  } = JSON.parse(await readFile(file, 'utf8')) as PrivateKeyJwk & { kid?: string; notAfter?: string };
  const sender = await senderFromVault({ keys: [{ kid, privateJwk }] }, kid);
  const outgoing = await writeReply(request, replyDraft(choice, null), sender);
  const post = await signedPost(outgoing, sender.sign, new Date());
  return deliverReply({ body: post.postBody, signature: post.postSignature }, siteUrl, options);
}
