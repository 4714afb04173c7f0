import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '../../src/contact/envelope.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyPush } from '../../src/intake/push-signature.ts';
import { handleIntakeBatch, retryDelaySeconds } from '../../functions/queue-consumer.ts';

const SECRET = 'worker-test-secret-0123456789abcdef012345';

/** A well-formed v1 envelope (random bytes: the consumer never decrypts). */
function envelope(kid: string) {
  const bytes = (n: number) => base64urlEncode(crypto.getRandomValues(new Uint8Array(n)));
  const ct = new Uint8Array(16_400);
  for (let i = 0; i < ct.length; i += 65_536) crypto.getRandomValues(ct.subarray(i, i + 65_536));
  return { v: 1, kid, enc: bytes(65), ct: base64urlEncode(ct) };
}
const kidA = base64urlEncode(new Uint8Array(16).fill(1));
const kidB = base64urlEncode(new Uint8Array(16).fill(2));

interface FakeMessage {
  id: string;
  body: unknown;
  attempts: number;
  timestamp: Date;
  acked: boolean;
  retriedWith: { delaySeconds?: number } | undefined;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

function message(body: unknown, attempts = 1): FakeMessage {
  return {
    id: crypto.randomUUID(),
    body,
    attempts,
    timestamp: new Date(),
    acked: false,
    retriedWith: undefined,
    ack() {
      this.acked = true;
    },
    retry(options) {
      this.retriedWith = options ?? {};
    },
  };
}

function batch(messages: FakeMessage[]): MessageBatch<unknown> {
  return { queue: 'utvag-intake', messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>;
}

describe('intake queue consumer (in workerd)', () => {
  it('routes by kid, signs the exact body, and acks only on 2xx', async () => {
    const seen: { url: string; verified: boolean; body: string }[] = [];
    const fetcher = (async (input: string | URL | Request, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      const body = String(init?.body);
      const verdict = await verifyPush([SECRET], headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER), body);
      seen.push({ url: String(input), verified: verdict.ok, body });
      return new Response(null, { status: 201 });
    }) as typeof fetch;
    const a = message(envelope(kidA));
    const b = message(envelope(kidB));
    const result = await handleIntakeBatch(
      batch([a, b]),
      { INTAKE_PUSH_ROUTES: JSON.stringify({ [kidA]: 'https://a.example/push', '*': 'https://regional.example/push' }), INTAKE_PUSH_SECRET: SECRET },
      fetcher,
    );
    expect(result).toEqual({ delivered: 2, retried: 0 });
    expect(seen.map((call) => call.url).sort()).toEqual(['https://a.example/push', 'https://regional.example/push']);
    expect(seen.every((call) => call.verified)).toBe(true);
    expect(seen.find((call) => call.url.startsWith('https://a.'))!.body).toBe(JSON.stringify(a.body));
    expect([a.acked, b.acked]).toEqual([true, true]);
    expect([a.retriedWith, b.retriedWith]).toEqual([undefined, undefined]);
  });

  it('retries with exponential backoff on 5xx, 4xx and network errors, never acking', async () => {
    const answers: (number | 'network')[] = [503, 400, 'network'];
    const fetcher = (async () => {
      const next = answers.shift();
      if (next === 'network') throw new TypeError('connection refused');
      return new Response('no', { status: next ?? 500 });
    }) as unknown as typeof fetch;
    const messages = [message(envelope(kidA), 1), message(envelope(kidA), 3), message(envelope(kidA), 9)];
    const result = await handleIntakeBatch(batch(messages), { INTAKE_PUSH_ROUTES: JSON.stringify({ [kidA]: 'https://a.example/push' }), INTAKE_PUSH_SECRET: SECRET }, fetcher);
    expect(result).toEqual({ delivered: 0, retried: 3 });
    expect(messages.map((m) => m.acked)).toEqual([false, false, false]);
    expect(messages.map((m) => m.retriedWith?.delaySeconds)).toEqual([30, 120, 3600]);
  });

  it('retries (never drops) when there is no route, no secret, or the body is not an envelope', async () => {
    let calls = 0;
    const fetcher = (async () => {
      calls++;
      return new Response(null, { status: 200 });
    }) as unknown as typeof fetch;
    const noRoute = message(envelope(kidB));
    await handleIntakeBatch(batch([noRoute]), { INTAKE_PUSH_ROUTES: JSON.stringify({ [kidA]: 'https://a.example/push' }), INTAKE_PUSH_SECRET: SECRET }, fetcher);
    const noSecret = message(envelope(kidA));
    await handleIntakeBatch(batch([noSecret]), { INTAKE_PUSH_ROUTES: JSON.stringify({ [kidA]: 'https://a.example/push' }) }, fetcher);
    const garbage = message({ hello: 'world' });
    await handleIntakeBatch(batch([garbage]), { INTAKE_PUSH_ROUTES: JSON.stringify({ '*': 'https://a.example/push' }), INTAKE_PUSH_SECRET: SECRET }, fetcher);
    expect(calls).toBe(0);
    for (const m of [noRoute, noSecret, garbage]) {
      expect(m.acked).toBe(false);
      expect(m.retriedWith?.delaySeconds).toBe(30);
    }
  });

  it('backs off 30 s, doubling, capped at an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 50].map((attempts) => retryDelaySeconds(attempts))).toEqual([30, 60, 120, 240, 1920, 3600, 3600]);
  });
});
