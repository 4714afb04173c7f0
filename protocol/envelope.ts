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
import { Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';
// zod/mini: the same schemas at a fraction of the size, for the contact page's budget.
import * as z from 'zod/mini';
import { contactRequestSchema, type ContactRequest } from './request.ts';

export const WIRE_VERSION = 1;
/** Size of every padded plaintext: the length prefix, the JSON and zero bytes. */
export const PADDED_SIZE = 16_384;
export const LENGTH_PREFIX_SIZE = 4;
/** The most JSON bytes a padded plaintext can hold. */
export const MAX_JSON_BYTES = PADDED_SIZE - LENGTH_PREFIX_SIZE;
/** DHKEM(P-256) Nenc: an uncompressed point. */
export const ENC_SIZE = 65;
export const PUBLIC_KEY_SIZE = 65;
export const GCM_TAG_SIZE = 16;
export const CT_SIZE = PADDED_SIZE + GCM_TAG_SIZE;
export const KID_SIZE = 16;
export const HPKE_INFO = 'utvag/contact/v1';

/** RFC 9180 identifiers of the suite, for other implementations. */
export const SUITE_IDS = { mode: 0x00, kem: 0x0010, kdf: 0x0001, aead: 0x0002 } as const;

export type EnvelopeErrorCode =
  | 'too_large' // the request does not fit the padded size: refuse in the form
  | 'bad_envelope' // not {v:1,kid,enc,ct} with exact lengths
  | 'unknown_kid' // no private key for this kid here
  | 'decrypt_failed' // HPKE open failed: tampered, wrong key, wrong aad
  | 'bad_padding' // decrypted, but the padding is not as specified
  | 'bad_request' // decrypted and unpadded, but not a valid contact request
  | 'bad_key'; // a key that cannot be used (wrong curve, length, kid mismatch)

/** Every failure here has a stable code; messages never include plaintext. */
export class EnvelopeError extends Error {
  readonly code: EnvelopeErrorCode;
  /** For bad_envelope / bad_request: the paths of the fields at fault (never their values). */
  readonly fields: readonly string[];
  constructor(code: EnvelopeErrorCode, message: string, options?: { cause?: unknown; fields?: readonly string[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnvelopeError';
    this.code = code;
    this.fields = options?.fields ?? [];
  }
}

function issuePaths(error: z.core.$ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.path.join('.') || '(root)'))];
}

// One suite object for the whole process; it holds no key material.
// Exported so the RFC 9180 test vectors run through this very object.
export const contactSuite = new CipherSuite({
  kem: new DhkemP256HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});
const suite = contactSuite;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------- base64url

const BASE64URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE64URL_VALUES = new Map([...BASE64URL_ALPHABET].map((char, index) => [char, index]));

/** base64url without padding (RFC 4648 §5). */
export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64URL_ALPHABET[n >> 18]! + BASE64URL_ALPHABET[(n >> 12) & 63]! + BASE64URL_ALPHABET[(n >> 6) & 63]! + BASE64URL_ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += BASE64URL_ALPHABET[n >> 18]! + BASE64URL_ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += BASE64URL_ALPHABET[n >> 18]! + BASE64URL_ALPHABET[(n >> 12) & 63]! + BASE64URL_ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/**
 * Strict base64url decoding: only the URL-safe alphabet, no padding, no
 * whitespace, and canonical (unused trailing bits zero), so one byte
 * string has exactly one text form. Returns null on anything else.
 */
export function base64urlDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (const char of text) {
    const value = BASE64URL_VALUES.get(char);
    if (value === undefined) return null;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  if (bits > 0 && (buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** Characters of unpadded base64url for `byteLength` bytes. */
export function base64urlLength(byteLength: number): number {
  return Math.ceil((byteLength * 4) / 3);
}

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
export type Envelope = z.infer<typeof envelopeSchema>;

/** Validates an envelope (from JSON) or throws EnvelopeError('bad_envelope'). */
export function parseEnvelope(input: unknown): Envelope {
  const result = envelopeSchema.safeParse(input);
  if (!result.success) {
    const fields = issuePaths(result.error);
    throw new EnvelopeError('bad_envelope', `not a v1 envelope (check: ${fields.join(', ')})`, { fields });
  }
  return result.data;
}

/** The additional authenticated data: binds the ciphertext to its kid. */
export function aadForKid(kid: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(`v${WIRE_VERSION}.${kid}`));
}

// ------------------------------------------------------------------ padding

/** The request as the exact UTF-8 JSON bytes that get padded. */
export function encodeRequestJson(request: ContactRequest): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(JSON.stringify(request)));
}

/** How many bytes of JSON a request takes, and whether it fits. For the form. */
export function measureRequest(request: ContactRequest): { jsonBytes: number; maxJsonBytes: number; fits: boolean } {
  const jsonBytes = encodeRequestJson(request).length;
  return { jsonBytes, maxJsonBytes: MAX_JSON_BYTES, fits: jsonBytes <= MAX_JSON_BYTES };
}

/**
 * u32be(length) || bytes || zero bytes up to `size` (PADDED_SIZE for a
 * request; sealed replies use the same scheme at their own size); throws `too_large`.
 */
export function padPlaintext(json: Uint8Array, size: number = PADDED_SIZE): Uint8Array<ArrayBuffer> {
  if (json.length > size - LENGTH_PREFIX_SIZE) {
    throw new EnvelopeError('too_large', `request is ${json.length} bytes; at most ${size - LENGTH_PREFIX_SIZE} fit`);
  }
  const padded = new Uint8Array(size);
  new DataView(padded.buffer).setUint32(0, json.length, false);
  padded.set(json, LENGTH_PREFIX_SIZE);
  return padded;
}

/** Inverse of padPlaintext; every padding byte must be zero. Throws `bad_padding`. */
export function unpadPlaintext(padded: Uint8Array, size: number = PADDED_SIZE): Uint8Array<ArrayBuffer> {
  if (padded.length !== size) {
    throw new EnvelopeError('bad_padding', `padded plaintext is ${padded.length} bytes, expected ${size}`);
  }
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0, false);
  if (length > size - LENGTH_PREFIX_SIZE) throw new EnvelopeError('bad_padding', 'length prefix is larger than the plaintext');
  const end = LENGTH_PREFIX_SIZE + length;
  for (let i = end; i < size; i++) {
    if (padded[i] !== 0) throw new EnvelopeError('bad_padding', 'padding bytes are not all zero');
  }
  return padded.slice(LENGTH_PREFIX_SIZE, end);
}

// --------------------------------------------------------------------- keys

function asBytes(data: ArrayBuffer | Uint8Array): Uint8Array<ArrayBuffer> {
  return data instanceof Uint8Array ? new Uint8Array(data) : new Uint8Array(data);
}

/** kid = base64url(first 16 bytes of SHA-256(raw 65-byte public key)). */
export async function computeKid(rawPublicKey: Uint8Array): Promise<string> {
  if (rawPublicKey.length !== PUBLIC_KEY_SIZE || rawPublicKey[0] !== 0x04) {
    throw new EnvelopeError('bad_key', 'public key must be a raw uncompressed P-256 point (65 bytes, 0x04 first)');
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', asBytes(rawPublicKey)));
  return base64urlEncode(digest.subarray(0, KID_SIZE));
}

/** Imports a raw public key (bytes or base64url), checking it is a point on P-256. */
export async function importPublicKey(raw: Uint8Array | string): Promise<CryptoKey> {
  const bytes = typeof raw === 'string' ? base64urlDecode(raw) : asBytes(raw);
  if (!bytes || bytes.length !== PUBLIC_KEY_SIZE || bytes[0] !== 0x04) {
    throw new EnvelopeError('bad_key', 'public key must be base64url of a raw uncompressed P-256 point (65 bytes)');
  }
  try {
    return await suite.kem.deserializePublicKey(bytes);
  } catch (cause) {
    throw new EnvelopeError('bad_key', 'public key is not a valid P-256 point', { cause });
  }
}

const privateJwkSchema = z.object({
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

/** A private key ready to open envelopes, with the kid of its public half. */
export interface RecipientPrivateKey {
  kid: string;
  privateKey: CryptoKey;
}

/** Imports a P-256 private JWK (the intake's key file format). Throws `bad_key`. */
export async function importPrivateKey(jwkInput: unknown): Promise<RecipientPrivateKey> {
  const parsed = privateJwkSchema.safeParse(jwkInput);
  if (!parsed.success) {
    throw new EnvelopeError('bad_key', 'private key must be a P-256 JWK with kty, crv, x, y and d');
  }
  const jwk = parsed.data;
  try {
    const privateKey = await suite.kem.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, false);
    const publicKey = publicKeyFromPrivateJwk(jwk);
    // Importing the public half too proves x, y is a point on the curve.
    await importPublicKey(publicKey);
    return { kid: await computeKid(publicKey), privateKey };
  } catch (cause) {
    if (cause instanceof EnvelopeError) throw cause;
    throw new EnvelopeError('bad_key', 'private key could not be imported', { cause });
  }
}

/** A new recipient key pair: the public half for the key set, the JWK for the intake only. */
export async function generateRecipientKeyPair(): Promise<{ kid: string; publicKey: string; privateJwk: PrivateKeyJwk }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const privateJwk = privateJwkSchema.parse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d });
  return { kid: await computeKid(raw), publicKey: base64urlEncode(raw), privateJwk };
}

// ------------------------------------------------------------- seal / open

/** The recipient key as published in /intake-keys.json. */
export interface RecipientPublicKey {
  kid: string;
  /** base64url of the raw 65-byte point. */
  publicKey: string;
}

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
  const valid = result.data;
  const padded = padPlaintext(encodeRequestJson(valid));
  const recipientPublicKey = await importPublicKey(key.publicKey);
  if ((await computeKid(base64urlDecode(key.publicKey)!)) !== key.kid) {
    throw new EnvelopeError('bad_key', 'kid does not belong to this public key');
  }
  const sealed = await suite.seal(
    { recipientPublicKey, info: utf8.encode(HPKE_INFO) },
    padded,
    aadForKid(key.kid),
  );
  return {
    v: WIRE_VERSION,
    kid: key.kid,
    enc: base64urlEncode(new Uint8Array(sealed.enc)),
    ct: base64urlEncode(new Uint8Array(sealed.ct)),
  };
}

/** Private keys by kid; the intake holds one per recipient it serves (and old ones while in flight). */
export type PrivateKeyRing = ReadonlyMap<string, CryptoKey>;

/** Decrypts and unpads an envelope to the request's JSON bytes (no schema check). */
export async function openEnvelopeToJson(envelopeInput: unknown, keys: PrivateKeyRing): Promise<Uint8Array<ArrayBuffer>> {
  const envelope = parseEnvelope(envelopeInput);
  const privateKey = keys.get(envelope.kid);
  if (!privateKey) throw new EnvelopeError('unknown_kid', 'no private key here for this kid');
  let padded: Uint8Array;
  try {
    padded = new Uint8Array(
      await suite.open(
        { recipientKey: privateKey, enc: base64urlDecode(envelope.enc)!, info: utf8.encode(HPKE_INFO) },
        base64urlDecode(envelope.ct)!,
        aadForKid(envelope.kid),
      ),
    );
  } catch (cause) {
    throw new EnvelopeError('decrypt_failed', 'the envelope could not be decrypted with this key', { cause });
  }
  return unpadPlaintext(padded);
}

/**
 * Opens an envelope and returns the validated request. Errors, in the
 * order checked: bad_envelope, unknown_kid, decrypt_failed, bad_padding,
 * bad_request.
 */
export async function openEnvelope(envelopeInput: unknown, keys: PrivateKeyRing): Promise<ContactRequest> {
  const json = await openEnvelopeToJson(envelopeInput, keys);
  let data: unknown;
  try {
    data = JSON.parse(utf8Strict.decode(json));
  } catch {
    throw new EnvelopeError('bad_request', 'decrypted plaintext is not UTF-8 JSON');
  }
  const result = contactRequestSchema.safeParse(data);
  if (!result.success) {
    const fields = issuePaths(result.error);
    throw new EnvelopeError('bad_request', `decrypted request is not valid (check: ${fields.join(', ')})`, { fields });
  }
  return result.data;
}

/** Convenience for tests and the intake: a key ring from imported private keys. */
export function keyRing(keys: readonly RecipientPrivateKey[]): PrivateKeyRing {
  return new Map(keys.map((key) => [key.kid, key.privateKey]));
}
