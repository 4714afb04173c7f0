import type { Env } from './env.ts';
import { addressPrefix, senderPrefixes, type SenderWidth } from './address-prefix.ts';
import { raiseFloodAlarm } from './flood-alarm.ts';

export { addressPrefix, senderPrefixes };

/**
 * Abuse protection without tracking, and without lock-out (review N1).
 *
 * Refusing: only the sender's own buckets, each keyed by
 * HMAC-SHA256(RATE_LIMIT_SECRET, day + width + prefix), at several widths
 * (address-prefix.ts), each with its own binding and limit (wrangler.jsonc):
 *
 *  - CONTACT_RATE_LIMIT, the address: an IPv4 address, or an IPv6 /64 (one
 *    phone or home line is given a whole /64 and could otherwise use a
 *    fresh address for every request);
 *  - CONTACT_NETWORK_RATE_LIMIT, the network: an IPv4 /24 or an IPv6 /56;
 *  - CONTACT_SITE_RATE_LIMIT, the site: an IPv6 /48 (a VPS with a routed
 *    /48 has 65,536 /64s; it still gets one budget here).
 *
 * The day in the input rotates the key daily. The address itself is never
 * stored, logged or sent anywhere.
 *
 * Alarms, never refusing: RECIPIENT_RATE_LIMIT (per recipient key, kid) and
 * TOTAL_RATE_LIMIT (the whole service) are shared by everyone. When they
 * refused, three addresses at their own limit closed one municipality's form
 * for every genuine person (N1). Now a request over them is still taken;
 * the excess is counted and logged as one content-free line per bucket and
 * minute (flood-alarm.ts), which Cloudflare's log push or `wrangler tail`
 * turns into an alert.
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

/** HMAC-SHA256(secret, day + "|" + text), 16 bytes in hex: the day rotates every key daily. */
async function dailyKeyedHash(secret: string, text: string, now: Date): Promise<string> {
  const key = await hmacKeyFor(secret);
  const day = now.toISOString().slice(0, 10);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${day}|${text}`)));
  return [...mac.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The bucket of an address for the reply look-ups: the address, or its IPv6 /64. */
export function rateLimitKey(secret: string, address: string, now = new Date()): Promise<string> {
  return dailyKeyedHash(secret, addressPrefix(address), now);
}

/** The binding that counts each width of a sender. */
const senderBinding: Record<SenderWidth, 'CONTACT_RATE_LIMIT' | 'CONTACT_NETWORK_RATE_LIMIT' | 'CONTACT_SITE_RATE_LIMIT'> = {
  address: 'CONTACT_RATE_LIMIT',
  network: 'CONTACT_NETWORK_RATE_LIMIT',
  site: 'CONTACT_SITE_RATE_LIMIT',
};

/** The keyed, daily-rotating hash of one width of a sender's address. */
export function senderBucketKey(secret: string, width: SenderWidth, prefix: string, now = new Date()): Promise<string> {
  return dailyKeyedHash(secret, `${width}|${prefix}`, now);
}

/**
 * True when this sender may go on: every width of its address is under its
 * limit. Every width is counted, even after one says no, so a sender that
 * spreads over many /64s still fills its /56 and /48. Call before any other
 * work on the request.
 */
export async function allowSender(env: Env, request: Request): Promise<boolean> {
  // The connecting address is read here only, to be hashed at once.
  const address = request.headers.get('cf-connecting-ip') ?? 'unknown';
  const secret = env.RATE_LIMIT_SECRET!;
  const answers = await Promise.all(
    senderPrefixes(address).map(
      async ({ width, prefix }) => (await env[senderBinding[width]].limit({ key: await senderBucketKey(secret, width, prefix) })).success,
    ),
  );
  return answers.every(Boolean);
}

/**
 * Counts one request to the recipient behind `kid` in the shared buckets.
 * Never refuses (N1): over a shared limit it raises a content-free alarm.
 */
export async function countShared(env: Env, kid: string): Promise<void> {
  const [recipient, total] = await Promise.all([
    env.RECIPIENT_RATE_LIMIT.limit({ key: `kid:${kid}` }),
    env.TOTAL_RATE_LIMIT.limit({ key: 'all' }),
  ]);
  if (!recipient.success) raiseFloodAlarm('recipient', kid);
  if (!total.success) raiseFloodAlarm('total', 'all');
}
