/** Reply records (what was written and how it was sent), as JSON boxed under the vault's `records` key. */
import { utf8, utf8Strict, VaultCryptoError } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import type { VaultKeys } from './vault-key.ts';

const recordAad = (ref: string, id: string) => `reply|${ref}|${id}`;

export async function sealRecord(vault: VaultKeys, ref: string, id: string, json: unknown): Promise<Box> {
  const text = JSON.stringify(json);
  if (text === undefined) throw new VaultCryptoError('damaged', 'a reply record must be JSON');
  return sealBox(vault.records, recordAad(ref, id), utf8.encode(text));
}

/** Throws VaultCryptoError: wrong_key (another vault, ref or id), damaged. */
export async function openRecord(vault: VaultKeys, ref: string, id: string, box: Box): Promise<unknown> {
  const plain = await openBox(vault.records, recordAad(ref, id), box);
  try {
    return JSON.parse(utf8Strict.decode(plain)) as unknown;
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the reply record is not UTF-8 JSON', { cause });
  }
}
