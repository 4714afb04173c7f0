/**
 * Owner-only files and folders for secrets (wrapped keys, the store secret,
 * push keys, the development passphrase): one place that creates them, so
 * every secret file is made the same way.
 */
import { chmod, mkdir, open } from 'node:fs/promises';

/**
 * Writes a new secret file: created with 'wx' (never overwrites, fails with
 * EEXIST) and mode 0600 at creation, so it is never readable by others even
 * for a moment; synced to disk before it is closed.
 */
export async function writeNewSecretFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a folder, so a file just created or renamed in it survives a crash. */
export async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Creates `dir` if needed and makes it owner-only (0700), as every intake folder is. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}
