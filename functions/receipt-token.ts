/**
 * Post-redirect-get for the no-JavaScript path (review N4): the form's POST
 * answers 303 to GET /api/contact/receipt/<token>, and that page is shown
 * once. Back or reload never re-sends the form (the POST is not in the
 * history), and a receipt page asked for again says only that it is no
 * longer shown.
 *
 * The token carries what the receipt shows, sealed with AES-256-GCM under a
 * key derived from RATE_LIMIT_SECRET (HKDF, label below), so nothing about
 * the request is kept at the Worker and the URL says nothing to whoever
 * reads the phone's history:
 *
 *   token = base64url(iv(12) ‖ AES-GCM(JSON {l, r, m, p, k, t}))
 *           locale, receipt code, contact method, recipient, kid, issued (unix seconds)
 *
 * Single use: the first GET writes "spent/" + SHA-256(token) to KV
 * (SEEN_ENVELOPES, the same short-lived store as seen envelopes) until the
 * token expires. A token older than RECEIPT_TOKEN_SECONDS is spent anyway.
 */
import { base64urlDecode, base64urlEncode } from '../protocol/envelope.ts';

export const RECEIPT_TOKEN_SECONDS = 10 * 60;
const LABEL = 'utvag/receipt-page/v1';

export interface ReceiptFacts {
  locale: string;
  receipt: string;
  method: string;
  recipient: string;
  kid: string;
}

let cached: { secret: string; key: Promise<CryptoKey> } | null = null;
function keyFor(secret: string): Promise<CryptoKey> {
  if (!cached || cached.secret !== secret) {
    const key = crypto.subtle
      .importKey('raw', new TextEncoder().encode(secret), 'HKDF', false, ['deriveKey'])
      .then((master) =>
        crypto.subtle.deriveKey(
          { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(LABEL) },
          master,
          { name: 'AES-GCM', length: 256 },
          false,
          ['encrypt', 'decrypt'],
        ),
      );
    cached = { secret, key };
  }
  return cached.key;
}

export async function sealReceiptToken(secret: string, facts: ReceiptFacts, now = new Date()): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = JSON.stringify({
    l: facts.locale,
    r: facts.receipt,
    m: facts.method,
    p: facts.recipient,
    k: facts.kid,
    t: Math.floor(now.getTime() / 1000),
  });
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFor(secret), new TextEncoder().encode(plain)));
  const out = new Uint8Array(iv.length + ct.length);
  out.set(iv);
  out.set(ct, iv.length);
  return base64urlEncode(out);
}

async function spentKey(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${LABEL}.${token}`)));
  return `spent/${base64urlEncode(digest.subarray(0, 16))}`;
}

export type OpenedToken =
  /** Shown for the first time: from now on it is spent. */
  | { shown: true; facts: ReceiptFacts }
  /** Already shown, expired, or not ours; the locale when it could be read. */
  | { shown: false; locale?: string };

/** Opens a token for its one showing. */
export async function openReceiptTokenOnce(secret: string, kv: KVNamespace, token: string, now = new Date()): Promise<OpenedToken> {
  const bytes = token.length <= 1024 ? base64urlDecode(token) : null;
  if (!bytes || bytes.length < 12 + 16) return { shown: false };
  let facts: { l: string; r: string; m: string; p: string; k: string; t: number };
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12) }, await keyFor(secret), bytes.subarray(12));
    facts = JSON.parse(new TextDecoder().decode(plain)) as typeof facts;
  } catch {
    return { shown: false };
  }
  const age = Math.floor(now.getTime() / 1000) - facts.t;
  if (!(age >= -60 && age <= RECEIPT_TOKEN_SECONDS)) return { shown: false, locale: facts.l };
  const key = await spentKey(token);
  try {
    if ((await kv.get(key)) !== null) return { shown: false, locale: facts.l };
    await kv.put(key, '1', { expirationTtl: RECEIPT_TOKEN_SECONDS + 120 });
  } catch {
    // The store is down: show it all the same. The person needs the code once more than a
    // second showing needs to be prevented.
  }
  return { shown: true, facts: { locale: facts.l, receipt: facts.r, method: facts.m, recipient: facts.p, kid: facts.k } };
}
