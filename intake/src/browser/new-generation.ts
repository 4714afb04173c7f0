/** What the setup and a rotation both make: a recipient HPKE key pair for this generation, wrapped under V. */
import { generateRecipientKeyPair } from '../../../protocol/envelope.ts';
import { wrapRecipientKey } from '../team-vault/recipient-keys.ts';
import type { VaultKeys } from '../team-vault/vault-key.ts';

/** A recipient key lives 90 days: the operator publishes a fresh one before it ends (`intake keys`). */
export const RECIPIENT_KEY_DAYS = 90;

export async function newRecipientKey(vault: VaultKeys, now = new Date()) {
  const pair = await generateRecipientKeyPair();
  const notAfter = new Date(now.getTime() + RECIPIENT_KEY_DAYS * 86_400_000).toISOString().slice(0, 10);
  return { kid: pair.kid, publicKey: pair.publicKey, notAfter, wrapped: await wrapRecipientKey(vault, pair.kid, pair.privateJwk) };
}
