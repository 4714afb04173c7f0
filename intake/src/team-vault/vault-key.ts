/**
 * The vault key V of one generation and the keys derived from it: `wrap`
 * (the recipient's private keys, the previous generation's V), `notes` and
 * `records` (reply records). HKDF-SHA256 with an empty salt: V is 32
 * uniformly random bytes, so the extract step needs no salt (RFC 5869 §3.1).
 */
import { checkCount, utf8, VaultCryptoError } from './errors.ts';

export const VAULT_KEY_BYTES = 32;

export interface VaultKeys {
  gen: number;
  wrap: CryptoKey;
  notes: CryptoKey;
  records: CryptoKey;
}

export function newVaultKeyBytes(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(VAULT_KEY_BYTES));
}

/** Throws VaultCryptoError('damaged') unless `bytes` is a 32-byte vault key. */
export function checkVaultKeyBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== VAULT_KEY_BYTES) {
    throw new VaultCryptoError('damaged', `a vault key has ${VAULT_KEY_BYTES} bytes`);
  }
  return bytes;
}

/** An AES-256-GCM key (non-extractable) by HKDF-SHA256 from `ikm` with this info. */
export async function hkdfAesKey(ikm: Uint8Array, info: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', new Uint8Array(ikm), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: utf8.encode(info) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function vaultKeysFrom(vaultKeyBytes: Uint8Array, gen: number): Promise<VaultKeys> {
  checkVaultKeyBytes(vaultKeyBytes);
  checkCount(gen, 'gen');
  const [wrap, notes, records] = await Promise.all(
    (['wrap', 'notes', 'records'] as const).map((purpose) => hkdfAesKey(vaultKeyBytes, `utvag/vault/v1/${purpose}`)),
  );
  return { gen, wrap: wrap!, notes: notes!, records: records! };
}
