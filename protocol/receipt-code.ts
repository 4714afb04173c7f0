/**
 * Receipt codes: the short code a person sees after sending a contact
 * request, and may say on the phone ("I sent a request, my code is …").
 * Made, formatted, parsed and recognised only here.
 *
 * - Twelve digits in four groups of three, `482 915 307 621`: digits are
 *   said the same way by everyone who reads Swedish, English, Arabic,
 *   Persian, Somali or Tigrinya, and no two sound alike; letters do not
 *   (English "A" and Swedish "E", B/P and F/V in Arabic and Somali). 10^12
 *   codes ≈ 39.9 bits, at least the 39.3 bits of the letter codes before.
 * - The same in every locale: ASCII digits, never translated digits; the
 *   page isolates them left to right.
 * - Drawn with crypto.getRandomValues and rejection sampling, so every
 *   digit is exactly equally likely.
 * - Codes made before December 2026 (`XXXX-XXXX` from the alphabet below)
 *   stay valid: a request sent with one may still be on its way or in an
 *   intake, and the intake finds it by the code the person says.
 *
 * Runs unchanged in the browser, in workerd and in Node.
 */

export const RECEIPT_DIGIT_COUNT = 12;
const GROUP_SIZE = 3;

/** The formatted shape, e.g. `482 915 307 621`. */
const DIGIT_CODE_PATTERN = /^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/;

/** The letter codes of version 1 before December 2026: digits 2–9 and A–Z without I, L, O, U. */
export const LEGACY_RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
const LEGACY_CODE_LENGTH = 8;
const LEGACY_CODE_PATTERN = new RegExp(`^[${LEGACY_RECEIPT_ALPHABET}]{4}-[${LEGACY_RECEIPT_ALPHABET}]{4}$`);

/** Every receipt code a request may carry: today's digits, or a legacy letter code. */
export const RECEIPT_CODE_PATTERN = new RegExp(`${DIGIT_CODE_PATTERN.source}|${LEGACY_CODE_PATTERN.source}`);

// Largest multiple of ten that fits in a byte: bytes at or above it are
// thrown away so that no digit is favoured (256 % 10 ≠ 0).
const ACCEPT_BELOW = 250;

/** A fresh random receipt code, formatted `482 915 307 621`. */
export function generateReceiptCode(
  randomBytes: (into: Uint8Array<ArrayBuffer>) => void = (into) => {
    crypto.getRandomValues(into);
  },
): string {
  let digits = '';
  const buffer = new Uint8Array(16);
  while (digits.length < RECEIPT_DIGIT_COUNT) {
    randomBytes(buffer);
    for (const byte of buffer) {
      if (byte >= ACCEPT_BELOW) continue;
      digits += String(byte % 10);
      if (digits.length === RECEIPT_DIGIT_COUNT) break;
    }
  }
  return formatDigits(digits);
}

function formatDigits(digits: string): string {
  return digits.match(new RegExp(`.{${GROUP_SIZE}}`, 'g'))!.join(' ');
}

function formatLegacy(chars: string): string {
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

// Characters that look like a Latin letter of the legacy alphabet (Cyrillic
// and Greek capitals on phones set to another keyboard).
const LOOKALIKES: Readonly<Record<string, string>> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
  У: 'Y',
  З: '3',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ρ: 'P',
  Τ: 'T',
  Χ: 'X',
  Υ: 'Y',
};

/** Maps Arabic-Indic and Extended Arabic-Indic (Persian) digits to ASCII. */
function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const base = code >= 0x06f0 ? 0x06f0 : 0x0660;
    return String(code - base);
  });
}

export type NormalizedReceiptCode = { ok: true; code: string } | { ok: false; reason: 'wrong_length' | 'invalid_character' };

/**
 * Turns what someone typed or said (spaces, dashes, full-width or
 * Arabic/Persian digits; for legacy codes any case and Cyrillic
 * look-alikes) into the canonical code, or says why it cannot be one.
 * Twelve digits are today's code; eight characters a legacy letter code,
 * whose left-out letters (0, O, 1, I, L, U) are never guessed at.
 */
export function normalizeReceiptCode(typed: string): NormalizedReceiptCode {
  const folded = asciiDigits(typed.normalize('NFKC'))
    .toUpperCase()
    .replace(/[\s\-‐-―−_.·,]/g, '');
  const chars = [...folded].map((char) => LOOKALIKES[char] ?? char).join('');
  const isLegacy = (text: string) => [...text].every((char) => LEGACY_RECEIPT_ALPHABET.includes(char));
  if (/^[0-9]+$/.test(chars)) {
    if (chars.length === RECEIPT_DIGIT_COUNT) return { ok: true, code: formatDigits(chars) };
    if (chars.length === LEGACY_CODE_LENGTH && isLegacy(chars)) return { ok: true, code: formatLegacy(chars) };
    return { ok: false, reason: 'wrong_length' };
  }
  if (!isLegacy(chars)) return { ok: false, reason: 'invalid_character' };
  if (chars.length !== LEGACY_CODE_LENGTH) return { ok: false, reason: 'wrong_length' };
  return { ok: true, code: formatLegacy(chars) };
}

/** True only for a canonical code (today's or legacy), as generateReceiptCode and normalizeReceiptCode write it. */
export function isReceiptCode(value: string): boolean {
  return RECEIPT_CODE_PATTERN.test(value);
}

/** The groups of a canonical code, for reading aloud one group at a time. */
export function receiptCodeGroups(code: string): string[] {
  return code.split(/[ -]/);
}
