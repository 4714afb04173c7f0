/**
 * The wire's limits and allowed values, as plain constants: one home for
 * every number and list that both the zod schemas (request.ts, reply.ts,
 * envelope.ts, key-set.ts; Worker and intake) and the browser's own checks
 * (request-check.ts, reply-open.ts) use, so the two cannot drift apart.
 *
 * No imports and no schema library: the contact and answer pages load this
 * file as it is.
 */

// ------------------------------------------------------------- the request

export const REQUEST_VERSION = 1;

/** Longest message, in UTF-16 code units (4,000 × 3 bytes = 12,000 bytes worst case). */
export const MESSAGE_MAX_LENGTH = 4000;
/** Longest "when is it safe to contact you", in UTF-16 code units. */
export const SAFE_TIMES_MAX_LENGTH = 300;
/** Longest "which language", in UTF-16 code units. */
export const LANGUAGE_MAX_LENGTH = 100;
/** Longest phone number as typed, spaces and dashes included. */
export const PHONE_MAX_LENGTH = 32;

/** Who is writing; `unknown` when the person did not say (nothing is chosen for them). */
export const roles = ['self', 'relative', 'professional', 'unknown'] as const;

/** What the person wants help with (any number, none is fine). */
export const needs = [
  'leave-crime',
  'safety',
  'housing',
  'money-debts',
  'id-bankid',
  'work',
  'studies',
  'addiction',
  'mental-health',
  'family',
  'other',
] as const;

/**
 * How contact happens. `call` and `sms`: the municipality calls or texts the
 * given number. `i-call`: the person calls the municipality and gives the
 * receipt code, so no number needs to be written down at all. `here`: no call
 * and no text; the municipality answers only on the site (needs `reply`).
 * Any method may come with `reply` ("answer me here too").
 */
export const contactMethods = ['call', 'sms', 'i-call', 'here'] as const;
export type ContactMethodName = (typeof contactMethods)[number];

/** Methods that need no phone number. */
export const methodsWithoutPhone: readonly ContactMethodName[] = ['i-call', 'here'];

/** The `municipality` value when the person does not know or does not want to say. */
export const UNKNOWN_MUNICIPALITY = 'unknown';

/** A help-directory id: the contact request's municipality, the key set's recipient. */
export const HELP_DIRECTORY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

// ------------------------------------------------------------ the envelope

export const WIRE_VERSION = 1;
/** Size of every padded plaintext: the length prefix, the JSON and zero bytes. */
export const PADDED_SIZE = 16_384;
export const LENGTH_PREFIX_SIZE = 4;
/** The most JSON bytes a padded plaintext can hold. */
export const MAX_JSON_BYTES = PADDED_SIZE - LENGTH_PREFIX_SIZE;
/** DHKEM(P-256) Nenc: an uncompressed point. */
export const ENC_SIZE = 65;
export const PUBLIC_KEY_SIZE = 65;
export const GCM_TAG_SIZE = 16;
export const CT_SIZE = PADDED_SIZE + GCM_TAG_SIZE;
export const KID_SIZE = 16;

/** Format version of /intake-keys.json (2: identities and signed key statements). */
export const KEY_SET_VERSION = 2;

// ------------------------------------------------------------- the answer

export const REPLY_WIRE_VERSION = 1;
export const REPLY_PADDED_SIZE = 8192;
export const REPLY_CT_SIZE = REPLY_PADDED_SIZE + GCM_TAG_SIZE;
/** Longest free text in a reply, UTF-16 code units (2,000 × 3 bytes fits 8,188 with room). */
export const REPLY_TEXT_MAX_LENGTH = 2000;
/** Longest meeting place ("Fleminggatan 4, entrance B"), UTF-16 code units. */
export const REPLY_PLACE_MAX_LENGTH = 200;
/** Longest meeting time ("tisdag 14 januari kl. 15"), UTF-16 code units. */
export const REPLY_TIME_MAX_LENGTH = 100;
/** A mailbox holds at most this many replies; a look-up always returns this many slots. */
export const MAX_REPLIES_PER_MAILBOX = 3;
/** Bytes of a reply id (SHA-256 of the ciphertext, truncated). */
export const REPLY_ID_SIZE = 16;

/**
 * The phrase bank: fixed sentences written and reviewed in all six languages
 * (their words: protocol/reply-phrases/), so most answers need no translation.
 */
export const replyPhraseIds = [
  'received',
  'will-call',
  'could-not-reach',
  'meet',
  'write-back',
  'write-again',
  'confidential',
  'danger',
] as const;
export type ReplyPhraseId = (typeof replyPhraseIds)[number];
