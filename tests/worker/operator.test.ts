/**
 * The operator API inside workerd (issue 20, part 4): without
 * OPERATOR_TOKEN every route is absent (404); without the bearer token or
 * with a wrong one, 401 and the inbox is never asked; with it, each call
 * reaches the recipient's Durable Object (a recording stand-in here: the
 * object's own side is tested in intake/tests/operator-calls.test.ts) and
 * records where the connection stands for the host routing.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { connectionKey, connectionMarker } from '../../functions/hosted-inboxes.ts';
import { statementKey } from '../../functions/intake-keys.ts';
import type { HostedInboxOperatorCalls, OperatorConnection } from '../../protocol/connection.ts';
import { exportIdentityKey, generateIdentityKey, identityFingerprint, signKeyStatement } from '../../protocol/key-statement.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';

const TOKEN = 'operator-test-token-0123456789abcdef';
const RECIPIENT = 'malmo';

let calls: string[];
let setUp: boolean;
let vaultIdentity: string | null;

const inbox: HostedInboxOperatorCalls = {
  operatorInvite: async (recipient, options) => {
    calls.push(`invite ${recipient} ${options.name ?? '-'}`);
    return setUp ? { error: 'already_set_up' } : { path: '/invite/t', expiresAt: '2026-12-09T09:00:00.000Z' };
  },
  operatorConnection: async (recipient): Promise<OperatorConnection> => {
    calls.push(`connection ${recipient}`);
    return { recipient, details: null, savedAt: null, setUp, identity: vaultIdentity, disconnectedAt: null };
  },
  operatorApproved: async (recipient) => {
    calls.push(`approved ${recipient}`);
  },
  operatorDisconnect: async (recipient) => {
    calls.push(`disconnect ${recipient}`);
    return { disconnectedAt: 7 };
  },
};

const namespace = { idFromName: (name: string) => name, get: () => inbox } as unknown as Env['HOSTED_INBOX'];
const envWith = (extra: Partial<Env>): Env => ({
  ...(env as unknown as Env),
  HOSTED_INBOX: namespace,
  HOSTED_INBOX_DOMAIN: 'inkorg.utvag.example',
  ...extra,
});
const configured = () => envWith({ OPERATOR_TOKEN: TOKEN });

function call(path: string, options: { body?: unknown; token?: string | null; header?: string } = {}, testEnv = configured()) {
  const authorization = options.header ?? (options.token === null ? undefined : `Bearer ${options.token ?? TOKEN}`);
  return app.request(
    `/api/operator${path}`,
    {
      method: options.body === undefined ? 'GET' : 'POST',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    },
    testEnv,
  );
}

beforeEach(async () => {
  calls = [];
  setUp = false;
  vaultIdentity = null;
  const kv = (env as unknown as Env).KEY_STATEMENTS;
  await kv.delete(connectionKey(RECIPIENT));
  await kv.delete(statementKey(RECIPIENT));
});

describe('operator API: who may call it', () => {
  const routes = [
    ['/invite', { recipient: RECIPIENT }],
    [`/connection/${RECIPIENT}`, undefined],
    ['/approve', { recipient: RECIPIENT }],
    ['/disconnect', { recipient: RECIPIENT }],
  ] as const;

  it('does not exist without OPERATOR_TOKEN, or with one too short to be a secret', async () => {
    for (const testEnv of [envWith({}), envWith({ OPERATOR_TOKEN: '' }), envWith({ OPERATOR_TOKEN: 'short-token' })]) {
      for (const [path, body] of routes) {
        const res = await call(path, { body, token: 'short-token' }, testEnv);
        expect(res.status, path).toBe(404);
        expect(await res.json()).toEqual({ error: 'not_found' });
      }
    }
    expect(calls).toEqual([]);
  });

  it('refuses a call with no token, a wrong one, or not as a bearer token, and asks no inbox', async () => {
    for (const [path, body] of routes) {
      for (const options of [
        { token: null },
        { token: `${TOKEN}x` },
        { token: TOKEN.slice(0, -1) },
        { header: `Basic ${TOKEN}` },
        { header: `bearer  ${TOKEN}` },
      ]) {
        const res = await call(path, { body, ...options });
        expect(res.status, `${path} ${JSON.stringify(options)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(res.headers.get('cache-control')).toBe('no-store');
      }
    }
    expect(calls).toEqual([]);
    expect(await connectionMarker(env as unknown as Env, RECIPIENT)).toBeNull();
  });
});

describe('operator API: connecting a recipient', () => {
  it('gives the setup link, and marks the recipient as invited for the host routing', async () => {
    const res = await call('/invite', { body: { recipient: RECIPIENT, name: 'Anna Andersson' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      recipient: RECIPIENT,
      link: `https://${RECIPIENT}.inkorg.utvag.example/invite/t`,
      expiresAt: '2026-12-09T09:00:00.000Z',
    });
    expect(calls).toEqual([`invite ${RECIPIENT} Anna Andersson`]);
    expect(await connectionMarker(env as unknown as Env, RECIPIENT)).toMatchObject({ state: 'invited' });
  });

  it('links to the development inbox on this Worker, and needs the inbox domain', async () => {
    const dev = envWith({ OPERATOR_TOKEN: TOKEN, HOSTED_INBOX_DOMAIN: 'inkorg.localhost' });
    const res = await app.request(
      'http://127.0.0.1:8787/api/operator/invite',
      { method: 'POST', body: JSON.stringify({ recipient: RECIPIENT }), headers: { authorization: `Bearer ${TOKEN}` } },
      dev,
    );
    expect(await res.json()).toMatchObject({ link: `http://${RECIPIENT}.inkorg.localhost:8787/invite/t` });
    const { HOSTED_INBOX_DOMAIN: _domain, ...withoutDomain } = configured();
    const noDomain = await call('/invite', { body: { recipient: RECIPIENT } }, withoutDomain);
    expect(noDomain.status).toBe(503);
  });

  it('answers 409 once the inbox is set up, and refuses a malformed recipient', async () => {
    setUp = true;
    expect((await call('/invite', { body: { recipient: RECIPIENT } })).status).toBe(409);
    expect((await call('/invite', { body: { recipient: 'Malmö' } })).status).toBe(400);
    expect((await call('/invite', { body: { recipient: RECIPIENT, extra: 1 } })).status).toBe(400);
    expect(await connectionMarker(env as unknown as Env, RECIPIENT)).toBeNull();
  });

  it('reads the connection of an invited recipient only, with the identity of its verified statement', async () => {
    expect((await call(`/connection/${RECIPIENT}`)).status).toBe(404);
    expect(calls).toEqual([]);
    await call('/invite', { body: { recipient: RECIPIENT } });
    expect(await (await call(`/connection/${RECIPIENT}`)).json()).toMatchObject({ recipient: RECIPIENT, identity: null, setUp: false });

    const identity = await generateIdentityKey();
    const identityKey = await exportIdentityKey(identity.publicKey);
    const hpke = await generateRecipientKeyPair();
    const statement = await signKeyStatement(
      {
        v: 1,
        recipient: RECIPIENT,
        identityKey,
        issued: new Date().toISOString(),
        keys: [{ publicKey: hpke.publicKey, notAfter: '2099-12-31' }],
      },
      identity.privateKey,
    );
    const kv = (env as unknown as Env).KEY_STATEMENTS;
    await kv.put(statementKey(RECIPIENT), JSON.stringify(statement));
    expect(await (await call(`/connection/${RECIPIENT}`)).json()).toMatchObject({ identity: await identityFingerprint(identityKey) });
    // A statement whose signature does not verify names no identity.
    await kv.put(statementKey(RECIPIENT), JSON.stringify({ ...statement, issued: new Date(0).toISOString() }));
    expect(await (await call(`/connection/${RECIPIENT}`)).json()).toMatchObject({ identity: null });
    // The inbox's own answer (its vault's identity) comes first.
    vaultIdentity = 'V'.repeat(43);
    expect(await (await call(`/connection/${RECIPIENT}`)).json()).toMatchObject({ identity: vaultIdentity });
  });

  it('approves and disconnects an invited recipient, and tells its inbox', async () => {
    expect((await call('/disconnect', { body: { recipient: RECIPIENT } })).status).toBe(404);
    await call('/invite', { body: { recipient: RECIPIENT } });
    expect(await (await call('/approve', { body: { recipient: RECIPIENT } })).json()).toEqual({ recipient: RECIPIENT, state: 'approved' });
    expect(await (await call('/disconnect', { body: { recipient: RECIPIENT } })).json()).toEqual({
      recipient: RECIPIENT,
      state: 'disconnected',
      disconnectedAt: 7,
    });
    expect(calls).toEqual([`invite ${RECIPIENT} -`, `approved ${RECIPIENT}`, `disconnect ${RECIPIENT}`]);
    expect(await connectionMarker(env as unknown as Env, RECIPIENT)).toMatchObject({ state: 'disconnected' });
  });
});
