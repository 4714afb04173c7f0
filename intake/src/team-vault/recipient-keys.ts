/**
 * The recipient's HPKE private keys, boxed under the vault's `wrap` key
 * (aad "recipient-key|<kid>"). Unwrapped, each gives two non-extractable
 * keys from the same scalar: ECDH to open envelopes, ECDSA to sign reply
 * posts. The kid is checked against the key inside, so a box moved to
 * another kid's row is refused.
 */
import { importPrivateKey } from '../../../protocol/envelope-open.ts';
import type { PrivateKeyJwk } from '../../../protocol/envelope.ts';
import { utf8, utf8Strict, VaultCryptoError } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import type { VaultKeys } from './vault-key.ts';

const recipientAad = (kid: string) => `recipient-key|${kid}`;

export async function wrapRecipientKey(vault: VaultKeys, kid: string, privateJwk: PrivateKeyJwk): Promise<Box> {
  const { kty, crv, x, y, d } = privateJwk;
  const plain = utf8.encode(JSON.stringify({ kty, crv, x, y, d }));
  try {
    return await sealBox(vault.wrap, recipientAad(kid), plain);
  } finally {
    plain.fill(0);
  }
}

/** Throws VaultCryptoError: wrong_key (another vault or kid), damaged. */
export async function unwrapRecipientKey(vault: VaultKeys, kid: string, box: Box): Promise<{ hpke: CryptoKey; sign: CryptoKey }> {
  const plain = await openBox(vault.wrap, recipientAad(kid), box);
  let jwk: PrivateKeyJwk;
  try {
    jwk = JSON.parse(utf8Strict.decode(plain)) as PrivateKeyJwk;
    if (typeof jwk !== 'object' || jwk === null) throw new Error('not an object');
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the recipient key inside the box is not a JSON object', { cause });
  } finally {
    plain.fill(0);
  }
  try {
    const opening = await importPrivateKey(jwk);
    if (opening.kid !== kid) throw new Error('the key inside belongs to another kid');
    const sign = await crypto.subtle.importKey(
      'jwk',
      { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    return { hpke: opening.privateKey, sign };
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the recipient key inside the box is not usable', { cause });
  } finally {
    jwk.d = '';
  }
}
