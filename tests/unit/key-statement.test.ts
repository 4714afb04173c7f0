import { beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { base64urlDecode, base64urlEncode } from '../../protocol/base64url.ts';
import {
  canonicalKeyStatement,
  exportIdentityKey,
  generateIdentityKey,
  identityFingerprint,
  signKeyStatement,
  statementOrderProblem,
  verifyKeyStatement,
  type KeyStatement,
} from '../../protocol/key-statement.ts';
import { keySetOf, parseRecipients, validateRecipients } from '../../protocol/recipients.ts';
import { DEV_RECIPIENT } from '../../tools/dev/dev-keys.ts';
import { checkKeySet } from '../../src/client/key-set-loader.ts';

const now = new Date('2026-12-06T08:00:00Z');

describe('key statement', () => {
  let identity: CryptoKeyPair;
  let other: CryptoKeyPair;
  let pin: string;
  let statement: KeyStatement;
  let kid: string;

  beforeAll(async () => {
    identity = await generateIdentityKey();
    other = await generateIdentityKey();
    const identityKey = await exportIdentityKey(identity.publicKey);
    pin = await identityFingerprint(identityKey);
    const hpke = await generateRecipientKeyPair();
    kid = hpke.kid;
    statement = await signKeyStatement(
      {
        v: 1,
        recipient: 'stockholm',
        identityKey,
        issued: '2026-12-06T07:59:00.000Z',
        keys: [{ publicKey: hpke.publicKey, notAfter: '2027-03-01' }],
      },
      identity.privateKey,
    );
  });

  it('verifies against its pin and gives the keys with their kids', async () => {
    const check = await verifyKeyStatement(statement, pin, { recipient: 'stockholm', now });
    expect(check).toMatchObject({ ok: true, keys: [{ kid, recipient: 'stockholm', notAfter: '2027-03-01' }] });
  });

  it('the fingerprint is base64url SHA-256 of the raw point', async () => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', base64urlDecode(statement.identityKey)!));
    expect(pin).toBe(base64urlEncode(digest));
    expect(pin).toHaveLength(43);
  });

  it('signs the canonical JSON whatever order the fields came in', async () => {
    const reordered = {
      sig: statement.sig,
      keys: statement.keys,
      issued: statement.issued,
      identityKey: statement.identityKey,
      recipient: statement.recipient,
      v: 1,
    };
    expect(canonicalKeyStatement(reordered as KeyStatement)).toBe(canonicalKeyStatement(statement));
    expect((await verifyKeyStatement(reordered, pin, { now })).ok).toBe(true);
  });

  it('refuses a forged signature and a changed key', async () => {
    const forged = await generateRecipientKeyPair();
    const swapped = { ...statement, keys: [{ publicKey: forged.publicKey, notAfter: '2027-03-01' }] };
    expect(await verifyKeyStatement(swapped, pin, { now })).toEqual({ ok: false, reason: 'bad_signature' });
    const sig = base64urlDecode(statement.sig)!;
    sig[10] = sig[10]! ^ 1;
    expect(await verifyKeyStatement({ ...statement, sig: base64urlEncode(sig) }, pin, { now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a statement signed by another identity, even a valid one', async () => {
    const otherKey = await exportIdentityKey(other.publicKey);
    const byOther = await signKeyStatement({ ...statement, identityKey: otherKey }, other.privateKey);
    expect((await verifyKeyStatement(byOther, await identityFingerprint(otherKey), { now })).ok).toBe(true);
    expect(await verifyKeyStatement(byOther, pin, { now })).toEqual({ ok: false, reason: 'wrong_identity' });
    // The right identity's key with another's signature does not verify either.
    expect(await verifyKeyStatement({ ...byOther, identityKey: statement.identityKey }, pin, { now })).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a statement for another recipient', async () => {
    expect(await verifyKeyStatement(statement, pin, { recipient: 'malmo', now })).toEqual({ ok: false, reason: 'wrong_identity' });
  });

  it('refuses a statement whose keys have all expired', async () => {
    expect(await verifyKeyStatement(statement, pin, { now: new Date('2027-03-02T00:00:00Z') })).toEqual({
      ok: false,
      reason: 'expired_keys',
    });
    expect((await verifyKeyStatement(statement, pin, { now: new Date('2027-03-01T23:59:59Z') })).ok).toBe(true);
  });

  it('refuses what is not a statement', async () => {
    const malformed: unknown[] = [
      null,
      'statement',
      { ...statement, v: 2 },
      { ...statement, extra: 1 },
      { ...statement, keys: [] },
      { ...statement, keys: [{ publicKey: 'AAAA', notAfter: '2027-03-01' }] },
      { ...statement, keys: [{ ...statement.keys[0], notAfter: '2027-13-01' }] },
      { ...statement, issued: 'yesterday' },
      { ...statement, sig: 'abc' },
      { ...statement, recipient: 'Stockholm!' },
      { ...statement, identityKey: base64urlEncode(new Uint8Array(65).fill(4)) },
    ];
    for (const value of malformed) {
      const check = await verifyKeyStatement(value, pin, { now });
      expect(check.ok ? 'ok' : check.reason, JSON.stringify(value)).toMatch(/malformed|wrong_identity/);
    }
    expect(await verifyKeyStatement({ ...statement, v: 2 }, pin, { now })).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('statement order', () => {
  const at = (issued: string) => ({ issued });
  it('takes a newer statement and refuses a replayed older or equal one', () => {
    expect(statementOrderProblem(at('2026-12-06T07:00:00Z'), null, now)).toBeNull();
    expect(statementOrderProblem(at('2026-12-06T07:00:01Z'), at('2026-12-06T07:00:00Z'), now)).toBeNull();
    expect(statementOrderProblem(at('2026-12-06T07:00:00Z'), at('2026-12-06T07:00:00Z'), now)).toBe('stale_statement');
    expect(statementOrderProblem(at('2026-12-01T07:00:00Z'), at('2026-12-06T07:00:00Z'), now)).toBe('stale_statement');
  });
  it('refuses a statement issued more than five minutes ahead', () => {
    expect(statementOrderProblem(at('2026-12-06T08:05:00Z'), null, now)).toBeNull();
    expect(statementOrderProblem(at('2026-12-06T08:05:01Z'), null, now)).toBe('future_statement');
  });
});

describe('recipients with an identity', () => {
  const fingerprint = 'A'.repeat(43);
  const file = (recipient: Record<string, unknown>) => JSON.stringify({ v: 1, recipients: [{ ...DEV_RECIPIENT, ...recipient }] });

  it('pins the fingerprint in the key set, with no static keys', async () => {
    const keySet = keySetOf(await validateRecipients('r.json', file({ identity: fingerprint })));
    expect(keySet.recipients).toEqual([{ id: DEV_RECIPIENT.id, serves: ['stockholm'], identity: fingerprint }]);
    expect(keySet.keys).toEqual([]);
  });

  it('refuses an identity together with static keys, and a fingerprint of the wrong length', async () => {
    const key = await generateRecipientKeyPair();
    expect(() =>
      parseRecipients('r.json', file({ identity: fingerprint, keys: [{ publicKey: key.publicKey, notAfter: '2027-01-01' }] })),
    ).toThrow(/both identity and keys/);
    expect(() => parseRecipients('r.json', file({ identity: 'ABC' }))).toThrow(/identity must be a key fingerprint/);
  });

  it('marks a hosted recipient in the key set; hosted needs an identity and takes no push or pull', async () => {
    const keySet = keySetOf(await validateRecipients('r.json', file({ identity: fingerprint, hosted: true })));
    expect(keySet.recipients).toEqual([{ id: DEV_RECIPIENT.id, serves: ['stockholm'], identity: fingerprint, hosted: true }]);
    expect(() => parseRecipients('r.json', file({ hosted: true }))).toThrow(/is hosted/);
    const push = { url: 'https://intake.example.se/push', receiptPublicKey: 'A'.repeat(43) };
    expect(() => parseRecipients('r.json', file({ identity: fingerprint, hosted: true, push }))).toThrow(/is hosted/);
    const pull = { queue: 'utvag-pull-stockholm' };
    expect(() => parseRecipients('r.json', file({ identity: fingerprint, hosted: true, pull }))).toThrow(/is hosted/);
  });
});

describe('the browser keeps a pinned recipient to its verified statement', () => {
  it('drops keys the statement does not sign, even when the served set drops the identity', async () => {
    const identity = await generateIdentityKey();
    const identityKey = await exportIdentityKey(identity.publicKey);
    const pin = await identityFingerprint(identityKey);
    const signed = await generateRecipientKeyPair();
    const injected = await generateRecipientKeyPair();
    const statement = await signKeyStatement(
      {
        v: 1,
        recipient: 'stockholm',
        identityKey,
        issued: '2026-12-06T07:00:00.000Z',
        keys: [{ publicKey: signed.publicKey, notAfter: '2027-03-01' }],
      },
      identity.privateKey,
    );
    const entry = (key: { kid: string; publicKey: string }) => ({
      kid: key.kid,
      recipient: 'stockholm',
      publicKey: key.publicKey,
      notAfter: '2099-12-31',
    });
    // A lying server: no identity named, an extra key for the recipient.
    const served = {
      v: 2 as const,
      keys: [entry(injected), entry(signed)],
      recipients: [{ id: 'stockholm', serves: ['stockholm'] }],
      statements: [statement],
    };
    const checked = await checkKeySet(served, { stockholm: pin }, now);
    expect(checked.keys.map((k) => k.kid)).toEqual([signed.kid]);
    expect(checked.refused).toEqual([]);
    const refused = await checkKeySet({ ...served, statements: [] }, { stockholm: pin }, now);
    expect(refused.keys).toEqual([]);
    expect(refused.refused).toEqual(['stockholm']);
    // Unpinned by the page and unnamed by the set: a recipient with static keys, used as served.
    expect((await checkKeySet(served, {}, now)).keys).toHaveLength(2);
  });
});
