/**
 * The live key set inside workerd (issue 20, part 3): PUT
 * /api/key-statement checks a recipient's signed statement against the
 * identity pinned in the build and keeps the newest; /intake-keys.json
 * serves its keys and the statement, and only verified keys are sealed to.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { app } from '../../functions/app.ts';
import type { Env } from '../../functions/env.ts';
import { acceptedKids, forgetKeySet, loadKeySet, statementKey } from '../../functions/intake-keys.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { keySetSchema, type KeySet } from '../../protocol/key-set.ts';
import { chooseKey } from '../../protocol/key-choice.ts';
import {
  exportIdentityKey,
  generateIdentityKey,
  identityFingerprint,
  signKeyStatement,
  type KeyStatement,
} from '../../protocol/key-statement.ts';

const RECIPIENT = 'stockholm-development';
let identity: CryptoKeyPair;
let identityKey: string;
let pin: string;
let staticKey: { kid: string; publicKey: string };
let testEnv: Env;
let address = 0;
const freshAddress = () => `203.0.113.${++address % 250}`;

beforeEach(async () => {
  forgetKeySet();
  await (env as unknown as Env).KEY_STATEMENTS.delete(statementKey(RECIPIENT));
  identity = await generateIdentityKey();
  identityKey = await exportIdentityKey(identity.publicKey);
  pin = await identityFingerprint(identityKey);
  staticKey = await generateRecipientKeyPair();
  const built: KeySet = {
    v: 2,
    keys: [{ kid: staticKey.kid, recipient: 'malmo-test', publicKey: staticKey.publicKey, notAfter: '2099-12-31' }],
    recipients: [
      { id: RECIPIENT, serves: ['stockholm'], identity: pin },
      { id: 'malmo-test', serves: ['malmo'] },
    ],
    statements: [],
  };
  testEnv = { ...(env as unknown as Env), ASSETS: { fetch: async () => Response.json(built) } as unknown as Fetcher };
});

async function statement(issued: Date, signer = identity, key = identityKey, recipient = RECIPIENT) {
  const hpke = await generateRecipientKeyPair();
  const signed = await signKeyStatement(
    { v: 1, recipient, identityKey: key, issued: issued.toISOString(), keys: [{ publicKey: hpke.publicKey, notAfter: '2099-12-31' }] },
    signer.privateKey,
  );
  return { signed, kid: hpke.kid };
}

function put(body: unknown, headers: Record<string, string> = {}) {
  return app.request(
    '/api/key-statement',
    {
      method: 'PUT',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': freshAddress(), ...headers },
    },
    testEnv,
  );
}

async function served(): Promise<KeySet> {
  const res = await app.request('/intake-keys.json', {}, testEnv);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('public, max-age=60');
  return keySetSchema.parse(await res.json());
}

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describe('/intake-keys.json', () => {
  it('serves the static keys and, without a statement, no key for the pinned recipient', async () => {
    const set = await served();
    expect(set.keys.map((k) => k.kid)).toEqual([staticKey.kid]);
    expect(set.statements).toEqual([]);
    expect(chooseKey(set, 'stockholm')).toBeNull();
    expect(chooseKey(set, 'malmo')?.kid).toBe(staticKey.kid);
  });

  it('serves a stored statement that verifies, with its keys', async () => {
    const { signed, kid } = await statement(ago(1));
    expect((await put(signed)).status).toBe(204);
    const set = await served();
    expect(set.statements).toEqual([signed]);
    expect(chooseKey(set, 'stockholm')?.kid).toBe(kid);
    expect((await acceptedKids(testEnv)).has(kid)).toBe(true);
  });

  it('serves no key from a forged statement that reached the store some other way', async () => {
    const { signed } = await statement(ago(1));
    const other = await generateRecipientKeyPair();
    const forged: KeyStatement = { ...signed, keys: [{ publicKey: other.publicKey, notAfter: '2099-12-31' }] };
    await (env as unknown as Env).KEY_STATEMENTS.put(statementKey(RECIPIENT), JSON.stringify(forged));
    const set = await served();
    expect(set.statements).toEqual([]);
    expect(chooseKey(set, 'stockholm')).toBeNull();
    // The no-JavaScript path seals with the same key set: nothing to seal to.
    expect(chooseKey((await loadKeySet(testEnv))!, 'stockholm')).toBeNull();
    expect((await acceptedKids(testEnv)).has(other.kid)).toBe(false);
  });
});

describe('PUT /api/key-statement', () => {
  it('takes a rotation: the newer statement replaces the older, whose key is no longer served', async () => {
    const first = await statement(ago(10));
    const second = await statement(ago(1));
    expect((await put(first.signed)).status).toBe(204);
    expect(chooseKey(await served(), 'stockholm')?.kid).toBe(first.kid);
    expect((await put(second.signed)).status).toBe(204);
    const set = await served();
    expect(chooseKey(set, 'stockholm')?.kid).toBe(second.kid);
    expect(set.keys.some((k) => k.kid === first.kid)).toBe(false);
  });

  it('refuses a replayed older statement, or the same one again', async () => {
    const older = await statement(ago(10));
    const newer = await statement(ago(1));
    expect((await put(newer.signed)).status).toBe(204);
    for (const body of [older.signed, newer.signed]) {
      const res = await put(body);
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: 'stale_statement' });
    }
    expect(chooseKey(await served(), 'stockholm')?.kid).toBe(newer.kid);
  });

  it('refuses a statement issued more than five minutes ahead', async () => {
    const { signed } = await statement(new Date(Date.now() + 6 * 60_000));
    expect(await (await put(signed)).json()).toEqual({ error: 'future_statement' });
  });

  it('refuses forged, foreign, unknown and malformed statements with their codes', async () => {
    const { signed } = await statement(ago(1));
    const other = await generateIdentityKey();
    const otherKey = await exportIdentityKey(other.publicKey);
    const byOther = (await statement(ago(1), other, otherKey)).signed;
    const forgedSig = { ...signed, issued: ago(0.5).toISOString() };
    const forUnknown = (await statement(ago(1), identity, identityKey, 'goteborg-test')).signed;
    const cases: [unknown, number, string][] = [
      [forgedSig, 403, 'bad_signature'],
      [byOther, 403, 'wrong_identity'],
      [forUnknown, 404, 'unknown_recipient'],
      [{ ...signed, sig: undefined }, 400, 'malformed'],
      ['{"v":1,', 400, 'invalid_json'],
    ];
    for (const [body, status, error] of cases) {
      const res = await put(body);
      expect([res.status, await res.json()], error).toEqual([status, { error }]);
    }
    const plain = await put(signed, { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(chooseKey(await served(), 'stockholm')).toBeNull();
  });

  it('answers any origin without credentials (the body carries its proof)', async () => {
    const preflight = await app.request(
      '/api/key-statement',
      {
        method: 'OPTIONS',
        headers: {
          origin: 'https://inbox.example.se',
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type',
        },
      },
      testEnv,
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const { signed } = await statement(ago(1));
    const res = await put(signed, { origin: 'https://inbox.example.se' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('is rate-limited per sender', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await put('{}', { 'cf-connecting-ip': '192.0.2.77' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});
