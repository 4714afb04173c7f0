/**
 * Development and test tooling only: recipient key pairs kept as PLAIN
 * private key files (`<dir>/keys/<kid>.private.jwk.json`, 0600 in a 0700
 * folder). `intake serve` refuses such files (a municipality's keys are
 * wrapped with its passphrase, see intake/src/key-vault.ts, and `intake
 * keys protect` wraps old ones). The development intake keeps one as the
 * fixture that tests and the fuzzer decrypt with.
 */
import { open, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { importPrivateKey, type RecipientPrivateKey } from '../../protocol/envelope-open.ts';
import { ensurePrivateDir, KEYS_FOLDER, listPlainKeyFiles, PLAIN_KEY_SUFFIX as PRIVATE_SUFFIX } from '../../intake/src/key-vault.ts';

export interface GeneratedKey {
  kid: string;
  publicKey: string;
  notAfter: string;
  privateKeyFile: string;
}

/** Creates `dir/keys/<kid>.private.jwk.json` (0600); refuses to overwrite anything. */
export async function generateKey(dir: string, notAfter: string): Promise<GeneratedKey> {
  const keysDir = join(dir, KEYS_FOLDER);
  await ensurePrivateDir(dir);
  await ensurePrivateDir(keysDir);
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
  const keys: RecipientPrivateKey[] = [];
  for (const file of (await listPlainKeyFiles(dir)).sort()) {
    const { kid: _kid, notAfter: _notAfter, ...jwk } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const key = await importPrivateKey(jwk);
    if (basename(file) !== `${key.kid}${PRIVATE_SUFFIX}`) throw new Error(`${file}: the file name does not match the key's kid ${key.kid}`);
    keys.push(key);
  }
  return keys;
}
