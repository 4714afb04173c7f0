/**
 * The team vault of a development or test intake, made directly (issue
 * 19): generation 1, the intake's recipient keys wrapped under a fresh V,
 * and V sealed to the recovery key of a FIXED, PUBLIC code. That code is
 * NOT SECRET: it is in this file. It lets a newcomer register a passkey
 * and type the code on the recovery page to read requests at once. A
 * municipality's intake never uses it: its first administrator makes the
 * vault in the browser and gets a random code.
 *
 * The development recipient's identity key (issue 20) lives in this vault
 * like a real one: boxed under V (devIdentity), and the statement of its
 * keys is signed with it here, as the first administrator's browser signs
 * it at setup, and kept in the store for the inbox to publish.
 */
import type { PrivateKeyJwk } from '../../protocol/envelope.ts';
import { signKeyStatement, type KeyStatement } from '../../protocol/key-statement.ts';
import { validKeys } from '../../intake/src/keys/key-dates.ts';
import { VaultTables } from '../../intake/src/store/vault.ts';
import type { IntakeStore } from '../../intake/src/store.ts';
import { openPrevious } from '../../intake/src/team-vault/chain.ts';
import { openGrant, sealGrant } from '../../intake/src/team-vault/grants.ts';
import { unwrapIdentityKey, wrapIdentityKey, type IdentityJwk } from '../../intake/src/team-vault/identity-key.ts';
import { recoveryKeyPair } from '../../intake/src/team-vault/recovery.ts';
import { wrapRecipientKey } from '../../intake/src/team-vault/recipient-keys.ts';
import { newVaultKeyBytes, vaultKeysFrom, type VaultKeys } from '../../intake/src/team-vault/vault-key.ts';

/** Development and tests only. Public. Not secret. */
export const DEV_RECOVERY_CODE = 'DEV0-N0T0-SECR-ET00-DEV0-N0T0-SECR-ET00';

export interface ProvisionedKey {
  kid: string;
  publicKey: string;
  notAfter: string;
  privateJwk: PrivateKeyJwk;
}

/** Makes generation 1 once (with the identity key, if given); false when the store already has a vault. */
export async function provisionDevVault(
  store: IntakeStore,
  keys: readonly ProvisionedKey[],
  options: { identity?: IdentityJwk; now?: Date } = {},
): Promise<boolean> {
  const vault = new VaultTables(store);
  if (vault.latestGen() !== null) return false;
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
  vault.provision(
    {
      recoveryPublicKey: recovery.publicKey,
      recovery: await sealGrant(vaultKey, 1, recovery.publicKey, 'recovery'),
      keys: wrapped,
      ...(options.identity ? { identity: await wrapIdentityKey(vaultKeys, options.identity) } : {}),
    },
    null,
    options.now ?? new Date(),
  );
  vaultKey.fill(0);
  return true;
}

/**
 * Generation `gen`'s keys, opened with the public development code (as the
 * recovery page opens the newest) and walked back through the chain.
 */
async function openWithDevCode(vault: VaultTables, gen = vault.latestGen()): Promise<VaultKeys> {
  const grant = vault.recoveryGrant();
  if (!grant || gen === null) throw new Error('the development vault has no recovery grant');
  let bytes = await openGrant(grant, (await recoveryKeyPair(DEV_RECOVERY_CODE)).privateKey, 'recovery');
  const previous = new Map(vault.chain().generations.map((g) => [g.gen, g.previous]));
  try {
    for (let g = grant.gen; g > gen; g--) {
      const older = await openPrevious(await vaultKeysFrom(bytes, g), previous.get(g)!, g - 1);
      bytes.fill(0);
      bytes = older;
    }
    return await vaultKeysFrom(bytes, gen);
  } finally {
    bytes.fill(0);
  }
}

/**
 * The development identity key in the vault, and a statement of the keys
 * valid now signed with it and kept in the store (unless the newest kept
 * one lists them already): what a municipality's administrator does in the
 * browser. A development vault made before the identity key gets it here.
 * Returns the newest statement kept.
 */
export async function devIdentity(store: IntakeStore, identity: IdentityJwk, recipient: string, now = new Date()): Promise<KeyStatement> {
  const vault = new VaultTables(store);
  let stored = vault.identity();
  if (!stored) {
    const latest = await openWithDevCode(vault);
    vault.setIdentity(latest.gen, await wrapIdentityKey(latest, identity), null, now);
    stored = vault.identity()!;
  }
  const keys = validKeys(vault.keys(), now).map((key) => ({ publicKey: key.publicKey, notAfter: key.notAfter }));
  const listed = (list: readonly { publicKey: string; notAfter: string }[]) =>
    JSON.stringify(list.map((k) => [k.publicKey, k.notAfter]).sort());
  const kept = vault.latestStatement();
  if (kept && kept.statement.recipient === recipient && listed(kept.statement.keys) === listed(keys)) return kept.statement;
  // Signed with the key as the vault holds it (the same key as the file's: the fingerprint the build pins).
  const sign = await unwrapIdentityKey(await openWithDevCode(vault, stored.gen), stored);
  const statement = await signKeyStatement({ v: 1, recipient, identityKey: stored.publicKey, issued: now.toISOString(), keys }, sign);
  vault.addStatement(statement, null, now);
  return statement;
}
