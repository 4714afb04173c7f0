/**
 * Push authentication v2 (protocol/push-auth.ts) as properties, with
 * fast-check: a push verifies only at the recipient it names, for the body
 * it was signed over, within the clock window; a receipt answers only the
 * push it names, signed by that receiver.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateSigningKey,
  importSigningKey,
  importVerifyKey,
  PUSH_MAX_SKEW_SECONDS,
  receiverAuth,
  signPush,
  signReceipt,
  verifyPush,
  verifyReceipt,
} from '../../protocol/push-auth.ts';

const worker = await generateSigningKey();
const workerKey = await importSigningKey(worker.privateJwk);
const forger = await importSigningKey((await generateSigningKey()).privateJwk);
const receipts = await generateSigningKey();
const recipientId = fc.stringMatching(/^[a-z0-9-]{1,20}$/);

function headerOf(headers: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return (name: string) => lower[name];
}

describe('push signatures', () => {
  it('verify at the named recipient, and nowhere else', async () => {
    await fc.assert(
      fc.asyncProperty(recipientId, recipientId, fc.string(), async (me, other, body) => {
        const auth = await receiverAuth(me, [worker.publicKey], receipts.privateJwk);
        const push = await signPush(workerKey, me, body);
        expect(await verifyPush(auth, headerOf(push.headers), body)).toMatchObject({ ok: true });
        const misaddressed = await signPush(workerKey, other, body);
        expect(await verifyPush(auth, headerOf(misaddressed.headers), body)).toMatchObject(
          other === me ? { ok: true } : { ok: false, reason: 'wrong_recipient' },
        );
      }),
      { numRuns: 50 },
    );
  });

  it('a changed body, a changed recipient header or another signer fails the signature', async () => {
    await fc.assert(
      fc.asyncProperty(recipientId, fc.string(), fc.string({ minLength: 1 }), async (me, body, extra) => {
        const auth = await receiverAuth(me, [worker.publicKey], receipts.privateJwk);
        const push = await signPush(workerKey, me, body);
        expect(await verifyPush(auth, headerOf(push.headers), body + extra)).toEqual({ ok: false, reason: 'bad_signature' });
        const relabelled = { ...push.headers, 'X-Utvag-Push-Recipient': `${me}x` };
        expect(await verifyPush({ ...auth, recipient: `${me}x` }, headerOf(relabelled), body)).toEqual({
          ok: false,
          reason: 'bad_signature',
        });
        const forged = await signPush(forger, me, body);
        expect(await verifyPush(auth, headerOf(forged.headers), body)).toEqual({ ok: false, reason: 'bad_signature' });
      }),
      { numRuns: 50 },
    );
  });

  it('the clock window is ±PUSH_MAX_SKEW_SECONDS', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -3 * PUSH_MAX_SKEW_SECONDS, max: 3 * PUSH_MAX_SKEW_SECONDS }), async (skew) => {
        const auth = await receiverAuth('stockholm', [worker.publicKey], receipts.privateJwk);
        const now = new Date(1_800_000_000_000);
        const push = await signPush(workerKey, 'stockholm', '{}', new Date(now.getTime() + skew * 1000));
        const check = await verifyPush(auth, headerOf(push.headers), '{}', now);
        expect(check.ok).toBe(Math.abs(skew) <= PUSH_MAX_SKEW_SECONDS);
      }),
      { numRuns: 60 },
    );
  });

  it('a rotation: the receiver trusts the old and the new Worker key', async () => {
    const next = await generateSigningKey();
    const auth = await receiverAuth('stockholm', [worker.publicKey, next.publicKey], receipts.privateJwk);
    for (const key of [workerKey, await importSigningKey(next.privateJwk)]) {
      const push = await signPush(key, 'stockholm', 'x');
      expect((await verifyPush(auth, headerOf(push.headers), 'x')).ok).toBe(true);
    }
  });
});

describe('receipts', () => {
  it('answer exactly the push they name, signed by that receiver', async () => {
    const receiptKey = await importVerifyKey(receipts.publicKey);
    const stranger = await receiverAuth('stockholm', [worker.publicKey], (await generateSigningKey()).privateJwk);
    await fc.assert(
      fc.asyncProperty(
        recipientId,
        fc.string(),
        fc.constantFrom('stored' as const, 'duplicate' as const, 'kept' as const),
        async (me, body, status) => {
          const auth = await receiverAuth(me, [worker.publicKey], receipts.privateJwk);
          const push = await signPush(workerKey, me, body);
          const answer = JSON.stringify({ result: status, receipt: await signReceipt(auth, push, status) });
          expect(await verifyReceipt(receiptKey, push, answer)).toBe(status);
          const later = await signPush(workerKey, me, body, new Date(Date.now() + 5000));
          expect(await verifyReceipt(receiptKey, later, answer)).toBeNull();
          const otherBody = await signPush(workerKey, me, `${body}!`);
          expect(await verifyReceipt(receiptKey, { ...otherBody, timestamp: push.timestamp }, answer)).toBeNull();
          const fake = JSON.stringify({ result: status, receipt: await signReceipt(stranger, push, status) });
          expect(await verifyReceipt(receiptKey, push, fake)).toBeNull();
          const relabelled = JSON.stringify({
            result: 'stored',
            receipt: { ...(JSON.parse(answer) as { receipt: object }).receipt, status: status === 'stored' ? 'kept' : 'stored' },
          });
          expect(await verifyReceipt(receiptKey, push, relabelled)).toBeNull();
        },
      ),
      { numRuns: 40 },
    );
  });

  it('anything that is not a receipt is not one', async () => {
    const receiptKey = await importVerifyKey(receipts.publicKey);
    const push = await signPush(workerKey, 'stockholm', '{}');
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (answer) => {
        expect(await verifyReceipt(receiptKey, push, answer)).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
