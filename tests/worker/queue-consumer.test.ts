import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '../../protocol/envelope.ts';
import { generateSigningKey, receiverAuth, signReceipt, verifyPush, type ReceiptStatus } from '../../protocol/push-auth.ts';
import { handleIntakeBatch, OVERDUE_ATTEMPTS, retryDelaySeconds } from '../../functions/queue-consumer.ts';
import { batch, message } from './fake-queue.ts';

/** A well-formed v1 envelope (random bytes: the consumer never decrypts). */
function envelope(kid: string) {
  const bytes = (n: number) => base64urlEncode(crypto.getRandomValues(new Uint8Array(n)));
  const ct = new Uint8Array(16_400);
  for (let i = 0; i < ct.length; i += 65_536) crypto.getRandomValues(ct.subarray(i, i + 65_536));
  return { v: 1, kid, enc: bytes(65), ct: base64urlEncode(ct) };
}
const kidA = base64urlEncode(new Uint8Array(16).fill(1));
const kidB = base64urlEncode(new Uint8Array(16).fill(2));

const workerKey = await generateSigningKey();
const receiptA = await generateSigningKey();
const receiptB = await generateSigningKey();
const authA = await receiverAuth('stockholm', [workerKey.publicKey], receiptA.privateJwk);
const authB = await receiverAuth('jarfalla', [workerKey.publicKey], receiptB.privateJwk);

function pushEnv(
  routes: Record<string, { recipient: string; url: string; receiptKey: string }>,
  signingKey: string | undefined = JSON.stringify(workerKey.privateJwk),
) {
  return { INTAKE_PUSH_ROUTES: JSON.stringify(routes), ...(signingKey ? { INTAKE_PUSH_SIGNING_KEY: signingKey } : {}) };
}
const routeA = { recipient: 'stockholm', url: 'https://a.example/push', receiptKey: receiptA.publicKey };
const routeB = { recipient: 'jarfalla', url: 'https://b.example/push', receiptKey: receiptB.publicKey };

/** A receiver as the README describes it: checks the push, answers with its own signed receipt. */
function receiver(
  byUrl: Record<string, typeof authA>,
  status: ReceiptStatus = 'stored',
  seen: { url: string; ok: boolean; reason?: string; redirect?: string }[] = [],
) {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const body = String(init?.body);
    const auth = byUrl[new URL(url).origin + '/push']!;
    const check = await verifyPush(auth, (name) => headers.get(name), body);
    seen.push({ url, ok: check.ok, ...(check.ok ? {} : { reason: check.reason }), ...(init?.redirect ? { redirect: init.redirect } : {}) });
    if (!check.ok) return new Response(JSON.stringify({ result: check.reason }), { status: 401 });
    return Response.json({ result: status, receipt: await signReceipt(auth, check, status) }, { status: 201 });
  }) as typeof fetch;
}

describe('intake queue consumer (in workerd)', () => {
  it('routes by kid, signs per recipient, never follows redirects, and acks on a valid receipt', async () => {
    const seen: { url: string; ok: boolean; reason?: string; redirect?: string }[] = [];
    const a = message(envelope(kidA));
    const b = message(envelope(kidB));
    const result = await handleIntakeBatch(
      batch([a, b]),
      pushEnv({ [kidA]: routeA, [kidB]: routeB }),
      receiver({ 'https://a.example/push': authA, 'https://b.example/push': authB }, 'stored', seen),
    );
    expect(result).toEqual({ delivered: 2, retried: 0 });
    expect(seen.map((call) => call.url).sort()).toEqual(['https://a.example/push', 'https://b.example/push']);
    expect(seen.every((call) => call.ok && call.redirect === 'manual')).toBe(true);
    expect([a.acked, b.acked]).toEqual([true, true]);
  });

  it("a key a self-hosted inbox made after its route was set goes along its recipient's route, from the signed key set", async () => {
    const seen: { url: string; ok: boolean; reason?: string }[] = [];
    // kidB is stockholm's newer key: no route of its own; the verified statement says whose it is.
    const signedBy: Record<string, string> = { [kidB]: 'stockholm' };
    const signed = {
      recipientOf: () => null,
      receive: () => Promise.resolve('rejected' as const),
      signedRecipientOf: (kid: string) => signedBy[kid] ?? null,
    };
    const newer = message(envelope(kidB));
    const result = await handleIntakeBatch(
      batch([newer]),
      pushEnv({ [kidA]: routeA }),
      receiver({ 'https://a.example/push': authA }, 'stored', seen),
      signed,
    );
    expect(result).toEqual({ delivered: 1, retried: 0 });
    expect(seen).toMatchObject([{ url: 'https://a.example/push', ok: true }]);
    expect(newer.acked).toBe(true);
    // A signed key whose recipient has no route at all waits (retried), as an unrouted kid does.
    const stranger = message(envelope(kidB));
    signedBy[kidB] = 'jarfalla';
    await handleIntakeBatch(batch([stranger]), pushEnv({ [kidA]: routeA }), receiver({ 'https://a.example/push': authA }), signed);
    expect(stranger.acked).toBe(false);
    expect(stranger.retriedWith).toBeDefined();
  });

  it('a push meant for one recipient is refused by another (wrong_recipient), and not acked', async () => {
    const seen: { url: string; ok: boolean; reason?: string }[] = [];
    // kidA's route points at B's receiver (a mistake, or a replay of A's push at B).
    const misrouted = { ...routeA, url: 'https://b.example/push' };
    const a = message(envelope(kidA));
    await handleIntakeBatch(batch([a]), pushEnv({ [kidA]: misrouted }), receiver({ 'https://b.example/push': authB }, 'stored', seen));
    expect(seen).toMatchObject([{ ok: false, reason: 'wrong_recipient' }]);
    expect(a.acked).toBe(false);
  });

  it('a 2xx without a receipt, or with a receipt signed by another key, is not a delivery', async () => {
    const answers = [
      () => new Response('<html>maintenance</html>', { status: 200 }),
      () => Response.json({ result: 'stored' }, { status: 201 }),
      async (push: { recipient: string; timestamp: string; hash: string }) =>
        Response.json({ result: 'stored', receipt: await signReceipt(authB, push, 'stored') }, { status: 201 }),
      async (push: { recipient: string; timestamp: string; hash: string }) =>
        Response.json({ result: 'stored', receipt: await signReceipt(authA, { ...push, hash: 'x' }, 'stored') }, { status: 201 }),
    ];
    for (const answer of answers) {
      const fetcher = (async (_url: string, init?: RequestInit) => {
        const headers = new Headers(init?.headers);
        const check = await verifyPush(authA, (name) => headers.get(name), String(init?.body));
        if (!check.ok) throw new Error('the Worker signed badly');
        return answer(check);
      }) as unknown as typeof fetch;
      const m = message(envelope(kidA));
      const result = await handleIntakeBatch(batch([m]), pushEnv({ [kidA]: routeA }), fetcher);
      expect(result).toEqual({ delivered: 0, retried: 1 });
      expect(m.acked).toBe(false);
    }
  });

  it('a redirect is a failed delivery', async () => {
    const fetcher = (async () =>
      new Response(null, { status: 308, headers: { location: 'https://elsewhere.example/push' } })) as unknown as typeof fetch;
    const m = message(envelope(kidA));
    expect(await handleIntakeBatch(batch([m]), pushEnv({ [kidA]: routeA }), fetcher)).toEqual({ delivered: 0, retried: 1 });
  });

  it('refuses http routes to other hosts: no route, no request', async () => {
    let calls = 0;
    const fetcher = (async () => (calls++, new Response(null, { status: 200 }))) as unknown as typeof fetch;
    const m = message(envelope(kidA));
    await handleIntakeBatch(batch([m]), pushEnv({ [kidA]: { ...routeA, url: 'http://intake.example/push' } }), fetcher);
    expect(calls).toBe(0);
    expect(m.acked).toBe(false);
  });

  it('retries with exponential backoff on 5xx, 4xx and network errors, never acking; counts what is overdue', async () => {
    const answers: (number | 'network')[] = [503, 400, 'network'];
    const fetcher = (async () => {
      const next = answers.shift();
      if (next === 'network') throw new TypeError('connection refused');
      return new Response('no', { status: next ?? 500 });
    }) as unknown as typeof fetch;
    const messages = [message(envelope(kidA), 1), message(envelope(kidA), 3), message(envelope(kidA), 9)];
    const logged: string[] = [];
    const log = console.log;
    console.log = (line: string) => void logged.push(line);
    try {
      const result = await handleIntakeBatch(batch(messages), pushEnv({ [kidA]: routeA }), fetcher);
      expect(result).toEqual({ delivered: 0, retried: 3 });
    } finally {
      console.log = log;
    }
    expect(messages.map((m) => m.acked)).toEqual([false, false, false]);
    expect(messages.map((m) => m.retriedWith?.delaySeconds)).toEqual([30, 120, 3600]);
    expect(OVERDUE_ATTEMPTS).toBeLessThanOrEqual(9);
    expect(logged).toEqual(['intake push: 0 delivered, 3 to retry, 1 overdue']);
  });

  it('retries (never drops) when there is no route, no signing key, or the body is not an envelope', async () => {
    let calls = 0;
    const fetcher = (async () => (calls++, new Response(null, { status: 200 }))) as unknown as typeof fetch;
    const noRoute = message(envelope(kidB));
    await handleIntakeBatch(batch([noRoute]), pushEnv({ [kidA]: routeA }), fetcher);
    const noKey = message(envelope(kidA));
    await handleIntakeBatch(batch([noKey]), pushEnv({ [kidA]: routeA }, ''), fetcher);
    const badKey = message(envelope(kidA));
    await handleIntakeBatch(batch([badKey]), pushEnv({ [kidA]: routeA }, '{"kty":"oct","k":"x"}'), fetcher);
    const garbage = message({ hello: 'world' });
    await handleIntakeBatch(batch([garbage]), pushEnv({ [kidA]: routeA }), fetcher);
    expect(calls).toBe(0);
    for (const m of [noRoute, noKey, badKey, garbage]) {
      expect(m.acked).toBe(false);
      expect(m.retriedWith?.delaySeconds).toBe(30);
    }
  });

  it('backs off 30 s, doubling, capped at an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 50].map((attempts) => retryDelaySeconds(attempts))).toEqual([30, 60, 120, 240, 1920, 3600, 3600]);
  });
});
