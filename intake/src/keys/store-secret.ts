/**
 * The store secret (issue 19): 32 random bytes in `<dir>/keys/store-secret.key`,
 * plain (base64url), owner-only (0600), made on the first start. It keys
 * the HMAC tags of rows from before issue 19, seals staff names (N14) and
 * derives the audit checkpoint key; it opens no request, note or reply, so
 * the running server needs no passphrase. A store made before issue 19 has
 * only the passphrase-wrapped one (`store-secret.wrapped.json`): `intake
 * move-keys` moves it (and everything it sealed) into the new model.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { INTAKE_COMMAND } from '../command-name.ts';
import { ensurePrivateDir, fsyncDir, writeNewSecretFile } from './owner-only-files.ts';

export const STORE_SECRET_KEY_FILE = 'store-secret.key';
/** The passphrase-wrapped store secret of a store made before issue 19. */
export const WRAPPED_STORE_SECRET_FILE = 'store-secret.wrapped.json';

export class StoreSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreSecretError';
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Reads the store secret, making it on the first start; refuses a file others can read. */
export async function loadStoreSecret(dir: string): Promise<Buffer> {
  const keysDir = join(dir, 'keys');
  const path = join(keysDir, STORE_SECRET_KEY_FILE);
  if (!(await exists(path))) {
    if (await exists(join(keysDir, WRAPPED_STORE_SECRET_FILE))) {
      throw new StoreSecretError(
        `This intake's keys are still wrapped with a passphrase: run "${INTAKE_COMMAND} move-keys --dir ${dir}" now: it lets the intake start; run it again after the first administrator has set up the team vault in the inbox.`,
      );
    }
    await ensurePrivateDir(dir);
    await ensurePrivateDir(keysDir);
    await writeNewSecretFile(path, `${randomBytes(32).toString('base64url')}\n`);
    await fsyncDir(keysDir);
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0)
    throw new StoreSecretError(`${path} can be read by other users (mode ${(info.mode & 0o777).toString(8)}). Run: chmod 600 ${path}`);
  if (typeof process.getuid === 'function' && info.uid !== process.getuid())
    throw new StoreSecretError(`${path} belongs to another user (uid ${info.uid}). Refusing to use it.`);
  const secret = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  if (secret.length !== 32) throw new StoreSecretError(`${path} is damaged (not 32 bytes). Restore it from your backup.`);
  return secret;
}
