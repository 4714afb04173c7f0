/**
 * The recipient's identity key (issue 20): an ECDSA P-256 key that signs
 * each statement of the HPKE keys the recipient publishes
 * (protocol/key-statement.ts). Its fingerprint is what the operator pins
 * in recipients.json. It is made in the first administrator's browser and
 * kept like the recipient keys: its private half boxed under the vault's
 * `wrap` key (aad "identity-key|<public key>"), so the server holds only
 * the public half and a box it cannot open. Unwrapped, it is a
 * non-extractable signing key.
 */
import { base64urlDecode, base64urlEncode } from '../../../protocol/base64url.ts';
import { exportIdentityKey, generateIdentityKey, identityFingerprint } from '../../../protocol/key-statement.ts';
import { utf8, utf8Strict, VaultCryptoError } from './errors.ts';
import { openBox, sealBox, type Box } from './sealed-box.ts';
import type { VaultKeys } from './vault-key.ts';

const identityAad = (publicKey: string) => `identity-key|${publicKey}`;
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** The private identity key as a JWK (only while it is being wrapped). */
export interface IdentityJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d: string;
}

export interface WrappedIdentityKey {
  /** base64url raw P-256 point, as key statements carry it. */
  publicKey: string;
  wrapped: Box;
}

/** The raw public point (base64url) of an identity JWK, from its x and y. */
export function identityPublicKeyOf(jwk: Pick<IdentityJwk, 'x' | 'y'>): string {
  const x = base64urlDecode(jwk.x);
  const y = base64urlDecode(jwk.y);
  if (x?.length !== 32 || y?.length !== 32) throw new VaultCryptoError('damaged', 'an identity key has a 32-byte x and y');
  const raw = new Uint8Array(65);
  raw[0] = 0x04;
  raw.set(x, 1);
  raw.set(y, 33);
  return base64urlEncode(raw);
}

/** Boxes a private identity key under V (the setup, `intake move-keys`, development vaults). */
export async function wrapIdentityKey(vault: VaultKeys, jwk: IdentityJwk): Promise<WrappedIdentityKey> {
  const { kty, crv, x, y, d } = jwk;
  const publicKey = identityPublicKeyOf(jwk);
  const plain = utf8.encode(JSON.stringify({ kty, crv, x, y, d }));
  try {
    return { publicKey, wrapped: await sealBox(vault.wrap, identityAad(publicKey), plain) };
  } finally {
    plain.fill(0);
  }
}

/**
 * A new identity key pair, its private half boxed under V at once: the
 * public half, the box, the fingerprint to show, and the signing key
 * (non-extractable) for the first statement.
 */
export async function newIdentityKey(vault: VaultKeys): Promise<WrappedIdentityKey & { fingerprint: string; sign: CryptoKey }> {
  const pair = await generateIdentityKey();
  const jwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as IdentityJwk;
  try {
    const made = await wrapIdentityKey(vault, jwk);
    if (made.publicKey !== (await exportIdentityKey(pair.publicKey))) throw new Error('the identity key pair does not match');
    return { ...made, fingerprint: await identityFingerprint(made.publicKey), sign: await importSigningKey(jwk) };
  } finally {
    jwk.d = '';
  }
}

function importSigningKey(jwk: IdentityJwk): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, ECDSA, false, ['sign']);
}

/**
 * The signing key from its box. Throws VaultCryptoError: wrong_key
 * (another vault, or a box moved from another public key), damaged (the
 * key inside is not the identity key the row names).
 */
export async function unwrapIdentityKey(vault: VaultKeys, identity: WrappedIdentityKey): Promise<CryptoKey> {
  const plain = await openBox(vault.wrap, identityAad(identity.publicKey), identity.wrapped);
  let jwk: IdentityJwk;
  try {
    jwk = JSON.parse(utf8Strict.decode(plain)) as IdentityJwk;
    if (typeof jwk !== 'object' || jwk === null) throw new Error('not an object');
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the identity key inside the box is not a JSON object', { cause });
  } finally {
    plain.fill(0);
  }
  try {
    if (identityPublicKeyOf(jwk) !== identity.publicKey) throw new Error('the key inside belongs to another public key');
    return await importSigningKey(jwk);
  } catch (cause) {
    throw new VaultCryptoError('damaged', 'the identity key inside the box is not usable', { cause });
  } finally {
    jwk.d = '';
  }
}
