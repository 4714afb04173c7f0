/**
 * Development intake: one recipient key pair, made once, in the git-ignored
 * `.dev-intake/` folder, so `npm start` can encrypt in the browser, queue,
 * push to the local receiver and decrypt, all on this machine.
 *
 *   .dev-intake/keys/<kid>.private.jwk.json   private key (0600), never committed
 *   .dev-intake/recipients.json                same shape as content/intake/recipients.json:
 *                                              one DEVELOPMENT recipient serving stockholm,
 *                                              with Stockholm city's promise from facts.md,
 *                                              push to http://127.0.0.1:8788/push
 *   .dev-intake/push-secret                    the development push secret (0600)
 *
 * Build with UTVAG_RECIPIENTS=.dev-intake/recipients.json; give the Worker
 * INTAKE_PUSH_ROUTES = pushRoutes and INTAKE_PUSH_SECRET = pushSecret
 * (e.g. in .dev.vars), and run `intake serve --dir .dev-intake` with the
 * same INTAKE_PUSH_SECRET.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { base64urlEncode, publicKeyFromPrivateJwk } from '../contact/envelope.ts';
import { socialAdviceLine } from '../i18n/help-numbers.ts';
import { prepareIntakeDir } from '../intake/inbox.ts';
import { dayAfter, generateKey, loadPrivateKeys } from '../intake/keygen.ts';
import { buildPushRoutes, type Recipient, type RecipientsConfig } from '../intake/recipients.ts';

export const DEV_PUSH_URL = 'http://127.0.0.1:8788/push';

/**
 * The development recipient, apart from its keys and push URL: a test
 * intake on this machine, marked as development, serving Stockholm with
 * Stockholm city's own promise (shared/facts.md part 1: first contact within
 * 24 hours, day and night, Stockholm city 2024; its line 08-508 25 600).
 * The site says on every page that names it that it is for development.
 */
export const DEV_RECIPIENT: Omit<Recipient, 'keys' | 'push'> = {
  id: 'stockholm-development',
  name: 'Development intake (this machine), serving Stockholm',
  development: true,
  serves: ['stockholm'],
  promise: {
    firstContactWithinHours: 24,
    hours: 'around-the-clock',
    madeBy: {
      sv: 'Stockholms stad',
      en: 'Stockholm city',
      ar: 'مدينة ستوكهولم',
      fa: 'شهر استکهلم',
      so: 'Magaalada Stockholm',
      ti: 'ከተማ ስቶክሆልም',
    },
    since: '2024',
    source: { name: 'Stockholms stad', year: 2024 },
  },
  phone: { display: socialAdviceLine.display, tel: socialAdviceLine.tel },
};

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
  {
    // Written every time (it is derived from the keys), so an older file
    // never lacks what the current schema asks for.
    const keyFiles = await Promise.all(
      keys.map(async (key) => {
        const jwk = JSON.parse((await readFile(join(dir, 'keys', `${key.kid}.private.jwk.json`), 'utf8'))) as Parameters<typeof publicKeyFromPrivateJwk>[0] & { notAfter: string };
        return { publicKey: base64urlEncode(publicKeyFromPrivateJwk(jwk)), notAfter: jwk.notAfter };
      }),
    );
    const config: RecipientsConfig = {
      v: 1,
      about: 'Development only: made by src/dev/dev-keys.ts. The private key is in keys/ next to this file.',
      recipients: [{ ...DEV_RECIPIENT, keys: keyFiles, push: { url: DEV_PUSH_URL } }],
    };
    await writeFile(recipientsFile, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  }
  let pushSecret = (await readIfPresent(secretFile))?.trim();
  if (!pushSecret) {
    pushSecret = base64urlEncode(randomBytes(32));
    await writeNew(secretFile, `${pushSecret}\n`);
  }
  return { dir, recipientsFile, pushSecret, pushUrl: DEV_PUSH_URL, pushRoutes: await buildPushRoutes(recipientsFile) };
}
