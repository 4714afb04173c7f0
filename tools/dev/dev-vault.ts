/**
 * The team vault of a development or test intake, made directly (issue
 * 19): generation 1, the intake's recipient keys wrapped under a fresh V,
 * and V sealed to the recovery key of a FIXED, PUBLIC code. That code is
 * NOT SECRET: it is in this file. It lets a newcomer register a passkey
 * and type the code on the recovery page to read requests at once. A
 * municipality's intake never uses it: its first administrator makes the
 * vault in the browser and gets a random code.
 */
import type { PrivateKeyJwk } from '../../protocol/envelope.ts';
import { VaultTables } from '../../intake/src/store/vault.ts';
import type { IntakeStore } from '../../intake/src/store.ts';
import { sealGrant } from '../../intake/src/team-vault/grants.ts';
import { recoveryKeyPair } from '../../intake/src/team-vault/recovery.ts';
import { wrapRecipientKey } from '../../intake/src/team-vault/recipient-keys.ts';
import { newVaultKeyBytes, vaultKeysFrom } from '../../intake/src/team-vault/vault-key.ts';

/** Development and tests only. Public. Not secret. */
export const DEV_RECOVERY_CODE = 'DEV0-N0T0-SECR-ET00-DEV0-N0T0-SECR-ET00';

export interface ProvisionedKey {
  kid: string;
  publicKey: string;
  notAfter: string;
  privateJwk: PrivateKeyJwk;
}

/** Makes generation 1 once; false when the store already has a vault. */
export async function provisionDevVault(store: IntakeStore, keys: readonly ProvisionedKey[], now = new Date()): Promise<boolean> {
  const vault = new VaultTables(store);
  if (vault.latestGen() !== null) return false;
  vault.provision(await devVaultSetup(keys), null, now);
  return true;
}

/** Generation 1 sealed: the keys wrapped under a fresh V, V sealed to the public code's recovery key (a hosted inbox provisions it over RPC). */
export async function devVaultSetup(keys: readonly ProvisionedKey[]): Promise<Parameters<VaultTables['provision']>[0]> {
  const vaultKey = newVaultKeyBytes();
  const vaultKeys = await vaultKeysFrom(vaultKey, 1);
  const recovery = await recoveryKeyPair(DEV_RECOVERY_CODE);
  const wrapped = await Promise.all(
    keys.map(async (key) => ({
      kid: key.kid,
      publicKey: key.publicKey,
      notAfter: key.notAfter,
      wrapped: await wrapRecipientKey(vaultKeys, key.kid, key.privateJwk),
    })),
  );
  const setup = {
    recoveryPublicKey: recovery.publicKey,
    recovery: await sealGrant(vaultKey, 1, recovery.publicKey, 'recovery'),
    keys: wrapped,
  };
  vaultKey.fill(0);
  return setup;
}
