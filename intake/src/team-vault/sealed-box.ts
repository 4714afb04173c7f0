/**
 * AES-256-GCM boxes: a 12-byte random iv and the ciphertext with its tag,
 * both base64url, so a box is plain JSON for the server to keep. The aad
 * names what the box holds and for whom ("note|<ref>", …): a box moved to
 * another row does not open there.
 */
import { base64urlDecode, base64urlEncode } from '../../../protocol/base64url.ts';
import { utf8, VaultCryptoError } from './errors.ts';

export interface Box {
  iv: string;
  ct: string;
}

export const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The iv and ciphertext bytes of a box from JSON, or VaultCryptoError('damaged'). */
export function parseBox(box: unknown): { iv: Uint8Array<ArrayBuffer>; ct: Uint8Array<ArrayBuffer> } {
  const { iv, ct } = (typeof box === 'object' && box !== null ? box : {}) as Partial<Record<keyof Box, unknown>>;
  const ivBytes = typeof iv === 'string' ? base64urlDecode(iv) : null;
  const ctBytes = typeof ct === 'string' ? base64urlDecode(ct) : null;
  if (ivBytes?.length !== IV_BYTES || !ctBytes || ctBytes.length < TAG_BYTES) {
    throw new VaultCryptoError('damaged', 'not a box: iv must be 12 bytes and ct at least 16, both base64url');
  }
  return { iv: ivBytes, ct: ctBytes };
}

/** The AES-GCM parameters of a box with its aad. */
export function gcmParams(iv: Uint8Array<ArrayBuffer>, aad: string): AesGcmParams {
  return { name: 'AES-GCM', iv, additionalData: utf8.encode(aad) };
}

export async function sealBox(key: CryptoKey, aad: string, plain: Uint8Array): Promise<Box> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(gcmParams(iv, aad), key, new Uint8Array(plain));
  return { iv: base64urlEncode(iv), ct: base64urlEncode(new Uint8Array(ct)) };
}

/** Throws VaultCryptoError: damaged for a malformed box, wrong_key when it does not open (wrong key, aad or bytes). */
export async function openBox(key: CryptoKey, aad: string, box: Box): Promise<Uint8Array<ArrayBuffer>> {
  const { iv, ct } = parseBox(box);
  try {
    return new Uint8Array(await crypto.subtle.decrypt(gcmParams(iv, aad), key, ct));
  } catch (cause) {
    throw new VaultCryptoError('wrong_key', 'the box does not open with this key', { cause });
  }
}
