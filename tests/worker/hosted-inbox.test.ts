/**
 * Hosted team inboxes inside workerd (issue 20): the Worker routes a
 * browser by host to its recipient's Durable Object (the same inbox app
 * `intake serve` runs), the queue delivers a hosted recipient's envelopes
 * into its own object (stored once, retried while the object fails, never
 * in another recipient's object), and the object's alarm sends alerts
 * that hold counts, never content.
 */
import { createExecutionContext, env, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Env } from '../../functions/env.ts';
import worker from '../../functions/index.ts';
import { hostedDelivery, hostedInbox, markConnection } from '../../functions/hosted-inboxes.ts';
import { batch, message } from './fake-queue.ts';
import { forgetKeySet, statementKey } from '../../functions/intake-keys.ts';
import { handleIntakeBatch, retryDelaySeconds, type HostedDelivery } from '../../functions/queue-consumer.ts';
import { base64urlEncode, generateRecipientKeyPair } from '../../protocol/envelope.ts';
import type { KeySet } from '../../protocol/key-set.ts';
import { exportIdentityKey, generateIdentityKey, identityFingerprint, signKeyStatement } from '../../protocol/key-statement.ts';
import { HOSTED_RECIPIENT_HEADER } from '../../protocol/hosted-inbox.ts';

const base = env as unknown as Env;
const DOMAIN = 'inkorg.localhost';

/** A well-formed v1 envelope to `kid` (random bytes: nothing here decrypts). */
function envelope(kid: string): string {
  const bytes = (n: number) => base64urlEncode(crypto.getRandomValues(new Uint8Array(n)));
  return JSON.stringify({ v: 1, kid, enc: bytes(65), ct: bytes(16_400) });
}

/** A fresh recipient id per test: each gets its own object. */
let counter = 0;
const freshId = (name: string) => `${name}-${Date.now().toString(36)}-${++counter}`;

/** The object's storage, read inside it: requests stored and their kids. */
async function storedKids(recipient: string): Promise<string[]> {
  return runInDurableObject(hostedInbox(base, recipient), (_instance, state: DurableObjectState) => {
    try {
      return state.storage.sql
        .exec<{ kid: string }>('SELECT kid FROM requests ORDER BY received_at')
        .toArray()
        .map((row) => row.kid);
    } catch {
      return []; // never opened: no store yet
    }
  });
}

/** Puts a key into the object's team vault (as the first administrator's browser does), so it keeps envelopes to it. */
async function holdKey(recipient: string): Promise<string> {
  const key = await generateRecipientKeyPair();
  const stub = hostedInbox(base, recipient);
  // The first call opens the store (its migrations) for this recipient.
  expect(await stub.receive(recipient, envelope(key.kid))).toBe('quarantined');
  await runInDurableObject(stub, (_instance, state: DurableObjectState) => {
    state.storage.sql.exec(
      `INSERT INTO vault_keys (kid, public_key, not_after, gen, wrapped, created_at) VALUES (?, ?, '2099-12-31', 1, 'test', ?)`,
      key.kid,
      key.publicKey,
      Date.now(),
    );
  });
  return key.kid;
}

/** Delivery to the real objects, with kid → recipient given. */
function deliveryTo(kids: Record<string, string>): HostedDelivery {
  return {
    recipientOf: (kid) => kids[kid] ?? null,
    receive: (recipient, body) => hostedInbox(base, recipient).receive(recipient, body),
  };
}

/** The built key set as the Worker reads it, naming `hosted` recipients pinned to a fresh identity. */
async function builtWith(recipients: { id: string; hosted?: true }[]) {
  const identity = await generateIdentityKey();
  const identityKey = await exportIdentityKey(identity.publicKey);
  const pin = await identityFingerprint(identityKey);
  const built: KeySet = {
    v: 2,
    keys: [],
    recipients: recipients.map((r, i) => ({
      id: r.id,
      serves: [`kommun-${i}`],
      identity: pin,
      ...(r.hosted ? { hosted: true as const } : {}),
    })),
    statements: [],
  };
  const testEnv: Env = {
    ...base,
    HOSTED_INBOX_DOMAIN: DOMAIN,
    ASSETS: {
      fetch: async (input: RequestInfo | URL) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        return url.pathname === '/intake-keys.json' ? Response.json(built) : new Response('site page', { status: 200 });
      },
    } as unknown as Fetcher,
  };
  /** Stores a statement of one fresh key for `recipient`; returns its kid. */
  const publish = async (recipient: string) => {
    const key = await generateRecipientKeyPair();
    const statement = await signKeyStatement(
      { v: 1, recipient, identityKey, issued: new Date().toISOString(), keys: [{ publicKey: key.publicKey, notAfter: '2099-12-31' }] },
      identity.privateKey,
    );
    await base.KEY_STATEMENTS.put(statementKey(recipient), JSON.stringify(statement));
    forgetKeySet();
    return key.kid;
  };
  return { testEnv, publish };
}

async function fetchWorker(testEnv: Env, url: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(url, init) as Request<unknown, IncomingRequestCfProperties>, testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

beforeEach(() => forgetKeySet());
afterEach(() => vi.restoreAllMocks());

describe('routing by host', () => {
  it('answers 404 for an id with no hosted inbox, and for a recipient that is not hosted', async () => {
    const selfHosted = freshId('self');
    const { testEnv } = await builtWith([{ id: selfHosted }]);
    expect((await fetchWorker(testEnv, `http://${freshId('nobody')}.${DOMAIN}:8787/`)).status).toBe(404);
    expect((await fetchWorker(testEnv, `http://${selfHosted}.${DOMAIN}:8787/sign-in`)).status).toBe(404);
  });

  it("serves a hosted recipient's inbox at its own host's root: the inbox, not the site", async () => {
    const id = freshId('hosted');
    const { testEnv } = await builtWith([{ id, hosted: true }]);
    const root = await fetchWorker(testEnv, `http://${id}.${DOMAIN}:8787/`, { redirect: 'manual' });
    // Signed out, the inbox's root sends the browser to its own sign-in.
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toMatch(/sign-in/);
    const signIn = await fetchWorker(testEnv, `http://${id}.${DOMAIN}:8787/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain('/assets/inbox.css');
    const css = await fetchWorker(testEnv, `http://${id}.${DOMAIN}:8787/assets/inbox.css`);
    expect(css.headers.get('content-type')).toContain('text/css');
    const app = await fetchWorker(testEnv, `http://${id}.${DOMAIN}:8787/assets/inbox-app.js`);
    expect(app.status).toBe(200);
    expect((await app.text()).length).toBeGreaterThan(10_000);
  });

  it('opens an inbox before its approval once the operator opened it for a first administrator', async () => {
    const id = freshId('invited');
    const { testEnv } = await builtWith([]);
    expect((await fetchWorker(testEnv, `http://${id}.${DOMAIN}:8787/sign-in`)).status).toBe(404);
    await markConnection(testEnv, id, 'invited');
    expect((await fetchWorker(testEnv, `http://${id}.${DOMAIN}:8787/sign-in`)).status).toBe(200);
  });

  it('leaves the public site as it was, and a browser cannot name a recipient with the header', async () => {
    const id = freshId('hosted');
    const { testEnv } = await builtWith([{ id, hosted: true }]);
    const health = await fetchWorker(testEnv, 'http://127.0.0.1:8787/api/health');
    expect(await health.json()).toEqual({ ok: true, service: 'utvag' });
    const page = await fetchWorker(testEnv, 'http://127.0.0.1:8787/', { headers: { [HOSTED_RECIPIENT_HEADER]: id } });
    expect(await page.text()).toBe('site page');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    // The object itself refuses a request whose host is not its own.
    const direct = await hostedInbox(base, id).fetch(
      new Request('http://127.0.0.1/sign-in', { headers: { [HOSTED_RECIPIENT_HEADER]: id } }),
    );
    expect(direct.status).toBe(404);
  });
});

describe('the development door (npm start, system tests)', () => {
  const token = 'development-token-0123456789abcdef0123456789';
  const post = (testEnv: Env, path: string, body: unknown, bearer?: string) =>
    fetchWorker(testEnv, `http://127.0.0.1:8787/api/dev/hosted/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(body),
    });

  it('is closed without its token, refuses a wrong one and any id that is not a development one', async () => {
    const { testEnv } = await builtWith([]);
    expect((await post(testEnv, 'x-development/invite', { name: 'Dev' }, token)).status).toBe(404);
    const open = { ...testEnv, HOSTED_DEVELOPMENT_TOKEN: token };
    expect((await post(open, 'x-development/invite', { name: 'Dev' })).status).toBe(401);
    expect((await post(open, 'x-development/invite', { name: 'Dev' }, `${token}x`)).status).toBe(401);
    expect((await post(open, 'goteborg/invite', { name: 'Dev' }, token)).status).toBe(403);
  });

  it("opens a development recipient's inbox and gives a one-time administrator link that works there", async () => {
    const id = `${freshId('hosted')}-development`;
    const { testEnv } = await builtWith([]);
    const open = { ...testEnv, HOSTED_DEVELOPMENT_TOKEN: token };
    const answer = await post(open, `${id}/invite`, { name: 'Utvecklare (development)' }, token);
    const invite = await answer.json<{ path: string; expiresAt: string }>();
    expect(invite.path).toMatch(/^\/invite\/[\w-]{20,}$/);
    expect(Date.parse(invite.expiresAt)).toBeGreaterThan(Date.now());
    const page = await fetchWorker(open, `http://${id}.${DOMAIN}:8787${invite.path}`);
    expect(page.status).toBe(200);
    // A second use of the same page is fine (it registers only on a passkey); an unknown token is not.
    expect((await fetchWorker(open, `http://${id}.${DOMAIN}:8787/invite/not-a-token`)).status).not.toBe(200);
  });
});

describe('the way back from a hosted inbox', () => {
  it("reaches the site's own API in process, where written replies go (ctx.exports)", async () => {
    const id = freshId('replies');
    await holdKey(id);
    const answer = await runInDurableObject(hostedInbox(base, id), async (_instance, state: DurableObjectState) => {
      // Cloudflare.Exports names the Worker's entry points only in generated types (wrangler types).
      const site = (state.exports as unknown as { default: Fetcher }).default;
      const response = await site.fetch(new Request('https://site.invalid/api/health'));
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toEqual({ status: 200, body: { ok: true, service: 'utvag' } });
  });
});

describe('delivery into hosted inboxes', () => {
  it('stores an envelope once in its own object, a redelivery as a duplicate, none in another', async () => {
    const a = freshId('a');
    const b = freshId('b');
    const kidA = await holdKey(a);
    const kidB = await holdKey(b);
    const body = envelope(kidA);
    const first = message(body);
    await handleIntakeBatch(batch([first]), {}, fetch, deliveryTo({ [kidA]: a, [kidB]: b }));
    expect(first.acked).toBe(true);
    const again = message(body, 2);
    await handleIntakeBatch(batch([again]), {}, fetch, deliveryTo({ [kidA]: a, [kidB]: b }));
    expect(again.acked).toBe(true);
    expect(await storedKids(a)).toEqual([kidA]);
    expect(await storedKids(b)).toEqual([]);
  });

  it('retries with the same backoff while the object throws or cannot keep the envelope; nothing is acked', async () => {
    const a = freshId('a');
    const kidA = await holdKey(a);
    const throwing = message(envelope(kidA), 3);
    await handleIntakeBatch(batch([throwing]), {}, fetch, {
      recipientOf: () => a,
      receive: () => Promise.reject(new Error('object reset')),
    });
    expect(throwing.acked).toBe(false);
    expect(throwing.retriedWith).toEqual({ delaySeconds: retryDelaySeconds(3) });
    // A kid its vault does not hold: kept in quarantine, not acknowledged (the queue tries again).
    const unknown = (await generateRecipientKeyPair()).kid;
    const stranger = message(envelope(unknown));
    await handleIntakeBatch(batch([stranger]), {}, fetch, deliveryTo({ [unknown]: a }));
    expect(stranger.acked).toBe(false);
    expect(stranger.retriedWith).toEqual({ delaySeconds: retryDelaySeconds(1) });
    expect(await storedKids(a)).toEqual([]);
  });

  it("finds a hosted recipient's kid only in its verified statement, and only for a hosted recipient", async () => {
    const hosted = freshId('hosted');
    const selfHosted = freshId('self');
    const { testEnv, publish } = await builtWith([{ id: hosted, hosted: true }, { id: selfHosted }]);
    const hostedKid = await publish(hosted);
    const selfKid = await publish(selfHosted);
    const delivery = await hostedDelivery(testEnv);
    expect(delivery.recipientOf(hostedKid)).toBe(hosted);
    expect(delivery.recipientOf(selfKid)).toBeNull();
    expect(delivery.recipientOf((await generateRecipientKeyPair()).kid)).toBeNull();
  });
});

describe('alerts from the alarm', () => {
  it('POSTs counts to the webhook on a new request and a daily heartbeat, never content', async () => {
    const id = freshId('alerts');
    const kid = await holdKey(id);
    const stub = hostedInbox(base, id);
    expect(await stub.setAlertWebhook(id, 'http://sms.example.se/hook')).toBe(false);
    expect(await stub.setAlertWebhook(id, 'https://sms.example.se/hook')).toBe(true);
    const posted: { url: string; body: string }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      posted.push({ url: String(input instanceof Request ? input.url : input), body: String(init?.body) });
      return new Response(null, { status: 204 });
    });
    const body = envelope(kid);
    expect(await stub.receive(id, body)).toBe('stored');
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const events = posted.map((p) => JSON.parse(p.body) as Record<string, unknown>);
    expect(posted.every((p) => p.url === 'https://sms.example.se/hook')).toBe(true);
    expect(events.map((e) => e['event']).sort()).toEqual(['heartbeat', 'new']);
    expect(events.find((e) => e['event'] === 'new')).toMatchObject({ open: 1, unclaimed: 1, count: 1 });
    const allowed = ['event', 'open', 'unclaimed', 'overdue', 'minutesLeft', 'at', 'count', 'checkpoint'];
    for (const event of events) expect(Object.keys(event).filter((k) => !allowed.includes(k))).toEqual([]);
    const { ct, enc } = JSON.parse(body) as { ct: string; enc: string };
    for (const p of posted) {
      expect(p.body).not.toContain(ct.slice(0, 32));
      expect(p.body).not.toContain(enc);
      expect(p.body).not.toContain(kid);
      expect(p.body).not.toContain(id);
    }
    // The next alarm waits for the next heartbeat: nothing new, nothing sent.
    posted.length = 0;
    await runDurableObjectAlarm(stub);
    expect(posted).toEqual([]);
  });

  it('escalates an unclaimed request on the promise, with minutes left and nothing else, and sets the next alarm by it', async () => {
    const id = freshId('escalate');
    const kid = await holdKey(id);
    const stub = hostedInbox(base, id);
    expect(await stub.setPromise(id, { firstContactHours: 0 })).toBe(false);
    expect(await stub.setAlertWebhook(id, 'https://sms.example.se/hook')).toBe(true);
    const posted: Record<string, unknown>[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (_input, init) => {
      posted.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return new Response(null, { status: 204 });
    });
    // Eight hours: the 6 h level lies two hours ahead, and the next alarm waits for it.
    expect(await stub.setPromise(id, { firstContactHours: 8, madeBy: 'Testkommun' })).toBe(true);
    expect(await stub.receive(id, envelope(kid))).toBe('stored');
    await runDurableObjectAlarm(stub);
    expect(posted.filter((p) => p['event'] === 'escalation')).toEqual([]);
    const next = await runInDurableObject(stub, (_instance, state: DurableObjectState) => state.storage.getAlarm());
    expect(next).toBeGreaterThan(Date.now() + 2 * 3_600_000 - 60_000);
    expect(next).toBeLessThan(Date.now() + 2 * 3_600_000 + 60_000);
    // One hour: both levels crossed at once, one alert with the count and the minutes left.
    expect(await stub.setPromise(id, { firstContactHours: 1 })).toBe(true);
    expect(await stub.receive(id, envelope(kid))).toBe('stored');
    await runDurableObjectAlarm(stub);
    const escalation = posted.find((p) => p['event'] === 'escalation');
    expect(escalation).toMatchObject({ event: 'escalation', open: 2, unclaimed: 2, count: 2 });
    expect(escalation?.['minutesLeft']).toBeLessThanOrEqual(60);
    expect(Object.keys(escalation!).sort()).toEqual(['at', 'count', 'event', 'minutesLeft', 'open', 'overdue', 'unclaimed']);
  });
});
