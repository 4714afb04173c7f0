/**
 * The key fingerprint people compare is 80 bits, not 48 (review N13): two
 * kids that agree on their first 48 bits (what grinding a short prefix
 * gives) still show different fingerprints.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64urlEncode } from '../../protocol/envelope.ts';
import { keyFingerprint } from '../../protocol/key-fingerprint.ts';

const kidBytes = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('keyFingerprint', () => {
  it('is 16 base32 characters in four groups of four', () => {
    fc.assert(
      fc.property(kidBytes, (bytes) => {
        expect(keyFingerprint(base64urlEncode(bytes))).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
      }),
    );
  });

  it('is RFC 4648 base32 of the first 10 bytes of the kid', () => {
    // "foobarfoob" is 10 bytes; RFC 4648 base32 of it (Python's base64.b32encode) is MZXW6YTBOJTG633C.
    const kid = base64urlEncode(new Uint8Array([...new TextEncoder().encode('foobarfoob'), 0, 0, 0, 0, 0, 0]));
    expect(keyFingerprint(kid)).toBe('MZXW-6YTB-OJTG-633C');
  });

  it('tells apart two kids that share their first 48 bits (a ground prefix) but differ in the next 32', () => {
    fc.assert(
      fc.property(kidBytes, fc.integer({ min: 6, max: 9 }), (bytes, at) => {
        const other = new Uint8Array(bytes);
        other[at] = other[at]! ^ 0x01;
        expect(keyFingerprint(base64urlEncode(other))).not.toBe(keyFingerprint(base64urlEncode(bytes)));
      }),
    );
  });
});
