/**
 * Phone numbers as people type them, in any script: the one place that
 * turns what was typed into the number the request carries, and says
 * whether it is a phone number at all. Used alike by the browser form (it
 * writes the cleaned number back into the field), by the request schema and
 * by the Worker's no-JavaScript path, so every path accepts the same input.
 *
 * Our own code, not libphonenumber: that library's metadata alone is larger
 * than the contact page's whole JavaScript budget, and the check here is
 * deliberately loose (the municipality calls the number; it need not be
 * Swedish).
 */

/** The characters a cleaned number may contain: ASCII digits, +, space, ( ) . - */
const CLEAN_CHARACTERS = /^[0-9+ ().-]+$/;

// Dashes of every kind (hyphen, non-breaking hyphen, figure dash, en and em
// dash, horizontal bar, minus sign, small and full-width hyphen-minus) and
// the slash of older Swedish numbers (070/123 45 67): all mean "-".
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D/\u2044\u2215\uFF0F]/g;

// Direction marks and isolates that Arabic and Persian keyboards and
// copy-paste put around digits; invisible, and never part of a number.
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Any Unicode space (no-break, narrow, ideographic …) becomes a plain space. */
const SPACES = /[\s\u00A0\u2000-\u200B\u202F\u205F\u3000]/g;

const DECIMAL_DIGIT = /\p{Nd}/u;

/**
 * The value 0–9 of a decimal digit of any script. Unicode keeps each
 * script's digits as ten consecutive code points from zero to nine, so
 * counting how many digits come right before it (modulo ten, for blocks of
 * mathematical digits that follow each other) gives its value.
 */
function digitValue(char: string): number {
  let code = char.codePointAt(0)!;
  let before = 0;
  while (before < 60 && DECIMAL_DIGIT.test(String.fromCodePoint(code - 1))) {
    code--;
    before++;
  }
  return before % 10;
}

/**
 * Maps each character on its own, so a caret position maps too: digits of
 * every script become 0–9 (Arabic-Indic ٠١٢, Persian ۰۱۲, full-width ０１２,
 * Devanagari …), every dash and slash becomes "-", every space a plain
 * space, full-width + ( ) their ASCII forms; direction marks are dropped.
 * Letters and other characters are kept, so the check can still refuse them.
 */
export function foldPhoneCharacters(typed: string): string {
  let out = '';
  for (const char of typed.replace(BIDI_CONTROLS, '')) {
    if (char >= '0' && char <= '9') {
      out += char;
      continue;
    }
    // NFKC turns full-width digits, plus and brackets into ASCII.
    const compatible = char.normalize('NFKC');
    if (compatible.length === 1 && /[0-9+().]/.test(compatible)) out += compatible;
    else if (DECIMAL_DIGIT.test(char)) out += String(digitValue(char));
    else out += char.replace(DASHES, '-').replace(SPACES, ' ');
  }
  return out;
}

/** The number as the request carries it: folded, spaces collapsed, trimmed. */
export function normalizePhoneNumber(typed: string): string {
  return foldPhoneCharacters(typed).replace(/ {2,}/g, ' ').trim();
}

/** Most digits a phone number has (E.164 allows at most 15). */
export const PHONE_MAX_DIGITS = 15;
/** Fewest digits we accept (short local numbers have six or more). */
export const PHONE_MIN_DIGITS = 6;

/**
 * True for a cleaned number (see normalizePhoneNumber): only digits, +,
 * spaces, ( ) . and -, with an optional leading +, and 6 to 15 digits.
 */
export function isPhoneNumber(cleaned: string): boolean {
  if (!CLEAN_CHARACTERS.test(cleaned)) return false;
  const compact = cleaned.replace(/[ ().-]/g, '');
  return new RegExp(`^\\+?[0-9]{${PHONE_MIN_DIGITS},${PHONE_MAX_DIGITS}}$`).test(compact);
}
