/**
 * Signing the key list (issue 20): whenever the keys for requests change
 * (setup, the next key, a retired key, a new generation), this browser
 * opens the recipient's identity key from the vault and signs a statement
 * of the keys valid now, then posts it to the inbox, which checks it and
 * publishes it on the site. Only keys whose private halves this vault
 * opens are signed, so a server that slipped in a key of its own would not
 * get it signed. The server never holds the identity key open.
 */
import { signKeyStatement, type StatementKey } from '../../../protocol/key-statement.ts';
import { validKeys } from '../keys/key-dates.ts';
import { unwrapIdentityKey } from '../team-vault/identity-key.ts';
import { getJson, postJson } from './http.ts';
import { vaultInfo } from './member-key.ts';
import { openRecipientKeys, type ChainAnswer, type UnlockedVault } from './session-vault.ts';

/** Signs a statement of `keys` with the identity key and posts it; the inbox's answer: published or waiting. */
export async function postStatement(recipient: string, identityKey: string, sign: CryptoKey, keys: StatementKey[]): Promise<string> {
  const statement = await signKeyStatement({ v: 1, recipient, identityKey, issued: new Date().toISOString(), keys }, sign);
  return (await postJson<{ state: string }>('/api/vault/statement', statement)).state;
}

/**
 * Signs the keys valid now with the vault's identity key and posts the
 * statement. Null when there is nothing to sign with: this inbox has no
 * recipient id, or no identity key yet (the keys page offers to make it).
 */
export async function signCurrentKeys(vault: UnlockedVault): Promise<string | null> {
  const info = await vaultInfo();
  const chain = await getJson<ChainAnswer>('/api/vault/chain');
  if (!info.recipient || !chain.identity) return null;
  const generation = vault.generations.get(chain.identity.gen);
  if (!generation) throw new Error('the identity key is locked with a generation this vault does not reach');
  const sign = await unwrapIdentityKey(generation, chain.identity);
  // Opened again, not taken from the page's vault: a key made a moment ago is in the chain only.
  const opened = await openRecipientKeys(vault.generations, chain);
  const keys = validKeys(chain.keys, new Date())
    .filter((key) => opened.has(key.kid))
    .map((key) => ({ publicKey: key.publicKey, notAfter: key.notAfter }));
  return postStatement(info.recipient, chain.identity.publicKey, sign, keys);
}
