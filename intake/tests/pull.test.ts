import { afterEach, describe, expect, it } from 'vitest';
import { NO_RECIPIENTS } from '../../intake/src/promise.ts';
import { pullConfigFromEnv, pullOnce, PullApiError, type PullConfig, type PullTarget } from '../src/pull.ts';
import type { IntakeStore } from '../../intake/src/store.ts';
import { NodeSqliteDatabase } from '../../intake/src/store/node-sqlite.ts';
import { envelopeBody, makeIntake, quarantineCount, sampleRequest, storedIds, type TestIntake } from './helpers.ts';

/**
 * A stand-in for Cloudflare's Queues HTTP pull-consumer API with the
 * documented request and response shapes
 * (developers.cloudflare.com/queues/configuration/pull-consumers/):
 * the real API cannot run here. It records every call.
 */
const isOpen = (store: IntakeStore) => store.db instanceof NodeSqliteDatabase && store.db.isOpen;

function fakeQueuesApi(messages: { body: unknown; lease_id: string; metadata?: Record<string, unknown> }[], store: () => IntakeStore) {
  const calls: { url: string; authorization: string | null; body: unknown; inboxAtCall: number }[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const body = JSON.parse(String(init?.body));
    const headers = new Headers(init?.headers);
    calls.push({ url, authorization: headers.get('authorization'), body, inboxAtCall: isOpen(store()) ? store().count() : 0 });
    if (url.endsWith('/messages/pull')) {
      return Response.json({
        success: true,
        errors: [],
        messages: [],
        result: {
          message_backlog_count: messages.length,
          messages: messages.map((message, index) => ({
            id: `msg-${index}`,
            body: message.body,
            timestamp_ms: 1_710_950_954_154,
            attempts: 1,
            lease_id: message.lease_id,
            metadata: message.metadata ?? { 'CF-sourceMessageSource': 'worker', 'CF-Content-Type': 'json' },
          })),
        },
      });
    }
    if (url.endsWith('/messages/ack')) {
      return Response.json({
        success: true,
        errors: [],
        messages: [],
        result: { ackCount: body.acks.length, retryCount: body.retries.length, warnings: [] },
      });
    }
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe("pull client (contract test against Cloudflare's documented HTTP pull API; the real API cannot run here)", () => {
  let intake: TestIntake;
  afterEach(async () => intake?.cleanup());

  function config(fetchImpl: typeof fetch): PullConfig {
    return {
      accountId: 'acc123',
      queueId: 'q456',
      apiToken: 'token-secret',
      apiBase: 'https://api.example.test/client/v4',
      fetch: fetchImpl,
      batchSize: 5,
      visibilityTimeoutMs: 45_000,
    };
  }
  /** The store, as `intake pull` gives it (stored refs reported through onStored). */
  const storedRefs: string[] = [];
  function target(): PullTarget {
    storedRefs.length = 0;
    return { store: intake.store, recipients: NO_RECIPIENTS, onStored: (ref) => storedRefs.push(ref) };
  }

  it('pulls with the documented request, stores, then acks by lease id only after storing', async () => {
    intake = await makeIntake();
    const request = sampleRequest();
    const envelope = JSON.parse(await envelopeBody(intake, request));
    // One message as the JSON object (contentType "json"), one as text, one as bytes (base64).
    const second = sampleRequest('two');
    const third = sampleRequest('three');
    const api = fakeQueuesApi(
      [
        { body: envelope, lease_id: 'lease-1' },
        { body: await envelopeBody(intake, second), lease_id: 'lease-2', metadata: { 'CF-Content-Type': 'text' } },
        {
          body: Buffer.from(await envelopeBody(intake, third)).toString('base64'),
          lease_id: 'lease-3',
          metadata: { 'CF-Content-Type': 'bytes' },
        },
      ],
      () => intake.store,
    );
    const summary = await pullOnce(config(api.fetchImpl), target());
    expect(summary).toMatchObject({ pulled: 3, stored: 3, acked: 3, retried: 0, leftForRedelivery: 0 });
    expect(storedRefs).toHaveLength(3);

    expect(api.calls).toHaveLength(2);
    const [pull, ack] = api.calls;
    expect(pull!.url).toBe('https://api.example.test/client/v4/accounts/acc123/queues/q456/messages/pull');
    expect(pull!.authorization).toBe('Bearer token-secret');
    expect(pull!.body).toEqual({ batch_size: 5, visibility_timeout_ms: 45_000 });
    expect(ack!.url).toBe('https://api.example.test/client/v4/accounts/acc123/queues/q456/messages/ack');
    expect(ack!.body).toEqual({ acks: [{ lease_id: 'lease-1' }, { lease_id: 'lease-2' }, { lease_id: 'lease-3' }], retries: [] });
    expect(ack!.inboxAtCall).toBe(3); // every request was committed before the ack went out
    expect(await storedIds(intake)).toEqual([request.id, second.id, third.id].sort());
  });

  it('acks a redelivered message without storing it twice', async () => {
    intake = await makeIntake();
    const body = await envelopeBody(intake);
    for (const lease of ['first-lease', 'second-lease']) {
      const api = fakeQueuesApi([{ body: JSON.parse(body), lease_id: lease }], () => intake.store);
      await pullOnce(config(api.fetchImpl), target());
      expect(api.calls[1]!.body).toEqual({ acks: [{ lease_id: lease }], retries: [] });
    }
    expect(await storedIds(intake)).toHaveLength(1);
  });

  it('does not ack when storing fails: the lease runs out and the queue delivers again', async () => {
    intake = await makeIntake();
    // The database is gone (closed): every write fails.
    intake.store.close();
    const api = fakeQueuesApi([{ body: JSON.parse(await envelopeBody(intake)), lease_id: 'lease-x' }], () => intake.store);
    const summary = await pullOnce(config(api.fetchImpl), target());
    expect(summary).toMatchObject({ pulled: 1, stored: 0, acked: 0, leftForRedelivery: 1 });
    expect(api.calls.map((call) => call.url.split('/').pop())).toEqual(['pull']);
  });

  it('gives an unknown kid back to the queue with a delay, keeps a damaged one (the browser says so) and a malformed one, and acks them', async () => {
    intake = await makeIntake();
    const other = await makeIntake();
    try {
      const tampered = JSON.parse(await envelopeBody(intake));
      tampered.ct = `${tampered.ct[0] === 'A' ? 'B' : 'A'}${tampered.ct.slice(1)}`;
      const api = fakeQueuesApi(
        [
          { body: JSON.parse(await envelopeBody(other)), lease_id: 'lease-foreign' },
          { body: tampered, lease_id: 'lease-tampered' },
          { body: { hello: 'world' }, lease_id: 'lease-garbage' },
        ],
        () => intake.store,
      );
      const summary = await pullOnce({ ...config(api.fetchImpl), retryDelaySeconds: 120 }, target());
      // The server opens nothing (issue 19): a damaged envelope is stored as received, and only the browser finds it damaged.
      expect(summary).toMatchObject({ pulled: 3, stored: 1, quarantined: 2, acked: 2, retried: 1 });
      expect(api.calls[1]!.body).toEqual({
        acks: [{ lease_id: 'lease-tampered' }, { lease_id: 'lease-garbage' }],
        retries: [{ lease_id: 'lease-foreign', delay_seconds: 120 }],
      });
      expect(quarantineCount(intake.store)).toBe(2);
      await expect(storedIds(intake)).rejects.toMatchObject({ code: 'decrypt_failed' });
    } finally {
      await other.cleanup();
    }
  });

  it('sends no ack for an empty batch, and reports an API error without the token', async () => {
    intake = await makeIntake();
    const api = fakeQueuesApi([], () => intake.store);
    expect(await pullOnce(config(api.fetchImpl), target())).toMatchObject({ pulled: 0, acked: 0 });
    expect(api.calls).toHaveLength(1);
    const failing = (async () => new Response('{"success":false}', { status: 403 })) as unknown as typeof fetch;
    const error = await pullOnce(config(failing), target()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PullApiError);
    expect(String(error)).toContain('403');
    expect(String(error)).not.toContain('token-secret');
    expect(intake.store.count()).toBe(0);
  });

  it('names the missing environment variables', () => {
    expect(() => pullConfigFromEnv({ CLOUDFLARE_ACCOUNT_ID: 'a' })).toThrow('UTVAG_QUEUE_ID, CLOUDFLARE_QUEUES_API_TOKEN');
  });
});
