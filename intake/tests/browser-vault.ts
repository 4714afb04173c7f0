/**
 * The team vault made in Node as the first administrator's browser makes
 * it (team-vault module, issue 19): a member key unlocked by a passkey's
 * PRF output, generation 1 with a recovery code, the recovery grant and
 * the admin's grant, a new recipient key wrapped under V, and the
 * recipient's identity key wrapped under V (issue 20). Tests use it
 * to set up a vault without Chromium.
 */
import { generateRecipientKeyPair, type PrivateKeyJwk } from '../../protocol/envelope.ts';
import type { IntakeStore } from '../src/store.ts';
import {
  newMemberKey,
  newRecoveryCode,
  newVaultKeyBytes,
  recoveryKeyPair,
  sealGrant,
  unlockKeyFromPrf,
  vaultKeysFrom,
  wrapRecipientKey,
  type VaultKeys,
} from '../src/team-vault/index.ts';
import { newIdentityKey } from '../src/team-vault/identity-key.ts';

export interface BrowserVault {
  recoveryCode: string;
  /** V of generation 1 (the test keeps it to compare; a browser keeps only non-extractable keys). */
  vaultKeyBytes: Uint8Array;
  vault: VaultKeys;
  memberPrivateKey: CryptoKey;
  /** The recipient key the setup made in the browser. */
  newKey: { kid: string; publicKey: string; privateJwk: PrivateKeyJwk };
  /** The identity key the setup made: its public point, fingerprint and signing key. */
  identity: { publicKey: string; fingerprint: string; sign: CryptoKey };
}

/** What `POST /api/member-key` then `POST /api/vault/setup` carry, as the browser makes them. */
export async function browserSetup(adminId: number, notAfter = '2099-01-01') {
  const prf = crypto.getRandomValues(new Uint8Array(32));
  const member = await newMemberKey(adminId, await unlockKeyFromPrf(prf), 'prf');
  const vaultKeyBytes = newVaultKeyBytes();
  const vault = await vaultKeysFrom(vaultKeyBytes, 1);
  const recoveryCode = newRecoveryCode();
  const recovery = await recoveryKeyPair(recoveryCode);
  const pair = await generateRecipientKeyPair();
  const identity = await newIdentityKey(vault);
  return {
    memberKey: { publicKey: member.publicKey, unlock: member.unlock },
    setup: {
      recoveryPublicKey: recovery.publicKey,
      recovery: await sealGrant(vaultKeyBytes, 1, recovery.publicKey, 'recovery'),
      grant: await sealGrant(vaultKeyBytes, 1, member.publicKey, `member:${adminId}`),
      keys: [{ kid: pair.kid, publicKey: pair.publicKey, notAfter, wrapped: await wrapRecipientKey(vault, pair.kid, pair.privateJwk) }],
      identity: { publicKey: identity.publicKey, wrapped: identity.wrapped },
    },
    browser: {
      recoveryCode,
      vaultKeyBytes,
      vault,
      memberPrivateKey: member.privateKey,
      newKey: { kid: pair.kid, publicKey: pair.publicKey, privateJwk: pair.privateJwk },
      identity: { publicKey: identity.publicKey, fingerprint: identity.fingerprint, sign: identity.sign },
    } satisfies BrowserVault,
  };
}

/** Sets up generation 1 straight in the store (as the two API calls would). */
export async function setUpVault(store: IntakeStore, adminId: number, now = new Date()): Promise<BrowserVault> {
  const made = await browserSetup(adminId);
  store.vault.addMemberKey(adminId, made.memberKey, now);
  store.vault.setUp(adminId, made.setup, now);
  return made.browser;
}
