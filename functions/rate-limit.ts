import type { Env } from './env.ts';

/**
 * Abuse protection without tracking. The rate-limit binding is keyed by a
 * keyed hash of the address: HMAC-SHA256(secret, day + address). The secret
 * comes from the RATE_LIMIT_SECRET Worker secret, or else is made at random
 * per isolate; the day in the input rotates the key daily. The address
 * itself is never stored, logged or sent anywhere.
 */
let isolateSecret: Uint8Array | null = null;
/** The imported HMAC key, made once per isolate and secret, not per request. */
let hmacKey: { secret: string | undefined; key: Promise<CryptoKey> } | null = null;

function secretBytes(env: Env): Uint8Array {
  if (env.RATE_LIMIT_SECRET) return new TextEncoder().encode(env.RATE_LIMIT_SECRET);
  isolateSecret ??= crypto.getRandomValues(new Uint8Array(32));
  return isolateSecret;
}

function hmacKeyFor(env: Env): Promise<CryptoKey> {
  if (!hmacKey || hmacKey.secret !== env.RATE_LIMIT_SECRET) {
    const key = crypto.subtle.importKey('raw', secretBytes(env), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKey = { secret: env.RATE_LIMIT_SECRET, key };
  }
  return hmacKey.key;
}

export async function rateLimitKey(env: Env, address: string, now = new Date()): Promise<string> {
  const key = await hmacKeyFor(env);
  const day = now.toISOString().slice(0, 10);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${day}|${address}`)));
  return [...mac.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when this request may go on. */
export async function allowContactRequest(env: Env, request: Request): Promise<boolean> {
  // The connecting address is read here only, to be hashed at once.
  const address = request.headers.get('cf-connecting-ip') ?? 'unknown';
  const { success } = await env.CONTACT_RATE_LIMIT.limit({ key: await rateLimitKey(env, address) });
  return success;
}
