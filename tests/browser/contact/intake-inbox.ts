import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { loadPrivateKeys } from '../../../tools/dev/plain-keys.ts';
import { keyRing, openEnvelope, type PrivateKeyRing } from '../../../protocol/envelope.ts';
import type { ContactRequest } from '../../../protocol/request.ts';
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

/** Every request in the test intake's store, decrypted here with the test key (the store holds only envelopes). */
export async function storedRequests(): Promise<ContactRequest[]> {
  const db = new DatabaseSync(join(testIntakeDir, 'intake', DATABASE_FILE), { readOnly: true });
  try {
    const rows = db.prepare('SELECT body AS envelope FROM envelopes').all() as { envelope: string }[];
    const ring = await testKeyRing();
    return Promise.all(rows.map((row) => openEnvelope(JSON.parse(row.envelope), ring)));
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
