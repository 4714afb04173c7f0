/**
 * The running intake folder of a development intake: `<dev folder>/intake/`,
 * holding the development keys wrapped with a development passphrase (as a
 * municipality's intake holds its keys), the store and the inbox's
 * accounts. The plain development key in `<dev folder>/keys/` stays the
 * fixture the tests decrypt with; it is never inside the running folder.
 *
 *   <dev>/intake/keys/*.wrapped.json   the dev keys, wrapped
 *   <dev>/intake/intake.db             the store
 *   <dev>/intake/recipients.json       a copy of the dev recipients with their keys
 *                                      (intake-recipients.json; their
 *                                      promise is the one the site shows)
 *   <dev>/intake/receipt.private.jwk.json
 *                                      a copy of the receiver's receipt key
 *   <dev>/dev-passphrase               the development passphrase (0600)
 */
import { copyFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureStoreSecret, listWrappedKeys, writeWrappedKey } from '../../intake/src/key-vault.ts';
import { RECEIPT_KEY_FILE } from '../../intake/src/push-keys.ts';
import { writeNewSecretFile } from '../../intake/src/keys/owner-only-files.ts';

export const DEV_PASSPHRASE = 'utvag-development-passphrase-not-secret';
/** Cheaper scrypt for development keys only (the passphrase is public anyway). */
const DEV_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

export interface DevStore {
  dir: string;
  passphraseFile: string;
  recipientsFile: string;
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

/** Makes (once) the running intake folder for a development folder made by ensureDevIntake. */
export async function ensureDevStore(devDir: string): Promise<DevStore> {
  const dir = join(devDir, 'intake');
  const passphraseFile = join(devDir, 'dev-passphrase');
  await writeFileOnce(passphraseFile, `${DEV_PASSPHRASE}\n`);
  const wrapped = new Set((await listWrappedKeys(dir)).map((key) => key.kid));
  for (const name of (await readdir(join(devDir, 'keys'))).filter((n) => n.endsWith('.private.jwk.json'))) {
    const { kid, notAfter, ...jwk } = JSON.parse(await readFile(join(devDir, 'keys', name), 'utf8')) as Record<string, string>;
    if (kid && wrapped.has(kid)) continue;
    await ensureStoreSecret(dir, DEV_PASSPHRASE, DEV_SCRYPT);
    await writeWrappedKey(dir, DEV_PASSPHRASE, jwk as never, notAfter ?? '2099-12-31', DEV_SCRYPT);
  }
  // Copied every time: ensureDevIntake rewrites both from the current schema and keys.
  const recipientsFile = join(dir, 'recipients.json');
  // The intake's view lists the keys: it finds a request's recipient by kid.
  await copyFile(join(devDir, 'intake-recipients.json'), recipientsFile);
  await copyFile(join(devDir, RECEIPT_KEY_FILE), join(dir, RECEIPT_KEY_FILE));
  return { dir, passphraseFile, recipientsFile };
}
