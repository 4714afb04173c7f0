/**
 * How the intake hands a sealed reply to the Worker, and how the Worker
 * knows it comes from that recipient (WIRE-FORMAT.md §13).
 *
 *   POST /api/reply   Content-Type: application/json
 *   X-Utvag-Reply-Signature: v1=<base64url(ECDSA-P256-SHA256(skS, "utvag/reply-post/v1." ‖ body))>
 *   body = {"v":1,"mailbox":"<22>","sent":<unix seconds>,"reply":{"v":1,"kid","enc","ct"}}
 *
 * The signing key is the recipient's own intake key, the one whose public
 * half is in /intake-keys.json under reply.kid: the Worker checks the
 * signature against published key material only, and needs no secret of its
 * own. The same P-256 key is then used for ECDH (HPKE) and ECDSA: the signed
 * bytes carry their own label, no attack on that sharing is known, and
 * joint-security results exist for closely related schemes (Degabriele et
 * al., CT-RSA 2012). If a recipient later
 * publishes a separate signing key (e.g. the per-recipient Ed25519 keys of
 * the delivery work), only this module changes.
 *
 * The signature (IEEE P1363 r‖s, 64 bytes) covers the exact body bytes, so a
 * changed mailbox, sender, enc, ct or time is refused; `sent` must be within
 * five minutes of the Worker's clock, and a replayed body is stored once
 * (replies are kept by the hash of their ciphertext).
 */
import * as z from 'zod/mini';
import { base64urlDecode, base64urlEncode, importPublicKey, type PrivateKeyJwk } from './envelope.ts';
import { mailboxIdSchema, sealedReplySchema } from './reply.ts';
import { REPLY_WIRE_VERSION } from './limits.ts';

export const REPLY_POST_PATH = '/api/reply';
export const REPLY_SIGNATURE_HEADER = 'X-Utvag-Reply-Signature';
export const REPLY_POST_LABEL = 'utvag/reply-post/v1.';
export const REPLY_POST_MAX_SKEW_SECONDS = 300;

export const replyPostSchema = z.strictObject({
  v: z.literal(REPLY_WIRE_VERSION),
  mailbox: mailboxIdSchema,
  sent: z.number().check(z.int(), z.positive()),
  reply: sealedReplySchema,
  /**
   * Present when the answer offers a write-back (review N3): the person's
   * reply public key (from their request), which the Worker then checks a
   * write-back's signature with (write-back.ts).
   */
  writeBack: z.optional(z.string().check(z.regex(/^B[A-Za-z0-9_-]{85}[AEIMQUYcgkosw048]$/))),
});
export type ReplyPost = z.infer<typeof replyPostSchema>;

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const utf8 = new TextEncoder();

function signedBytes(body: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(REPLY_POST_LABEL + body));
}

/**
 * The header value for a body, signed with the recipient's intake key: its
 * ECDSA CryptoKey (the team inbox's browser holds it non-extractable) or,
 * for tools and tests, its private JWK.
 */
export async function signReplyPost(body: string, signer: CryptoKey | PrivateKeyJwk): Promise<string> {
  const key =
    signer instanceof CryptoKey
      ? signer
      : await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: signer.x, y: signer.y, d: signer.d }, ECDSA, false, ['sign']);
  return `v1=${base64urlEncode(new Uint8Array(await crypto.subtle.sign(SIGN, key, signedBytes(body))))}`;
}

/** True when `header` is a valid signature of `body` by the holder of `publicKey` (base64url raw point). */
export async function verifyReplyPost(body: string, header: string | null | undefined, publicKey: string): Promise<boolean> {
  const match = /^v1=([A-Za-z0-9_-]{86})$/.exec(header ?? '');
  const signature = match ? base64urlDecode(match[1]!) : null;
  if (!signature || signature.length !== 64) return false;
  try {
    await importPublicKey(publicKey); // refuses anything that is not a P-256 point
    const key = await crypto.subtle.importKey('raw', base64urlDecode(publicKey)!, ECDSA, false, ['verify']);
    return await crypto.subtle.verify(SIGN, key, signature, signedBytes(body));
  } catch {
    return false;
  }
}

/** The body the intake posts (exact bytes matter: they are signed). */
export function replyPostBody(post: ReplyPost): string {
  return JSON.stringify({
    v: post.v,
    mailbox: post.mailbox,
    sent: post.sent,
    reply: post.reply,
    ...(post.writeBack ? { writeBack: post.writeBack } : {}),
  });
}
