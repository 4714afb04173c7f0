/**
 * The intake's secrets at rest: every private key and the store secret are
 * kept only wrapped with the operator's passphrase, so a stolen disk or
 * backup without the passphrase opens nothing.
 *
 *   <dir>/keys/<kid>.private.wrapped.json   one recipient private key (P-256 JWK)
 *   <dir>/keys/store-secret.wrapped.json    32 random bytes: HMAC of ids and receipt
 *                                           codes (look-ups without plaintext) and the
 *                                           key that encrypts internal notes
 *
 * Wrapping: scrypt(passphrase, salt; N=2^17, r=8, p=1) → 32-byte key →
 * AES-256-GCM over the secret, with the file's kind and kid as additional
 * data (a file cannot be renamed into another's role). node:crypto's scrypt
 * is used because it is built in and needs no native add-on; parameters
 * are stored in each file so they can be raised later.
 *
 * Like OpenSSH, a key file that its group or others can read, or that
 * someone else owns, is refused.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import {
  base64urlDecode,
  base64urlEncode,
  generateRecipientKeyPair,
  publicKeyFromPrivateJwk,
  type PrivateKeyJwk,
} from '../../protocol/envelope.ts';
import { importPrivateKey, type RecipientPrivateKey } from '../../protocol/envelope-open.ts';
import { INTAKE_COMMAND } from './command-name.ts';
import { ensurePrivateDir, fsyncDir, writeNewSecretFile } from './keys/owner-only-files.ts';

// Kept here too: the CLI and the dev tools import it with the vault's other helpers.
export { ensurePrivateDir };

export const KEYS_FOLDER = 'keys';
export const WRAPPED_KEY_SUFFIX = '.private.wrapped.json';
export const STORE_SECRET_FILE = 'store-secret.wrapped.json';
/** The old, unprotected key files (before version 2): refused by serve, wrapped by `keys protect`. */
export const PLAIN_KEY_SUFFIX = '.private.jwk.json';
/** Default key lifetime: short, with overlapping rotation (security review M9). */
export const DEFAULT_KEY_DAYS = 90;
/** Shortest passphrase accepted when one is set. */
export const MIN_PASSPHRASE_LENGTH = 12;

/** scrypt cost. N=2^17 with r=8 takes about 128 MiB and a few hundred ms: fine once at start. */
export type ScryptParams = { N: number; r: number; p: number };
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const wrappedFileSchema = z.strictObject({
  v: z.literal(1),
  kind: z.enum(['private-key', 'store-secret']),
  kid: z.string().optional(),
  /** Public half, in clear: anyone may see it (it is in the public key set anyway). */
  publicKey: z.string().optional(),
  notAfter: z.string().optional(),
  createdAt: z.string(),
  kdf: z.strictObject({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: z.string() }),
  iv: z.string(),
  ct: z.string(),
});
export type WrappedFile = z.infer<typeof wrappedFileSchema>;

/** A clear message for the operator; never contains secret material. */
export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

function scrypt(passphrase: string, salt: Uint8Array, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase.normalize('NFC'), salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function aadOf(kind: string, kid: string | undefined): Buffer {
  return Buffer.from(`utvag-intake-vault/v1/${kind}/${kid ?? ''}`);
}

export async function wrapSecret(
  passphrase: string,
  secret: Uint8Array,
  meta: { kind: WrappedFile['kind']; kid?: string; publicKey?: string; notAfter?: string },
  params: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<WrappedFile> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = await scrypt(passphrase, salt, params);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadOf(meta.kind, meta.kid));
  const ct = Buffer.concat([cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
  return {
    v: 1,
    ...meta,
    createdAt: new Date().toISOString(),
    kdf: { name: 'scrypt', ...params, salt: base64urlEncode(salt) },
    iv: base64urlEncode(iv),
    ct: base64urlEncode(ct),
  };
}

/** Throws VaultError('wrong passphrase') when the tag does not verify. */
export async function unwrapSecret(passphrase: string, file: WrappedFile, name: string): Promise<Buffer> {
  const salt = base64urlDecode(file.kdf.salt);
  const iv = base64urlDecode(file.iv);
  const ct = base64urlDecode(file.ct);
  if (!salt || !iv || !ct || ct.length < 17) throw new VaultError(`${name} is damaged (not a wrapped key file)`);
  const key = await scrypt(passphrase, salt, file.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aadOf(file.kind, file.kid));
  decipher.setAuthTag(ct.subarray(ct.length - 16));
  try {
    return Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]);
  } catch {
    throw new VaultError(`The passphrase is wrong: it does not open ${name}. Nothing was changed.`);
  }
}

/** Refuses a secret file readable by group/others or owned by someone else (as OpenSSH does). */
export async function checkPrivateFile(path: string): Promise<void> {
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new VaultError(
      `${path} can be read by other users (mode ${(info.mode & 0o777).toString(8)}). Refusing to use it. Run: chmod 600 ${path}`,
    );
  }
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new VaultError(`${path} belongs to another user (uid ${info.uid}). Refusing to use it.`);
  }
}

async function prepareKeysDir(dir: string): Promise<string> {
  const keysDir = join(dir, KEYS_FOLDER);
  await ensurePrivateDir(dir);
  await ensurePrivateDir(keysDir);
  return keysDir;
}

/** A day `days` after `from`, YYYY-MM-DD (UTC): a key's last day. */
export function dayAfter(days: number, from: Date = new Date()): string {
  return new Date(from.getTime() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

async function readWrapped(path: string): Promise<WrappedFile> {
  await checkPrivateFile(path);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new VaultError(`${path} is damaged (not JSON). Restore it from your backup.`);
  }
  const parsed = wrappedFileSchema.safeParse(raw);
  if (!parsed.success) throw new VaultError(`${path} is damaged (not a wrapped key file). Restore it from your backup.`);
  return parsed.data;
}

export interface KeyInfo {
  kid: string;
  publicKey: string;
  notAfter: string;
  file: string;
}

/** The wrapped keys' public facts (no passphrase needed), newest notAfter last. */
export async function listWrappedKeys(dir: string): Promise<KeyInfo[]> {
  const keysDir = join(dir, KEYS_FOLDER);
  let names: string[];
  try {
    names = await readdir(keysDir);
  } catch {
    return [];
  }
  const keys: KeyInfo[] = [];
  for (const name of names.filter((n) => n.endsWith(WRAPPED_KEY_SUFFIX))) {
    const file = join(keysDir, name);
    const wrapped = await readWrapped(file);
    keys.push({ kid: wrapped.kid ?? '', publicKey: wrapped.publicKey ?? '', notAfter: wrapped.notAfter ?? '', file });
  }
  return keys.sort((a, b) => a.notAfter.localeCompare(b.notAfter));
}

/** Plain (unprotected) key files left from version 1. */
export async function listPlainKeyFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(join(dir, KEYS_FOLDER))).filter((n) => n.endsWith(PLAIN_KEY_SUFFIX)).map((n) => join(dir, KEYS_FOLDER, n));
  } catch {
    return [];
  }
}

/** Makes the store secret once (needs the passphrase, so it is wrapped like the keys). */
export async function ensureStoreSecret(dir: string, passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<void> {
  const keysDir = await prepareKeysDir(dir);
  const path = join(keysDir, STORE_SECRET_FILE);
  try {
    await stat(path);
    return;
  } catch {
    // not there yet
  }
  await writeNewSecretFile(
    path,
    `${JSON.stringify(await wrapSecret(passphrase, randomBytes(32), { kind: 'store-secret' }, params), null, 2)}\n`,
  );
  await fsyncDir(keysDir);
}

/** Wraps a P-256 private JWK into `keys/<kid>.private.wrapped.json`. */
export async function writeWrappedKey(
  dir: string,
  passphrase: string,
  jwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string; d: string },
  notAfter: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<KeyInfo> {
  const keysDir = await prepareKeysDir(dir);
  const key = await importPrivateKey(jwk);
  const publicKey = base64urlEncode(publicKeyFromPrivateJwk(jwk));
  const file = join(keysDir, `${key.kid}${WRAPPED_KEY_SUFFIX}`);
  const wrapped = await wrapSecret(
    passphrase,
    Buffer.from(JSON.stringify(jwk)),
    { kind: 'private-key', kid: key.kid, publicKey, notAfter },
    params,
  );
  await writeNewSecretFile(file, `${JSON.stringify(wrapped, null, 2)}\n`);
  await fsyncDir(keysDir);
  return { kid: key.kid, publicKey, notAfter, file };
}

/** A new key pair, wrapped at once; the private half never touches the disk in clear. */
export async function generateWrappedKey(
  dir: string,
  passphrase: string,
  notAfter: string,
  params: ScryptParams = DEFAULT_SCRYPT,
): Promise<KeyInfo> {
  const pair = await generateRecipientKeyPair();
  await ensureStoreSecret(dir, passphrase, params);
  return writeWrappedKey(dir, passphrase, pair.privateJwk, notAfter, params);
}

export interface UnlockedVault {
  /**
   * Each key opens envelopes (privateKey) and, for the way back (issue 14),
   * seals and signs replies as this recipient (privateJwk, in memory only).
   */
  keys: (RecipientPrivateKey & { notAfter: string; publicKey: string; privateJwk: PrivateKeyJwk })[];
  storeSecret: Buffer;
}

/**
 * Opens every wrapped key and the store secret with the passphrase.
 * Refuses plain key files (version 1) so that nobody runs with a key in
 * the clear by mistake; `keys protect` wraps them.
 */
export async function unlockVault(dir: string, passphrase: string): Promise<UnlockedVault> {
  const plain = await listPlainKeyFiles(dir);
  if (plain.length > 0) {
    throw new VaultError(
      `Unprotected private key file(s) found: ${plain.join(', ')}. Wrap them with a passphrase first: ${INTAKE_COMMAND} keys protect --dir ${dir}`,
    );
  }
  const secretPath = join(dir, KEYS_FOLDER, STORE_SECRET_FILE);
  try {
    await stat(secretPath);
  } catch {
    throw new VaultError(`No keys in ${dir}: run "${INTAKE_COMMAND} keygen --dir ${dir}" first.`);
  }
  const storeSecret = await unwrapSecret(passphrase, await readWrapped(secretPath), secretPath);
  const keys: UnlockedVault['keys'] = [];
  for (const info of await listWrappedKeys(dir)) {
    const wrapped = await readWrapped(info.file);
    const jwk = JSON.parse((await unwrapSecret(passphrase, wrapped, info.file)).toString('utf8')) as unknown;
    const key = await importPrivateKey(jwk);
    if (key.kid !== info.kid) throw new VaultError(`${info.file}: the key inside does not match its kid`);
    const { kty, crv, x, y, d } = jwk as PrivateKeyJwk;
    keys.push({ ...key, notAfter: info.notAfter, publicKey: info.publicKey, privateJwk: { kty, crv, x, y, d } });
  }
  if (keys.length === 0) throw new VaultError(`No private keys in ${join(dir, KEYS_FOLDER)}: run keygen first.`);
  return { keys, storeSecret };
}

/**
 * Wraps version-1 plain key files with the passphrase, then deletes the
 * plain file (only after the wrapped one is durably written).
 */
export async function protectPlainKeys(dir: string, passphrase: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string[]> {
  const done: string[] = [];
  await ensureStoreSecret(dir, passphrase, params);
  for (const file of await listPlainKeyFiles(dir)) {
    const { kid: _kid, notAfter, ...jwk } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeWrappedKey(dir, passphrase, jwk as never, typeof notAfter === 'string' ? notAfter : '9999-12-31', params);
    await unlink(file);
    done.push(file);
  }
  await fsyncDir(join(dir, KEYS_FOLDER));
  return done;
}

/**
 * Deletes private keys whose notAfter plus `graceDays` (the queue's and
 * the dead-letter queue's retention: nothing sealed to them can still
 * arrive) has passed. Returns the retired kids.
 */
export async function retireKeys(dir: string, graceDays: number, now: Date = new Date()): Promise<string[]> {
  const retired: string[] = [];
  for (const key of await listWrappedKeys(dir)) {
    const end = Date.parse(`${key.notAfter}T00:00:00Z`) + graceDays * 86_400_000;
    if (Number.isFinite(end) && end < now.getTime()) {
      await unlink(key.file);
      retired.push(key.kid);
    }
  }
  return retired;
}

// ------------------------------------------------------------ passphrase

/** File name looked up in $CREDENTIALS_DIRECTORY (systemd LoadCredential=). */
export const CREDENTIAL_NAME = 'utvag-intake-passphrase';

/** Reads a passphrase file, refusing one that others can read. */
export async function readPassphraseFile(path: string): Promise<string> {
  await checkPrivateFile(path);
  const text = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  if (text.length === 0) throw new VaultError(`${path} is empty`);
  return text;
}

/** Asks on the terminal without echo. */
export async function askPassphrase(prompt: string): Promise<string> {
  const { stdin, stderr } = process;
  if (!stdin.isTTY) throw new VaultError('No passphrase: give --passphrase-file, set $CREDENTIALS_DIRECTORY, or run in a terminal.');
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          finish();
          return resolve(typed);
        }
        if (char === '\u0003') {
          finish();
          return reject(new VaultError('Cancelled.'));
        }
        if (char === '\u007f') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

/**
 * The passphrase from, in order: a file (--passphrase-file or
 * $UTVAG_INTAKE_PASSPHRASE_FILE, resolved by config.ts), systemd's
 * credentials folder ($CREDENTIALS_DIRECTORY), the terminal.
 */
export async function obtainPassphrase(options: { file?: string; credentialsDirectory?: string; confirm?: boolean }): Promise<string> {
  if (options.file) return readPassphraseFile(options.file);
  if (options.credentialsDirectory) return readPassphraseFile(join(options.credentialsDirectory, CREDENTIAL_NAME));
  const first = await askPassphrase('Intake passphrase: ');
  if (options.confirm) {
    if (first.length < MIN_PASSPHRASE_LENGTH) throw new VaultError(`Use at least ${MIN_PASSPHRASE_LENGTH} characters.`);
    if ((await askPassphrase('Again: ')) !== first) throw new VaultError('The two passphrases differ. Nothing was changed.');
  }
  return first;
}
