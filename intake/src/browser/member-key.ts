/**
 * The member's own key pair (issue 19, part 2): made in this browser at
 * registration, its private half wrapped by a key from the passkey's PRF
 * output or, where the authenticator has none, from a personal phrase
 * through PBKDF2-SHA256 (600,000 iterations, OWASP 2023: WebCrypto has no
 * memory-hard KDF, and PBKDF2 runs natively in every browser).
 */
import {
  newMemberKey,
  openMemberKey,
  newPhraseKdf,
  unlockKeyFromPhrase,
  unlockKeyFromPrf,
  type MemberUnlock,
} from '../team-vault/member-key.ts';
import type { Grant } from '../team-vault/grants.ts';
import { getJson, postJson } from './http.ts';

/** GET /api/vault (the design's answer). */
export interface VaultInfo {
  staffId: number;
  role: 'admin' | 'staff';
  confirmed: boolean;
  memberKey: { publicKey: string; unlock: MemberUnlock } | null;
  grant: Grant | null;
  latestGen: number | null;
  recoveryPublicKey: string | null;
  /** The recipient this inbox signs key statements for, or null. */
  recipient: string | null;
}

export const vaultInfo = () => getJson<VaultInfo>('/api/vault');

/** Makes and stores the member's key (once); returns its private half, non-extractable. */
export async function makeMemberKey(staffId: number, secret: { prf: Uint8Array } | { phrase: string }): Promise<CryptoKey> {
  let made: Awaited<ReturnType<typeof newMemberKey>>;
  if ('prf' in secret) {
    made = await newMemberKey(staffId, await unlockKeyFromPrf(secret.prf), 'prf');
  } else {
    const kdf = newPhraseKdf();
    made = await newMemberKey(staffId, await unlockKeyFromPhrase(secret.phrase, kdf), 'phrase', kdf);
  }
  await postJson('/api/member-key', { publicKey: made.publicKey, unlock: made.unlock });
  return made.privateKey;
}

/** Opens the member's private key; throws VaultCryptoError('wrong_unlock') for a wrong phrase or another passkey. */
export async function openOwnKey(
  staffId: number,
  unlock: MemberUnlock,
  secret: { prf: Uint8Array } | { phrase: string },
): Promise<CryptoKey> {
  const key = 'prf' in secret ? await unlockKeyFromPrf(secret.prf) : await unlockKeyFromPhrase(secret.phrase, unlock.kdf);
  return openMemberKey(staffId, key, unlock);
}
