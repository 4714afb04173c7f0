import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldPhoneCharacters, isPhoneNumber, normalizePhoneNumber } from '../../protocol/phone-number.ts';
import { readContactForm } from '../../src/contact/form-fields.ts';
import { createRequest } from '../../protocol/request.ts';

/** Writes ASCII digits in another script whose zero is at `zero`. */
function inScript(text: string, zero: number): string {
  return text.replace(/[0-9]/g, (d) => String.fromCodePoint(zero + Number(d)));
}

const scripts = {
  'Arabic-Indic': 0x0660,
  'Persian (Extended Arabic-Indic)': 0x06f0,
  'full-width': 0xff10,
  Devanagari: 0x0966,
  Bengali: 0x09e6,
  'mathematical bold': 0x1d7ce,
} as const;

/** A phone number as people write it: digits in groups with spaces or dashes, maybe a + first. */
const typedNumber = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.stringMatching(/^[0-9]{1,4}$/), { minLength: 2, maxLength: 5 }),
    fc.array(fc.constantFrom(' ', '-', '–', '—', '−', '/', '\u00A0', '\u202F'), { minLength: 5, maxLength: 5 }),
  )
  .map(([plus, groups, separators]) => (plus ? '+' : '') + groups.map((g, i) => (i ? separators[i]! : '') + g).join(''));

describe('phone numbers in every script', () => {
  it('reads the numbers from the accessibility test as the same number', () => {
    expect(normalizePhoneNumber('٠٧٠-١٢٣ ٤٥ ٦٧')).toBe('070-123 45 67');
    expect(normalizePhoneNumber('۰۷۰-۱۲۳ ۴۵ ۶۷')).toBe('070-123 45 67');
    expect(normalizePhoneNumber('070–123 45 67')).toBe('070-123 45 67');
    expect(normalizePhoneNumber('070/123 45 67')).toBe('070-123 45 67');
    expect(normalizePhoneNumber('070−123 45 67')).toBe('070-123 45 67');
    expect(normalizePhoneNumber('＋４６ ７０－１２３ ４５ ６７')).toBe('+46 70-123 45 67');
    // Direction marks a keyboard or a copy from an Arabic text adds.
    expect(normalizePhoneNumber('\u200F٠٧٠\u200E-١٢٣\u2066 ٤٥ ٦٧\u2069')).toBe('070-123 45 67');
    expect(normalizePhoneNumber('  070   123  ')).toBe('070 123');
  });

  it('gives the same number whatever script the digits are in', () => {
    fc.assert(
      fc.property(typedNumber, fc.constantFrom(...Object.values(scripts)), (ascii, zero) => {
        expect(normalizePhoneNumber(inScript(ascii, zero))).toBe(normalizePhoneNumber(ascii));
      }),
    );
  });

  it('accepts every such number with 6 to 15 digits, and refuses it with fewer or more', () => {
    fc.assert(
      fc.property(typedNumber, fc.constantFrom(...Object.values(scripts)), (ascii, zero) => {
        const digits = ascii.replace(/[^0-9]/g, '').length;
        expect(isPhoneNumber(normalizePhoneNumber(inScript(ascii, zero)))).toBe(digits >= 6 && digits <= 15);
      }),
    );
  });

  it('is idempotent and keeps one character per character (so the caret can stay put)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (typed) => {
        const once = normalizePhoneNumber(typed);
        expect(normalizePhoneNumber(once)).toBe(once);
      }),
    );
    fc.assert(
      fc.property(typedNumber, fc.constantFrom(...Object.values(scripts)), (ascii, zero) => {
        const typed = inScript(ascii, zero);
        expect([...foldPhoneCharacters(typed)].length).toBe([...typed].length);
      }),
    );
  });

  it('never lets a letter through, in any script', () => {
    for (const typed of ['070-ABC 45 67', '٠٧٠-١٢٣ ٤٥ ٦٧ س', '070 12ab', 'ዐ፩፪፫፬፭፮', '']) {
      expect(isPhoneNumber(normalizePhoneNumber(typed))).toBe(false);
    }
  });

  it('is what the form reading uses, on both paths, so the request carries the cleaned number', () => {
    const form = new URLSearchParams({ locale: 'ar', method: 'call', phone: '٠٧٠–١٢٣ ٤٥ ٦٧' });
    const input = readContactForm(form);
    expect(input.contact.phone).toBe('070-123 45 67');
    expect(createRequest(input).contact.phone).toBe('070-123 45 67');
    const persian = readContactForm(new URLSearchParams({ locale: 'fa', method: 'sms', phone: '۰۷۰/۱۲۳ ۴۵ ۶۷' }));
    expect(createRequest(persian).contact.phone).toBe('070-123 45 67');
  });
});
