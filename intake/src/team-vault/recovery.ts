/**
 * The recovery code: 20 random bytes (160 bits) in Crockford base32, 32
 * symbols in 8 groups of 4 ("7K2M-Q9XD-…"), shown once at setup. It
 * derives the recovery key pair every generation's V is also sealed to.
 * No slow KDF: 160 random bits cannot be guessed, unlike a phrase.
 */
import { deriveKeyPair } from '../../../protocol/hpke/derive-key-pair.ts';
import { base64urlEncode } from '../../../protocol/base64url.ts';
import { serializePublicKey } from '../../../protocol/hpke/dhkem.ts';
import { VaultCryptoError } from './errors.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECOVERY_CODE_BYTES = 20;
const SYMBOLS = (RECOVERY_CODE_BYTES * 8) / 5; // 32
const GROUP = 4;

function encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  return out.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

function decode(symbols: string): Uint8Array {
  const out = new Uint8Array(RECOVERY_CODE_BYTES);
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const char of symbols) {
    buffer = ((buffer << 5) | ALPHABET.indexOf(char)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

export function newRecoveryCode(): string {
  return encode(crypto.getRandomValues(new Uint8Array(RECOVERY_CODE_BYTES)));
}

/**
 * The code as shown ("XXXX-XXXX-…", upper case), from what a person typed:
 * any case, spaces and dashes anywhere, O for 0, I or L for 1 (Crockford's
 * rules). Null unless that leaves exactly 32 symbols of the alphabet.
 */
export function normalizeRecoveryCode(typed: string): string | null {
  if (typeof typed !== 'string') return null;
  const symbols = typed
    .toUpperCase()
    .replace(/[\s\-‐‑‒–—]/gu, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== SYMBOLS || [...symbols].some((char) => !ALPHABET.includes(char))) return null;
  return symbols.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** The code's 20 bytes, or VaultCryptoError('wrong_key') for a code that is not one. */
export function recoveryCodeBytes(code: string): Uint8Array {
  const normal = normalizeRecoveryCode(code);
  if (!normal) throw new VaultCryptoError('wrong_key', 'not a recovery code: 32 symbols are needed');
  return decode(normal.replaceAll('-', ''));
}

/**
 * HPKE DeriveKeyPair(P-256) needs at least 32 bytes of ikm (RFC 9180
 * §7.1.3, Nsk), and the code has 20: so the ikm is HKDF-SHA256 of the 20
 * bytes stretched to 32 (info "utvag/recovery/v1"). The entropy stays 160
 * bits; the derivation is fixed, so one code always gives one key pair.
 */
async function recoveryIkm(codeBytes: Uint8Array): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey('raw', new Uint8Array(codeBytes), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode('utvag/recovery/v1') },
    base,
    256,
  );
  return new Uint8Array(bits);
}

/** The recovery key pair (private key non-extractable) and its public key as base64url. */
export async function recoveryKeyPair(code: string): Promise<{ publicKey: string; privateKey: CryptoKey }> {
  const codeBytes = recoveryCodeBytes(code);
  const ikm = await recoveryIkm(codeBytes);
  codeBytes.fill(0);
  try {
    const pair = await deriveKeyPair(ikm);
    return { publicKey: base64urlEncode(await serializePublicKey(pair.publicKey)), privateKey: pair.privateKey };
  } finally {
    ikm.fill(0);
  }
}
