/**
 * From the reply secret to the reply key pair and the mailbox id (wire
 * format: WIRE-FORMAT.md, section 11). The browser needs only WebCrypto and
 * protocol/hpke/, which the contact page already loads.
 *
 *   master  = PBKDF2-HMAC-SHA256(password = the 20 ASCII digits,
 *                                salt = "utvag/reply/v1/pbkdf2",
 *                                iterations = 600,000, 32 bytes)
 *   ikm     = HKDF-SHA256(ikm = master, salt = "", info = "utvag/reply/v1/key", 32 bytes)
 *   mailbox = base64url(HKDF-SHA256(ikm = master, salt = "", info = "utvag/reply/v1/mailbox", 16 bytes))
 *   (skR, pkR) = DeriveKeyPair(ikm) of DHKEM(P-256, HKDF-SHA256), RFC 9180 §7.1.3
 *
 * Why PBKDF2: it is in every browser's WebCrypto (no extra JavaScript on a
 * page with a 25 KB budget) and the secret already has 66 bits of entropy;
 * the 600,000 iterations (OWASP's figure for PBKDF2-SHA256) only make each
 * guess cost about as much as a second of a phone's time. The salt is fixed
 * because the person holds nothing but the secret; the mailbox id and the key
 * come from one master through HKDF with different labels, so seeing a
 * mailbox id (the Worker does) tells nothing about the key.
 */
import { base64urlEncode } from './base64url.ts';
import { contactSuite } from './envelope-core.ts';
import { deriveScalar, keyPairFromScalar, signingKeyFromScalar } from './hpke/derive-key-pair.ts';

export const REPLY_KDF_SALT = 'utvag/reply/v1/pbkdf2';
export const REPLY_KDF_ITERATIONS = 600_000;
export const REPLY_KEY_INFO = 'utvag/reply/v1/key';
export const REPLY_MAILBOX_INFO = 'utvag/reply/v1/mailbox';
/** Bytes of a mailbox id (22 base64url characters). */
export const MAILBOX_ID_SIZE = 16;

const ascii = new TextEncoder();

export interface ReplyKeys {
  /** 22 base64url characters: where the Worker keeps the sealed replies. */
  mailbox: string;
  /** base64url of the raw 65-byte P-256 point: what the municipality seals to. */
  publicKey: string;
  /** The derived key pair, for opening replies (private key not extractable). */
  keyPair: CryptoKeyPair;
  /** The same private key for signing write-backs (ECDSA, not extractable; protocol/write-back.ts). */
  signingKey: CryptoKey;
}

async function hkdf(master: CryptoKey, info: string, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: ascii.encode(info) }, master, bytes * 8),
  );
}

/** The 32-byte PBKDF2 master of a canonical secret (20 ASCII digits). The slow step. */
export async function replyMaster(canonicalSecret: string): Promise<Uint8Array<ArrayBuffer>> {
  const password = await crypto.subtle.importKey('raw', ascii.encode(canonicalSecret), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt: ascii.encode(REPLY_KDF_SALT), iterations: REPLY_KDF_ITERATIONS },
      password,
      256,
    ),
  );
}

/** Mailbox id and reply key pair from the PBKDF2 master (fast; separate for test vectors). */
export async function replyKeysFromMaster(master: Uint8Array<ArrayBuffer>): Promise<ReplyKeys> {
  const hkdfKey = await crypto.subtle.importKey('raw', master, 'HKDF', false, ['deriveBits']);
  const ikm = await hkdf(hkdfKey, REPLY_KEY_INFO, 32);
  const mailbox = base64urlEncode(await hkdf(hkdfKey, REPLY_MAILBOX_INFO, MAILBOX_ID_SIZE));
  // DeriveKeyPair (RFC 9180 §7.1.3) in two steps, so the one scalar gives both keys.
  const sk = await deriveScalar(ikm);
  ikm.fill(0);
  const [keyPair, signingKey] = await Promise.all([keyPairFromScalar(sk), signingKeyFromScalar(sk)]).finally(() => sk.fill(0));
  const publicKey = base64urlEncode(new Uint8Array(await contactSuite.kem.serializePublicKey(keyPair.publicKey)));
  return { mailbox, publicKey, keyPair, signingKey };
}

/** Everything the browser needs from a canonical secret. Takes about a second on a phone. */
export async function deriveReplyKeys(canonicalSecret: string): Promise<ReplyKeys> {
  const master = await replyMaster(canonicalSecret);
  try {
    return await replyKeysFromMaster(master);
  } finally {
    master.fill(0);
  }
}
