/**
 * The contact envelope, wire format v1 — the one module the browser, the
 * Worker (no-JavaScript path) and the municipal intake all use.
 * WIRE-FORMAT.md next to this file is the human-readable contract.
 *
 *   HPKE base mode, DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM
 *   info = "utvag/contact/v1", aad = "v1." + kid
 *   plaintext = u32be(len(json)) || json || zero bytes, exactly 16,384 bytes
 *   envelope  = {"v":1,"kid","enc","ct"} base64url without padding,
 *               enc = 65 bytes, ct = 16,400 bytes (16,384 + GCM tag)
 *
 * Only WebCrypto and TextEncoder: runs in the browser, workerd and Node.
 *
 * Key formats: a public key is the raw uncompressed 65-byte P-256 point
 * (base64url in the key set). A private key is a P-256 JWK
 * (`{"kty":"EC","crv":"P-256","x","y","d"}`), which every WebCrypto
 * imports and any RFC 9180 library can read (d is the 32-byte scalar).
 */
// zod/mini: the same schemas at a fraction of the size. The browser loads
// none of this file: envelope-core.ts has everything it seals with.
import * as z from 'zod/mini';
import { contactRequestSchema, type ContactRequest } from './request.ts';
import { base64urlDecode, base64urlEncode, base64urlLength } from './base64url.ts';
import { CT_SIZE, ENC_SIZE, KID_SIZE, PUBLIC_KEY_SIZE, WIRE_VERSION } from './limits.ts';
import { computeKid, EnvelopeError, sealCheckedRequest, type Envelope, type RecipientPublicKey } from './envelope-core.ts';

export { base64urlDecode, base64urlEncode, base64urlLength } from './base64url.ts';
export {
  CT_SIZE,
  ENC_SIZE,
  GCM_TAG_SIZE,
  KID_SIZE,
  LENGTH_PREFIX_SIZE,
  MAX_JSON_BYTES,
  PADDED_SIZE,
  PUBLIC_KEY_SIZE,
  WIRE_VERSION,
} from './limits.ts';
export {
  aadForKid,
  computeKid,
  contactSuite,
  encodeRequestJson,
  EnvelopeError,
  HPKE_INFO,
  importPublicKey,
  measureRequest,
  padPlaintext,
  SUITE_IDS,
  unpadPlaintext,
  type Envelope,
  type EnvelopeErrorCode,
  type RecipientPublicKey,
} from './envelope-core.ts';

/** The fields a zod error names (for EnvelopeError's `fields`). */
export function issuePaths(error: z.core.$ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.path.join('.') || '(root)'))];
}

// ---------------------------------------------------------------- base64url

/** A zod string of exactly `byteLength` bytes in canonical base64url. */
export function base64urlOf(byteLength: number, what: string) {
  return z.string().check(
    z.length(base64urlLength(byteLength), { message: `${what} must be ${byteLength} bytes of base64url` }),
    z.refine((text) => base64urlDecode(text)?.length === byteLength, {
      message: `${what} must be canonical base64url without padding`,
    }),
  );
}

// ----------------------------------------------------------------- envelope

/** The envelope as POSTed to /api/contact and queued: nothing else allowed. */
export const envelopeSchema = z.strictObject({
  v: z.literal(WIRE_VERSION),
  kid: base64urlOf(KID_SIZE, 'kid'),
  enc: base64urlOf(ENC_SIZE, 'enc'),
  ct: base64urlOf(CT_SIZE, 'ct'),
});

/** Validates an envelope (from JSON) or throws EnvelopeError('bad_envelope'). */
export function parseEnvelope(input: unknown): Envelope {
  const result = envelopeSchema.safeParse(input);
  if (!result.success) {
    const fields = issuePaths(result.error);
    throw new EnvelopeError('bad_envelope', `not a v1 envelope (check: ${fields.join(', ')})`, { fields });
  }
  return result.data;
}

// --------------------------------------------------------------------- keys

export const privateJwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: base64urlOf(32, 'x'),
  y: base64urlOf(32, 'y'),
  d: base64urlOf(32, 'd'),
});
export type PrivateKeyJwk = z.infer<typeof privateJwkSchema>;

/** The raw public key (65 bytes) belonging to a private JWK. */
export function publicKeyFromPrivateJwk(jwk: PrivateKeyJwk): Uint8Array<ArrayBuffer> {
  const raw = new Uint8Array(PUBLIC_KEY_SIZE);
  raw[0] = 0x04;
  raw.set(base64urlDecode(jwk.x)!, 1);
  raw.set(base64urlDecode(jwk.y)!, 33);
  return raw;
}

/** A new recipient key pair: the public half for the key set, the JWK for the intake only. */
export async function generateRecipientKeyPair(): Promise<{ kid: string; publicKey: string; privateJwk: PrivateKeyJwk }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const privateJwk = privateJwkSchema.parse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d });
  return { kid: await computeKid(raw), publicKey: base64urlEncode(raw), privateJwk };
}

// --------------------------------------------------------------------- seal
// Opening (openEnvelope, importPrivateKey, keyRing) is in envelope-open.ts.

/**
 * Validates, pads and encrypts a request to one recipient key. Throws
 * EnvelopeError: `bad_request` (with `fields`) for an invalid request,
 * `too_large` if it does not fit, `bad_key` if the key is broken or its
 * kid does not match it.
 */
export async function sealRequest(request: ContactRequest, key: RecipientPublicKey): Promise<Envelope> {
  const result = contactRequestSchema.safeParse(request);
  if (!result.success) {
    const fields = issuePaths(result.error);
    throw new EnvelopeError('bad_request', `request is not valid (check: ${fields.join(', ')})`, { fields });
  }
  return sealCheckedRequest(result.data, key);
}
