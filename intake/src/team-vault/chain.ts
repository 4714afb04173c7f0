/**
 * Older generations stay reachable from the newest: each generation's
 * row holds the previous V boxed under its own `wrap` key (aad
 * "previous|<olderGen>"), so whoever holds the newest V can walk back and
 * open notes, replies and recipient keys of every generation.
 */
import { checkCount } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import { checkVaultKeyBytes, type VaultKeys } from './vault-key.ts';

const previousAad = (olderGen: number) => `previous|${checkCount(olderGen, 'olderGen')}`;

export async function sealPrevious(newer: VaultKeys, olderBytes: Uint8Array, olderGen: number): Promise<Box> {
  checkVaultKeyBytes(olderBytes);
  return sealBox(newer.wrap, previousAad(olderGen), olderBytes);
}

/** The older V. Throws VaultCryptoError: wrong_key, damaged. */
export async function openPrevious(newer: VaultKeys, box: Box, olderGen: number): Promise<Uint8Array> {
  return checkVaultKeyBytes(await openBox(newer.wrap, previousAad(olderGen), box));
}
