/**
 * Development intake: one recipient key pair, made once, in the git-ignored
 * `.dev-intake/` folder, so `npm start` can encrypt in the browser, queue,
 * push to the local receiver and decrypt, all on this machine.
 *
 *   .dev-intake/keys/<kid>.private.jwk.json   private key (0600), never committed
 *   .dev-intake/recipients.json                same shape as content/intake/recipients.json:
 *                                              recipient "stockholm" (the regional default),
 *                                              push to http://127.0.0.1:8788/push
 *   .dev-intake/push-secret                    the development push secret (0600)
 *
 * Build with UTVAG_RECIPIENTS=.dev-intake/recipients.json; give the Worker
 * INTAKE_PUSH_ROUTES = pushRoutes and INTAKE_PUSH_SECRET = pushSecret
 * (e.g. in .dev.vars). The receiver and team inbox run in .dev-intake/intake/
 * with these keys wrapped by a development passphrase (see dev-store.ts);
 * the plain key here is the development fixture the tests decrypt with.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { base64urlEncode, publicKeyFromPrivateJwk } from '../contact/envelope.ts';
import { REGIONAL_DEFAULT_RECIPIENT } from '../contact/key-set.ts';
import { prepareIntakeDir } from '../intake/inbox.ts';
import { dayAfter, generateKey, loadPrivateKeys } from '../intake/keygen.ts';
import { buildPushRoutes, type RecipientsConfig } from '../intake/recipients.ts';

export const DEV_PUSH_URL = 'http://127.0.0.1:8788/push';

export interface DevIntake {
  dir: string;
  recipientsFile: string;
  pushSecret: string;
  pushUrl: string;
  /** kid → push URL, the Worker's INTAKE_PUSH_ROUTES (as an object; JSON.stringify it). */
  pushRoutes: Record<string, string>;
}

async function writeNew(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Makes the development intake once; later calls reuse it unchanged. */
export async function ensureDevIntake(dir = '.dev-intake'): Promise<DevIntake> {
  await prepareIntakeDir(dir);
  const recipientsFile = join(dir, 'recipients.json');
  const secretFile = join(dir, 'push-secret');

  let keys = await loadPrivateKeys(dir);
  if (keys.length === 0) {
    await generateKey(dir, dayAfter(3650));
    keys = await loadPrivateKeys(dir);
  }
  if ((await readIfPresent(recipientsFile)) === null) {
    const keyFiles = await Promise.all(
      keys.map(async (key) => {
        const jwk = JSON.parse((await readFile(join(dir, 'keys', `${key.kid}.private.jwk.json`), 'utf8'))) as Parameters<typeof publicKeyFromPrivateJwk>[0] & { notAfter: string };
        return { publicKey: base64urlEncode(publicKeyFromPrivateJwk(jwk)), notAfter: jwk.notAfter };
      }),
    );
    const config: RecipientsConfig = {
      v: 1,
      about: 'Development only: made by src/dev/dev-keys.ts. The private key is in keys/ next to this file.',
      recipients: [{ id: REGIONAL_DEFAULT_RECIPIENT, name: 'Development intake', keys: keyFiles, push: { url: DEV_PUSH_URL } }],
    };
    await writeNew(recipientsFile, `${JSON.stringify(config, null, 2)}\n`);
  }
  let pushSecret = (await readIfPresent(secretFile))?.trim();
  if (!pushSecret) {
    pushSecret = base64urlEncode(randomBytes(32));
    await writeNew(secretFile, `${pushSecret}\n`);
  }
  return { dir, recipientsFile, pushSecret, pushUrl: DEV_PUSH_URL, pushRoutes: await buildPushRoutes(recipientsFile) };
}
