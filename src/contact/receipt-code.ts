/**
 * Receipt codes: the short code a person sees after sending a contact
 * request, and may say on the phone ("I sent a request, my code is …").
 *
 * - 8 characters from a 30-character alphabet with nothing easy to mix up
 *   when read aloud or typed: no 0/O, 1/I/L, and no U (U/V). ~39 bits.
 * - Shown as XXXX-XXXX, the same in every locale (never translated digits).
 * - Drawn with crypto.getRandomValues and rejection sampling, so every
 *   character is exactly equally likely.
 *
 * Runs unchanged in the browser, in workerd and in Node.
 */

/** The alphabet: digits 2–9 and A–Z without I, L, O, U. */
export const RECEIPT_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_CODE_LENGTH = 8;
const GROUP_SIZE = 4;

/** The formatted shape, e.g. `7KQ3-MX2P`. */
export const RECEIPT_CODE_PATTERN = new RegExp(
  `^[${RECEIPT_ALPHABET}]{${GROUP_SIZE}}-[${RECEIPT_ALPHABET}]{${GROUP_SIZE}}$`,
);

// Largest multiple of the alphabet size that fits in a byte: bytes at or
// above it are thrown away so that no character is favoured (256 % 30 ≠ 0).
const ACCEPT_BELOW = 256 - (256 % RECEIPT_ALPHABET.length);

/** A fresh random receipt code, formatted `XXXX-XXXX`. */
export function generateReceiptCode(
  randomBytes: (into: Uint8Array<ArrayBuffer>) => void = (into) => {
    crypto.getRandomValues(into);
  },
): string {
  let chars = '';
  const buffer = new Uint8Array(16);
  while (chars.length < RECEIPT_CODE_LENGTH) {
    randomBytes(buffer);
    for (const byte of buffer) {
      if (byte >= ACCEPT_BELOW) continue;
      chars += RECEIPT_ALPHABET.charAt(byte % RECEIPT_ALPHABET.length);
      if (chars.length === RECEIPT_CODE_LENGTH) break;
    }
  }
  return formatReceiptCode(chars);
}

function formatReceiptCode(chars: string): string {
  return `${chars.slice(0, GROUP_SIZE)}-${chars.slice(GROUP_SIZE)}`;
}

// Characters that look like a Latin letter of the alphabet (Cyrillic and
// Greek capitals on phones set to another keyboard).
const LOOKALIKES: Readonly<Record<string, string>> = {
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', З: '3',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Κ: 'K', Μ: 'M', Ν: 'N', Ρ: 'P', Τ: 'T', Χ: 'X', Υ: 'Y',
};

/** Maps Arabic-Indic and Extended Arabic-Indic (Persian) digits to ASCII. */
function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) => {
    const code = digit.charCodeAt(0);
    const base = code >= 0x06f0 ? 0x06f0 : 0x0660;
    return String(code - base);
  });
}

export type NormalizedReceiptCode =
  | { ok: true; code: string }
  | { ok: false; reason: 'wrong_length' | 'invalid_character' };

/**
 * Turns what someone typed (any case, spaces, dashes, full-width or
 * Arabic/Persian digits, Cyrillic look-alikes) into the canonical
 * `XXXX-XXXX`, or says why it cannot be a receipt code. The letters the
 * alphabet leaves out (0, O, 1, I, L, U) are never guessed at: a code
 * never contains them, so typing one is a mistake the person must see.
 */
export function normalizeReceiptCode(typed: string): NormalizedReceiptCode {
  const folded = asciiDigits(typed.normalize('NFKC'))
    .toUpperCase()
    .replace(/[\s\-‐-―_.·]/g, '');
  let chars = '';
  for (const char of folded) {
    const mapped = LOOKALIKES[char] ?? char;
    if (!RECEIPT_ALPHABET.includes(mapped)) return { ok: false, reason: 'invalid_character' };
    chars += mapped;
  }
  if (chars.length !== RECEIPT_CODE_LENGTH) return { ok: false, reason: 'wrong_length' };
  return { ok: true, code: formatReceiptCode(chars) };
}

export function isReceiptCode(value: string): boolean {
  return RECEIPT_CODE_PATTERN.test(value);
}
