import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode } from '../../protocol/base64url.ts';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { keyRing, openEnvelope } from '../../protocol/envelope-open.ts';
import {
  newMemberKey,
  newPhraseKdf,
  newPhraseUnlock,
  newRecoveryCode,
  newVaultKeyBytes,
  normalizeRecoveryCode,
  openBox,
  openGrant,
  openMemberKey,
  openNote,
  openPrevious,
  openRecord,
  openSessionVault,
  PHRASE_ITERATIONS,
  phraseProblem,
  PRF_SALT,
  recoveryKeyPair,
  sealBox,
  sealGrant,
  sealNote,
  sealPrevious,
  sealRecord,
  sealSessionVault,
  sessionKeyFrom,
  unlockKeyFromPhrase,
  unlockKeyFromPrf,
  unwrapRecipientKey,
  VAULT_KEY_BYTES,
  VaultCryptoError,
  vaultKeysFrom,
  wrapRecipientKey,
  type Box,
  type VaultCryptoErrorCode,
} from '../src/team-vault/index.ts';
import { sampleRequest } from './helpers.ts';

async function expectCode(promise: Promise<unknown>, code: VaultCryptoErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(VaultCryptoError);
  expect((error as VaultCryptoError).code).toBe(code);
}

/** Flips one bit of a base64url field. */
function flip(text: string, at = 3): string {
  const bytes = base64urlDecode(text)!;
  bytes[at]! ^= 1;
  return base64urlEncode(bytes);
}

const FAST = 1_000; // PBKDF2 iterations in tests that are not about the count
const prf = (seed: number) => new Uint8Array(32).fill(seed);

async function vault(gen = 1) {
  const bytes = newVaultKeyBytes();
  return { bytes, keys: await vaultKeysFrom(bytes, gen) };
}

async function memberPair(staffId: number) {
  return newMemberKey(staffId, await unlockKeyFromPrf(prf(staffId)), 'prf');
}

describe('vault keys and boxes', () => {
  it('makes random 32-byte vault keys and non-extractable derived keys', async () => {
    const a = newVaultKeyBytes();
    expect(a).toHaveLength(VAULT_KEY_BYTES);
    expect(base64urlEncode(a)).not.toBe(base64urlEncode(newVaultKeyBytes()));
    const keys = await vaultKeysFrom(a, 3);
    expect(keys.gen).toBe(3);
    for (const key of [keys.wrap, keys.notes, keys.records]) expect(key.extractable).toBe(false);
    await expectCode(vaultKeysFrom(new Uint8Array(31), 1), 'damaged');
    await expectCode(vaultKeysFrom(a, 0), 'damaged');
  });

  it('derives the same keys from the same V, and keys per purpose', async () => {
    const { bytes, keys } = await vault();
    const again = await vaultKeysFrom(bytes, 1);
    const box = await sealBox(keys.notes, 'x', Uint8Array.of(1, 2, 3));
    expect([...(await openBox(again.notes, 'x', box))]).toEqual([1, 2, 3]);
    await expectCode(openBox(keys.records, 'x', box), 'wrong_key');
    await expectCode(openBox(keys.wrap, 'x', box), 'wrong_key');
  });

  it('refuses a box with another aad, another key or a flipped bit, and names a malformed box damaged', async () => {
    const { keys } = await vault();
    const other = await vault();
    const box = await sealBox(keys.wrap, 'a', Uint8Array.of(9));
    expect(base64urlDecode(box.iv)).toHaveLength(12);
    await expectCode(openBox(keys.wrap, 'b', box), 'wrong_key');
    await expectCode(openBox(other.keys.wrap, 'a', box), 'wrong_key');
    await expectCode(openBox(keys.wrap, 'a', { ...box, ct: flip(box.ct, 0) }), 'wrong_key');
    await expectCode(openBox(keys.wrap, 'a', { ...box, iv: 'AAAA' }), 'damaged');
    await expectCode(openBox(keys.wrap, 'a', { iv: box.iv, ct: 'not base64url!' }), 'damaged');
    await expectCode(openBox(keys.wrap, 'a', null as unknown as Box), 'damaged');
  });
});

describe('notes and reply records', () => {
  it('round-trip and stay bound to their ref (and reply id)', async () => {
    const { keys } = await vault();
    const note = await sealNote(keys, 'REF-A', 'Ringde tillbaka, inget svar. Åter i morgon.');
    expect(JSON.parse(JSON.stringify(note))).toEqual(note);
    expect(await openNote(keys, 'REF-A', note)).toBe('Ringde tillbaka, inget svar. Åter i morgon.');
    await expectCode(openNote(keys, 'REF-B', note), 'wrong_key');
    await expectCode(openNote((await vault()).keys, 'REF-A', note), 'wrong_key');

    const record = { text: 'Hej', mailbox: 'm1', sentAt: 17 };
    const box = await sealRecord(keys, 'REF-A', 'r1', record);
    expect(await openRecord(keys, 'REF-A', 'r1', box)).toEqual(record);
    await expectCode(openRecord(keys, 'REF-B', 'r1', box), 'wrong_key');
    await expectCode(openRecord(keys, 'REF-A', 'r2', box), 'wrong_key');
    // A note is not a record, even for the same ref.
    await expectCode(openRecord(keys, 'REF-A', 'r1', note), 'wrong_key');
  });
});

describe('member keys', () => {
  it('are made once, boxed under the PRF key, and open only with it', async () => {
    const made = await memberPair(7);
    expect(base64urlDecode(made.publicKey)).toHaveLength(65);
    expect(made.unlock).toMatchObject({ v: 1, kind: 'prf' });
    expect(made.unlock.kdf).toBeUndefined();
    expect(made.privateKey.extractable).toBe(false);
    const stored = JSON.parse(JSON.stringify(made.unlock));
    const opened = await openMemberKey(7, await unlockKeyFromPrf(prf(7).buffer), stored);
    expect(opened.extractable).toBe(false);
    expect(opened.algorithm).toMatchObject({ name: 'ECDH' });
    await expectCode(openMemberKey(7, await unlockKeyFromPrf(prf(8)), stored), 'wrong_unlock');
    // The box is bound to the staff id.
    await expectCode(openMemberKey(8, await unlockKeyFromPrf(prf(7)), stored), 'wrong_unlock');
    await expectCode(openMemberKey(7, await unlockKeyFromPrf(prf(7)), { ...stored, box: { iv: 'x', ct: 'y' } }), 'damaged');
  });

  it('unlock with a phrase: the right phrase opens, a wrong one is wrong_unlock', async () => {
    const kdf = newPhraseKdf(FAST);
    const made = await newMemberKey(3, await unlockKeyFromPhrase('kaffe regn cykel sommar', kdf), 'phrase', kdf);
    expect(made.unlock.kdf).toEqual(kdf);
    const stored = JSON.parse(JSON.stringify(made.unlock));
    expect(await openMemberKey(3, await unlockKeyFromPhrase('kaffe regn cykel sommar', stored.kdf), stored)).toBeDefined();
    await expectCode(openMemberKey(3, await unlockKeyFromPhrase('kaffe regn cykel vinter', stored.kdf), stored), 'wrong_unlock');
    // Another salt or count is another key.
    await expectCode(openMemberKey(3, await unlockKeyFromPhrase('kaffe regn cykel sommar', newPhraseKdf(FAST)), stored), 'wrong_unlock');
    await expectCode(unlockKeyFromPhrase('kaffe regn cykel sommar', undefined), 'damaged');
    await expectCode(unlockKeyFromPhrase('kaffe regn cykel sommar', { ...kdf, iterations: 1e12 }), 'damaged');
  });

  it('the same phrase composed differently (NFC/NFD) opens the same key', async () => {
    const kdf = newPhraseKdf(FAST);
    const composed = 'åker båt över sjön';
    const made = await newMemberKey(4, await unlockKeyFromPhrase(composed, kdf), 'phrase', kdf);
    await expect(openMemberKey(4, await unlockKeyFromPhrase(composed.normalize('NFD'), kdf), made.unlock)).resolves.toBeDefined();
  });

  it('a new phrase unlock refuses a weak phrase and stores the full iteration count', async () => {
    await expectCode(newPhraseUnlock('kort'), 'weak_phrase');
    const { kdf, unlockKey } = await newPhraseUnlock('tre små ord räcker nog');
    expect(kdf).toMatchObject({ name: 'PBKDF2-SHA256', iterations: PHRASE_ITERATIONS });
    expect(PHRASE_ITERATIONS).toBe(600_000);
    expect(unlockKey.extractable).toBe(false);
  });

  it('has the fixed PRF salt SHA-256("utvag/member-unlock/v1/prf")', async () => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode('utvag/member-unlock/v1/prf')));
    expect([...PRF_SALT]).toEqual([...digest]);
    await expectCode(unlockKeyFromPrf(new Uint8Array(16)), 'damaged');
  });
});

describe('phraseProblem', () => {
  it.each([
    ['', 'too_short'],
    ['kaffe sol regn', 'too_short'],
    ['aaaaaaaaaaaaaaaaaaaa', 'too_simple'],
    ['hej hej hej hej hej hej', 'too_simple'],
    ['katt katt katt katt katt', 'too_simple'],
    ['sommar sommar vinter', 'too_simple'],
    ['1234567890123456', 'too_few_words'],
    ['kaffekopp 12345678', 'too_few_words'],
    ['ab cd ef gh ij kl mn op', 'too_few_words'],
    ['kaffe sol regn ute', null],
    ['Min katt heter Måns 2019!', null],
    ['correct horse battery staple', null],
  ] as const)('%j → %s', (phrase, problem) => {
    expect(phraseProblem(phrase)).toBe(problem);
  });
});

describe('grants', () => {
  it('seal V to a member; only that member, as that member, for that gen opens it', async () => {
    const { bytes } = await vault();
    const one = await memberPair(1);
    const two = await memberPair(2);
    const grant = await sealGrant(bytes, 1, one.publicKey, 'member:1');
    expect(grant.gen).toBe(1);
    const stored = JSON.parse(JSON.stringify(grant));
    const reopened = await openMemberKey(1, await unlockKeyFromPrf(prf(1)), one.unlock);
    expect(base64urlEncode(await openGrant(stored, reopened, 'member:1'))).toBe(base64urlEncode(bytes));
    await expectCode(openGrant(stored, two.privateKey, 'member:1'), 'wrong_key');
    await expectCode(openGrant(stored, one.privateKey, 'member:2'), 'wrong_key');
    await expectCode(openGrant(stored, one.privateKey, 'recovery'), 'wrong_key');
    await expectCode(openGrant({ ...stored, gen: 2 }, one.privateKey, 'member:1'), 'wrong_key');
    await expectCode(openGrant({ ...stored, ct: flip(stored.ct) }, one.privateKey, 'member:1'), 'wrong_key');
    await expectCode(openGrant({ ...stored, enc: flip(stored.enc, 20) }, one.privateKey, 'member:1'), 'damaged');
    await expectCode(openGrant({ ...stored, enc: 'AAAA' }, one.privateKey, 'member:1'), 'damaged');
    await expectCode(sealGrant(bytes, 1, 'AAAA', 'member:1'), 'damaged');
  });
});

describe('recovery code', () => {
  it('is 160 bits in 8 groups of 4 Crockford symbols, new each time', () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}(-[0-9ABCDEFGHJKMNPQRSTVWXYZ]{4}){7}$/);
    expect(newRecoveryCode()).not.toBe(code);
    expect(normalizeRecoveryCode(code)).toBe(code);
  });

  it('normalizes what a person types', () => {
    const code = '7K2M-Q9XD-0011-ABCD-EFGH-JKMN-PQRS-TVWX';
    expect(normalizeRecoveryCode(code.toLowerCase())).toBe(code);
    expect(normalizeRecoveryCode(' 7k2mq9xd OOiL abcd efgh jkmn pqrs tvwx ')).toBe(code);
    expect(normalizeRecoveryCode('7K2M – Q9XD – oOIl – ABCD – EFGH – JKMN – PQRS – TVWX')).toBe(code);
    expect(normalizeRecoveryCode(code.slice(0, -1))).toBeNull();
    expect(normalizeRecoveryCode(`${code}Y`)).toBeNull();
    expect(normalizeRecoveryCode(code.replace('A', 'U'))).toBeNull();
    expect(normalizeRecoveryCode('')).toBeNull();
  });

  it('gives the same key pair for the same code however typed, another for another code', async () => {
    const code = newRecoveryCode();
    const a = await recoveryKeyPair(code);
    const b = await recoveryKeyPair(code.toLowerCase().replaceAll('-', ' ').replaceAll('0', 'o').replaceAll('1', 'l'));
    expect(b.publicKey).toBe(a.publicKey);
    expect(a.privateKey.extractable).toBe(false);
    expect((await recoveryKeyPair(newRecoveryCode())).publicKey).not.toBe(a.publicKey);
    await expectCode(recoveryKeyPair('not a code'), 'wrong_key');
  });

  it('opens V sealed to the recovery key; a wrong code does not', async () => {
    const code = newRecoveryCode();
    const { bytes } = await vault();
    const recovery = await recoveryKeyPair(code);
    const grant = await sealGrant(bytes, 1, recovery.publicKey, 'recovery');
    const typedLater = await recoveryKeyPair(code.toLowerCase());
    expect(base64urlEncode(await openGrant(grant, typedLater.privateKey, 'recovery'))).toBe(base64urlEncode(bytes));
    await expectCode(openGrant(grant, (await recoveryKeyPair(newRecoveryCode())).privateKey, 'recovery'), 'wrong_key');
  });
});

describe('generation chain', () => {
  it('opens three generations from the newest', async () => {
    const gens = [await vault(1), await vault(2), await vault(3)];
    const previous2 = await sealPrevious(gens[1]!.keys, gens[0]!.bytes, 1);
    const previous3 = await sealPrevious(gens[2]!.keys, gens[1]!.bytes, 2);
    const notes = await Promise.all(gens.map((gen, i) => sealNote(gen.keys, 'REF', `note of gen ${i + 1}`)));

    // Holding only the newest V, walk back.
    let current = await vaultKeysFrom(gens[2]!.bytes, 3);
    const opened = [await openNote(current, 'REF', notes[2]!)];
    for (const [box, gen] of [
      [previous3, 2],
      [previous2, 1],
    ] as const) {
      current = await vaultKeysFrom(await openPrevious(current, box, gen), gen);
      opened.unshift(await openNote(current, 'REF', notes[gen - 1]!));
    }
    expect(opened).toEqual(['note of gen 1', 'note of gen 2', 'note of gen 3']);

    await expectCode(openPrevious(gens[2]!.keys, previous3, 1), 'wrong_key');
    await expectCode(openPrevious(gens[1]!.keys, previous3, 2), 'wrong_key');
  });
});

describe('recipient keys', () => {
  it('wrap under V, unwrap to non-extractable keys that open envelopes and sign', async () => {
    const { keys } = await vault();
    const pair = await generateRecipientKeyPair();
    const box = await wrapRecipientKey(keys, pair.kid, pair.privateJwk);
    const { hpke, sign } = await unwrapRecipientKey(keys, pair.kid, JSON.parse(JSON.stringify(box)));
    expect(hpke.extractable).toBe(false);
    expect(sign.extractable).toBe(false);
    expect(sign.algorithm).toMatchObject({ name: 'ECDSA' });

    const request = sampleRequest();
    const envelope = await sealRequest(request, { kid: pair.kid, publicKey: pair.publicKey });
    expect(await openEnvelope(envelope, keyRing([{ kid: pair.kid, privateKey: hpke }]))).toEqual(request);

    const data = new TextEncoder().encode('reply post');
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, sign, data);
    const verifyKey = await crypto.subtle.importKey(
      'raw',
      base64urlDecode(pair.publicKey)!,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, verifyKey, signature, data)).toBe(true);
  });

  it('refuses another vault, another kid, or a box whose key belongs to another kid', async () => {
    const { keys } = await vault();
    const pair = await generateRecipientKeyPair();
    const other = await generateRecipientKeyPair();
    const box = await wrapRecipientKey(keys, pair.kid, pair.privateJwk);
    await expectCode(unwrapRecipientKey((await vault()).keys, pair.kid, box), 'wrong_key');
    await expectCode(unwrapRecipientKey(keys, other.kid, box), 'wrong_key');
    // Sealed under the right aad but holding another key: refused as damaged.
    const lying = await wrapRecipientKey(keys, pair.kid, other.privateJwk);
    await expectCode(unwrapRecipientKey(keys, pair.kid, lying), 'damaged');
    const notJson = await sealBox(keys.wrap, `recipient-key|${pair.kid}`, new TextEncoder().encode('null'));
    await expectCode(unwrapRecipientKey(keys, pair.kid, notJson), 'damaged');
  });
});

describe('private keys are not extractable', () => {
  it('cannot be exported in any format', async () => {
    const { keys } = await vault();
    const pair = await generateRecipientKeyPair();
    const recipient = await unwrapRecipientKey(keys, pair.kid, await wrapRecipientKey(keys, pair.kid, pair.privateJwk));
    const member = await memberPair(5);
    const opened = await openMemberKey(5, await unlockKeyFromPrf(prf(5)), member.unlock);
    const recovery = await recoveryKeyPair(newRecoveryCode());
    for (const key of [recipient.hpke, recipient.sign, member.privateKey, opened, recovery.privateKey]) {
      for (const format of ['pkcs8', 'jwk'] as const) await expect(crypto.subtle.exportKey(format, key)).rejects.toThrow();
    }
    for (const key of [keys.wrap, keys.notes, keys.records]) await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });
});

describe('session vault', () => {
  it('keeps V boxed under the session key; another session or gen does not open it', async () => {
    const { bytes } = await vault(2);
    const sessionKey = base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
    const stored = JSON.parse(JSON.stringify(await sealSessionVault(await sessionKeyFrom(sessionKey), bytes, 2)));
    expect(JSON.stringify(stored)).not.toContain(base64urlEncode(bytes));
    const opened = await openSessionVault(await sessionKeyFrom(sessionKey), stored);
    expect(opened.gen).toBe(2);
    expect(base64urlEncode(opened.vaultKeyBytes)).toBe(base64urlEncode(bytes));
    const otherSession = await sessionKeyFrom(base64urlEncode(crypto.getRandomValues(new Uint8Array(32))));
    await expectCode(openSessionVault(otherSession, stored), 'wrong_key');
    await expectCode(openSessionVault(await sessionKeyFrom(sessionKey), { ...stored, gen: 1 }), 'wrong_key');
    await expectCode(sessionKeyFrom('AAAA'), 'damaged');
  });
});
