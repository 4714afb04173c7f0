/**
 * RFC 9180 §5.1–5.2: the key schedule (psk = "" and psk_id = "", so mode
 * base 0x00 and auth 0x02 only) and the AEAD context with sequence-number
 * nonces, for HKDF-SHA256 and AES-GCM. The suite fixes AES-256-GCM
 * (aead_id 0x0002); the schedule takes the aead_id so the RFC's
 * AES-128-GCM vectors (Appendix A.3) run through this same code.
 */
import { concat, HASH_SIZE, hpkeSuiteId, HpkeError, i2osp, labeledExpand, labeledExtract, type Bytes } from './labeled-hkdf.ts';
import { KEM_ID } from './dhkem.ts';

export const KDF_ID = 0x0001;
export const AES_128_GCM = 0x0001;
export const AES_256_GCM = 0x0002;
export const MODE_BASE = 0x00;
export const MODE_AUTH = 0x02;
/** Nn and Nt of AES-GCM. */
export const NONCE_SIZE = 12;
export const TAG_SIZE = 16;

export interface KeySchedule {
  key: Bytes;
  baseNonce: Bytes;
  exporterSecret: Bytes;
  /** key_schedule_context and secret, for the RFC's intermediate test values. */
  context: Bytes;
  secret: Bytes;
}

/** KeySchedule<ROLE>(mode, shared_secret, info, psk = "", psk_id = "") of §5.1. */
export async function keySchedule(mode: typeof MODE_BASE | typeof MODE_AUTH, sharedSecret: Uint8Array, info: Uint8Array, aeadId: typeof AES_128_GCM | typeof AES_256_GCM): Promise<KeySchedule> {
  const suiteId = hpkeSuiteId(KEM_ID, KDF_ID, aeadId);
  const empty = new Uint8Array(0);
  // VerifyPSKInputs: with no psk and no psk_id, only modes base and auth are allowed.
  if (mode !== MODE_BASE && mode !== MODE_AUTH) throw new HpkeError('bad_input', 'only modes base and auth are supported');
  const pskIdHash = await labeledExtract(suiteId, empty, 'psk_id_hash', empty);
  const infoHash = await labeledExtract(suiteId, empty, 'info_hash', info);
  const context = concat(Uint8Array.of(mode), pskIdHash, infoHash);
  const secret = await labeledExtract(suiteId, sharedSecret, 'secret', empty);
  return {
    key: await labeledExpand(suiteId, secret, 'key', context, aeadId === AES_128_GCM ? 16 : 32),
    baseNonce: await labeledExpand(suiteId, secret, 'base_nonce', context, NONCE_SIZE),
    exporterSecret: await labeledExpand(suiteId, secret, 'exp', context, HASH_SIZE),
    context,
    secret,
  };
}

/**
 * The AEAD context of §5.2: Seal or Open with nonce = base_nonce XOR
 * I2OSP(seq, Nn), seq counting up after each success. One context either
 * seals or opens, never both (the sender's and the recipient's).
 */
export class AeadContext {
  readonly #key: CryptoKey;
  readonly #baseNonce: Bytes;
  #seq = 0;

  constructor(key: CryptoKey, baseNonce: Bytes) {
    this.#key = key;
    this.#baseNonce = baseNonce;
  }

  /** Imports the schedule's key (not extractable) and wipes the raw bytes. */
  static async create(schedule: KeySchedule): Promise<AeadContext> {
    const key = await crypto.subtle.importKey('raw', schedule.key, 'AES-GCM', false, ['encrypt', 'decrypt']);
    schedule.key.fill(0);
    schedule.secret.fill(0);
    return new AeadContext(key, schedule.baseNonce);
  }

  /** ComputeNonce(seq) and IncrementSeq: the seq is taken before any await, so parallel calls never share a nonce. */
  #nextNonce(): Bytes {
    // Seqs up to 2^53 - 1 (JavaScript's exact integers), far below the RFC's 2^96 - 1.
    if (this.#seq >= Number.MAX_SAFE_INTEGER) throw new HpkeError('message_limit', 'this context has sealed or opened its last message');
    const nonce = i2osp(this.#seq++, NONCE_SIZE);
    for (let i = 0; i < NONCE_SIZE; i++) nonce[i]! ^= this.#baseNonce[i]!;
    return nonce;
  }

  async seal(plaintext: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer> = new Uint8Array(0)): Promise<ArrayBuffer> {
    return crypto.subtle.encrypt({ name: 'AES-GCM', iv: this.#nextNonce(), additionalData: aad, tagLength: TAG_SIZE * 8 }, this.#key, plaintext);
  }

  /** Open; a failure does not advance the seq (§5.2). Throws open_failed. */
  async open(ciphertext: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer> = new Uint8Array(0)): Promise<ArrayBuffer> {
    const seq = this.#seq;
    const nonce = this.#nextNonce();
    try {
      return await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: TAG_SIZE * 8 }, this.#key, ciphertext);
    } catch (cause) {
      if (this.#seq === seq + 1) this.#seq = seq;
      throw new HpkeError('open_failed', 'the ciphertext does not open with this key, info and aad', { cause });
    }
  }
}
