/**
 * Signature on a push delivery from the Worker's queue consumer to a
 * municipal intake receiver:
 *
 *   X-Utvag-Timestamp: <unix seconds>
 *   X-Utvag-Signature: v1=<base64url(HMAC-SHA256(secret, `${timestamp}.${body}`))>
 *
 * The receiver checks the signature and that the timestamp is within
 * PUSH_MAX_SKEW_SECONDS of its clock before it looks at the body. The body
 * is the envelope JSON exactly as sent (sign and verify the same bytes).
 *
 * WebCrypto only, so the Worker (workerd) and the Node intake share it.
 */
import { base64urlDecode, base64urlEncode } from '../contact/envelope.ts';

export const TIMESTAMP_HEADER = 'X-Utvag-Timestamp';
export const SIGNATURE_HEADER = 'X-Utvag-Signature';
const SIGNATURE_PREFIX = 'v1=';
/** How far a timestamp may be from the receiver's clock, either way. */
export const PUSH_MAX_SKEW_SECONDS = 300;

const utf8 = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  if (secret.length < 32) throw new Error('push secret must be at least 32 characters');
  return crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function signedBytes(timestamp: string, body: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(`${timestamp}.${body}`));
}

/** Headers to send with `body`; `now` is for tests. */
export async function signPush(secret: string, body: string, now: Date = new Date()): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), signedBytes(timestamp, body)));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `${SIGNATURE_PREFIX}${base64urlEncode(mac)}` };
}

export type PushVerification =
  | { ok: true }
  | { ok: false; reason: 'missing_headers' | 'bad_signature' | 'stale_timestamp' };

/**
 * Checks a delivery. `secrets` may hold more than one during a rotation.
 * The signature is checked first (with WebCrypto's constant-time verify),
 * so a forger learns nothing from the timestamp check.
 */
export async function verifyPush(
  secrets: readonly string[],
  timestamp: string | null | undefined,
  signature: string | null | undefined,
  body: string,
  now: Date = new Date(),
): Promise<PushVerification> {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !signature.startsWith(SIGNATURE_PREFIX)) {
    return { ok: false, reason: 'missing_headers' };
  }
  const mac = base64urlDecode(signature.slice(SIGNATURE_PREFIX.length));
  if (!mac || mac.length !== 32) return { ok: false, reason: 'bad_signature' };
  let valid = false;
  for (const secret of secrets) {
    if (await crypto.subtle.verify('HMAC', await hmacKey(secret), mac, signedBytes(timestamp, body))) valid = true;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > PUSH_MAX_SKEW_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  return { ok: true };
}
