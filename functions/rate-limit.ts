import type { Env } from './env.ts';
import { addressPrefix } from './address-prefix.ts';

export { addressPrefix };

/**
 * Abuse protection without tracking. Three rate-limit bindings
 * (wrangler.jsonc), checked in this order:
 *
 *  - CONTACT_RATE_LIMIT, per sender: keyed by HMAC-SHA256(RATE_LIMIT_SECRET,
 *    day + address prefix). An IPv4 address counts on its own; an IPv6
 *    address counts by its /64, because one phone or home line is given a
 *    whole /64 and could otherwise use a fresh address for every request.
 *    The day in the input rotates the key daily. The address itself is never
 *    stored, logged or sent anywhere.
 *  - RECIPIENT_RATE_LIMIT, per recipient key (kid): one municipality's inbox
 *    cannot be flooded from many addresses.
 *  - TOTAL_RATE_LIMIT, everything together: a ceiling for the whole service.
 *
 * RATE_LIMIT_SECRET is required: without it every isolate would draw its own
 * key, the same address would land in a different bucket in each isolate and
 * the limit would not hold. The route refuses to work without it
 * (`not_configured`), in development too (tools/dev/local-system.ts makes one).
 *
 * Cloudflare counts each binding per location, so the limits are per
 * Cloudflare location, not worldwide (README, Deploy).
 */

/** Seconds a refused sender should wait: the bindings' period (wrangler.jsonc). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** The imported HMAC key, made once per isolate and secret, not per request. */
let hmacKey: { secret: string; key: Promise<CryptoKey> } | null = null;

function hmacKeyFor(secret: string): Promise<CryptoKey> {
  if (!hmacKey || hmacKey.secret !== secret) {
    const key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    hmacKey = { secret, key };
  }
  return hmacKey.key;
}

/** True when the Worker may take contact requests at all. */
export function rateLimitConfigured(env: Pick<Env, 'RATE_LIMIT_SECRET'>): boolean {
  return typeof env.RATE_LIMIT_SECRET === 'string' && env.RATE_LIMIT_SECRET.length >= 32;
}

export async function rateLimitKey(secret: string, address: string, now = new Date()): Promise<string> {
  const key = await hmacKeyFor(secret);
  const day = now.toISOString().slice(0, 10);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${day}|${addressPrefix(address)}`)));
  return [...mac.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** True when this sender may go on. Call before any other work on the request. */
export async function allowSender(env: Env, request: Request): Promise<boolean> {
  // The connecting address is read here only, to be hashed at once.
  const address = request.headers.get('cf-connecting-ip') ?? 'unknown';
  const { success } = await env.CONTACT_RATE_LIMIT.limit({ key: await rateLimitKey(env.RATE_LIMIT_SECRET!, address) });
  return success;
}

/** True when the recipient behind `kid`, and the service as a whole, may take one more request. */
export async function allowRecipient(env: Env, kid: string): Promise<boolean> {
  const recipient = await env.RECIPIENT_RATE_LIMIT.limit({ key: `kid:${kid}` });
  if (!recipient.success) return false;
  const total = await env.TOTAL_RATE_LIMIT.limit({ key: 'all' });
  return total.success;
}
