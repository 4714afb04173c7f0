/**
 * The reply secret: the one thing a person keeps to read the municipality's
 * answer. Twenty decimal digits (log2(10^20) ≈ 66.4 bits, above the 64 the
 * design asks for), shown in five groups of four. Digits because they are
 * the same in every language the site speaks and can be read out, typed on
 * any keyboard and copied by hand without a dictionary.
 *
 * Typed back, the secret may use Western (0-9), Arabic-Indic (٠-٩) or
 * Persian (۰-۹) digits, with spaces, dashes, dots and bidi marks anywhere.
 * No check digit: a mistyped secret must look exactly like an empty mailbox
 * (issue 14), so there is nothing to gain from detecting typos early.
 */
import { foldPhoneCharacters } from './phone-number.ts';

export const REPLY_SECRET_DIGITS = 20;
export const REPLY_SECRET_GROUP = 4;

/**
 * Western digits for the digits of any script (Arabic-Indic ٠-٩, Persian
 * ۰-۹, full-width …): the same folding as phone numbers, from
 * protocol/phone-number.ts, so the site has one digit folding.
 */
export function toWesternDigits(text: string): string {
  return foldPhoneCharacters(text);
}

// Separators a person may type or a phone may insert: spaces (incl. no-break
// and thin), dashes, dots, and the invisible bidi marks RTL keyboards add.
const SEPARATORS = /[\s\u00A0\u2009\u202F.\-\u2010-\u2015\u200E\u200F\u061C\u2066-\u2069]/g;

/** The canonical 20 ASCII digits, or null when the input is not a reply secret. */
export function normalizeReplySecret(typed: string): string | null {
  const digits = toWesternDigits(typed).replace(SEPARATORS, '');
  return new RegExp(`^[0-9]{${REPLY_SECRET_DIGITS}}$`).test(digits) ? digits : null;
}

/** "1234 5678 9012 3456 7890": the canonical digits in groups of four. */
export function formatReplySecret(canonical: string): string {
  return canonical.match(new RegExp(`.{1,${REPLY_SECRET_GROUP}}`, 'g'))!.join(' ');
}

/**
 * A fresh secret, uniformly random: each digit from one random byte, with
 * bytes ≥ 250 rejected so that every digit is equally likely.
 */
export function generateReplySecret(): string {
  let digits = '';
  while (digits.length < REPLY_SECRET_DIGITS) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      if (byte < 250 && digits.length < REPLY_SECRET_DIGITS) digits += String(byte % 10);
    }
  }
  return digits;
}
