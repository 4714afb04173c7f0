/**
 * Push authentication, version 2 (replaces the shared HMAC secret of
 * push-signature.ts; review findings M5 and L4). WebCrypto only (Ed25519 and
 * SHA-256), so the Worker (workerd) and the Node intake share this module.
 *
 * The push (Worker → one recipient's receiver):
 *
 *   POST <route url>                        body: the envelope JSON, exactly as queued
 *   X-Utvag-Push-Recipient: <recipient id>  e.g. "stockholm"
 *   X-Utvag-Push-Timestamp: <unix seconds>
 *   X-Utvag-Push-Signature: v2=<base64url Ed25519 signature, 64 bytes>
 *
 *   signed bytes (UTF-8): "utvag-push-v2\n" + recipient + "\n" + timestamp + "\n" + base64url(SHA-256(body))
 *
 * The Worker signs with its private key (secret INTAKE_PUSH_SIGNING_KEY);
 * a receiver holds only the Worker's public key(s), so a receiver that is
 * broken into cannot forge pushes to any other. A receiver refuses a push
 * whose signature is wrong (401), whose recipient is not itself (403), or
 * whose timestamp is more than PUSH_MAX_SKEW_SECONDS from its clock (400).
 *
 * The receipt (receiver → Worker), in the answer's JSON body:
 *
 *   {"result": "<detail>", "receipt": {"v": 2, "status": "stored" | "duplicate" | "kept", "sig": "<base64url>"}}
 *
 *   signed bytes (UTF-8): "utvag-receipt-v2\n" + recipient + "\n" + timestamp + "\n" + base64url(SHA-256(body)) + "\n" + status
 *
 * with the receiver's own Ed25519 key, whose public key is published beside
 * its push URL in recipients.json (push.receiptPublicKey). The receipt
 * repeats the push's recipient, timestamp and body hash, so it answers this
 * push and no other. The Worker acknowledges the queue message only for a
 * 2xx answer with a receipt that verifies: any other 2xx (a proxy, a
 * maintenance page, a captive portal) counts as not delivered and is
 * retried. `kept` means the receiver has durably kept the body for a human
 * to look at (it could not be read as a request); retrying would not help.
 *
 * Keys are Ed25519, public keys as base64url of the raw 32 bytes, private
 * keys as JWK ({"kty":"OKP","crv":"Ed25519","x","d"}).
 */
import { base64urlDecode, base64urlEncode } from './envelope.ts';

export const PUSH_RECIPIENT_HEADER = 'X-Utvag-Push-Recipient';
export const PUSH_TIMESTAMP_HEADER = 'X-Utvag-Push-Timestamp';
export const PUSH_SIGNATURE_HEADER = 'X-Utvag-Push-Signature';
const SIGNATURE_PREFIX = 'v2=';
/** How far a timestamp may be from the receiver's clock, either way. */
export const PUSH_MAX_SKEW_SECONDS = 300;
/** Receipt statuses that mean "the receiver has it": the queue may forget the message. */
export const RECEIPT_STATUSES = ['stored', 'duplicate', 'kept'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

const ED25519 = { name: 'Ed25519' } as const;
const utf8 = new TextEncoder();

export interface Ed25519KeyPair {
  /** JWK with d: keep secret. */
  privateJwk: JsonWebKey;
  /** base64url of the raw 32-byte public key: publish. */
  publicKey: string;
}

/** A new Ed25519 key pair (the Worker's push key, or a receiver's receipt key). */
export async function generateSigningKey(): Promise<Ed25519KeyPair> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const privateJwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as JsonWebKey;
  const raw = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  return {
    privateJwk: { kty: privateJwk.kty!, crv: privateJwk.crv!, x: privateJwk.x!, d: privateJwk.d! },
    publicKey: base64urlEncode(raw),
  };
}

/** Imports a private signing key from its JWK (object or JSON text). Throws on anything else. */
export async function importSigningKey(jwk: JsonWebKey | string): Promise<CryptoKey> {
  const parsed = (typeof jwk === 'string' ? JSON.parse(jwk) : jwk) as JsonWebKey;
  if (parsed.kty !== 'OKP' || parsed.crv !== 'Ed25519' || typeof parsed.d !== 'string') throw new Error('not an Ed25519 private JWK');
  return crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: parsed.x!, d: parsed.d }, ED25519, false, ['sign']);
}

/** Imports a public key (base64url, raw 32 bytes). Throws on anything else. */
export async function importVerifyKey(publicKey: string): Promise<CryptoKey> {
  const raw = base64urlDecode(publicKey);
  if (!raw || raw.length !== 32) throw new Error('an Ed25519 public key is 32 bytes of base64url');
  return crypto.subtle.importKey('raw', raw, ED25519, false, ['verify']);
}

/** True when `text` is a well-formed Ed25519 public key (for schemas and checks). */
export async function isVerifyKey(text: string): Promise<boolean> {
  return importVerifyKey(text).then(
    () => true,
    () => false,
  );
}

/** base64url(SHA-256(body)). */
export async function bodyHash(body: string): Promise<string> {
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(body))));
}

function pushBytes(recipient: string, timestamp: string, hash: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(`utvag-push-v2\n${recipient}\n${timestamp}\n${hash}`));
}

function receiptBytes(recipient: string, timestamp: string, hash: string, status: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(`utvag-receipt-v2\n${recipient}\n${timestamp}\n${hash}\n${status}`));
}

function decodeSignature(text: string | null | undefined): Uint8Array<ArrayBuffer> | null {
  const bytes = text ? base64urlDecode(text) : null;
  return bytes && bytes.length === 64 ? new Uint8Array(bytes) : null;
}

// ----------------------------------------------------------------- Worker

/** What the Worker needs to push to one recipient. */
export interface SignedPush {
  headers: Record<string, string>;
  /** Kept to check the receipt against this very push. */
  recipient: string;
  timestamp: string;
  hash: string;
}

/** Headers for pushing `body` to `recipient`; `now` is for tests. */
export async function signPush(signingKey: CryptoKey, recipient: string, body: string, now: Date = new Date()): Promise<SignedPush> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const hash = await bodyHash(body);
  const signature = new Uint8Array(await crypto.subtle.sign(ED25519, signingKey, pushBytes(recipient, timestamp, hash)));
  return {
    headers: {
      [PUSH_RECIPIENT_HEADER]: recipient,
      [PUSH_TIMESTAMP_HEADER]: timestamp,
      [PUSH_SIGNATURE_HEADER]: `${SIGNATURE_PREFIX}${base64urlEncode(signature)}`,
    },
    recipient,
    timestamp,
    hash,
  };
}

/**
 * The receipt status when `answerBody` (the receiver's JSON answer) carries
 * a receipt for `push` signed by `receiptKey`; null otherwise.
 */
export async function verifyReceipt(receiptKey: CryptoKey, push: SignedPush, answerBody: string): Promise<ReceiptStatus | null> {
  let receipt: unknown;
  try {
    receipt = (JSON.parse(answerBody) as { receipt?: unknown }).receipt;
  } catch {
    return null;
  }
  if (typeof receipt !== 'object' || receipt === null) return null;
  const { v, status, sig } = receipt as Record<string, unknown>;
  if (v !== 2 || typeof status !== 'string' || !(RECEIPT_STATUSES as readonly string[]).includes(status) || typeof sig !== 'string')
    return null;
  const signature = decodeSignature(sig);
  if (!signature) return null;
  const valid = await crypto.subtle.verify(ED25519, receiptKey, signature, receiptBytes(push.recipient, push.timestamp, push.hash, status));
  return valid ? (status as ReceiptStatus) : null;
}

// --------------------------------------------------------------- receiver

export type PushCheck =
  | { ok: true; recipient: string; timestamp: string; hash: string }
  | { ok: false; reason: 'missing_headers' | 'bad_signature' | 'wrong_recipient' | 'stale_timestamp' };

/** A receiver's configuration: who it is, whom it trusts, how it signs receipts. */
export interface ReceiverAuth {
  /** This receiver's recipient id (recipients.json). */
  recipient: string;
  /** The Worker's public keys (more than one during a rotation). */
  workerKeys: readonly CryptoKey[];
  /** This receiver's receipt private key. */
  receiptKey: CryptoKey;
}

/** Builds a ReceiverAuth from text: the recipient id, the Worker's public keys (base64url), the receipt key's JWK. */
export async function receiverAuth(
  recipient: string,
  workerPublicKeys: readonly string[],
  receiptPrivateJwk: JsonWebKey | string,
): Promise<ReceiverAuth> {
  if (workerPublicKeys.length === 0) throw new Error('no Worker public key: set INTAKE_WORKER_PUBLIC_KEYS');
  return {
    recipient,
    workerKeys: await Promise.all(workerPublicKeys.map(importVerifyKey)),
    receiptKey: await importSigningKey(receiptPrivateJwk),
  };
}

/**
 * Checks a push before anything else is done with its body. `headers`
 * gives a header's value by its lower-case name. The signature is checked
 * first, so a forger learns nothing from the other checks.
 */
export async function verifyPush(
  auth: ReceiverAuth,
  header: (name: string) => string | null | undefined,
  body: string,
  now: Date = new Date(),
): Promise<PushCheck> {
  const recipient = header(PUSH_RECIPIENT_HEADER.toLowerCase());
  const timestamp = header(PUSH_TIMESTAMP_HEADER.toLowerCase());
  const signatureText = header(PUSH_SIGNATURE_HEADER.toLowerCase());
  if (!recipient || !timestamp || !/^\d{1,12}$/.test(timestamp) || !signatureText?.startsWith(SIGNATURE_PREFIX)) {
    return { ok: false, reason: 'missing_headers' };
  }
  const signature = decodeSignature(signatureText.slice(SIGNATURE_PREFIX.length));
  if (!signature) return { ok: false, reason: 'bad_signature' };
  const hash = await bodyHash(body);
  const signed = pushBytes(recipient, timestamp, hash);
  let valid = false;
  for (const key of auth.workerKeys) {
    if (await crypto.subtle.verify(ED25519, key, signature, signed)) valid = true;
  }
  if (!valid) return { ok: false, reason: 'bad_signature' };
  if (recipient !== auth.recipient) return { ok: false, reason: 'wrong_recipient' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > PUSH_MAX_SKEW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  return { ok: true, recipient, timestamp, hash };
}

/** The receipt object to put in the answer, once the body is durably kept. */
export async function signReceipt(
  auth: ReceiverAuth,
  push: { recipient: string; timestamp: string; hash: string },
  status: ReceiptStatus,
): Promise<{ v: 2; status: ReceiptStatus; sig: string }> {
  const signature = new Uint8Array(
    await crypto.subtle.sign(ED25519, auth.receiptKey, receiptBytes(push.recipient, push.timestamp, push.hash, status)),
  );
  return { v: 2, status, sig: base64urlEncode(signature) };
}

// ------------------------------------------------------ reply acknowledgement
/*
 * The Worker's acknowledgement of a stored reply (review N12), in the answer
 * to POST /api/reply:
 *
 *   {"ok": true, "id": "<reply id>", "ack": "<base64url Ed25519 signature>"}
 *
 *   signed bytes (UTF-8): "utvag-reply-ack-v1\n" + id + "\n" + base64url(SHA-256(posted body))
 *
 * with the Worker's push signing key (INTAKE_PUSH_SIGNING_KEY), which every
 * intake already trusts through INTAKE_WORKER_PUBLIC_KEYS. The intake counts
 * a reply delivered only for an acknowledgement of this very body and this
 * reply's id: a proxy, captive portal or maintenance page that answers 200
 * is a failed delivery, and is retried.
 */
function replyAckBytes(id: string, hash: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(`utvag-reply-ack-v1\n${id}\n${hash}`));
}

/** The Worker's signature over a stored reply's id and the posted body. */
export async function signReplyAck(signingKey: CryptoKey, id: string, postedBody: string): Promise<string> {
  return base64urlEncode(new Uint8Array(await crypto.subtle.sign(ED25519, signingKey, replyAckBytes(id, await bodyHash(postedBody)))));
}

/** True when `answerBody` acknowledges reply `id` for exactly `postedBody`, signed by one of the Worker's keys. */
export async function verifyReplyAck(
  workerKeys: readonly CryptoKey[],
  id: string,
  postedBody: string,
  answerBody: string,
): Promise<boolean> {
  let answer: unknown;
  try {
    answer = JSON.parse(answerBody);
  } catch {
    return false;
  }
  if (typeof answer !== 'object' || answer === null) return false;
  const { ok, id: answeredId, ack } = answer as Record<string, unknown>;
  if (ok !== true || answeredId !== id || typeof ack !== 'string') return false;
  const signature = decodeSignature(ack);
  if (!signature) return false;
  const bytes = replyAckBytes(id, await bodyHash(postedBody));
  for (const key of workerKeys) {
    if (await crypto.subtle.verify(ED25519, key, signature, bytes)) return true;
  }
  return false;
}
