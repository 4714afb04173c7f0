/**
 * A staff member's own ECDH P-256 key pair, made in their browser at
 * registration. Its private key (PKCS#8) is boxed under an unlock key from
 * the passkey's WebAuthn `prf` output or, for an authenticator without PRF,
 * from a personal unlock phrase. The server keeps the box (member_keys.unlock)
 * and the public key, which grants are sealed to.
 */
import { base64urlDecode, base64urlEncode } from '../../../protocol/base64url.ts';
import { ECDH_P256, importPrivateJwk, serializePublicKey } from '../../../protocol/hpke/dhkem.ts';
import { checkCount, utf8, VaultCryptoError } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import { hkdfAesKey } from './vault-key.ts';

export interface MemberUnlock {
  v: 1;
  kind: 'prf' | 'phrase';
  kdf?: { name: 'PBKDF2-SHA256'; iterations: number; salt: string };
  box: Box;
}

/**
 * Why PBKDF2-SHA256 and not a memory-hard KDF (Argon2id, scrypt): it is
 * native in every browser's WebCrypto, so the inbox needs no WebAssembly and
 * its CSP stays `script-src 'self'`; a JavaScript scrypt would be slower for
 * us than for an attacker's GPU and gain little. 600,000 iterations is
 * OWASP's 2023 figure for PBKDF2-HMAC-SHA256; the phrase rule (phraseProblem)
 * carries the rest of the strength. The count is stored per member (kdf in
 * MemberUnlock), so it can be raised for new phrases without breaking old ones.
 */
export const PHRASE_ITERATIONS = 600_000;
/** Past this a stored count is treated as damaged (it would hang the browser). */
const MAX_ITERATIONS = 10_000_000;
const SALT_BYTES = 16;
const MIN_PHRASE_CHARS = 16;
const MIN_WORDS = 3;
/** Fewer distinct characters than this is one or two keys held down, not a phrase. */
const MIN_DISTINCT_CHARS = 5;

/** SHA-256("utvag/member-unlock/v1/prf"): the fixed PRF input (eval.first) of every passkey. */
export const PRF_SALT: Uint8Array = Uint8Array.from(
  '360167324f8a01ec0e4c89f91b9a59ffea3c2bbe3e0cdeeb00687a309ba22ef5'.match(/../g)!,
  (pair) => parseInt(pair, 16),
);

/** Why a phrase may not be used, or null. Counts characters (code points), words of 3+ letters. */
export function phraseProblem(phrase: string): null | 'too_short' | 'too_few_words' | 'too_simple' {
  const text = phrase.normalize('NFC');
  if ([...text.trim()].length < MIN_PHRASE_CHARS) return 'too_short';
  const distinctChars = new Set([...text.toLowerCase()].filter((char) => !/\s/u.test(char)));
  if (distinctChars.size < MIN_DISTINCT_CHARS) return 'too_simple';
  const words = (text.toLowerCase().match(/\p{L}{3,}/gu) ?? []) as string[];
  if (words.length < MIN_WORDS) return 'too_few_words';
  if (new Set(words).size < MIN_WORDS) return 'too_simple';
  return null;
}

export async function unlockKeyFromPrf(prfOutput: ArrayBuffer | Uint8Array): Promise<CryptoKey> {
  const bytes = new Uint8Array(prfOutput);
  if (bytes.length < 32) throw new VaultCryptoError('damaged', 'a PRF output has 32 bytes');
  return hkdfAesKey(bytes, 'utvag/member-unlock/v1/prf-key');
}

/** Checks a stored kdf; throws damaged. */
function checkKdf(kdf: MemberUnlock['kdf']): { iterations: number; salt: Uint8Array<ArrayBuffer> } {
  const salt = typeof kdf?.salt === 'string' ? base64urlDecode(kdf.salt) : null;
  if (kdf?.name !== 'PBKDF2-SHA256' || !salt || salt.length < SALT_BYTES) {
    throw new VaultCryptoError('damaged', 'the unlock phrase settings are missing or damaged');
  }
  if (!Number.isSafeInteger(kdf.iterations) || kdf.iterations < 1 || kdf.iterations > MAX_ITERATIONS) {
    throw new VaultCryptoError('damaged', 'the unlock phrase iteration count is out of range');
  }
  return { iterations: kdf.iterations, salt };
}

/** PBKDF2-SHA256 of the phrase (NFC, so keyboards that compose å differently agree) to an AES-GCM key. */
export async function unlockKeyFromPhrase(phrase: string, kdf: MemberUnlock['kdf']): Promise<CryptoKey> {
  const { iterations, salt } = checkKdf(kdf);
  const base = await crypto.subtle.importKey('raw', utf8.encode(phrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
}

/** Fresh phrase settings (random salt, PHRASE_ITERATIONS). */
export function newPhraseKdf(iterations: number = PHRASE_ITERATIONS): NonNullable<MemberUnlock['kdf']> {
  return { name: 'PBKDF2-SHA256', iterations, salt: base64urlEncode(crypto.getRandomValues(new Uint8Array(SALT_BYTES))) };
}

/** For a new phrase: checks it (VaultCryptoError 'weak_phrase') and returns its unlock key and settings. */
export async function newPhraseUnlock(
  phrase: string,
  iterations: number = PHRASE_ITERATIONS,
): Promise<{ unlockKey: CryptoKey; kdf: NonNullable<MemberUnlock['kdf']> }> {
  const problem = phraseProblem(phrase);
  if (problem) throw new VaultCryptoError('weak_phrase', `the phrase is not strong enough: ${problem}`);
  const kdf = newPhraseKdf(iterations);
  return { unlockKey: await unlockKeyFromPhrase(phrase, kdf), kdf };
}

const memberAad = (staffId: number) => `member-key|${checkCount(staffId, 'staffId')}`;

/**
 * PKCS#8 to a non-extractable ECDH key that HPKE can open with. HPKE's
 * Decap needs the private key's public point (kem_context), which a
 * non-extractable key cannot give: so the PKCS#8 is imported once
 * extractable, read as JWK (x, y) and imported again non-extractable with
 * its point remembered, as protocol/hpke/derive-key-pair.ts does. Only the
 * non-extractable key leaves this function.
 */
async function privateKeyFromPkcs8(pkcs8: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  let jwk: JsonWebKey | undefined;
  try {
    const extractable = await crypto.subtle.importKey('pkcs8', pkcs8, ECDH_P256, true, ['deriveBits']);
    jwk = await crypto.subtle.exportKey('jwk', extractable);
    return await importPrivateJwk(jwk);
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the member key inside the box is not a P-256 key', { cause });
  } finally {
    if (jwk) jwk.d = '';
  }
}

export async function newMemberKey(
  staffId: number,
  unlockKey: CryptoKey,
  kind: 'prf' | 'phrase',
  kdf?: MemberUnlock['kdf'],
): Promise<{ publicKey: string; unlock: MemberUnlock; privateKey: CryptoKey }> {
  if (kind === 'phrase') checkKdf(kdf);
  else if (kind !== 'prf' || kdf) throw new VaultCryptoError('damaged', 'a passkey unlock has no phrase settings');
  // Extractable only here: its PKCS#8 is exported once, to be boxed.
  const pair = await crypto.subtle.generateKey(ECDH_P256, true, ['deriveBits']);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  try {
    const box = await sealBox(unlockKey, memberAad(staffId), pkcs8);
    const privateKey = await privateKeyFromPkcs8(pkcs8);
    const unlock: MemberUnlock = kind === 'phrase' ? { v: 1, kind, kdf: { ...kdf! }, box } : { v: 1, kind, box };
    return { publicKey: base64urlEncode(await serializePublicKey(pair.publicKey)), unlock, privateKey };
  } finally {
    pkcs8.fill(0);
  }
}

/** The member's private key, non-extractable. Throws VaultCryptoError: wrong_unlock (wrong passkey or phrase), damaged. */
export async function openMemberKey(staffId: number, unlockKey: CryptoKey, unlock: MemberUnlock): Promise<CryptoKey> {
  if (unlock?.v !== 1) throw new VaultCryptoError('damaged', 'not a v1 member unlock');
  let pkcs8: Uint8Array<ArrayBuffer>;
  try {
    pkcs8 = await openBox(unlockKey, memberAad(staffId), unlock.box);
  } catch (error) {
    if (error instanceof VaultCryptoError && error.code === 'wrong_key') {
      throw new VaultCryptoError('wrong_unlock', 'the passkey or phrase does not open this member key', { cause: error });
    }
    throw error;
  }
  try {
    return await privateKeyFromPkcs8(pkcs8);
  } finally {
    pkcs8.fill(0);
  }
}
