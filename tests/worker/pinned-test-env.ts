/**
 * The built site pins the test intake's identity; its private identity key
 * is a file the Worker tests (inside workerd) cannot read. So these tests
 * pin an identity of their own: the built key set as the Worker reads it,
 * with each pinned recipient's fingerprint replaced by a fresh test
 * identity's, and a statement of a fresh key per pinned recipient stored in
 * KEY_STATEMENTS, as `npm start` publishes the development one.
 */
import type { Env } from '../../functions/env.ts';
import { forgetKeySet, liveKeySet, statementKey } from '../../functions/intake-keys.ts';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { keySetSchema, type KeySet } from '../../protocol/key-set.ts';
import { exportIdentityKey, generateIdentityKey, identityFingerprint, signKeyStatement } from '../../protocol/key-statement.ts';

const KEY_SET_PATH = '/intake-keys.json';

/** `base` with the test identity pinned and its statements stored; the live key set it serves. */
export async function pinnedTestEnv(base: Env): Promise<{ env: Env; keySet: KeySet }> {
  const identity = await generateIdentityKey();
  const identityKey = await exportIdentityKey(identity.publicKey);
  const pin = await identityFingerprint(identityKey);
  const built = keySetSchema.parse(await (await base.ASSETS.fetch(`https://assets.local${KEY_SET_PATH}`)).json());
  const pinnedBuilt: KeySet = { ...built, recipients: built.recipients.map((r) => (r.identity ? { ...r, identity: pin } : r)) };
  const assets = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      return url.pathname === KEY_SET_PATH ? Promise.resolve(Response.json(pinnedBuilt)) : base.ASSETS.fetch(input, init);
    },
  } as unknown as Fetcher;
  const env: Env = { ...base, ASSETS: assets };
  for (const recipient of pinnedBuilt.recipients.filter((r) => r.identity)) {
    const key = await generateRecipientKeyPair();
    const statement = await signKeyStatement(
      {
        v: 1,
        recipient: recipient.id,
        identityKey,
        issued: new Date().toISOString(),
        keys: [{ publicKey: key.publicKey, notAfter: '2099-12-31' }],
      },
      identity.privateKey,
    );
    await env.KEY_STATEMENTS.put(statementKey(recipient.id), JSON.stringify(statement));
  }
  forgetKeySet();
  return { env, keySet: (await liveKeySet(env))! };
}
