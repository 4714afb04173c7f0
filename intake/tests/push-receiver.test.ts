/**
 * The push receiver `intake serve` runs (receiver/push-app.ts), through
 * Hono's app.request: signatures, receipts, answers, and nothing written
 * before a push is authenticated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NO_RECIPIENTS } from '../src/promise.ts';
import {
  generateSigningKey,
  importSigningKey,
  importVerifyKey,
  PUSH_MAX_SKEW_SECONDS,
  receiverAuth,
  signPush as signWith,
  verifyReceipt,
} from '../../protocol/push-auth.ts';
import { createPushApp } from '../src/receiver/push-app.ts';
import { envelopeBody, makeIntake, quarantineCount, sampleRequest, storedIds, type TestIntake } from './helpers.ts';

const RECIPIENT = 'stockholm';
const worker = await generateSigningKey();
const workerKey = await importSigningKey(worker.privateJwk);
const WORKER_JWK = JSON.stringify(worker.privateJwk);

/** Push headers as the Worker makes them (for RECIPIENT unless told). */
async function signPush(jwk: string, body: string, now?: Date, recipient = RECIPIENT): Promise<Record<string, string>> {
  return (await signWith(jwk === WORKER_JWK ? workerKey : await importSigningKey(jwk), recipient, body, now)).headers;
}
const SECRET = WORKER_JWK;

type PushApp = ReturnType<typeof createPushApp>;

async function post(app: PushApp, body: string, headers: Record<string, string>): Promise<Response> {
  return app.request('/push', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

/** Nothing kept: no request and no quarantined body. */
async function nothingKept(intake: TestIntake): Promise<void> {
  expect(await storedIds(intake)).toEqual([]);
  expect(quarantineCount(intake.store)).toBe(0);
}

describe('intake push receiver (intake serve)', () => {
  let intake: TestIntake;
  const logs: string[] = [];
  afterEach(async () => {
    logs.length = 0;
    await intake?.cleanup();
  });

  let receiptPublicKey: string;
  async function start(): Promise<PushApp> {
    intake = await makeIntake();
    const receipt = await generateSigningKey();
    receiptPublicKey = receipt.publicKey;
    const pushAuth = await receiverAuth(RECIPIENT, [worker.publicKey], receipt.privateJwk);
    return createPushApp({ store: intake.store, recipients: NO_RECIPIENTS, pushAuth, log: (line) => logs.push(line) });
  }

  it('answers every kept push with its own signed receipt for that very push, which the Worker verifies', async () => {
    const app = await start();
    const body = await envelopeBody(intake);
    const push = await signWith(workerKey, RECIPIENT, body);
    const first = await post(app, body, push.headers);
    expect(first.status).toBe(201);
    const receiptKey = await importVerifyKey(receiptPublicKey);
    const answer = await first.text();
    expect(await verifyReceipt(receiptKey, push, answer)).toBe('stored');
    // The same receipt does not answer another push (other timestamp or body).
    expect(await verifyReceipt(receiptKey, { ...push, timestamp: String(Number(push.timestamp) + 1) }, answer)).toBeNull();
    expect(await verifyReceipt(receiptKey, { ...push, recipient: 'malmo' }, answer)).toBeNull();
    const again = await signWith(workerKey, RECIPIENT, body);
    expect(await verifyReceipt(receiptKey, again, await (await post(app, body, again.headers)).text())).toBe('duplicate');
  });

  it('refuses a correctly signed push meant for another recipient (403) and writes nothing', async () => {
    const app = await start();
    const body = await envelopeBody(intake);
    const response = await post(app, body, await signPush(WORKER_JWK, body, undefined, 'malmo'));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ result: 'wrong_recipient' });
    await nothingKept(intake);
  });

  it('stores a correctly signed envelope (201), then answers a redelivery 200 without a second entry', async () => {
    const app = await start();
    const request = sampleRequest('Hemligt innehåll 7f3a');
    const body = await envelopeBody(intake, request);
    const first = await post(app, body, await signPush(SECRET, body));
    expect(first.status).toBe(201);
    const again = await post(app, body, await signPush(SECRET, body));
    expect(again.status).toBe(200);
    expect(await storedIds(intake)).toEqual([request.id]);
    // Logs say what happened, never what was sent.
    expect(logs.join('\n')).not.toContain('7f3a');
    expect(logs.join('\n')).not.toContain(request.receipt);
    expect(logs.join('\n')).not.toContain('127.0.0.1');
  });

  it('answers 401 to a forged or unsigned push and writes nothing', async () => {
    const app = await start();
    const body = await envelopeBody(intake);
    const forged = await signPush(JSON.stringify((await generateSigningKey()).privateJwk), body);
    expect((await post(app, body, forged)).status).toBe(401);
    expect((await post(app, body, {})).status).toBe(401);
    // Signed for another body: a replayed signature does not cover new content.
    const other = await envelopeBody(intake);
    expect((await post(app, other, await signPush(SECRET, body))).status).toBe(401);
    await nothingKept(intake);
  });

  it('answers 400 to a stale or future timestamp and writes nothing', async () => {
    const app = await start();
    const body = await envelopeBody(intake);
    const skew = (PUSH_MAX_SKEW_SECONDS + 5) * 1000;
    expect((await post(app, body, await signPush(SECRET, body, new Date(Date.now() - skew)))).status).toBe(400);
    expect((await post(app, body, await signPush(SECRET, body, new Date(Date.now() + skew)))).status).toBe(400);
    await nothingKept(intake);
  });

  it('answers 400 to a signed but malformed envelope and writes nothing', async () => {
    const app = await start();
    for (const body of ['{"v":1}', 'not json', JSON.stringify({ ...JSON.parse(await envelopeBody(intake)), extra: 1 })]) {
      const response = await post(app, body, await signPush(SECRET, body));
      expect(response.status).toBe(400);
    }
    await nothingKept(intake);
  });

  it('answers 400 to an unknown kid but keeps a copy in quarantine', async () => {
    const app = await start();
    const other = await makeIntake();
    try {
      const body = await envelopeBody(other);
      const response = await post(app, body, await signPush(SECRET, body));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ result: 'quarantined_unknown_kid' }); // no receipt: the queue tries again
      expect(quarantineCount(intake.store)).toBe(1);
      expect(await storedIds(intake)).toEqual([]);
    } finally {
      await other.cleanup();
    }
  });

  it('checks the signature over the body exactly as sent, a leading byte-order mark included', async () => {
    const app = await start();
    const body = `\uFEFF${await envelopeBody(intake)}`;
    // Signed by the Worker for another recipient: refused as such (403), not as a bad signature.
    expect((await post(app, body, await signPush(SECRET, body, undefined, 'malmo'))).status).toBe(403);
    const response = await post(app, body, await signPush(SECRET, body));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ result: 'bad_envelope' });
    await nothingKept(intake);
  });

  it('answers 404 elsewhere and 413 to an oversized body', async () => {
    const app = await start();
    expect((await app.request('/other', { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await app.request('/push')).status).toBe(404);
    expect((await app.request('/')).status).toBe(404);
    const huge = 'x'.repeat(100_000);
    expect((await post(app, huge, await signPush(SECRET, huge))).status).toBe(413);
    await nothingKept(intake);
  });
});
