/**
 * A grant: a generation's vault key V sealed (HPKE base mode, our
 * protocol/hpke) to one public key, a member's ("member:<staffId>") or the
 * recovery key ("recovery"). The aad "<to>|<gen>" binds it to both, so a
 * grant copied to another member's row or relabelled with another
 * generation does not open.
 */
import { base64urlDecode, base64urlEncode } from '../../../protocol/base64url.ts';
import { p256Aes256Suite } from '../../../protocol/hpke/index.ts';
import { checkCount, utf8, VaultCryptoError } from './errors.ts';
import { checkVaultKeyBytes } from './vault-key.ts';

export interface Grant {
  gen: number;
  enc: string;
  ct: string;
}

export const GRANT_INFO = 'utvag/vault-grant/v1';

const grantAad = (to: string, gen: number) => utf8.encode(`${to}|${gen}`);

/** A raw P-256 public key (base64url) as a CryptoKey; throws damaged. */
export async function publicKeyFrom(publicKey: string): Promise<CryptoKey> {
  const point = typeof publicKey === 'string' ? base64urlDecode(publicKey) : null;
  try {
    if (!point) throw new Error('not base64url');
    return await p256Aes256Suite.kem.deserializePublicKey(point);
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the public key is not a P-256 point', { cause });
  }
}

export async function sealGrant(vaultKeyBytes: Uint8Array, gen: number, toPublicKey: string, to: string): Promise<Grant> {
  checkVaultKeyBytes(vaultKeyBytes);
  checkCount(gen, 'gen');
  const recipientPublicKey = await publicKeyFrom(toPublicKey);
  const { enc, ct } = await p256Aes256Suite.seal(
    { recipientPublicKey, info: utf8.encode(GRANT_INFO) },
    new Uint8Array(vaultKeyBytes),
    grantAad(to, gen),
  );
  return { gen, enc: base64urlEncode(enc), ct: base64urlEncode(new Uint8Array(ct)) };
}

/** V of the grant's generation. Throws VaultCryptoError: damaged (malformed), wrong_key (another key, `to` or gen). */
export async function openGrant(grant: Grant, privateKey: CryptoKey, to: string): Promise<Uint8Array> {
  const enc = typeof grant?.enc === 'string' ? base64urlDecode(grant.enc) : null;
  const ct = typeof grant?.ct === 'string' ? base64urlDecode(grant.ct) : null;
  if (!enc || !ct || !Number.isSafeInteger(grant.gen) || grant.gen < 1) {
    throw new VaultCryptoError('damaged', 'not a grant: gen, enc and ct are needed');
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await p256Aes256Suite.open({ recipientKey: privateKey, enc, info: utf8.encode(GRANT_INFO) }, ct, grantAad(to, grant.gen)),
    );
  } catch (cause) {
    const code = (cause as { code?: string }).code === 'bad_public_key' ? 'damaged' : 'wrong_key';
    throw new VaultCryptoError(code, code === 'damaged' ? 'the grant is damaged' : 'this grant is not for this key', { cause });
  }
  return checkVaultKeyBytes(plain);
}
