/**
 * The running intake folder of a development intake: `<dev folder>/intake/`,
 * holding the store (with the development keys wrapped in its team vault,
 * as a municipality's intake holds its keys) and the inbox's accounts. The
 * plain development key in `<dev folder>/keys/` stays the fixture the
 * tests decrypt with; it is never inside the running folder.
 *
 *   <dev>/intake/keys/store-secret.key the store secret (made by serve)
 *   <dev>/intake/intake.db             the store
 *   <dev>/intake/recipients.json       a copy of the dev recipients with their keys
 *                                      (intake-recipients.json; their
 *                                      promise is the one the site shows)
 *   <dev>/intake/receipt.private.jwk.json
 *                                      a copy of the receiver's receipt key
 *   <dev>/dev-passphrase               the development passphrase of folders made
 *                                      before issue 19 (0600; see moveOldDevSecret)
 *
 * The store's team vault (issue 19) is provisioned once with the same dev
 * keys and the public development recovery code (dev-vault.ts): a newcomer
 * registers a passkey and types that code to read requests. The
 * recipient's identity key (<dev>/identity.private.jwk.json, whose
 * fingerprint the build pins) is boxed in that vault too, and a statement
 * of the keys is signed with it and kept in the store (dev-vault.ts).
 */
import { copyFile, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { KEYS_FOLDER, listWrappedKeys, STORE_SECRET_FILE, unlockVault } from '../../intake/src/key-vault.ts';
import { STORE_SECRET_KEY_FILE } from '../../intake/src/keys/store-secret.ts';
import { RECEIPT_KEY_FILE } from '../../intake/src/push-keys.ts';
import { ensurePrivateDir, writeNewSecretFile } from '../../intake/src/keys/owner-only-files.ts';
import { IntakeStore } from '../../intake/src/store.ts';
import type { KeyStatement } from '../../protocol/key-statement.ts';
import type { IdentityJwk } from '../../intake/src/team-vault/identity-key.ts';
import { DEV_RECIPIENT, IDENTITY_KEY_FILE, readProvisionedKeys } from './dev-keys.ts';
import { DEV_RECOVERY_CODE, devIdentity, provisionDevVault } from './dev-vault.ts';

export const DEV_PASSPHRASE = 'utvag-development-passphrase-not-secret';

export interface DevStore {
  dir: string;
  passphraseFile: string;
  recipientsFile: string;
  /** The public development recovery code (not secret). */
  recoveryCode: string;
  /** The newest key statement kept in the store, signed with the identity key in its vault (issue 20). */
  statement: KeyStatement;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function writeFileOnce(path: string, content: string): Promise<void> {
  if (!(await exists(path))) await writeNewSecretFile(path, content);
}

/**
 * A development folder made before issue 19 holds its keys and store
 * secret wrapped with the public development passphrase: the store secret
 * is written plain (keys/store-secret.key, as `intake serve` reads it) and
 * the wrapped files go; the dev keys are in the vault (provisionDevVault).
 * A municipality's intake runs `intake move-keys` instead.
 */
async function moveOldDevSecret(dir: string): Promise<void> {
  const wrappedSecret = join(dir, KEYS_FOLDER, STORE_SECRET_FILE);
  if (!(await exists(wrappedSecret))) return;
  const { storeSecret } = await unlockVault(dir, DEV_PASSPHRASE);
  await writeFileOnce(join(dir, KEYS_FOLDER, STORE_SECRET_KEY_FILE), `${storeSecret.toString('base64url')}\n`);
  for (const key of await listWrappedKeys(dir)) await unlink(key.file);
  await unlink(wrappedSecret);
}

/** Makes (once) the running intake folder for a development folder made by ensureDevIntake. */
export async function ensureDevStore(devDir: string): Promise<DevStore> {
  const dir = join(devDir, 'intake');
  const passphraseFile = join(devDir, 'dev-passphrase');
  await writeFileOnce(passphraseFile, `${DEV_PASSPHRASE}\n`);
  await moveOldDevSecret(dir);
  const vaultKeys = await readProvisionedKeys(devDir);
  // A fresh development folder has no intake folder yet (the store makes it only when it opens).
  await ensurePrivateDir(dir);
  // Copied every time: ensureDevIntake rewrites both from the current schema and keys.
  const recipientsFile = join(dir, 'recipients.json');
  // The intake's view lists the keys: it finds a request's recipient by kid.
  await copyFile(join(devDir, 'intake-recipients.json'), recipientsFile);
  await copyFile(join(devDir, RECEIPT_KEY_FILE), join(dir, RECEIPT_KEY_FILE));
  const identity = JSON.parse(await readFile(join(devDir, IDENTITY_KEY_FILE), 'utf8')) as IdentityJwk;
  const store = IntakeStore.open(dir);
  let statement: KeyStatement;
  try {
    await provisionDevVault(store, vaultKeys, { identity });
    statement = await devIdentity(store, identity, DEV_RECIPIENT.id);
  } finally {
    store.close();
  }
  return { dir, passphraseFile, recipientsFile, recoveryCode: DEV_RECOVERY_CODE, statement };
}
