/**
 * The request's rules without a schema library, for the browser: the
 * contact page checks what a person can get wrong (lengths, characters,
 * the phone number, a phone number when one is needed) and builds the
 * request. The zod schema in request.ts uses the same rules and limits
 * (limits.ts), and tests/unit/request-check.test.ts checks that both agree
 * on every answer a form can produce.
 */
import type { ContactRequest, ContactRequestInput } from './request.ts';
import {
  HELP_DIRECTORY_ID_PATTERN,
  LANGUAGE_MAX_LENGTH,
  MESSAGE_MAX_LENGTH,
  methodsWithoutPhone,
  PHONE_MAX_LENGTH,
  REQUEST_VERSION,
  SAFE_TIMES_MAX_LENGTH,
} from './limits.ts';
import { generateReceiptCode } from './receipt-code.ts';
import { isPhoneNumber } from './phone-number.ts';

// Tab, LF and CR are what a textarea produces; everything else below 0x20,
// DEL and the C1 controls would cost 6 bytes each as JSON \u escapes.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** True when the text has a control character other than tab and line breaks. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/** True when the string has no unpaired UTF-16 surrogate (those escape to 6 bytes). */
export function isWellFormedUtf16(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** Free text of at most `max` code units, without control characters or lone surrogates. */
export function isFreeText(text: string, max: number): boolean {
  return text.length <= max && !hasControlCharacters(text) && isWellFormedUtf16(text);
}

/** A cleaned phone number (normalizePhoneNumber) the request accepts. */
export function isRequestPhone(phone: string): boolean {
  return phone.length <= PHONE_MAX_LENGTH && isPhoneNumber(phone);
}

/** A YYYY-MM-DD day that exists, as midnight UTC; null for anything else. */
export function parseCalendarDay(text: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text ? date : null;
}

/** Today's date in Sweden as YYYY-MM-DD (the intake works in Swedish time). */
export function swedishDay(now: Date = new Date()): string {
  try {
    // sv-SE formats dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * The paths of the answers to fix, as the schema names them
 * ("contact.phone", "message" …); empty when the request can be made.
 * Only what a person can get wrong: the choices come from the form's own
 * lists (readContactForm), the reply address from reply-keys.ts.
 */
export function requestProblems(input: ContactRequestInput): string[] {
  const paths: string[] = [];
  const { contact } = input;
  if (!HELP_DIRECTORY_ID_PATTERN.test(input.municipality)) paths.push('municipality');
  if (contact.phone !== undefined ? !isRequestPhone(contact.phone) : !methodsWithoutPhone.includes(contact.method)) {
    paths.push('contact.phone');
  }
  if (!isFreeText(contact.safeTimes, SAFE_TIMES_MAX_LENGTH)) paths.push('contact.safeTimes');
  if (!isFreeText(input.language, LANGUAGE_MAX_LENGTH)) paths.push('language');
  if (!isFreeText(input.message, MESSAGE_MAX_LENGTH)) paths.push('message');
  if (contact.method === 'here' && input.reply === undefined) paths.push('reply');
  return paths;
}

/** The request from the form's answers: a fresh random id, a fresh receipt code and today's day. Unchecked. */
export function completeRequest(input: ContactRequestInput, now: Date = new Date()): ContactRequest {
  // In the schema's order, so the JSON reads the same as the schema's output.
  return { v: REQUEST_VERSION, id: crypto.randomUUID(), receipt: generateReceiptCode(), created: swedishDay(now), ...input };
}
