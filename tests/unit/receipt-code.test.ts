import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  generateReceiptCode,
  isReceiptCode,
  normalizeReceiptCode,
  LEGACY_RECEIPT_ALPHABET,
  RECEIPT_CODE_PATTERN,
  RECEIPT_DIGIT_COUNT,
} from '../../protocol/receipt-code.ts';
import { receiptSpeechLocale, spokenReceiptCode } from '../../src/contact/receipt-display.ts';

describe('receipt codes', () => {
  it('are twelve digits in four groups of three, different each time', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = generateReceiptCode();
      expect(code).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
      expect(isReceiptCode(code)).toBe(true);
      codes.add(code);
    }
    expect(codes.size).toBe(500);
  });

  it('have at least the entropy of the letter codes they replace', () => {
    const before = 8 * Math.log2(LEGACY_RECEIPT_ALPHABET.length); // ≈ 39.3 bits
    const now = RECEIPT_DIGIT_COUNT * Math.log2(10); // ≈ 39.9 bits
    expect(now).toBeGreaterThanOrEqual(before);
  });

  it('throw away bytes at or above 250 (rejection sampling) instead of biasing digits', () => {
    // 250 % 10 = 0 and 255 % 10 = 5 would favour 0–5; only bytes below 250 may be used.
    const script = [250, 255, 251, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    let call = 0;
    const code = generateReceiptCode((into) => {
      into.fill(252);
      if (call++ === 0) into.set(script);
    });
    expect(code).toBe('012 345 678 901');
  });

  it('draw every digit about equally often', () => {
    const counts = new Map<string, number>();
    const samples = 2000;
    for (let i = 0; i < samples; i++) {
      for (const digit of generateReceiptCode().replaceAll(' ', '')) counts.set(digit, (counts.get(digit) ?? 0) + 1);
    }
    const expected = (samples * RECEIPT_DIGIT_COUNT) / 10; // 2400
    expect(counts.size).toBe(10);
    // 2400 ± 5 standard deviations (≈ 46 each): fails only on real bias.
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(235);
  });

  it('are read back however they were typed or copied: spaces, dashes, none, Arabic, Persian or full-width digits', () => {
    const canonical = '482 915 307 621';
    for (const typed of [
      '482 915 307 621',
      '482915307621',
      '482-915-307-621',
      ' 482 915 307 621\n',
      '٤٨٢ ٩١٥ ٣٠٧ ٦٢١',
      '۴۸۲ ۹۱۵ ۳۰۷ ۶۲۱',
      '４８２ ９１５ ３０７ ６２１',
      '482.915.307.621',
    ]) {
      expect(normalizeReceiptCode(typed)).toEqual({ ok: true, code: canonical });
    }
  });

  it('round-trip: every generated code, typed in any of these ways, normalizes to itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.constantFrom('', ' ', '-', '  '), (bytes, separator) => {
        let offset = 0;
        const code = generateReceiptCode((into) => {
          for (let i = 0; i < into.length; i++) into[i] = bytes[offset++ % bytes.length]! % 250;
        });
        expect(normalizeReceiptCode(code.replaceAll(' ', separator))).toEqual({ ok: true, code });
      }),
    );
  });

  it('still knows the legacy letter codes, so a request sent before the change is found', () => {
    const legacy = '7KQ3-MX2P';
    expect(isReceiptCode(legacy)).toBe(true);
    for (const typed of ['7kq3-mx2p', ' 7KQ3 MX2P ', '7kq3mx2p', '7KQ3—MX2P', '７ＫＱ３－ＭＸ２Ｐ', '٧KQ٣-MX٢P', '7КQ3-МХ2Р']) {
      expect(normalizeReceiptCode(typed)).toEqual({ ok: true, code: legacy });
    }
    expect(normalizeReceiptCode('23456789')).toEqual({ ok: true, code: '2345-6789' });
  });

  it('refuse characters a code never contains and codes of the wrong length', () => {
    expect(normalizeReceiptCode('7KQ3-MX2O')).toEqual({ ok: false, reason: 'invalid_character' });
    expect(normalizeReceiptCode('1KQ3-MX2P')).toEqual({ ok: false, reason: 'invalid_character' });
    expect(normalizeReceiptCode('7KQ3-MX2')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(normalizeReceiptCode('482 915 307 62')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(normalizeReceiptCode('482 915 307 6211')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(normalizeReceiptCode('')).toEqual({ ok: false, reason: 'wrong_length' });
  });

  it('recognize only the canonical forms', () => {
    expect(isReceiptCode('482 915 307 621')).toBe(true);
    expect(isReceiptCode('482915307621')).toBe(false);
    expect(isReceiptCode('482-915-307-621')).toBe(false);
    expect(isReceiptCode('7kq3-mx2p')).toBe(false);
    expect(RECEIPT_CODE_PATTERN.test('482 915 307 621 x')).toBe(false);
  });

  it('are spoken digit by digit, group by group, in a language with a voice', () => {
    expect(spokenReceiptCode('482 915 307 621')).toBe('4 8 2, 9 1 5, 3 0 7, 6 2 1');
    expect(spokenReceiptCode('7KQ3-MX2P')).toBe('7 K Q 3, M X 2 P');
    expect(receiptSpeechLocale('ar')).toBe('ar');
    expect(receiptSpeechLocale('sv')).toBe('sv');
    expect(receiptSpeechLocale('ti')).toBe('en');
  });
});
