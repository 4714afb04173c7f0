/**
 * The Ed25519 keys of push authentication (push-auth.ts) on disk, in Node:
 *
 *   <intake dir>/receipt.private.jwk.json   the receiver's receipt key (0600);
 *                                           its public half goes into
 *                                           recipients.json as push.receiptPublicKey
 *   <file of your choice>                   the Worker's push signing key (0600),
 *                                           made once by the site's operator and
 *                                           stored with `wrangler secret put
 *                                           INTAKE_PUSH_SIGNING_KEY`; its public
 *                                           half is given to every receiver
 *                                           (INTAKE_WORKER_PUBLIC_KEYS)
 *
 * Both files are created with 'wx' and mode 0600 at creation, never overwritten.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateSigningKey, importSigningKey, receiverAuth, type ReceiverAuth } from '../../protocol/push-auth.ts';
import { INTAKE_COMMAND } from './command-name.ts';
import { writeNewSecretFile } from './keys/owner-only-files.ts';

export const RECEIPT_KEY_FILE = 'receipt.private.jwk.json';

/** The public half (base64url raw) of an Ed25519 private JWK. */
export async function publicKeyOf(jwk: JsonWebKey): Promise<string> {
  await importSigningKey(jwk); // throws if it is not one
  return jwk.x!;
}

/** Writes a new Ed25519 private key to `file` (refuses to overwrite); returns its public key. */
export async function writeSigningKeyFile(file: string): Promise<string> {
  const pair = await generateSigningKey();
  await writeNewSecretFile(file, `${JSON.stringify(pair.privateJwk)}\n`);
  return pair.publicKey;
}

/** The receiver's receipt key in `dir`, made on first use; returns its public key. */
export async function ensureReceiptKey(dir: string): Promise<string> {
  const file = join(dir, RECEIPT_KEY_FILE);
  try {
    return await publicKeyOf(JSON.parse(await readFile(file, 'utf8')) as JsonWebKey);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is not an Ed25519 private key`, { cause: error });
  }
  return writeSigningKeyFile(file);
}

/** Reads the receiver's receipt key from `dir`; throws with what to do when it is missing. */
export async function loadReceiverAuth(dir: string, recipient: string, workerPublicKeys: readonly string[]): Promise<ReceiverAuth> {
  const file = join(dir, RECEIPT_KEY_FILE);
  let jwk: string;
  try {
    jwk = await readFile(file, 'utf8');
  } catch {
    throw new Error(`no receipt key in ${file}: run "${INTAKE_COMMAND} receipt-key --dir ${dir}" and publish its public key`);
  }
  return receiverAuth(recipient, workerPublicKeys, jwk);
}

export { parsePublicKeyList } from './keys/public-key-list.ts';
