import { describe, expect, it } from 'vitest';
import {
  generateReceiptCode,
  isReceiptCode,
  normalizeReceiptCode,
  RECEIPT_ALPHABET,
  RECEIPT_CODE_PATTERN,
} from '../../src/contact/receipt-code.ts';

describe('receipt codes', () => {
  it('uses an alphabet without 0, O, 1, I, L or U', () => {
    for (const confusable of '0O1ILU') expect(RECEIPT_ALPHABET).not.toContain(confusable);
    expect(new Set(RECEIPT_ALPHABET).size).toBe(RECEIPT_ALPHABET.length);
    expect(RECEIPT_ALPHABET.length).toBe(30);
  });

  it('makes XXXX-XXXX codes from the alphabet, different each time', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = generateReceiptCode();
      expect(code).toMatch(RECEIPT_CODE_PATTERN);
      codes.add(code);
    }
    expect(codes.size).toBe(500);
  });

  it('throws away bytes at or above 240 (rejection sampling) instead of biasing characters', () => {
    // 240 % 30 = 0 and 250 % 30 = 10 would be "C"; only bytes below 240 may be used.
    const script = [250, 255, 240, 0, 1, 2, 3, 4, 5, 6, 7];
    let call = 0;
    const code = generateReceiptCode((into) => {
      into.fill(241);
      if (call++ === 0) into.set(script);
    });
    expect(code).toBe(`${RECEIPT_ALPHABET.slice(0, 4)}-${RECEIPT_ALPHABET.slice(4, 8)}`);
  });

  it('draws every character about equally often', () => {
    const counts = new Map<string, number>();
    const samples = 3000;
    for (let i = 0; i < samples; i++) {
      for (const char of generateReceiptCode().replace('-', '')) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    const expected = (samples * 8) / RECEIPT_ALPHABET.length; // 800
    expect(counts.size).toBe(RECEIPT_ALPHABET.length);
    // 800 ± 5 standard deviations (≈ 28 each): fails only on real bias.
    for (const count of counts.values()) expect(Math.abs(count - expected)).toBeLessThan(140);
  });

  it('normalizes typed input: case, spaces, dashes, full-width and Arabic/Persian digits, look-alikes', () => {
    const canonical = '7KQ3-MX2P';
    for (const typed of ['7kq3-mx2p', ' 7KQ3 MX2P ', '7kq3mx2p', '7KQ3—MX2P', '７ＫＱ３－ＭＸ２Ｐ', '٧KQ٣-MX٢P', '۷KQ۳ MX۲P', '7КQ3-МХ2Р']) {
      expect(normalizeReceiptCode(typed)).toEqual({ ok: true, code: canonical });
    }
  });

  it('refuses characters a code never contains and codes of the wrong length', () => {
    expect(normalizeReceiptCode('7KQ3-MX2O')).toEqual({ ok: false, reason: 'invalid_character' });
    expect(normalizeReceiptCode('1KQ3-MX2P')).toEqual({ ok: false, reason: 'invalid_character' });
    expect(normalizeReceiptCode('7KQ3-MX2')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(normalizeReceiptCode('7KQ3-MX2PP')).toEqual({ ok: false, reason: 'wrong_length' });
    expect(normalizeReceiptCode('')).toEqual({ ok: false, reason: 'wrong_length' });
  });

  it('recognizes only the canonical form', () => {
    expect(isReceiptCode('7KQ3-MX2P')).toBe(true);
    expect(isReceiptCode('7kq3-mx2p')).toBe(false);
    expect(isReceiptCode('7KQ3MX2P')).toBe(false);
  });
});
