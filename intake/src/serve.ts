/**
 * VERSION 1 receiver, no longer run by `intake serve` (which runs
 * inbox/app.ts on the SQLite store). Kept only because the fuzzer's direct
 * receiver target (tools/bench/fuzz-run.ts, startFuzzIntake) still uses it;
 * delete it once that target is moved to createIntakeApp.
 *
 * The push receiver: a small HTTP server on 127.0.0.1 (put the
 * municipality's HTTPS reverse proxy in front of it) that takes envelopes
 * from the Worker's queue consumer.
 *
 * Order of checks, so nothing unauthenticated is parsed or written:
 *   1. POST /push with a body of at most MAX_BODY_BYTES, else 404/413;
 *   2. the Worker's Ed25519 signature (401), addressed to this recipient
 *      (403), timestamp freshness (400), before anything else (push-auth.ts);
 *   3. open, validate and store (see inbox.ts).
 * Answers: 201 stored, 200 already stored, 202 kept in quarantine (cannot
 * be opened; retrying would not help), 400 malformed or unknown kid (the
 * queue retries, then keeps it in its dead-letter queue), 500 storage
 * failed. A 2xx is sent only after the fsync'd write, and carries this
 * receiver's signed receipt ("stored", "duplicate" or "kept"): without it
 * the Worker does not count the push as delivered.
 *
 * Logs say what happened, never a body, a request's contents or an address.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { PrivateKeyRing } from '../../protocol/envelope.ts';
import { storeEnvelope } from './inbox.ts';
import { signReceipt, verifyPush, type ReceiptStatus, type ReceiverAuth } from '../../protocol/push-auth.ts';

export const PUSH_PATH = '/push';
/** An envelope is about 22 kB of JSON; anything much larger is not one. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface PushServerOptions {
  dir: string;
  keys: PrivateKeyRing;
  /** Who this receiver is, whom it trusts, how it signs receipts (push-auth.ts). */
  auth: ReceiverAuth;
  log?: (line: string) => void;
  now?: () => Date;
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createPushServer(options: PushServerOptions): Server {
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());

  return createServer(async (request, response) => {
    const answer = (status: number, result: string, receipt?: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(receipt ? { result, receipt } : { result }));
      log(`push: ${status} ${result}`);
    };
    try {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      if (request.method === 'GET' && path === '/health') return answer(200, 'ok');
      if (request.method !== 'POST' || path !== PUSH_PATH) return answer(404, 'not_found');
      let body: string;
      try {
        body = await readBody(request);
      } catch (error) {
        if (error instanceof BodyTooLarge) return answer(413, 'too_large');
        throw error;
      }
      const check = await verifyPush(options.auth, (name) => request.headers[name] as string | undefined, body, now());
      if (!check.ok) {
        const status = { missing_headers: 401, bad_signature: 401, wrong_recipient: 403, stale_timestamp: 400 }[check.reason];
        return answer(status, check.reason);
      }
      const kept = async (status: number, result: string, receipt: ReceiptStatus) => answer(status, result, await signReceipt(options.auth, check, receipt));
      const result = await storeEnvelope(options.dir, body, options.keys, now());
      switch (result.status) {
        case 'stored':
          return await kept(201, 'stored', 'stored');
        case 'duplicate':
          return await kept(200, 'duplicate', 'duplicate');
        case 'quarantined':
          // An unknown kid may be a key not installed yet: no receipt, so the queue tries again.
          if (result.code === 'unknown_kid') return answer(400, 'quarantined_unknown_kid');
          return await kept(202, `quarantined_${result.code}`, 'kept');
        case 'rejected':
          return answer(400, result.code);
      }
    } catch (error) {
      // Only the error's kind: its message could quote data.
      log(`push: storage failed (${(error as NodeJS.ErrnoException).code ?? (error as Error).name})`);
      if (!response.headersSent) answer(500, 'storage_failed');
    }
  });
}

/** Starts listening on 127.0.0.1:port; resolves with the bound port. */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
