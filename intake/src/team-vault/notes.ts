/** Notes on a request, boxed under the vault's `notes` key (aad "note|<ref>"). */
import { utf8, utf8Strict, VaultCryptoError } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import type { VaultKeys } from './vault-key.ts';

export async function sealNote(vault: VaultKeys, ref: string, text: string): Promise<Box> {
  return sealBox(vault.notes, `note|${ref}`, utf8.encode(text));
}

/** Throws VaultCryptoError: wrong_key (another vault or ref), damaged. */
export async function openNote(vault: VaultKeys, ref: string, box: Box): Promise<string> {
  const plain = await openBox(vault.notes, `note|${ref}`, box);
  try {
    return utf8Strict.decode(plain);
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the note is not UTF-8', { cause });
  }
}
