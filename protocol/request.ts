/**
 * The contact request: what a person writes in the form, and the only
 * definition of it. It travels only inside the HPKE ciphertext (see
 * envelope.ts and WIRE-FORMAT.md); the Worker never sees it on the
 * JavaScript path.
 *
 * Size budget: every free-text field is limited in UTF-16 code units (what
 * HTML `maxlength` counts too), control characters other than tab and line
 * breaks are refused, and so are lone surrogates. Then no code unit costs
 * more than 3 bytes of JSON (a BMP character such as Ge'ez or Arabic is at
 * most 3 UTF-8 bytes; `"` and `\` escape to 2), and a request with every
 * field at its maximum still fits the 16,380 bytes the padded plaintext
 * leaves for JSON. tests/unit/envelope.test.ts measures that worst case.
 */
// zod/mini: the same schemas at a fraction of the size. The browser loads
// none of this file: it checks with request-check.ts, on the same limits.
import * as z from 'zod/mini';
import { localeCodes, type Locale } from './locales.ts';
import { RECEIPT_CODE_PATTERN } from './receipt-code.ts';
import {
  contactMethods,
  HELP_DIRECTORY_ID_PATTERN,
  LANGUAGE_MAX_LENGTH,
  MESSAGE_MAX_LENGTH,
  methodsWithoutPhone,
  needs,
  PHONE_MAX_LENGTH,
  REQUEST_VERSION,
  roles,
  SAFE_TIMES_MAX_LENGTH,
} from './limits.ts';
import { isPhoneNumber } from './phone-number.ts';
import { completeRequest, hasControlCharacters, isWellFormedUtf16, parseCalendarDay } from './request-check.ts';

// The limits live in limits.ts; import them from there. This one stays for
// the team inbox until it does.
export { UNKNOWN_MUNICIPALITY } from './limits.ts';
export { parseCalendarDay, swedishDay } from './request-check.ts';

/** Locales a request can be written in: the site's languages. */
export const requestLocales = localeCodes as readonly [Locale, ...Locale[]];

/** Free text limited to `max` code units, without control characters or lone surrogates. */
export function freeText(max: number) {
  return z.string().check(
    z.maxLength(max),
    z.refine((text) => !hasControlCharacters(text), { message: 'control characters are not allowed' }),
    z.refine(isWellFormedUtf16, { message: 'text is not well-formed' }),
  );
}

/** A calendar day YYYY-MM-DD that exists (no time: the day is enough, and says less). */
export const calendarDay = z
  .string()
  .check(z.refine((value) => parseCalendarDay(value) !== null, { message: 'expected a day as YYYY-MM-DD' }));

/**
 * A phone number, checked loosely: Swedish (070-123 45 67) or international
 * (+46 70 123 45 67, 0046 …), as cleaned by normalizePhoneNumber (one
 * module for the browser, this schema and the Worker: phone-number.ts).
 */
export const phoneNumber = z
  .string()
  .check(z.maxLength(PHONE_MAX_LENGTH), z.refine(isPhoneNumber, { message: 'expected a phone number with 6 to 15 digits 0-9' }));

/** A help-directory id (lowercase, digits, dashes) or `unknown` when the person did not say. */
export const municipalityId = z
  .string()
  .check(z.regex(HELP_DIRECTORY_ID_PATTERN, { message: 'expected a help-directory id or "unknown"' }));

export const contactDetailsSchema = z
  .strictObject({
    /** How contact happens (see contactMethods). */
    method: z.enum(contactMethods),
    /** The number to call or text; required for call and sms, optional for i-call. */
    phone: z.optional(phoneNumber),
    /** When it is safe to call or text, in the person's words ("weekdays after 18"). */
    safeTimes: freeText(SAFE_TIMES_MAX_LENGTH),
    /** May the municipality leave a voicemail? */
    voicemailOk: z.boolean(),
    /** May the caller say they are from social services (socialtjänsten)? If not, they say only their first name. */
    mayNameSocialServices: z.boolean(),
  })
  .check(
    z.refine((contact) => methodsWithoutPhone.includes(contact.method) || contact.phone !== undefined, {
      path: ['phone'],
      message: 'a phone number is needed to call or text',
    }),
  );

/**
 * Where the municipality can leave an answer on the site (issue 14): made in
 * the browser from the reply secret (reply-keys.ts). Checked by shape only
 * here, so this module stays free of crypto: publicKey is canonical base64url
 * of 65 bytes starting 0x04 (87 characters, "B" first), mailbox of 16 bytes
 * (22 characters). The intake checks the point when it seals a reply.
 */
export const replyAddressSchema = z.strictObject({
  /** base64url of the raw uncompressed P-256 point the reply is sealed to. */
  publicKey: z.string().check(z.regex(/^B[A-Za-z0-9_-]{85}[AEIMQUYcgkosw048]$/, { message: 'expected a reply public key' })),
  /** base64url of the 16-byte mailbox id. */
  mailbox: z.string().check(z.regex(/^[A-Za-z0-9_-]{21}[AQgw]$/, { message: 'expected a mailbox id' })),
});
export type ReplyAddress = z.infer<typeof replyAddressSchema>;

export const contactRequestSchema = z
  .strictObject({
    /** Format version of this object; a new shape gets a new number. */
    v: z.literal(REQUEST_VERSION),
    /** Random UUID made in the browser: the intake's dedupe key (a queue may deliver twice). */
    id: z.uuid(),
    /** The receipt code shown to the person, `482 915 307 621` (legacy `XXXX-XXXX` still valid; see receipt-code.ts). */
    receipt: z.string().check(z.regex(RECEIPT_CODE_PATTERN, { message: 'expected a receipt code (see receipt-code.ts)' })),
    /** The day it was written, Swedish time, YYYY-MM-DD. No time of day. */
    created: calendarDay,
    /** The site language the form was filled in. */
    locale: z.enum(requestLocales),
    /** Who is writing: the person themself, a relative, a professional, or unknown (not said). */
    role: z.enum(roles),
    /** The municipality the person chose (help-directory id), or `unknown`. */
    municipality: municipalityId,
    /** What they want help with; unique values. */
    needs: z.array(z.enum(needs)).check(
      z.maxLength(needs.length),
      z.refine((list) => new Set(list).size === list.length, { message: 'needs must not repeat' }),
    ),
    /** How and when it is safe to make contact. */
    contact: contactDetailsSchema,
    /** The language they want to be contacted in, in their own words (may be empty). */
    language: freeText(LANGUAGE_MAX_LENGTH),
    /** Do they need an interpreter? */
    interpreter: z.boolean(),
    /** Their message (may be empty). */
    message: freeText(MESSAGE_MAX_LENGTH),
    /** Optional (issue 14): answer on the site, sealed to this key, kept under this mailbox. */
    reply: z.optional(replyAddressSchema),
    /** Optional (issue 14): this is the person's one written follow-up to the request with this id. */
    followUpOf: z.optional(z.uuid()),
    /**
     * With followUpOf (review N3): the person's signature with the reply key
     * (write-back.ts), which the intake checks with the original request's
     * reply key. A follow-up without a valid one is refused.
     */
    followUpProof: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{86}$/, { message: 'expected a 64-byte signature' }))),
  })
  .check(
    z.refine((request) => request.contact.method !== 'here' || request.reply !== undefined, {
      path: ['reply'],
      message: 'answering on the site needs a reply address',
    }),
  );

export type ContactRequest = z.infer<typeof contactRequestSchema>;
export type ContactDetails = z.infer<typeof contactDetailsSchema>;
export type Role = (typeof roles)[number];
export type Need = (typeof needs)[number];
export type ContactMethod = (typeof contactMethods)[number];

/** What the form supplies; createRequest adds v, id, receipt and created. */
export type ContactRequestInput = Omit<ContactRequest, 'v' | 'id' | 'receipt' | 'created'>;

/**
 * Builds a complete request from the form's answers: a fresh random id,
 * a fresh receipt code and today's day. Validates the result, so a bad
 * answer throws a ZodError naming the field.
 */
export function createRequest(input: ContactRequestInput, now: Date = new Date()): ContactRequest {
  return contactRequestSchema.parse(completeRequest(input, now));
}
