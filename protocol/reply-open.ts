/**
 * Opening the municipality's answer in the browser (issue 14), without a
 * schema library: reply.ts adds the zod schemas the intake seals with and
 * the Worker checks with, and re-exports everything here. Wire format:
 * reply.ts and WIRE-FORMAT.md §11–14.
 *
 * What opens here is authenticated (HPKE auth mode with a published
 * recipient's key), and the intake checked it against replyMessageSchema
 * before sealing. The checks below make sure it has the shape the page
 * shows, within the same limits (limits.ts);
 * tests/unit/reply-open.test.ts checks them against the schema.
 */
import type { LookupResponse, LookupSlot, ReplyMessage } from './reply.ts';
import { base64urlDecode } from './base64url.ts';
import { contactSuite, importPublicKey, unpadPlaintext } from './envelope-core.ts';
import {
  MAX_REPLIES_PER_MAILBOX,
  REPLY_PADDED_SIZE,
  REPLY_PLACE_MAX_LENGTH,
  REPLY_TEXT_MAX_LENGTH,
  REPLY_TIME_MAX_LENGTH,
  REPLY_WIRE_VERSION,
  replyPhraseIds,
} from './limits.ts';
import { isFreeText, isRequestPhone, parseCalendarDay } from './request-check.ts';
import { isReceiptCode } from './receipt-code.ts';
import { isLocale } from './locales.ts';
import { REPLY_HPKE_INFO, replyAad, ReplyError } from './reply-core.ts';

export { REPLY_HPKE_INFO, replyAad, ReplyError, type ReplyErrorCode } from './reply-core.ts';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPhrase(phrase: unknown): boolean {
  if (!isObject(phrase) || !(replyPhraseIds as readonly unknown[]).includes(phrase.id)) return false;
  if (phrase.id === 'could-not-reach') return isString(phrase.phone) && isRequestPhone(phrase.phone);
  if (phrase.id === 'meet') {
    return (
      isString(phrase.place) &&
      phrase.place !== '' &&
      isFreeText(phrase.place, REPLY_PLACE_MAX_LENGTH) &&
      isString(phrase.time) &&
      phrase.time !== '' &&
      isFreeText(phrase.time, REPLY_TIME_MAX_LENGTH)
    );
  }
  if (phrase.id === 'write-again') return isString(phrase.date) && parseCalendarDay(phrase.date) !== null;
  return true;
}

/** The opened answer if it has the shape of one, else null. */
export function readReplyMessage(data: unknown): ReplyMessage | null {
  if (!isObject(data) || data.v !== REPLY_WIRE_VERSION) return null;
  const { id, case: caseId, receipt, created, phrases, text } = data;
  if (!isString(id) || !UUID.test(id) || !isString(caseId) || !UUID.test(caseId)) return null;
  if (!isString(receipt) || !isReceiptCode(receipt) || !isString(created) || !parseCalendarDay(created)) return null;
  if (!Array.isArray(phrases) || phrases.length > replyPhraseIds.length || !phrases.every(isPhrase)) return null;
  if (new Set(phrases.map((phrase: Json) => phrase.id)).size !== phrases.length) return null;
  if (text === undefined) return phrases.length > 0 ? (data as ReplyMessage) : null;
  if (!isObject(text) || !isString(text.lang) || !isLocale(text.lang) || !isString(text.body)) return null;
  return text.body !== '' && isFreeText(text.body, REPLY_TEXT_MAX_LENGTH) ? (data as ReplyMessage) : null;
}

/** A look-up answer (200) if it has the shape of one, else null: exactly MAX_REPLIES_PER_MAILBOX slots. */
export function readLookupResponse(data: unknown): LookupResponse | null {
  if (!isObject(data) || data.v !== REPLY_WIRE_VERSION || !Array.isArray(data.replies)) return null;
  const { count, replies } = data;
  if (!Number.isInteger(count) || (count as number) < 0 || (count as number) > MAX_REPLIES_PER_MAILBOX) return null;
  const isSlot = (slot: unknown) => isObject(slot) && [slot.id, slot.kid, slot.enc, slot.ct].every(isString);
  return replies.length === MAX_REPLIES_PER_MAILBOX && replies.every(isSlot) ? (data as LookupResponse) : null;
}

/** A published key the browser checks a reply against. */
export interface ReplySenderPublicKey {
  recipient: string;
  publicKey: string;
}

/**
 * Opens one slot in the browser. The sender must be in the published key
 * set (expired keys included: an answer may come after a rotation), and the
 * reply must open in auth mode with that key, in this mailbox. Throws
 * ReplyError unknown_sender or forged; never returns unchecked content.
 */
export async function openReply(
  slot: Pick<LookupSlot, 'kid' | 'enc' | 'ct'>,
  mine: { mailbox: string; keyPair: CryptoKeyPair },
  senders: ReadonlyMap<string, ReplySenderPublicKey>,
): Promise<{ message: ReplyMessage; recipient: string; kid: string }> {
  const sender = senders.get(slot.kid);
  if (!sender) throw new ReplyError('unknown_sender', 'the answer names a sender that is not a published recipient');
  let padded: Uint8Array;
  try {
    padded = new Uint8Array(
      await contactSuite.open(
        {
          recipientKey: mine.keyPair,
          senderPublicKey: await importPublicKey(sender.publicKey),
          enc: base64urlDecode(slot.enc)!,
          info: utf8.encode(REPLY_HPKE_INFO),
        },
        base64urlDecode(slot.ct)!,
        replyAad(mine.mailbox, slot.kid),
      ),
    );
  } catch {
    throw new ReplyError('forged', "the answer does not open with the sender's key");
  }
  let data: unknown;
  try {
    data = JSON.parse(utf8Strict.decode(unpadPlaintext(padded, REPLY_PADDED_SIZE)));
  } catch {
    throw new ReplyError('forged', 'the answer opened but is not a reply');
  }
  const message = readReplyMessage(data);
  if (!message) throw new ReplyError('forged', 'the answer opened but is not a valid reply');
  return { message, recipient: sender.recipient, kid: slot.kid };
}
