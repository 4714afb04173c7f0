/**
 * Development intake: one recipient key pair, made once, in the git-ignored
 * `.dev-intake/` folder, so `npm start` can encrypt in the browser, queue,
 * push to the local receiver and decrypt, all on this machine.
 *
 *   .dev-intake/keys/<kid>.private.jwk.json   private key (0600), never committed
 *   .dev-intake/receipt.private.jwk.json       the receiver's receipt key (0600)
 *   .dev-intake/worker-signing.private.jwk.json
 *                                              the development Worker's push signing key (0600)
 *   .dev-intake/identity.private.jwk.json      the recipient's identity key (ECDSA P-256,
 *                                              key-statement.ts), boxed in the inbox's vault too
 *                                              (dev-store.ts), where it signs the statement the
 *                                              local Worker serves; public development material
 *   .dev-intake/hosted/keys/<kid>.private.jwk.json, .dev-intake/hosted/identity.private.jwk.json
 *                                              the same two for the second development
 *                                              recipient, hosted-development, whose inbox is
 *                                              HOSTED in the Worker (a Durable Object, issue 20);
 *                                              `npm start` boxes both in its vault and publishes
 *                                              the statement of its key (local-system.ts)
 *   .dev-intake/recipients.json                same shape as content/intake/recipients.json:
 *                                              two DEVELOPMENT recipients, each with its identity
 *                                              fingerprint pinned (no static keys): one serving
 *                                              stockholm, with Stockholm city's promise from
 *                                              facts.md, push to http://127.0.0.1:8789/push with
 *                                              the receipt key; one hosted, serving solna, with
 *                                              no promise (facts.md gives none) and no phone
 *   .dev-intake/intake-recipients.json         the same recipient with its keys listed, for
 *                                              the self-hosted intake (which finds a request's
 *                                              recipient by kid) and the Worker's push routes,
 *                                              until the inbox keeps its own keys and statements
 *
 * Build with UTVAG_RECIPIENTS=.dev-intake/recipients.json; give the Worker
 * INTAKE_PUSH_ROUTES = pushRoutes and INTAKE_PUSH_SIGNING_KEY =
 * workerSigningKey (e.g. in an env file), and run `intake serve --dir
 * .dev-intake --recipient stockholm-development` with INTAKE_WORKER_PUBLIC_KEYS =
 * workerPublicKey.
 * The receiver and team inbox run in .dev-intake/intake/ with these keys
 * wrapped by a development passphrase (see dev-store.ts); the plain key here
 * is the development fixture the tests decrypt with.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { base64urlEncode, publicKeyFromPrivateJwk, type PrivateKeyJwk } from '../../protocol/envelope.ts';
import type { IdentityJwk } from '../../intake/src/team-vault/identity-key.ts';
import type { ProvisionedKey } from './dev-vault.ts';
import { socialAdviceLine } from '../../protocol/phone-numbers.ts';
import { dayAfter, ensurePrivateDir } from '../../intake/src/key-vault.ts';
import { generateKey, loadPrivateKeys } from './plain-keys.ts';
import { buildPushRoutes } from '../../intake/src/recipients.ts';
import type { PushRoute, Recipient, RecipientPromise, RecipientsConfig } from '../../protocol/recipients.ts';
import {
  exportIdentityKey,
  generateIdentityKey,
  identityFingerprint,
  publishKeyStatement,
  signKeyStatement,
  type KeyStatement,
  type StatementKey,
} from '../../protocol/key-statement.ts';
import { writeNewSecretFile } from '../../intake/src/keys/owner-only-files.ts';
import { ensureReceiptKey, publicKeyOf, writeSigningKeyFile } from '../../intake/src/push-keys.ts';

export const DEV_PUSH_URL = 'http://127.0.0.1:8789/push';

/**
 * The development recipient, apart from its keys and push URL: a test
 * intake on this machine, marked as development, serving Stockholm with
 * Stockholm city's own promise (shared/facts.md part 1: first contact within
 * 24 hours, day and night, Stockholm city 2024; its line 08-508 25 600).
 * The site says on every page that names it that it is for development.
 */
export const DEV_RECIPIENT: Omit<Recipient, 'keys' | 'push' | 'identity'> & { promise: RecipientPromise } = {
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

/**
 * The second development recipient: its team inbox is HOSTED in the
 * Worker, one Durable Object (issue 20), so a newcomer sees both homes of
 * the inbox and can send to each from the form. It serves Solna (no unit
 * of the help directory there, so nothing on Solna's page contradicts it),
 * is marked development wherever the site names it, and has made NO
 * promise: shared/facts.md gives one for Stockholm city only, so the site
 * says that it has promised nothing about when it answers. No phone.
 */
export const HOSTED_DEV_RECIPIENT = {
  id: 'hosted-development',
  name: 'Development inbox hosted in the Worker (this machine), serving Solna',
  development: true,
  serves: ['solna'],
  hosted: true,
} as const satisfies Omit<Recipient, 'keys' | 'identity'>;

/** The hosted development recipient's folder inside a development folder: its key and identity key. */
export const HOSTED_DEV_FOLDER = 'hosted';

/** The hosted development recipient: its key and identity key, for its vault (provisioned over the Worker's development door). */
export interface HostedDevIntake {
  recipient: string;
  /** The identity fingerprint pinned in recipients.json. */
  identity: string;
  /** Its identity key as a private JWK, for boxing in its vault. */
  identityJwk: IdentityJwk;
  /** Its recipient keys, for its vault. */
  keys: ProvisionedKey[];
  /** A statement of its keys signed by its identity key, issued now (or at `issued`). */
  keyStatement: (issued?: Date) => Promise<KeyStatement>;
}

export interface DevIntake {
  dir: string;
  /** For the site build: the recipient with its identity pinned and no keys. */
  recipientsFile: string;
  /** For the self-hosted intake and push routes: the recipient with its keys. */
  intakeRecipientsFile: string;
  /** The identity fingerprint pinned in recipientsFile. */
  identity: string;
  /** A statement signed by the identity key: of the current keys (or `keys`), issued now (or at `issued`). */
  keyStatement: (issued?: Date, keys?: StatementKey[]) => Promise<KeyStatement>;
  /** The recipient id this intake is ("stockholm-development"). */
  recipient: string;
  /** The second development recipient, hosted in the Worker. */
  hosted: HostedDevIntake;
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

async function readIfPresent(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Makes the development intake once; later calls reuse it unchanged. */
export async function ensureDevIntake(dir = '.dev-intake'): Promise<DevIntake> {
  await ensurePrivateDir(dir);
  const recipientsFile = join(dir, 'recipients.json');
  const intakeRecipientsFile = join(dir, 'intake-recipients.json');
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
  const identityPrivate = await ensureIdentityKey(join(dir, IDENTITY_KEY_FILE));
  const identityKey = await identityPublicKey(identityPrivate);
  const identity = await identityFingerprint(identityKey);
  const hosted = await ensureHostedDevIntake(join(dir, HOSTED_DEV_FOLDER));
  let keyFiles: StatementKey[];
  {
    // Written every time (it is derived from the keys), so an older file
    // never lacks what the current schema asks for.
    keyFiles = await Promise.all(
      keys.map(async (key) => {
        const jwk = JSON.parse(await readFile(join(dir, 'keys', `${key.kid}.private.jwk.json`), 'utf8')) as Parameters<
          typeof publicKeyFromPrivateJwk
        >[0] & { notAfter: string };
        return { publicKey: base64urlEncode(publicKeyFromPrivateJwk(jwk)), notAfter: jwk.notAfter };
      }),
    );
    const about = 'Development only: made by tools/dev/dev-keys.ts. The private keys are next to this file.';
    const push = { url: DEV_PUSH_URL, receiptPublicKey };
    const site: RecipientsConfig = {
      v: 1,
      about,
      recipients: [
        { ...DEV_RECIPIENT, identity, keys: [], push },
        { ...HOSTED_DEV_RECIPIENT, serves: [...HOSTED_DEV_RECIPIENT.serves], identity: hosted.identity, keys: [] },
      ],
    };
    const intake: RecipientsConfig = { v: 1, about, recipients: [{ ...DEV_RECIPIENT, keys: keyFiles, push }] };
    await writeFile(recipientsFile, `${recipientsText(site)}\n`, { mode: 0o600 });
    await writeFile(intakeRecipientsFile, `${JSON.stringify(intake, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    dir,
    recipientsFile,
    intakeRecipientsFile,
    identity,
    keyStatement: async (issued = new Date(), keys = keyFiles) =>
      signKeyStatement({ v: 1, recipient: DEV_RECIPIENT.id, identityKey, issued: issued.toISOString(), keys }, identityPrivate),
    recipient: DEV_RECIPIENT.id,
    hosted,
    workerSigningKey,
    workerPublicKey,
    receiptPublicKey,
    pushUrl: DEV_PUSH_URL,
    pushRoutes: await buildPushRoutes(intakeRecipientsFile),
  };
}

/**
 * PUTs the development recipient's statement, signed with the identity
 * key in its inbox's vault (dev-store.ts), to a local Worker, so its
 * /intake-keys.json serves its keys at once; the inbox publishes the same
 * statement itself when it runs with the site's address. A Worker that
 * holds it already, or a newer one (a key made in the inbox), keeps it.
 */
export async function publishDevKeyStatement(siteUrl: string, statement: KeyStatement): Promise<void> {
  const answer = await publishKeyStatement(siteUrl, statement);
  if (!answer.ok && answer.error !== 'stale_statement')
    throw new Error(`The Worker refused the development key statement: ${answer.status} ${answer.error}`);
}

/** The hosted development recipient's key and identity key, made once in `dir`. */
async function ensureHostedDevIntake(dir: string): Promise<HostedDevIntake> {
  await ensurePrivateDir(dir);
  if ((await loadPrivateKeys(dir)).length === 0) await generateKey(dir, dayAfter(3650));
  const keys = await readProvisionedKeys(dir);
  const identityPrivate = await ensureIdentityKey(join(dir, IDENTITY_KEY_FILE));
  const identityKey = await identityPublicKey(identityPrivate);
  const statementKeys = keys.map(({ publicKey, notAfter }) => ({ publicKey, notAfter }));
  return {
    recipient: HOSTED_DEV_RECIPIENT.id,
    identity: await identityFingerprint(identityKey),
    identityJwk: JSON.parse(await readFile(join(dir, IDENTITY_KEY_FILE), 'utf8')) as IdentityJwk,
    keys,
    keyStatement: async (issued = new Date()) =>
      signKeyStatement(
        { v: 1, recipient: HOSTED_DEV_RECIPIENT.id, identityKey, issued: issued.toISOString(), keys: statementKeys },
        identityPrivate,
      ),
  };
}

/** The plain private keys of a development folder (`<dir>/keys/`), as a development vault takes them. */
export async function readProvisionedKeys(dir: string): Promise<ProvisionedKey[]> {
  const keys: ProvisionedKey[] = [];
  for (const name of (await readdir(join(dir, 'keys'))).filter((n) => n.endsWith('.private.jwk.json')).sort()) {
    const { kid, notAfter, ...jwk } = JSON.parse(await readFile(join(dir, 'keys', name), 'utf8')) as Record<string, string>;
    if (!kid) continue;
    const privateJwk = jwk as unknown as PrivateKeyJwk;
    keys.push({ kid, notAfter: notAfter ?? '2099-12-31', privateJwk, publicKey: base64urlEncode(publicKeyFromPrivateJwk(privateJwk)) });
  }
  return keys;
}

/** The identity key's file in a development folder. */
export const IDENTITY_KEY_FILE = 'identity.private.jwk.json';

/** The recipients file as written: no empty `keys` for a recipient with an identity. */
function recipientsText(config: RecipientsConfig): string {
  const recipients = config.recipients.map(({ keys, ...rest }) =>
    rest.identity !== undefined && keys.length === 0 ? rest : { ...rest, keys },
  );
  return JSON.stringify({ ...config, recipients }, null, 2);
}

/** The development identity key (made once): the private JWK's key, for signing. */
async function ensureIdentityKey(file: string): Promise<CryptoKey> {
  let text = await readIfPresent(file);
  if (text === null) {
    const pair = await generateIdentityKey();
    text = JSON.stringify(await crypto.subtle.exportKey('jwk', pair.privateKey));
    await writeNewSecretFile(file, text);
  }
  return crypto.subtle.importKey('jwk', JSON.parse(text) as JsonWebKey, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
}

/** The raw public point of a private identity key (from its JWK's x and y). */
async function identityPublicKey(privateKey: CryptoKey): Promise<string> {
  const jwk = await crypto.subtle.exportKey('jwk', privateKey);
  const publicJwk: JsonWebKey = { kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
  const publicKey = await crypto.subtle.importKey('jwk', publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  return exportIdentityKey(publicKey);
}
