/**
 * HPKE (RFC 9180) for exactly one suite: DHKEM(P-256, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM (kem 0x0010, kdf 0x0001, aead 0x0002), in mode
 * base (requests, write-backs) and mode auth (replies), over WebCrypto.
 *
 * Why our own: the contact and answer pages have a budget of 13 KB of
 * gzipped JavaScript (issue 18), and @hpke/core alone took 8.5 KB of it;
 * the one smaller library that fits (panva's hpke) has no auth mode, which
 * the replies need. This is under 3 KB gzip, and WebCrypto does all the
 * arithmetic: ECDH, HMAC, AES-GCM.
 *
 * Deliberately not supported: any other KEM, KDF or AEAD; the PSK modes
 * (psk, auth_psk); the secret export interface (Export); sequence numbers
 * past 2^53 - 1. The API is the subset of @hpke/core's CipherSuite that
 * the protocol uses, so both can be tested against each other
 * (tests/unit/hpke.test.ts) and against the RFC's vectors.
 *
 * Modules: labeled-hkdf.ts (§4 LabeledExtract/Expand), dhkem.ts (§4.1
 * the KEM), context.ts (§5 key schedule and AEAD context),
 * derive-key-pair.ts (§7.1.3).
 */
import { AeadContext, AES_256_GCM, KDF_ID, keySchedule, MODE_AUTH, MODE_BASE } from './context.ts';
import { decap, deserializePublicKey, encap, generateKeyPair, importPrivateJwk, KEM_ID, serializePublicKey } from './dhkem.ts';
import { deriveKeyPair } from './derive-key-pair.ts';
import { HpkeError, type Bytes } from './labeled-hkdf.ts';

export { HpkeError, type HpkeErrorCode } from './labeled-hkdf.ts';

export interface SenderContextParams {
  recipientPublicKey: CryptoKey;
  info: Uint8Array;
  /** Auth mode: the sender's own key pair. */
  senderKey?: CryptoKeyPair;
  /** Fixes the ephemeral key (DeriveKeyPair(ekm)): test vectors only. */
  ekm?: Uint8Array;
}

export interface RecipientContextParams {
  /** A key pair, or a private key imported or derived by this module. */
  recipientKey: CryptoKey | CryptoKeyPair;
  enc: Uint8Array;
  info: Uint8Array;
  /** Auth mode: the sender's public key. */
  senderPublicKey?: CryptoKey;
}

export interface SenderContext {
  /** The 65-byte encapsulated key. */
  readonly enc: Bytes;
  seal(plaintext: Uint8Array<ArrayBuffer>, aad?: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

export interface RecipientContext {
  open(ciphertext: Uint8Array<ArrayBuffer>, aad?: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

/** SetupBaseS / SetupAuthS (§5.1.1, §5.1.3). */
async function createSenderContext(params: SenderContextParams): Promise<SenderContext> {
  const ephemeral = params.ekm ? await deriveKeyPair(params.ekm) : await generateKeyPair();
  const { sharedSecret, enc } = await encap(params.recipientPublicKey, ephemeral, params.senderKey);
  const schedule = await keySchedule(params.senderKey ? MODE_AUTH : MODE_BASE, sharedSecret, params.info, AES_256_GCM);
  sharedSecret.fill(0);
  const context = await AeadContext.create(schedule);
  return { enc, seal: (plaintext, aad) => context.seal(plaintext, aad) };
}

/** SetupBaseR / SetupAuthR (§5.1.1, §5.1.3). Throws HpkeError bad_public_key for a broken enc. */
async function createRecipientContext(params: RecipientContextParams): Promise<RecipientContext> {
  const sharedSecret = await decap(params.enc, params.recipientKey, params.senderPublicKey);
  const schedule = await keySchedule(params.senderPublicKey ? MODE_AUTH : MODE_BASE, sharedSecret, params.info, AES_256_GCM);
  sharedSecret.fill(0);
  const context = await AeadContext.create(schedule);
  return { open: (ciphertext, aad) => context.open(ciphertext, aad) };
}

/** The suite of wire format v1 (WIRE-FORMAT.md). */
export const p256Aes256Suite = {
  kem: {
    id: KEM_ID,
    deriveKeyPair,
    serializePublicKey,
    deserializePublicKey,
    /** A private P-256 JWK (with x and y), imported not extractable. */
    async importKey(format: 'jwk', jwk: JsonWebKey, isPublic: false): Promise<CryptoKey> {
      if (format !== 'jwk' || isPublic) throw new HpkeError('bad_input', 'only private keys as JWK can be imported');
      return importPrivateJwk(jwk);
    },
  },
  kdf: { id: KDF_ID },
  aead: { id: AES_256_GCM },
  createSenderContext,
  createRecipientContext,

  /** Single-shot Seal (§6.1): one context, sequence number 0. */
  async seal(params: SenderContextParams, plaintext: Uint8Array<ArrayBuffer>, aad?: Uint8Array<ArrayBuffer>): Promise<{ enc: Bytes; ct: ArrayBuffer }> {
    const context = await createSenderContext(params);
    return { enc: context.enc, ct: await context.seal(plaintext, aad) };
  },

  /** Single-shot Open (§6.1). Throws HpkeError open_failed or bad_public_key. */
  async open(params: RecipientContextParams, ciphertext: Uint8Array<ArrayBuffer>, aad?: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
    return (await createRecipientContext(params)).open(ciphertext, aad);
  },
} as const;
