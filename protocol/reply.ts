/**
 * The municipality's answer (issue 14), wire format in WIRE-FORMAT.md §11–14.
 * One module for the intake (sealReply), the Worker (shapes only) and the
 * browser (openReply), like envelope.ts for requests.
 *
 *   HPKE auth mode (0x02), DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM
 *   skS = the recipient's own intake key (the one its requests are sealed to)
 *   pkR = the reply public key from the request (reply-keys.ts)
 *   info = "utvag/reply/v1", aad = "reply-v1." + mailbox + "." + kid
 *   plaintext = u32be(len(json)) || json || zeros, exactly 8,192 bytes
 *   sealed reply = {"v":1,"kid","enc","ct"}, enc 65 bytes, ct 8,208 bytes
 *
 * Auth mode means only the holder of the recipient's private key can make a
 * reply that opens with the recipient's published public key: the browser
 * checks the sender with nothing but the public key set.
 */
// The browser loads none of this file: reply-open.ts opens and checks replies.
import * as z from 'zod/mini';
import {
  base64urlDecode,
  base64urlEncode,
  base64urlOf,
  computeKid,
  contactSuite,
  ENC_SIZE,
  EnvelopeError,
  importPublicKey,
  KID_SIZE,
  padPlaintext,
  publicKeyFromPrivateJwk,
  type PrivateKeyJwk,
} from './envelope.ts';
import {
  MAX_REPLIES_PER_MAILBOX,
  REPLY_CT_SIZE,
  REPLY_ID_SIZE,
  REPLY_PADDED_SIZE,
  REPLY_PLACE_MAX_LENGTH,
  REPLY_TEXT_MAX_LENGTH,
  REPLY_TIME_MAX_LENGTH,
  REPLY_WIRE_VERSION,
  replyPhraseIds,
  type ReplyPhraseId,
} from './limits.ts';
import { REPLY_HPKE_INFO, replyAad, ReplyError } from './reply-core.ts';
import { RECEIPT_CODE_PATTERN } from './receipt-code.ts';
import { calendarDay, freeText, phoneNumber, requestLocales, type ContactMethod, type ReplyAddress } from './request.ts';

// The limits live in limits.ts; import them from there. These few stay for
// the team inbox and its tests until they do.
export { MAX_REPLIES_PER_MAILBOX, REPLY_CT_SIZE, replyPhraseIds, type ReplyPhraseId } from './limits.ts';
export { REPLY_HPKE_INFO, replyAad, ReplyError, type ReplyErrorCode } from './reply-core.ts';

/** Days the Worker keeps a reply; the municipality's retention should match. */
export const REPLY_RETENTION_DAYS = 30;

/**
 * The phrases that fit how the person asked to be contacted (T3-13): "we
 * will call you at the time you gave" only to someone who asked to be
 * called or texted and so gave a number; every other phrase fits any method.
 */
export function replyPhrasesFor(method: ContactMethod): readonly ReplyPhraseId[] {
  return method === 'call' || method === 'sms' ? replyPhraseIds : replyPhraseIds.filter((id) => id !== 'will-call');
}

export const replyPhraseSchema = z.discriminatedUnion('id', [
  /** "We have your request." */
  z.strictObject({ id: z.literal('received') }),
  /** "We will call you at the time you gave." */
  z.strictObject({ id: z.literal('will-call') }),
  /** "We could not reach you. Call us at {phone}." Only a number from the recipient's own data. */
  z.strictObject({ id: z.literal('could-not-reach'), phone: phoneNumber }),
  /** "You can meet us here: {place}. Time: {time}." A place alone is not a meeting. */
  z.strictObject({
    id: z.literal('meet'),
    place: freeText(REPLY_PLACE_MAX_LENGTH).check(z.minLength(1)),
    time: freeText(REPLY_TIME_MAX_LENGTH).check(z.minLength(1)),
  }),
  /** "You can write back to us here, once." */
  z.strictObject({ id: z.literal('write-back') }),
  /** "We will be in touch again by {date} at the latest." */
  z.strictObject({ id: z.literal('write-again'), date: calendarDay }),
  /** "What you write to us is confidential. Ask us what that means for you." */
  z.strictObject({ id: z.literal('confidential') }),
  /** "Are you in danger? Call 112." */
  z.strictObject({ id: z.literal('danger') }),
]);
export type ReplyPhrase = z.infer<typeof replyPhraseSchema>;

/** What the municipality writes; only ever inside the ciphertext. */
export const replyMessageSchema = z
  .strictObject({
    v: z.literal(REPLY_WIRE_VERSION),
    /** Random UUID of this reply. */
    id: z.uuid(),
    /** The id of the request this answers; a follow-up names it again (followUpOf). */
    case: z.uuid(),
    /** The receipt code of that request, shown to the person with the answer. */
    receipt: z.string().check(z.regex(RECEIPT_CODE_PATTERN)),
    /** The day it was written, Swedish time. */
    created: calendarDay,
    /** Phrases from the bank, in order, each at most once. */
    phrases: z.array(replyPhraseSchema).check(
      z.maxLength(replyPhraseIds.length),
      z.refine((list) => new Set(list.map((p) => p.id)).size === list.length, { message: 'a phrase appears twice' }),
    ),
    /** Free text, with the language it is written in (Swedish unless the writer chose another). */
    text: z.optional(
      z.strictObject({
        lang: z.enum(requestLocales),
        body: freeText(REPLY_TEXT_MAX_LENGTH).check(z.minLength(1)),
      }),
    ),
  })
  .check(
    z.refine((reply) => reply.phrases.length > 0 || reply.text !== undefined, {
      path: ['phrases'],
      message: 'a reply needs a phrase or a text',
    }),
  );
export type ReplyMessage = z.infer<typeof replyMessageSchema>;

/** A sealed reply as the intake posts it and the Worker keeps it. */
export const sealedReplySchema = z.strictObject({
  v: z.literal(REPLY_WIRE_VERSION),
  kid: base64urlOf(KID_SIZE, 'kid'),
  enc: base64urlOf(ENC_SIZE, 'enc'),
  ct: base64urlOf(REPLY_CT_SIZE, 'ct'),
});
export type SealedReply = z.infer<typeof sealedReplySchema>;

/** The mailbox id as sent to the Worker: 16 bytes, canonical base64url. */
export const mailboxIdSchema = base64urlOf(16, 'mailbox');

/** One slot of a look-up answer: a stored reply, or a decoy of exactly the same shape. */
export const lookupSlotSchema = z.strictObject({
  id: base64urlOf(REPLY_ID_SIZE, 'id'),
  kid: base64urlOf(KID_SIZE, 'kid'),
  enc: base64urlOf(ENC_SIZE, 'enc'),
  ct: base64urlOf(REPLY_CT_SIZE, 'ct'),
});
export type LookupSlot = z.infer<typeof lookupSlotSchema>;

/**
 * POST /api/reply/lookup answers 200 with exactly this, always the same
 * length: `count` real replies first, then decoys (random bytes).
 */
export const lookupResponseSchema = z.strictObject({
  v: z.literal(REPLY_WIRE_VERSION),
  count: z.number().check(z.int(), z.minimum(0), z.maximum(MAX_REPLIES_PER_MAILBOX)),
  replies: z.array(lookupSlotSchema).check(z.length(MAX_REPLIES_PER_MAILBOX)),
});
export type LookupResponse = z.infer<typeof lookupResponseSchema>;

const utf8 = new TextEncoder();

/** id = base64url(first 16 bytes of SHA-256(ct bytes)): names a stored reply (delete, dedupe). */
export async function replyIdOf(ct: string): Promise<string> {
  const bytes = base64urlDecode(ct);
  if (!bytes) throw new EnvelopeError('bad_envelope', 'ct is not base64url');
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)).subarray(0, REPLY_ID_SIZE));
}

/** The recipient's own key pair as HPKE auth mode needs it (the sender's public half too). */
export interface ReplySenderKey {
  kid: string;
  keyPair: CryptoKeyPair;
}

/**
 * The recipient's key as a reply sender, from a private ECDH CryptoKey
 * (the team inbox's browser unwraps it from the vault, non-extractable)
 * and its public point (base64url raw, as published).
 */
export async function replySenderKey(privateKey: CryptoKey, publicKey: string): Promise<ReplySenderKey> {
  const raw = base64urlDecode(publicKey);
  if (!raw) throw new ReplyError('bad_key', 'the intake public key is not base64url');
  try {
    return { kid: await computeKid(raw), keyPair: { privateKey, publicKey: await importPublicKey(raw) } };
  } catch (cause) {
    throw new ReplyError('bad_key', `the intake key could not be imported (${(cause as Error).message})`);
  }
}

/** Imports the intake's private JWK (keys/<kid>.private.jwk.json) as a reply sender key. */
export async function importReplySenderKey(jwk: PrivateKeyJwk): Promise<ReplySenderKey> {
  const raw = publicKeyFromPrivateJwk(jwk);
  try {
    const privateKey = await contactSuite.kem.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, false);
    return { kid: await computeKid(raw), keyPair: { privateKey, publicKey: await importPublicKey(raw) } };
  } catch (cause) {
    throw new ReplyError('bad_key', `the intake key could not be imported (${(cause as Error).message})`);
  }
}

/**
 * Seals a reply to the person's reply key, authenticated with the
 * recipient's own key. Validates the message first (ReplyError bad_reply
 * with field paths; too_large). `ekm` fixes the ephemeral key: tests only.
 */
export async function sealReply(
  message: ReplyMessage,
  to: ReplyAddress,
  sender: ReplySenderKey,
  options: { ekm?: Uint8Array<ArrayBuffer> } = {},
): Promise<SealedReply> {
  const result = replyMessageSchema.safeParse(message);
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    throw new ReplyError('bad_reply', `the reply is not valid (check: ${fields.join(', ')})`, fields);
  }
  let padded: Uint8Array<ArrayBuffer>;
  try {
    padded = padPlaintext(new Uint8Array(utf8.encode(JSON.stringify(result.data))), REPLY_PADDED_SIZE);
  } catch {
    throw new ReplyError('too_large', 'the reply does not fit; shorten the text');
  }
  let recipientPublicKey: CryptoKey;
  try {
    recipientPublicKey = await importPublicKey(to.publicKey);
  } catch {
    throw new ReplyError('bad_key', 'the reply public key in the request is not a P-256 point');
  }
  const context = await contactSuite.createSenderContext({
    recipientPublicKey,
    senderKey: sender.keyPair,
    info: utf8.encode(REPLY_HPKE_INFO),
    ...(options.ekm ? { ekm: options.ekm } : {}),
  });
  const ct = new Uint8Array(await context.seal(padded, replyAad(to.mailbox, sender.kid)));
  return { v: REPLY_WIRE_VERSION, kid: sender.kid, enc: base64urlEncode(new Uint8Array(context.enc)), ct: base64urlEncode(ct) };
}
