import { chmod, copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDevIntake, IDENTITY_KEY_FILE, type DevIntake } from './dev-keys.ts';
import { ensurePrivateDir } from '../../intake/src/key-vault.ts';

/** Where the test suite's own development intake lives (keys, inbox), apart from `npm start`'s. */
export const testIntakeDir = '.dev-intake-test';

/** The test intake receiver's port, paired with the site's so parallel runs do not collide. */
export function testIntakePortFor(sitePort: number): number {
  return sitePort + 1000;
}

/**
 * A fresh intake folder holding a copy of the test intake's private keys
 * and identity key (the identity dist/ is built with, which signs the keys'
 * statement) and a push secret of its own, so a test's
 * inbox never mixes with another's.
 */
export async function copyTestIntake(dir: string): Promise<DevIntake> {
  await ensureDevIntake(testIntakeDir);
  await ensurePrivateDir(dir);
  await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });
  for (const name of await readdir(join(testIntakeDir, 'keys'))) {
    const copy = join(dir, 'keys', name);
    await copyFile(join(testIntakeDir, 'keys', name), copy);
    await chmod(copy, 0o600);
  }
  await copyFile(join(testIntakeDir, IDENTITY_KEY_FILE), join(dir, IDENTITY_KEY_FILE));
  await chmod(join(dir, IDENTITY_KEY_FILE), 0o600);
  return ensureDevIntake(dir);
}
