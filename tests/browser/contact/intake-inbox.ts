import { loadPrivateKeys } from '../../../src/intake/keygen.ts';
import { readOpen } from '../../../src/intake/inbox.ts';
import { keyRing, openEnvelope, type PrivateKeyRing } from '../../../src/contact/envelope.ts';
import type { ContactRequest } from '../../../src/contact/request.ts';
import { testIntakeDir } from '../../../src/dev/test-intake.ts';

/** The test intake's private keys, from its ignored folder (made by `npm test`). */
export async function testKeyRing(): Promise<PrivateKeyRing> {
  return keyRing(await loadPrivateKeys(testIntakeDir));
}

/** Decrypts an envelope the browser sent, with the intake's private key, in Node. */
export async function decryptInNode(envelope: unknown): Promise<ContactRequest> {
  return openEnvelope(envelope, await testKeyRing());
}

/**
 * Waits until the local intake (push from the Worker's queue) has stored
 * the request with this receipt code, and returns it as stored.
 */
export async function waitForInboxRequest(receipt: string, timeoutMs = 30_000): Promise<ContactRequest> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stored = await readOpen(testIntakeDir, receipt).catch(() => null);
    if (stored) return stored.request;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Request ${receipt} did not arrive in the intake inbox within ${timeoutMs} ms`);
}
