/**
 * RFC 9180 §7.1.3: DeriveKeyPair(ikm) for DHKEM(P-256, HKDF-SHA256), the
 * reply key pair from the person's secret (reply-keys.ts). Rejection
 * sampling with bitmask 0xff and a one-byte counter, exactly as the RFC.
 *
 * WebCrypto cannot multiply a scalar by the base point, so the public key
 * comes from importing the scalar as PKCS#8 without the optional public key
 * and exporting it as JWK: the implementation computes x and y. This works
 * in Chromium, Firefox, Node and workerd (tests/unit/hpke.test.ts and the
 * browser reply tests run it). That one import is extractable; the private
 * key handed out is imported again, not extractable.
 */
import { deserializePublicKey, ECDH_P256, importPrivateJwk, KEM_SUITE_ID, pointFromJwk, PRIVATE_KEY_SIZE } from './dhkem.ts';
import { HpkeError, i2osp, labeledExpand, labeledExtract, type Bytes } from './labeled-hkdf.ts';

/** The order of the P-256 group, big-endian. */
const ORDER = Uint8Array.from(
  'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'.match(/../g)!,
  (pair) => parseInt(pair, 16),
);
const BITMASK = 0xff;

/** 0 < sk < order, comparing big-endian bytes. */
function isValidScalar(sk: Bytes): boolean {
  if (sk.every((byte) => byte === 0)) return false;
  for (let i = 0; i < PRIVATE_KEY_SIZE; i++) {
    if (sk[i] !== ORDER[i]) return sk[i]! < ORDER[i]!;
  }
  return false; // equal to the order
}

/** The private scalar skX of DeriveKeyPair(ikm), as SerializePrivateKey gives it (32 bytes). */
export async function deriveScalar(ikm: Uint8Array): Promise<Bytes> {
  if (ikm.length < PRIVATE_KEY_SIZE) throw new HpkeError('bad_input', `ikm must have at least ${PRIVATE_KEY_SIZE} bytes`);
  const dkpPrk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'dkp_prk', ikm);
  for (let counter = 0; counter <= 255; counter++) {
    const sk = await labeledExpand(KEM_SUITE_ID, dkpPrk, 'candidate', i2osp(counter, 1), PRIVATE_KEY_SIZE);
    sk[0]! &= BITMASK;
    if (isValidScalar(sk)) {
      dkpPrk.fill(0);
      return sk;
    }
    sk.fill(0);
  }
  throw new HpkeError('derive_failed', 'DeriveKeyPair found no valid scalar in 256 candidates');
}

// PKCS#8 PrivateKeyInfo for P-256 holding an ECPrivateKey with only the
// 32-byte scalar (RFC 5915, no public key): this prefix, then the scalar.
const PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
  0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
);

/** The scalar as PKCS#8 without the public key (the caller wipes it). */
function pkcs8Of(sk: Uint8Array): Uint8Array<ArrayBuffer> {
  if (sk.length !== PRIVATE_KEY_SIZE) throw new HpkeError('bad_private_key', 'a P-256 private key has 32 bytes');
  const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + PRIVATE_KEY_SIZE);
  pkcs8.set(PKCS8_PREFIX);
  pkcs8.set(sk, PKCS8_PREFIX.length);
  return pkcs8;
}

/** A key pair from a private scalar; the private key is not extractable. */
export async function keyPairFromScalar(sk: Uint8Array): Promise<CryptoKeyPair> {
  const pkcs8 = pkcs8Of(sk);
  try {
    const extractable = await crypto.subtle.importKey('pkcs8', pkcs8, ECDH_P256, true, ['deriveBits']);
    const jwk = (await crypto.subtle.exportKey('jwk', extractable)) as JsonWebKey;
    return { privateKey: await importPrivateJwk(jwk), publicKey: await deserializePublicKey(pointFromJwk(jwk)) };
  } catch (cause) {
    if (cause instanceof HpkeError) throw cause;
    throw new HpkeError('bad_private_key', 'the private scalar is not a valid P-256 key', { cause });
  } finally {
    pkcs8.fill(0);
  }
}

/**
 * The same scalar as an ECDSA P-256 signing key, not extractable: the reply
 * key also signs write-backs (protocol/write-back.ts), and its public half is
 * the reply public key.
 */
export async function signingKeyFromScalar(sk: Uint8Array): Promise<CryptoKey> {
  const pkcs8 = pkcs8Of(sk);
  try {
    return await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  } catch (cause) {
    throw new HpkeError('bad_private_key', 'the private scalar is not a valid P-256 key', { cause });
  } finally {
    pkcs8.fill(0);
  }
}

/** DeriveKeyPair(ikm) of §7.1.3. */
export async function deriveKeyPair(ikm: Uint8Array): Promise<CryptoKeyPair> {
  const sk = await deriveScalar(ikm);
  try {
    return await keyPairFromScalar(sk);
  } finally {
    sk.fill(0);
  }
}
