/**
 * Development intake: one recipient key pair, made once, in the git-ignored
 * `.dev-intake/` folder, so `npm start` can encrypt in the browser, queue,
 * push to the local receiver and decrypt, all on this machine.
 *
 *   .dev-intake/keys/<kid>.private.jwk.json   private key (0600), never committed
 *   .dev-intake/receipt.private.jwk.json       the receiver's receipt key (0600)
 *   .dev-intake/worker-signing.private.jwk.json
 *                                              the development Worker's push signing key (0600)
 *   .dev-intake/recipients.json                same shape as content/intake/recipients.json:
 *                                              recipient "stockholm", push to
 *                                              http://127.0.0.1:8788/push with the receipt key
 *
 * Build with UTVAG_RECIPIENTS=.dev-intake/recipients.json; give the Worker
 * INTAKE_PUSH_ROUTES = pushRoutes and INTAKE_PUSH_SIGNING_KEY =
 * workerSigningKey (e.g. in an env file), and run `intake serve --dir
 * .dev-intake --recipient stockholm` with INTAKE_WORKER_PUBLIC_KEYS =
 * workerPublicKey.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { base64urlEncode, publicKeyFromPrivateJwk } from '../contact/envelope.ts';
import { REGIONAL_DEFAULT_RECIPIENT } from '../contact/key-set.ts';
import { prepareIntakeDir } from '../intake/inbox.ts';
import { dayAfter, generateKey, loadPrivateKeys } from '../intake/keygen.ts';
import { buildPushRoutes, type PushRoute, type RecipientsConfig } from '../intake/recipients.ts';
import { ensureReceiptKey, publicKeyOf, writeSigningKeyFile } from '../intake/push-keys.ts';

export const DEV_PUSH_URL = 'http://127.0.0.1:8788/push';

export interface DevIntake {
  dir: string;
  recipientsFile: string;
  /** The recipient id this intake is ("stockholm"). */
  recipient: string;
  /** The development Worker's push signing key, JWK text (INTAKE_PUSH_SIGNING_KEY). */
  workerSigningKey: string;
  /** Its public key (INTAKE_WORKER_PUBLIC_KEYS for the receiver). */
  workerPublicKey: string;
  /** The receiver's receipt public key (push.receiptPublicKey). */
  receiptPublicKey: string;
  pushUrl: string;
  /** kid → route, the Worker's INTAKE_PUSH_ROUTES (as an object; JSON.stringify it). */
  pushRoutes: Record<string, PushRoute>;
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
  const signingFile = join(dir, 'worker-signing.private.jwk.json');

  let keys = await loadPrivateKeys(dir);
  if (keys.length === 0) {
    await generateKey(dir, dayAfter(3650));
    keys = await loadPrivateKeys(dir);
  }
  const receiptPublicKey = await ensureReceiptKey(dir);
  if ((await readIfPresent(signingFile)) === null) await writeSigningKeyFile(signingFile);
  const workerSigningKey = (await readFile(signingFile, 'utf8')).trim();
  const workerPublicKey = await publicKeyOf(JSON.parse(workerSigningKey) as JsonWebKey);

  // Made once; made again when it predates push receipts (no receiptPublicKey yet).
  const existing = await readIfPresent(recipientsFile);
  if (existing === null || !existing.includes(receiptPublicKey)) {
    const keyFiles = await Promise.all(
      keys.map(async (key) => {
        const jwk = JSON.parse((await readFile(join(dir, 'keys', `${key.kid}.private.jwk.json`), 'utf8'))) as Parameters<typeof publicKeyFromPrivateJwk>[0] & { notAfter: string };
        return { publicKey: base64urlEncode(publicKeyFromPrivateJwk(jwk)), notAfter: jwk.notAfter };
      }),
    );
    const config: RecipientsConfig = {
      v: 1,
      about: 'Development only: made by src/dev/dev-keys.ts. The private keys are next to this file.',
      recipients: [{ id: REGIONAL_DEFAULT_RECIPIENT, name: 'Development intake', keys: keyFiles, push: { url: DEV_PUSH_URL, receiptPublicKey } }],
    };
    if (existing !== null) await rm(recipientsFile);
    await writeNew(recipientsFile, `${JSON.stringify(config, null, 2)}\n`);
  }
  return {
    dir,
    recipientsFile,
    recipient: REGIONAL_DEFAULT_RECIPIENT,
    workerSigningKey,
    workerPublicKey,
    receiptPublicKey,
    pushUrl: DEV_PUSH_URL,
    pushRoutes: await buildPushRoutes(recipientsFile),
  };
}
