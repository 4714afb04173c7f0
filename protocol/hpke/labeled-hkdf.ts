/**
 * RFC 9180 §4: LabeledExtract and LabeledExpand over HKDF-SHA256 (kdf_id
 * 0x0001), built on WebCrypto HMAC. WebCrypto's own HKDF always runs
 * extract and expand together, and HPKE needs them apart (a labeled ikm
 * for extract, a PRK in hand for expand), so both steps are written here
 * from RFC 5869 §2.2–2.3.
 */

export type Bytes = Uint8Array<ArrayBuffer>;

/** Nh of HKDF-SHA256. */
export const HASH_SIZE = 32;

const ascii = new TextEncoder();
const HPKE_V1 = ascii.encode('HPKE-v1');

/** The errors of this HPKE; messages never hold key material or plaintext. */
export type HpkeErrorCode = 'bad_public_key' | 'bad_private_key' | 'derive_failed' | 'open_failed' | 'message_limit' | 'bad_input';

export class HpkeError extends Error {
  readonly code: HpkeErrorCode;
  constructor(code: HpkeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HpkeError';
    this.code = code;
  }
}

export function concat(...parts: readonly Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** I2OSP (RFC 8017 §4.1) for the small non-negative integers HPKE encodes. */
export function i2osp(value: number, length: number): Bytes {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0 && value > 0; i--) {
    out[i] = value % 256;
    value = Math.floor(value / 256);
  }
  return out;
}

/** suite_id of the KEM (§4.1): "KEM" || I2OSP(kem_id, 2). */
export const kemSuiteId = (kemId: number): Bytes => concat(ascii.encode('KEM'), i2osp(kemId, 2));

/** suite_id of the whole suite (§5.1): "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2). */
export const hpkeSuiteId = (kemId: number, kdfId: number, aeadId: number): Bytes =>
  concat(ascii.encode('HPKE'), i2osp(kemId, 2), i2osp(kdfId, 2), i2osp(aeadId, 2));

async function hmac(key: Uint8Array, data: Bytes): Promise<Bytes> {
  // An empty salt is HashLen zero bytes (RFC 5869 §2.2); HMAC pads a short
  // key with zeros anyway, and some WebCrypto versions refuse a 0-byte key.
  const hmacKey = await crypto.subtle.importKey('raw', key.length ? new Uint8Array(key) : new Uint8Array(HASH_SIZE), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, data));
}

/** LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm). */
export function labeledExtract(suiteId: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Promise<Bytes> {
  return hmac(salt, concat(HPKE_V1, suiteId, ascii.encode(label), ikm));
}

/** LabeledExpand(prk, label, info, L) = Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L). */
export async function labeledExpand(suiteId: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Promise<Bytes> {
  if (length > 255 * HASH_SIZE || length > 0xffff) throw new HpkeError('bad_input', `cannot expand to ${length} bytes`);
  const labeledInfo = concat(i2osp(length, 2), HPKE_V1, suiteId, ascii.encode(label), info);
  const out = new Uint8Array(length);
  let block = new Uint8Array(0);
  for (let counter = 1, offset = 0; offset < length; counter++, offset += HASH_SIZE) {
    block = await hmac(prk, concat(block, labeledInfo, Uint8Array.of(counter)));
    out.set(block.subarray(0, length - offset), offset);
  }
  return out;
}
