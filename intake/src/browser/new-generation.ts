/** What the setup, a rotation and the keys page make: a recipient HPKE key pair, wrapped under V. */
import { generateRecipientKeyPair } from '../../../protocol/envelope.ts';
import { nextNotAfter } from '../keys/key-dates.ts';
import { wrapRecipientKey } from '../team-vault/recipient-keys.ts';
import type { VaultKeys } from '../team-vault/vault-key.ts';

/** A new key pair; its last day 90 days from today unless given (keys/key-dates.ts: the next key overlaps the newest). */
export async function newRecipientKey(vault: VaultKeys, notAfter = nextNotAfter([], new Date())) {
  const pair = await generateRecipientKeyPair();
  return { kid: pair.kid, publicKey: pair.publicKey, notAfter, wrapped: await wrapRecipientKey(vault, pair.kid, pair.privateJwk) };
}
