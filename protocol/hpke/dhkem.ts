/**
 * RFC 9180 §4.1: DHKEM(P-256, HKDF-SHA256), kem_id 0x0010, in base mode
 * (Encap/Decap) and auth mode (AuthEncap/AuthDecap), on WebCrypto ECDH.
 * Public keys are the 65-byte uncompressed points (SerializePublicKey);
 * importing one as 'raw' makes WebCrypto check it is on the curve, which is
 * the validation §7.1.4 asks for. Private keys are CryptoKeys; this module
 * keeps each one's public point beside it (pkRm goes into kem_context), so
 * a private key never has to be extractable.
 */
import { base64urlDecode } from '../base64url.ts';
import { concat, HpkeError, kemSuiteId, labeledExpand, labeledExtract, type Bytes } from './labeled-hkdf.ts';

export const KEM_ID = 0x0010;
/** Nsecret, Nenc = Npk, Nsk, Ndh of DHKEM(P-256, HKDF-SHA256). */
export const SECRET_SIZE = 32;
export const PUBLIC_KEY_SIZE = 65;
export const PRIVATE_KEY_SIZE = 32;
const DH_BITS = 256;

export const KEM_SUITE_ID = kemSuiteId(KEM_ID);
export const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

// The public point of each private key made or imported here.
const publicPoints = new WeakMap<CryptoKey, Bytes>();

/** Records the public point of a private key (for keys made in derive-key-pair.ts or imported). */
export function rememberPublicPoint(privateKey: CryptoKey, point: Bytes): void {
  publicPoints.set(privateKey, point);
}

/** SerializePublicKey: the raw uncompressed point. */
export async function serializePublicKey(publicKey: CryptoKey): Promise<Bytes> {
  return new Uint8Array((await crypto.subtle.exportKey('raw', publicKey)) as ArrayBuffer);
}

/** DeserializePublicKey, with the curve check. Throws bad_public_key. */
export async function deserializePublicKey(point: Uint8Array): Promise<CryptoKey> {
  if (point.length !== PUBLIC_KEY_SIZE || point[0] !== 0x04) {
    throw new HpkeError('bad_public_key', 'a public key must be an uncompressed P-256 point of 65 bytes');
  }
  try {
    // Public keys stay exportable: SerializePublicKey needs them, and they are public.
    return await crypto.subtle.importKey('raw', new Uint8Array(point), ECDH_P256, true, []);
  } catch (cause) {
    throw new HpkeError('bad_public_key', 'the public key is not a point on P-256', { cause });
  }
}

/** The public point of a key pair, or of a private key imported or derived here. */
export async function publicPointOf(key: CryptoKey | CryptoKeyPair): Promise<Bytes> {
  if ('publicKey' in key) return serializePublicKey(key.publicKey);
  const known = publicPoints.get(key);
  if (known) return known;
  if (key.extractable) {
    // A key pair made elsewhere (crypto.subtle.generateKey): its JWK holds the point.
    const jwk = (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey;
    return pointFromJwk(jwk);
  }
  throw new HpkeError('bad_private_key', 'the public half of this private key is unknown: pass the key pair');
}

/** The raw point 0x04 || x || y of an EC JWK. */
export function pointFromJwk(jwk: JsonWebKey): Bytes {
  const x = base64urlDecode(jwk.x ?? '');
  const y = base64urlDecode(jwk.y ?? '');
  const point = x && y ? concat(Uint8Array.of(4), x, y) : undefined;
  if (jwk.crv !== 'P-256' || point?.length !== PUBLIC_KEY_SIZE) throw new HpkeError('bad_private_key', 'not a P-256 key');
  return point;
}

/** Imports a P-256 private JWK (with x, y) as a non-extractable ECDH key. Throws bad_private_key. */
export async function importPrivateJwk(jwk: JsonWebKey): Promise<CryptoKey> {
  try {
    const point = pointFromJwk(jwk);
    const privateKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, d: jwk.d! }, ECDH_P256, false, ['deriveBits']);
    rememberPublicPoint(privateKey, point);
    return privateKey;
  } catch (cause) {
    if (cause instanceof HpkeError) throw cause;
    throw new HpkeError('bad_private_key', 'the private key is not a P-256 JWK with x, y and d', { cause });
  }
}

// Cloudflare's types spell the parameter `$public`; the runtime, like the spec, reads `public`.
type DeriveParams = Parameters<typeof crypto.subtle.deriveBits>[0];

async function dh(privateKey: CryptoKey, publicKey: CryptoKey): Promise<Bytes> {
  const params = { name: 'ECDH', public: publicKey };
  return new Uint8Array(await crypto.subtle.deriveBits(params as DeriveParams, privateKey, DH_BITS));
}

/** ExtractAndExpand(dh, kem_context) of §4.1. */
async function extractAndExpand(dhValue: Bytes, kemContext: Bytes): Promise<Bytes> {
  const eaePrk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'eae_prk', dhValue);
  dhValue.fill(0);
  return labeledExpand(KEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, SECRET_SIZE);
}

/** A fresh ephemeral key pair (private half not extractable). */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(ECDH_P256, false, ['deriveBits'])) as CryptoKeyPair;
}

/**
 * Encap (§4.1), or AuthEncap when `sender` is given: returns the
 * shared_secret and enc. `ephemeral` is the key pair skE, pkE.
 */
export async function encap(
  recipientPublicKey: CryptoKey,
  ephemeral: CryptoKeyPair,
  sender?: CryptoKeyPair,
): Promise<{ sharedSecret: Bytes; enc: Bytes }> {
  const enc = await serializePublicKey(ephemeral.publicKey);
  const pkRm = await serializePublicKey(recipientPublicKey);
  let dhValue = await dh(ephemeral.privateKey, recipientPublicKey);
  let kemContext = concat(enc, pkRm);
  if (sender) {
    const first = dhValue;
    dhValue = concat(first, await dh(sender.privateKey, recipientPublicKey));
    first.fill(0);
    kemContext = concat(kemContext, await serializePublicKey(sender.publicKey));
  }
  return { sharedSecret: await extractAndExpand(dhValue, kemContext), enc };
}

/**
 * Decap (§4.1), or AuthDecap when `senderPublicKey` is given. Throws
 * bad_public_key for an enc that is not a point on the curve.
 */
export async function decap(enc: Uint8Array, recipientKey: CryptoKey | CryptoKeyPair, senderPublicKey?: CryptoKey): Promise<Bytes> {
  const pkE = await deserializePublicKey(enc);
  const skR = 'privateKey' in recipientKey ? recipientKey.privateKey : recipientKey;
  let dhValue = await dh(skR, pkE);
  let kemContext = concat(enc, await publicPointOf(recipientKey));
  if (senderPublicKey) {
    const first = dhValue;
    dhValue = concat(first, await dh(skR, senderPublicKey));
    first.fill(0);
    kemContext = concat(kemContext, await serializePublicKey(senderPublicKey));
  }
  return extractAndExpand(dhValue, kemContext);
}
