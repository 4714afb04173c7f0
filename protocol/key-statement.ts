/**
 * A recipient's signed key statement: the HPKE keys it publishes, signed by
 * its identity key (issue 20, part 3). Only the identity key's fingerprint
 * is pinned in the static build (recipients.json `identity`); the keys
 * themselves come from the newest statement the recipient published, so a
 * key is rotated with no build and no deploy.
 *
 *   {"v":1, "recipient":"<id>", "identityKey":"<base64url raw P-256 point>",
 *    "issued":"<ISO 8601 time>", "keys":[{"publicKey":"…","notAfter":"YYYY-MM-DD"}],
 *    "sig":"<base64url ECDSA P-256 SHA-256, IEEE P1363 r||s>"}
 *
 * - identity key: ECDSA P-256; its fingerprint is base64url(SHA-256(raw point)).
 * - sig signs KEY_STATEMENT_CONTEXT + canonicalKeyStatement(statement): the
 *   JSON of every field but sig, in the order above. Signer and verifier use
 *   this one function, so a statement is never re-serialized differently.
 *
 * No schema library: the contact form verifies statements in the browser
 * (13 KB budget), so the shape is checked by hand here, and the Worker's
 * zod schema (keyStatementSchema) is in key-set.ts.
 */
import { base64urlDecode, base64urlEncode } from './base64url.ts';
import { asBytes, computeKid } from './envelope-core.ts';
import { isKeyValid } from './key-dates.ts';
import { parseCalendarDay } from './request-check.ts';
import { HELP_DIRECTORY_ID_PATTERN, PUBLIC_KEY_SIZE } from './limits.ts';

export const KEY_STATEMENT_VERSION = 1;
/** Domain separation: a signature over a statement is never valid for anything else. */
export const KEY_STATEMENT_CONTEXT = 'utvag/key-statement/v1.';
/** The most keys one statement may list (the current one, the next, and those still in their grace time). */
export const KEY_STATEMENT_MAX_KEYS = 8;

export interface StatementKey {
  publicKey: string;
  notAfter: string;
}

export interface UnsignedKeyStatement {
  v: typeof KEY_STATEMENT_VERSION;
  recipient: string;
  identityKey: string;
  issued: string;
  keys: StatementKey[];
}

export interface KeyStatement extends UnsignedKeyStatement {
  sig: string;
}

export type KeyStatementRefusal = 'bad_signature' | 'wrong_identity' | 'expired_keys' | 'malformed';

/** A key from a verified statement, with its kid, as in the key set. */
export interface VerifiedKey {
  kid: string;
  recipient: string;
  publicKey: string;
  notAfter: string;
}

export type KeyStatementCheck = { ok: true; statement: KeyStatement; keys: VerifiedKey[] } | { ok: false; reason: KeyStatementRefusal };

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

/** The exact text a statement's signature covers (without the context prefix). */
export function canonicalKeyStatement(statement: UnsignedKeyStatement): string {
  return JSON.stringify({
    v: statement.v,
    recipient: statement.recipient,
    identityKey: statement.identityKey,
    issued: statement.issued,
    keys: statement.keys.map((key) => ({ publicKey: key.publicKey, notAfter: key.notAfter })),
  });
}

function signedBytes(statement: UnsignedKeyStatement): Uint8Array<ArrayBuffer> {
  return asBytes(encoder.encode(KEY_STATEMENT_CONTEXT + canonicalKeyStatement(statement)));
}

/** base64url(SHA-256(raw public point)) of an identity key given as base64url raw point. */
export async function identityFingerprint(identityKey: string): Promise<string> {
  const raw = base64urlDecode(identityKey);
  if (!raw) throw new Error('the identity key is not base64url');
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', raw)));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isPoint = (text: unknown): boolean => {
  if (typeof text !== 'string') return false;
  const raw = base64urlDecode(text);
  return raw?.length === PUBLIC_KEY_SIZE && raw[0] === 0x04;
};
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The statement if it has exactly the statement's shape, else null. */
export function asKeyStatement(value: unknown): KeyStatement | null {
  if (!isObject(value)) return null;
  const names = Object.keys(value).sort().join();
  if (names !== 'identityKey,issued,keys,recipient,sig,v') return null;
  const { v, recipient, identityKey, issued, keys, sig } = value;
  const ok =
    v === KEY_STATEMENT_VERSION &&
    typeof recipient === 'string' &&
    HELP_DIRECTORY_ID_PATTERN.test(recipient) &&
    isPoint(identityKey) &&
    typeof issued === 'string' &&
    ISO_TIME.test(issued) &&
    !Number.isNaN(Date.parse(issued)) &&
    typeof sig === 'string' &&
    base64urlDecode(sig)?.length === 64 &&
    Array.isArray(keys) &&
    keys.length >= 1 &&
    keys.length <= KEY_STATEMENT_MAX_KEYS &&
    keys.every(
      (key) =>
        isObject(key) &&
        Object.keys(key).sort().join() === 'notAfter,publicKey' &&
        isPoint(key.publicKey) &&
        typeof key.notAfter === 'string' &&
        parseCalendarDay(key.notAfter) !== null,
    );
  return ok ? (value as unknown as KeyStatement) : null;
}

/** Signs a statement with the recipient's identity private key (ECDSA P-256). */
export async function signKeyStatement(statement: UnsignedKeyStatement, identityPrivateKey: CryptoKey): Promise<KeyStatement> {
  const unsigned: UnsignedKeyStatement = {
    v: statement.v,
    recipient: statement.recipient,
    identityKey: statement.identityKey,
    issued: statement.issued,
    keys: statement.keys.map((key) => ({ publicKey: key.publicKey, notAfter: key.notAfter })),
  };
  const sig = new Uint8Array(await crypto.subtle.sign(ECDSA_SHA256, identityPrivateKey, signedBytes(unsigned)));
  return { ...unsigned, sig: base64urlEncode(sig) };
}

/**
 * Checks a statement against the pinned identity fingerprint (and, when
 * given, the recipient it must be for). Returns the keys still valid at
 * `now`, with their kids, or why it is refused:
 *  - malformed: not a statement's shape;
 *  - wrong_identity: signed by another identity key, or for another recipient;
 *  - bad_signature: the signature does not verify;
 *  - expired_keys: it verifies, but no key in it may be used any more.
 */
export async function verifyKeyStatement(
  value: unknown,
  pinnedFingerprint: string,
  options: { recipient?: string; now?: Date } = {},
): Promise<KeyStatementCheck> {
  const statement = asKeyStatement(value);
  if (!statement) return { ok: false, reason: 'malformed' };
  if ((await identityFingerprint(statement.identityKey)) !== pinnedFingerprint) return { ok: false, reason: 'wrong_identity' };
  if (options.recipient !== undefined && statement.recipient !== options.recipient) return { ok: false, reason: 'wrong_identity' };
  let valid: boolean;
  try {
    const key = await crypto.subtle.importKey('raw', base64urlDecode(statement.identityKey)!, ECDSA, false, ['verify']);
    valid = await crypto.subtle.verify(ECDSA_SHA256, key, base64urlDecode(statement.sig)!, signedBytes(statement));
  } catch {
    return { ok: false, reason: 'malformed' }; // not a point on the curve
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  const now = options.now ?? new Date();
  const keys: VerifiedKey[] = [];
  for (const key of statement.keys) {
    if (!isKeyValid(key, now)) continue;
    keys.push({ kid: await computeKid(base64urlDecode(key.publicKey)!), recipient: statement.recipient, ...key });
  }
  if (keys.length === 0) return { ok: false, reason: 'expired_keys' };
  return { ok: true, statement, keys };
}

/** A new identity key pair (the inbox will make it in its vault; development makes one in tools/dev/). */
export async function generateIdentityKey(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** The base64url raw point of an identity public key. */
export async function exportIdentityKey(publicKey: CryptoKey): Promise<string> {
  return base64urlEncode(new Uint8Array((await crypto.subtle.exportKey('raw', publicKey)) as ArrayBuffer));
}

/**
 * Publishes a signed statement to a site's Worker (PUT /api/key-statement).
 * The seam for the team inbox, which will sign statements in its vault and
 * publish them itself; development (tools/dev/local-system.ts) uses it today.
 * Resolves to the Worker's answer: ok, or its error code.
 */
export async function publishKeyStatement(
  siteUrl: string,
  statement: KeyStatement,
  fetcher: typeof fetch = fetch,
): Promise<{ ok: true } | { ok: false; status: number; error: string }> {
  const res = await fetcher(new URL('/api/key-statement', siteUrl), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(statement),
  });
  if (res.ok) return { ok: true };
  const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
  return { ok: false, status: res.status, error: typeof body?.error === 'string' ? body.error : `http_${res.status}` };
}

/** The Worker's KV key (KEY_STATEMENTS) of a recipient's newest statement: written by /api/key-statement and by a hosted inbox. */
export const statementKey = (recipient: string): string => `statement:${recipient}`;

/** How far in the future a statement's `issued` may be (clocks differ a little). */
export const KEY_STATEMENT_MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * Whether `incoming` may replace `stored`: issued strictly after it (an
 * older statement replayed never brings back a retired key) and not more
 * than five minutes in the future. Null when it may, else why not.
 */
export function statementOrderProblem(
  incoming: Pick<UnsignedKeyStatement, 'issued'>,
  stored: Pick<UnsignedKeyStatement, 'issued'> | null,
  now: Date = new Date(),
): 'stale_statement' | 'future_statement' | null {
  const issued = Date.parse(incoming.issued);
  if (issued > now.getTime() + KEY_STATEMENT_MAX_SKEW_MS) return 'future_statement';
  if (stored && issued <= Date.parse(stored.issued)) return 'stale_statement';
  return null;
}
