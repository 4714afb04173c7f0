import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listInbox } from '../../src/intake/inbox.ts';
import { PUSH_MAX_SKEW_SECONDS, signPush } from '../../src/intake/push-signature.ts';
import { createPushServer, listen } from '../../src/intake/serve.ts';
import { dataFiles, envelopeBody, makeIntake, sampleRequest, type TestIntake } from './helpers.ts';

const SECRET = 'test-push-secret-0123456789abcdef0123456789';

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

  async function start(): Promise<number> {
    intake = await makeIntake();
    server = createPushServer({ dir: intake.dir, keys: intake.keys, secrets: [SECRET], log: (line) => logs.push(line) });
    return listen(server, 0);
  }

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
    const forged = await signPush('another-secret-0123456789abcdef0123456789', body);
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
      expect(await response.json()).toEqual({ result: 'quarantined_unknown_kid' });
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
