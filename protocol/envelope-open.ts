/**
 * Opening contact envelopes (wire format v1): importing a recipient's
 * private key and decrypting. Apart from envelope.ts (parsing, sealing)
 * so that the intake server's module graph cannot reach it: requests are
 * opened only in the team's browsers (issue 19), and a test checks the
 * import graph. Only WebCrypto: runs in the browser and in Node.
 */
import { contactRequestSchema, type ContactRequest } from './request.ts';
import { base64urlDecode } from './base64url.ts';
import { aadForKid, computeKid, contactSuite, EnvelopeError, HPKE_INFO, importPublicKey, unpadPlaintext } from './envelope-core.ts';
import { issuePaths, parseEnvelope, privateJwkSchema, publicKeyFromPrivateJwk } from './envelope.ts';

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A private key ready to open envelopes, with the kid of its public half. */
export interface RecipientPrivateKey {
  kid: string;
  privateKey: CryptoKey;
}

/** Imports a P-256 private JWK (the intake's key file format). Throws `bad_key`. */
export async function importPrivateKey(jwkInput: unknown): Promise<RecipientPrivateKey> {
  const parsed = privateJwkSchema.safeParse(jwkInput);
  if (!parsed.success) {
    throw new EnvelopeError('bad_key', 'private key must be a P-256 JWK with kty, crv, x, y and d');
  }
  const jwk = parsed.data;
  try {
    const privateKey = await contactSuite.kem.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, d: jwk.d }, false);
    const publicKey = publicKeyFromPrivateJwk(jwk);
    // Importing the public half too proves x, y is a point on the curve.
    await importPublicKey(publicKey);
    return { kid: await computeKid(publicKey), privateKey };
  } catch (cause) {
    if (cause instanceof EnvelopeError) throw cause;
    throw new EnvelopeError('bad_key', 'private key could not be imported', { cause });
  }
}

/** Private keys by kid; the intake holds one per recipient it serves (and old ones while in flight). */
export type PrivateKeyRing = ReadonlyMap<string, CryptoKey>;

/** Decrypts and unpads an envelope to the request's JSON bytes (no schema check). */
export async function openEnvelopeToJson(envelopeInput: unknown, keys: PrivateKeyRing): Promise<Uint8Array<ArrayBuffer>> {
  const envelope = parseEnvelope(envelopeInput);
  const privateKey = keys.get(envelope.kid);
  if (!privateKey) throw new EnvelopeError('unknown_kid', 'no private key here for this kid');
  let padded: Uint8Array;
  try {
    padded = new Uint8Array(
      await contactSuite.open(
        { recipientKey: privateKey, enc: base64urlDecode(envelope.enc)!, info: utf8.encode(HPKE_INFO) },
        base64urlDecode(envelope.ct)!,
        aadForKid(envelope.kid),
      ),
    );
  } catch (cause) {
    throw new EnvelopeError('decrypt_failed', 'the envelope could not be decrypted with this key', { cause });
  }
  return unpadPlaintext(padded);
}

/**
 * Opens an envelope and returns the validated request. Errors, in the
 * order checked: bad_envelope, unknown_kid, decrypt_failed, bad_padding,
 * bad_request.
 */
export async function openEnvelope(envelopeInput: unknown, keys: PrivateKeyRing): Promise<ContactRequest> {
  const json = await openEnvelopeToJson(envelopeInput, keys);
  let data: unknown;
  try {
    data = JSON.parse(utf8Strict.decode(json));
  } catch {
    throw new EnvelopeError('bad_request', 'decrypted plaintext is not UTF-8 JSON');
  }
  const result = contactRequestSchema.safeParse(data);
  if (!result.success) {
    const fields = issuePaths(result.error);
    throw new EnvelopeError('bad_request', `decrypted request is not valid (check: ${fields.join(', ')})`, { fields });
  }
  return result.data;
}

/** Convenience for tests and the intake: a key ring from imported private keys. */
export function keyRing(keys: readonly RecipientPrivateKey[]): PrivateKeyRing {
  return new Map(keys.map((key) => [key.kid, key.privateKey]));
}
