/**
 * The contact envelope without its schemas: the HPKE suite, the padding,
 * the kid and sealing a request that is already checked. The browser
 * loads only this (no schema library); envelope.ts adds the zod schemas the
 * Worker and the intake check with, and re-exports everything here.
 * Wire format: envelope.ts and WIRE-FORMAT.md.
 */
import type { ContactRequest } from './request.ts';
import { base64urlDecode, base64urlEncode } from './base64url.ts';
import { p256Aes256Suite } from './hpke/index.ts';
import { KID_SIZE, LENGTH_PREFIX_SIZE, MAX_JSON_BYTES, PADDED_SIZE, PUBLIC_KEY_SIZE, WIRE_VERSION } from './limits.ts';

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

/** The envelope as POSTed to /api/contact and queued (envelopeSchema in envelope.ts checks it). */
export interface Envelope {
  v: typeof WIRE_VERSION;
  kid: string;
  enc: string;
  ct: string;
}

// The one HPKE suite (protocol/hpke/: our own, for the pages' weight); it
// holds no key material. Exported so tests seal and open through it.
export const contactSuite = p256Aes256Suite;

const utf8 = new TextEncoder();

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

export function asBytes(data: ArrayBuffer | Uint8Array): Uint8Array<ArrayBuffer> {
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
    return await contactSuite.kem.deserializePublicKey(bytes);
  } catch (cause) {
    throw new EnvelopeError('bad_key', 'public key is not a valid P-256 point', { cause });
  }
}

// --------------------------------------------------------------------- seal

/** The recipient key as published in /intake-keys.json. */
export interface RecipientPublicKey {
  kid: string;
  /** base64url of the raw 65-byte point. */
  publicKey: string;
}

/**
 * Pads and encrypts a request the caller has checked (the browser with
 * request-check.ts, sealRequest in envelope.ts with the schema). Throws
 * EnvelopeError `too_large` if it does not fit, `bad_key` if the key is
 * broken or its kid does not match it.
 */
export async function sealCheckedRequest(request: ContactRequest, key: RecipientPublicKey): Promise<Envelope> {
  const padded = padPlaintext(encodeRequestJson(request));
  const recipientPublicKey = await importPublicKey(key.publicKey);
  if ((await computeKid(base64urlDecode(key.publicKey)!)) !== key.kid) {
    throw new EnvelopeError('bad_key', 'kid does not belong to this public key');
  }
  const sealed = await contactSuite.seal({ recipientPublicKey, info: utf8.encode(HPKE_INFO) }, padded, aadForKid(key.kid));
  return {
    v: WIRE_VERSION,
    kid: key.kid,
    enc: base64urlEncode(new Uint8Array(sealed.enc)),
    ct: base64urlEncode(new Uint8Array(sealed.ct)),
  };
}
