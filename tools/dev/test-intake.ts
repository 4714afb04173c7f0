import { chmod, copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDevIntake, HOSTED_DEV_FOLDER, IDENTITY_KEY_FILE, type DevIntake } from './dev-keys.ts';
import { ensurePrivateDir } from '../../intake/src/key-vault.ts';

/** Where the test suite's own development intake lives (keys, inbox), apart from `npm start`'s. */
export const testIntakeDir = '.dev-intake-test';

/** The test intake receiver's port, paired with the site's so parallel runs do not collide. */
export function testIntakePortFor(sitePort: number): number {
  return sitePort + 1000;
}

/**
 * A fresh intake folder holding a copy of the test intake's private keys
 * and identity keys (the identities dist/ is built with, which sign the
 * keys' statements), the hosted development recipient's too, and a push
 * secret of its own, so a test's inbox never mixes with another's.
 */
export async function copyTestIntake(dir: string): Promise<DevIntake> {
  await ensureDevIntake(testIntakeDir);
  for (const sub of ['', HOSTED_DEV_FOLDER]) await copyKeysAndIdentity(join(testIntakeDir, sub), join(dir, sub));
  return ensureDevIntake(dir);
}

/** `from`'s plain keys (keys/) and identity key into `to`, owner-only. */
async function copyKeysAndIdentity(from: string, to: string): Promise<void> {
  await ensurePrivateDir(to);
  await mkdir(join(to, 'keys'), { recursive: true, mode: 0o700 });
  for (const name of await readdir(join(from, 'keys'))) {
    const copy = join(to, 'keys', name);
    await copyFile(join(from, 'keys', name), copy);
    await chmod(copy, 0o600);
  }
  await copyFile(join(from, IDENTITY_KEY_FILE), join(to, IDENTITY_KEY_FILE));
  await chmod(join(to, IDENTITY_KEY_FILE), 0o600);
}
