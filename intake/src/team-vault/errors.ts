/**
 * The one error the vault module throws for anything a person or a server
 * can get wrong: a wrong key, phrase or code, a box or grant that was
 * tampered with, a phrase too weak to use. Callers show a message per code
 * (inbox/text.ts); nothing else is thrown for bad input.
 */
export type VaultCryptoErrorCode = 'wrong_key' | 'wrong_unlock' | 'damaged' | 'weak_phrase';

export class VaultCryptoError extends Error {
  readonly code: VaultCryptoErrorCode;

  constructor(code: VaultCryptoErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VaultCryptoError';
    this.code = code;
  }
}

export const utf8 = new TextEncoder();
export const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A positive safe integer (a generation, a staff id). Throws damaged. */
export function checkCount(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new VaultCryptoError('damaged', `${what} must be a positive integer`);
  return value;
}
