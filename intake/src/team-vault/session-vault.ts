/**
 * Unlocked across pages (blind-design, "Unlocked across pages"): the
 * browser keeps V only boxed under the session's unlock_key (from
 * GET /api/session-key) in sessionStorage. Neither half opens anything
 * alone: the server never sees V, the storage holds only ciphertext.
 * The aad binds the generation, so a stored gen cannot be swapped.
 */
import { base64urlDecode } from '../../../protocol/base64url.ts';
import { checkCount, VaultCryptoError } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import { checkVaultKeyBytes } from './vault-key.ts';

export interface SessionVault {
  gen: number;
  box: Box;
}

const sessionAad = (gen: number) => `session-vault|${checkCount(gen, 'gen')}`;

/** The session's unlock key (32 bytes, base64url) as a non-extractable AES-GCM key. Throws damaged. */
export async function sessionKeyFrom(key: string): Promise<CryptoKey> {
  const bytes = typeof key === 'string' ? base64urlDecode(key) : null;
  if (bytes?.length !== 32) throw new VaultCryptoError('damaged', 'a session key has 32 bytes of base64url');
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function sealSessionVault(sessionKey: CryptoKey, vaultKeyBytes: Uint8Array, gen: number): Promise<SessionVault> {
  checkVaultKeyBytes(vaultKeyBytes);
  return { gen, box: await sealBox(sessionKey, sessionAad(gen), vaultKeyBytes) };
}

/** V and its gen. Throws VaultCryptoError: wrong_key (another session), damaged. */
export async function openSessionVault(sessionKey: CryptoKey, stored: SessionVault): Promise<{ gen: number; vaultKeyBytes: Uint8Array }> {
  const gen = checkCount(stored?.gen, 'gen');
  return { gen, vaultKeyBytes: checkVaultKeyBytes(await openBox(sessionKey, sessionAad(gen), stored.box)) };
}
