/**
 * The push receiver: POST /push, the Worker's signed deliveries (its queue
 * consumer, functions/queue-consumer.ts). Put the municipality's HTTPS
 * reverse proxy in front of this app's listener.
 *
 * Order of checks, so nothing unauthenticated is parsed or written:
 *   1. POST /push with a body of at most MAX_PUSH_BYTES, else 404/413;
 *   2. the Worker's Ed25519 signature (401), addressed to this recipient
 *      (403), timestamp freshness (400), in one call (push-auth.ts);
 *   3. free disk space (507), then open, validate and store (store.ts).
 * Answers: 201 stored, 200 already stored, 202 kept in quarantine (cannot
 * be opened; retrying would not help), 400 malformed or unknown kid (the
 * queue retries, then keeps it in its dead-letter queue), 422 a follow-up
 * that does not prove itself (nothing kept, no receipt), 507 disk (nearly)
 * full, 500 storage failed. A 2xx is sent only after COMMIT, and carries
 * this receiver's signed receipt ("stored", "duplicate" or "kept"): without
 * it the Worker does not count the push as delivered.
 *
 * Logs say what happened, never a body, a request's contents or an address.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { PrivateKeyRing } from '../../../protocol/envelope-open.ts';
import type { RecipientDirectory } from '../promise.ts';
import { signReceipt, verifyPush, type ReceiptStatus, type ReceiverAuth } from '../../../protocol/push-auth.ts';
import { explainStoreError, MIN_FREE_BYTES, type IntakeStore } from '../store.ts';

export const PUSH_PATH = '/push';
/** An envelope is about 22 kB of JSON; anything much larger is not one. */
export const MAX_PUSH_BYTES = 64 * 1024;

export interface PushAppOptions {
  store: IntakeStore;
  keys: PrivateKeyRing;
  recipients: RecipientDirectory;
  /** Who this receiver is, whom it trusts, how it signs receipts (push-auth.ts). */
  pushAuth: ReceiverAuth;
  log?: (line: string) => void;
  now?: () => Date;
  /** Called after a new request is stored (alerts). */
  onStored?: () => void;
}

type PushStatus = 200 | 201 | 202 | 400 | 401 | 403 | 404 | 413 | 422 | 500 | 507;

export function createPushApp(options: PushAppOptions): Hono {
  const { store } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  const app = new Hono();

  app.get('/health', (c) => c.json({ result: 'ok' }, 200, { 'cache-control': 'no-store' }));

  app.post(
    PUSH_PATH,
    bodyLimit({
      maxSize: MAX_PUSH_BYTES,
      onError: (c) => {
        log('push: 413 too_large');
        return c.json({ result: 'too_large' }, 413, { 'cache-control': 'no-store' });
      },
    }),
    async (c) => {
      const answer = (status: PushStatus, result: string, receipt?: unknown) => {
        log(`push: ${status} ${result}`);
        return c.json(receipt ? { result, receipt } : { result }, status, { 'cache-control': 'no-store' });
      };
      try {
        // The bytes as sent, a leading BOM included (c.req.text() would drop it), so the
        // signature is checked over exactly what the Worker signed.
        const body = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await c.req.arrayBuffer());
        const check = await verifyPush(options.pushAuth, (name) => c.req.header(name), body, now());
        if (!check.ok) {
          const status = ({ missing_headers: 401, bad_signature: 401, wrong_recipient: 403, stale_timestamp: 400 } as const)[check.reason];
          return answer(status, check.reason);
        }
        // A signed receipt only once the body is durably kept: without one
        // the Worker keeps the message in its queue and tries again.
        const kept = async (status: 200 | 201 | 202, result: string, receipt: ReceiptStatus) =>
          answer(status, result, await signReceipt(options.pushAuth, check, receipt));
        const free = store.freeBytes();
        if (free !== null && free < MIN_FREE_BYTES) return answer(507, 'insufficient_storage');
        const result = await store.receive(body, options.keys, options.recipients, now());
        switch (result.status) {
          case 'stored':
            options.onStored?.();
            return await kept(201, 'stored', 'stored');
          case 'duplicate':
            return await kept(200, 'duplicate', 'duplicate');
          case 'quarantined':
            // An unknown kid may be a key not installed yet: no receipt, so the queue tries again.
            if (result.code === 'unknown_kid') return answer(400, 'quarantined_unknown_kid');
            return await kept(202, `quarantined_${result.code}`, 'kept');
          case 'rejected':
            return answer(400, result.code);
          case 'refused':
            // No receipt: a follow-up that does not prove itself is not kept, and the queue shows it.
            return answer(422, result.code);
        }
      } catch (error) {
        const explained = explainStoreError(error, store.path);
        // Only the kind: a message could quote data.
        log(`push: storage failed (${explained.code})`);
        return answer(
          explained.code === 'disk_full' ? 507 : 500,
          explained.code === 'disk_full' ? 'insufficient_storage' : 'storage_failed',
        );
      }
    },
  );

  app.notFound((c) => c.json({ result: 'not_found' }, 404, { 'cache-control': 'no-store' }));
  app.onError((error, c) => {
    log(`push: error (${error.name})`);
    return c.json({ result: 'storage_failed' }, 500, { 'cache-control': 'no-store' });
  });
  return app;
}
