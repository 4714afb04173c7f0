/**
 * A recipient key's fingerprint, for people to compare by eye or read
 * aloud: the first 80 bits of its kid in base32 (RFC 4648, A–Z and 2–7: no
 * 0/O or 1/I to mix up), in four groups of four ("MFRG-GZDF-MZTW-Q2LK").
 * The form and the receipt show it; the intake prints the same for its own
 * keys, so a professional or the intake can see that a request was sealed
 * to the key the municipality holds (review H1).
 *
 * 80 bits, not the earlier 48 (eight base64url characters): matching a
 * 48-bit prefix by grinding keys takes days on one GPU, 80 bits about
 * 2^80 candidates, out of reach (review N13). Machines compare whole kids.
 */
import { base64urlDecode } from './base64url.ts';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** Bytes of the kid the fingerprint shows (10 bytes = 80 bits = 16 base32 characters). */
export const FINGERPRINT_BYTES = 10;

export function keyFingerprint(kid: string): string {
  const bytes = base64urlDecode(kid);
  if (!bytes || bytes.length < FINGERPRINT_BYTES) return '';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes.subarray(0, FINGERPRINT_BYTES)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join('-');
}
