import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listInbox } from '../src/inbox.ts';
import { generateSigningKey, importSigningKey, importVerifyKey, PUSH_MAX_SKEW_SECONDS, receiverAuth, signPush as signWith, verifyReceipt, type ReceiverAuth } from '../../protocol/push-auth.ts';
import { ensureReceiptKey } from '../src/push-keys.ts';
import { createPushServer, listen } from '../src/serve.ts';
import { dataFiles, envelopeBody, makeIntake, sampleRequest, type TestIntake } from './helpers.ts';

const RECIPIENT = 'stockholm';
const worker = await generateSigningKey();
const workerKey = await importSigningKey(worker.privateJwk);
const WORKER_JWK = JSON.stringify(worker.privateJwk);

/** Push headers as the Worker makes them (for RECIPIENT unless told). */
async function signPush(jwk: string, body: string, now?: Date, recipient = RECIPIENT): Promise<Record<string, string>> {
  return (await signWith(jwk === WORKER_JWK ? workerKey : await importSigningKey(jwk), recipient, body, now)).headers;
}
const SECRET = WORKER_JWK;

async function post(port: number, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/push`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('intake push receiver (serve)', () => {
  let intake: TestIntake;
  let server: Server | undefined;
  const logs: string[] = [];
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    logs.length = 0;
    await intake?.cleanup();
  });

  let auth: ReceiverAuth;
  let receiptPublicKey: string;
  async function start(): Promise<number> {
    intake = await makeIntake();
    receiptPublicKey = await ensureReceiptKey(intake.dir);
    auth = await receiverAuth(RECIPIENT, [worker.publicKey], await readFile(join(intake.dir, 'receipt.private.jwk.json'), 'utf8'));
    server = createPushServer({ dir: intake.dir, keys: intake.keys, auth, log: (line) => logs.push(line) });
    return listen(server, 0);
  }

  it('answers every kept push with its own signed receipt for that very push, which the Worker verifies', async () => {
    const port = await start();
    const body = await envelopeBody(intake);
    const push = await signWith(workerKey, RECIPIENT, body);
    const first = await post(port, body, push.headers);
    expect(first.status).toBe(201);
    const receiptKey = await importVerifyKey(receiptPublicKey);
    const answer = await first.text();
    expect(await verifyReceipt(receiptKey, push, answer)).toBe('stored');
    // The same receipt does not answer another push (other timestamp or body).
    expect(await verifyReceipt(receiptKey, { ...push, timestamp: String(Number(push.timestamp) + 1) }, answer)).toBeNull();
    expect(await verifyReceipt(receiptKey, { ...push, recipient: 'malmo' }, answer)).toBeNull();
    const again = await signWith(workerKey, RECIPIENT, body);
    expect(await verifyReceipt(receiptKey, again, await (await post(port, body, again.headers)).text())).toBe('duplicate');
  });

  it('refuses a correctly signed push meant for another recipient (403) and writes nothing', async () => {
    const port = await start();
    const body = await envelopeBody(intake);
    const response = await post(port, body, await signPush(WORKER_JWK, body, undefined, 'malmo'));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ result: 'wrong_recipient' });
    expect(await dataFiles(intake.dir)).toEqual([]);
  });

  it('stores a correctly signed envelope (201), then answers a redelivery 200 without a second entry', async () => {
    const port = await start();
    const request = sampleRequest('Hemligt innehåll 7f3a');
    const body = await envelopeBody(intake, request);
    const first = await post(port, body, await signPush(SECRET, body));
    expect(first.status).toBe(201);
    const again = await post(port, body, await signPush(SECRET, body));
    expect(again.status).toBe(200);
    expect((await listInbox(intake.dir)).map((entry) => entry.id)).toEqual([request.id]);
    // Logs say what happened, never what was sent.
    expect(logs.join('\n')).not.toContain('7f3a');
    expect(logs.join('\n')).not.toContain(request.receipt);
    expect(logs.join('\n')).not.toContain('127.0.0.1');
  });

  it('answers 401 to a forged or unsigned push and writes nothing', async () => {
    const port = await start();
    const body = await envelopeBody(intake);
    const forged = await signPush(JSON.stringify((await generateSigningKey()).privateJwk), body);
    expect((await post(port, body, forged)).status).toBe(401);
    expect((await post(port, body, {})).status).toBe(401);
    // Signed for another body: a replayed signature does not cover new content.
    const other = await envelopeBody(intake);
    expect((await post(port, other, await signPush(SECRET, body))).status).toBe(401);
    expect(await dataFiles(intake.dir)).toEqual([]);
  });

  it('answers 400 to a stale or future timestamp and writes nothing', async () => {
    const port = await start();
    const body = await envelopeBody(intake);
    const skew = (PUSH_MAX_SKEW_SECONDS + 5) * 1000;
    expect((await post(port, body, await signPush(SECRET, body, new Date(Date.now() - skew)))).status).toBe(400);
    expect((await post(port, body, await signPush(SECRET, body, new Date(Date.now() + skew)))).status).toBe(400);
    expect(await dataFiles(intake.dir)).toEqual([]);
  });

  it('answers 400 to a signed but malformed envelope and writes nothing', async () => {
    const port = await start();
    for (const body of ['{"v":1}', 'not json', JSON.stringify({ ...JSON.parse(await envelopeBody(intake)), extra: 1 })]) {
      const response = await post(port, body, await signPush(SECRET, body));
      expect(response.status).toBe(400);
    }
    expect(await dataFiles(intake.dir)).toEqual([]);
  });

  it('answers 400 to an unknown kid but keeps a copy in quarantine', async () => {
    const port = await start();
    const other = await makeIntake();
    try {
      const body = await envelopeBody(other);
      const response = await post(port, body, await signPush(SECRET, body));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ result: 'quarantined_unknown_kid' }); // no receipt: the queue tries again
      expect((await dataFiles(intake.dir)).filter((f) => f.startsWith('quarantine/'))).toHaveLength(1);
    } finally {
      await other.cleanup();
    }
  });

  it('answers 404 elsewhere and 413 to an oversized body', async () => {
    const port = await start();
    expect((await fetch(`http://127.0.0.1:${port}/other`, { method: 'POST', body: '{}' })).status).toBe(404);
    const huge = 'x'.repeat(100_000);
    expect((await post(port, huge, await signPush(SECRET, huge))).status).toBe(413);
    expect(await dataFiles(intake.dir)).toEqual([]);
  });
});
