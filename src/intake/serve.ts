/**
 * VERSION 1 receiver, no longer run by `intake serve` (which runs
 * inbox/app.ts on the SQLite store). Kept only because the fuzzer's direct
 * receiver target (src/bench/fuzz-run.ts, startFuzzIntake) still uses it;
 * delete it once that target is moved to createIntakeApp.
 *
 * The push receiver: a small HTTP server on 127.0.0.1 (put the
 * municipality's HTTPS reverse proxy in front of it) that takes envelopes
 * from the Worker's queue consumer.
 *
 * Order of checks, so nothing unauthenticated is parsed or written:
 *   1. POST /push with a body of at most MAX_BODY_BYTES, else 404/413;
 *   2. signature (401) and timestamp freshness (400), before anything else;
 *   3. open, validate and store (see inbox.ts).
 * Answers: 201 stored, 200 already stored, 202 kept in quarantine (cannot
 * be opened; retrying would not help), 400 malformed or unknown kid (the
 * queue retries, then keeps it in its dead-letter queue), 500 storage
 * failed. A 2xx is sent only after the fsync'd write.
 *
 * Logs say what happened, never a body, a request's contents or an address.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { PrivateKeyRing } from '../contact/envelope.ts';
import { storeEnvelope } from './inbox.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyPush } from './push-signature.ts';

export const PUSH_PATH = '/push';
/** An envelope is about 22 kB of JSON; anything much larger is not one. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface PushServerOptions {
  dir: string;
  keys: PrivateKeyRing;
  secrets: readonly string[];
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
  if (options.secrets.length === 0) throw new Error('no push secret: set INTAKE_PUSH_SECRET');

  return createServer(async (request, response) => {
    const answer = (status: number, result: string) => {
      response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify({ result }));
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
      const verdict = await verifyPush(
        options.secrets,
        request.headers[TIMESTAMP_HEADER.toLowerCase()] as string | undefined,
        request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined,
        body,
        now(),
      );
      if (!verdict.ok) return answer(verdict.reason === 'stale_timestamp' ? 400 : 401, verdict.reason);
      const result = await storeEnvelope(options.dir, body, options.keys, now());
      switch (result.status) {
        case 'stored':
          return answer(201, 'stored');
        case 'duplicate':
          return answer(200, 'duplicate');
        case 'quarantined':
          return answer(result.code === 'unknown_kid' ? 400 : 202, `quarantined_${result.code}`);
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
