/**
 * Records kept encrypted in the store (notes, the reply outbox):
 * AES-256-GCM under a key derived from the store secret, one key per
 * purpose, with the record's own name as additional data (a record cannot
 * be moved into another's place).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

export type RecordPurpose = 'notes' | 'replies' | 'staff';

/** The key for one purpose, from the store secret (HKDF-SHA256, "utvag-intake/<purpose>/v1"). */
export function recordKey(storeSecret: Buffer, purpose: RecordPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', storeSecret, Buffer.alloc(0), `utvag-intake/${purpose}/v1`, 32));
}

export function sealRecord(key: Buffer, aad: string, plaintext: string): { iv: string; ct: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { iv: iv.toString('base64url'), ct: ct.toString('base64url') };
}

export function openRecord(key: Buffer, aad: string, iv: string, ctText: string): string {
  const ct = Buffer.from(ctText, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('utf8');
}
