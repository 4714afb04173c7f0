/**
 * Makes a recipient key pair inside the municipality. The private key is
 * written owner-only (0600, in a 0700 folder) and never leaves the
 * machine; what is printed is the public half to add to recipients.json.
 */
import { chmod, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateRecipientKeyPair, importPrivateKey, type RecipientPrivateKey } from '../../protocol/envelope.ts';

export const KEYS_FOLDER = 'keys';
const PRIVATE_SUFFIX = '.private.jwk.json';

export interface GeneratedKey {
  kid: string;
  publicKey: string;
  notAfter: string;
  privateKeyFile: string;
}

/** A day `days` after `from`, YYYY-MM-DD (UTC). */
export function dayAfter(days: number, from: Date = new Date()): string {
  return new Date(from.getTime() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** Creates `dir/keys/<kid>.private.jwk.json` (0600); refuses to overwrite anything. */
export async function generateKey(dir: string, notAfter: string): Promise<GeneratedKey> {
  const keysDir = join(dir, KEYS_FOLDER);
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await chmod(keysDir, 0o700);
  const pair = await generateRecipientKeyPair();
  const privateKeyFile = join(keysDir, `${pair.kid}${PRIVATE_SUFFIX}`);
  // 'wx': fail rather than overwrite; mode applies at creation, before any byte is written.
  const handle = await open(privateKeyFile, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ ...pair.privateJwk, kid: pair.kid, notAfter }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const dirHandle = await open(keysDir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
  return { kid: pair.kid, publicKey: pair.publicKey, notAfter, privateKeyFile };
}

/** Every private key in `dir/keys`, imported and checked (file name must match the key's kid). */
export async function loadPrivateKeys(dir: string): Promise<RecipientPrivateKey[]> {
  const keysDir = join(dir, KEYS_FOLDER);
  let names: string[];
  try {
    names = await readdir(keysDir);
  } catch {
    return [];
  }
  const keys: RecipientPrivateKey[] = [];
  for (const name of names.filter((n) => n.endsWith(PRIVATE_SUFFIX)).sort()) {
    const file = join(keysDir, name);
    const { kid: _kid, notAfter: _notAfter, ...jwk } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const key = await importPrivateKey(jwk);
    if (name !== `${key.kid}${PRIVATE_SUFFIX}`) throw new Error(`${file}: the file name does not match the key's kid ${key.kid}`);
    keys.push(key);
  }
  return keys;
}
