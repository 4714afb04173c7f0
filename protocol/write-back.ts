/**
 * Writing back (review N3): only the holder of the reply secret can write
 * back, once per answer that offered it, and the write-back belongs to its
 * case. WIRE-FORMAT.md §16.
 *
 * The write-back key is the reply key itself (reply-keys.ts, `signingKey`): the same
 * P-256 scalar, used for ECDSA-P256-SHA256 (IEEE P1363 r‖s, 64 bytes), so
 * its public half is the reply public key the original request carried,
 * which the intake already holds inside that request, and which the intake
 * hands the Worker with an answer that offers a write-back (`writeBack` in
 * the reply post, reply-post.ts). Two signatures, two checks:
 *
 *  - in the request (for the intake), `followUpProof`:
 *      ECDSA(key, "utvag/write-back/v1.request." + followUpOf + "." + id + "." + base64url(SHA-256(message)))
 *    The intake checks it with the ORIGINAL request's reply key, so a
 *    follow-up that names a case it does not hold the secret of is refused;
 *  - on the post (for the Worker), POST /api/reply/write-back:
 *      body = {"v":1,"mailbox","reply":"<id of the answer it follows>","envelope":{v,kid,enc,ct}}
 *      X-Utvag-Write-Back-Signature: v1=<base64url(ECDSA(key, "utvag/write-back/v1.post." + body))>
 *    The Worker checks it with the key the intake stored with that answer,
 *    and takes one write-back per answer.
 *
 * The same P-256 key for ECDH and ECDSA: the signed bytes carry their own
 * labels (as for the intake's reply posts, reply-post.ts).
 */
import { base64urlDecode, base64urlEncode } from './base64url.ts';
import type { Envelope } from './envelope-core.ts';
import type { ContactRequestInput, ReplyAddress } from './request.ts';

export const WRITE_BACK_PATH = '/api/reply/write-back';
export const WRITE_BACK_SIGNATURE_HEADER = 'X-Utvag-Write-Back-Signature';
const LABEL = 'utvag/write-back/v1.';

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const utf8 = new TextEncoder();

/** The write-back post's body (its schema for the Worker: write-back-schema.ts; no schema library in the browser). */
export interface WriteBackPost {
  v: 1;
  mailbox: string;
  /** The id of the answer written back to. */
  reply: string;
  envelope: Envelope;
}

async function messageHash(message: string): Promise<string> {
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(message))));
}

async function requestBytes(request: { id: string; followUpOf: string; message: string }): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(utf8.encode(`${LABEL}request.${request.followUpOf}.${request.id}.${await messageHash(request.message)}`));
}

const postBytes = (body: string) => new Uint8Array(utf8.encode(`${LABEL}post.${body}`));

async function signBytes(key: CryptoKey, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return base64urlEncode(new Uint8Array(await crypto.subtle.sign(SIGN, key, bytes)));
}

async function verifyBytes(publicKey: string, signature: string, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const sig = base64urlDecode(signature);
  const raw = base64urlDecode(publicKey);
  if (!sig || sig.length !== 64 || !raw || raw.length !== 65) return false;
  try {
    const key = await crypto.subtle.importKey('raw', raw, ECDSA, false, ['verify']);
    return await crypto.subtle.verify(SIGN, key, sig, bytes);
  } catch {
    return false;
  }
}

/**
 * What a follow-up says besides its text: nothing about the person (role
 * unknown, no needs, no phone), answered on the site only ('here', to
 * `reply`), and the case it follows: for the tests and fuzzers that
 * imitate the browser. src/components/ReplyReader/write-back.ts writes the
 * same object inline: calling this from there costs the reply reader's
 * bundle about 30 bytes (brotli), and that bundle must not grow.
 */
export function followUpAnswers(follow: {
  locale: ContactRequestInput['locale'];
  municipality: string;
  message: string;
  reply: ReplyAddress;
  followUpOf: string;
}): ContactRequestInput {
  return {
    locale: follow.locale,
    role: 'unknown',
    municipality: follow.municipality,
    needs: [],
    contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    language: '',
    interpreter: false,
    message: follow.message,
    reply: follow.reply,
    followUpOf: follow.followUpOf,
  };
}

/** The proof a follow-up carries inside its ciphertext. */
export async function signFollowUp(key: CryptoKey, request: { id: string; followUpOf: string; message: string }): Promise<string> {
  return signBytes(key, await requestBytes(request));
}

/** True when the follow-up was signed by the holder of `replyPublicKey` (the original request's). */
export async function verifyFollowUp(
  replyPublicKey: string,
  request: { id: string; followUpOf: string; message: string; followUpProof?: string | undefined },
): Promise<boolean> {
  if (!request.followUpProof) return false;
  return verifyBytes(replyPublicKey, request.followUpProof, await requestBytes(request));
}

/** The body (exact bytes are signed) and its header value. */
export async function signWriteBackPost(key: CryptoKey, post: WriteBackPost): Promise<{ body: string; signature: string }> {
  const body = JSON.stringify({ v: post.v, mailbox: post.mailbox, reply: post.reply, envelope: post.envelope });
  return { body, signature: `v1=${await signBytes(key, postBytes(body))}` };
}

export async function verifyWriteBackPost(body: string, header: string | null | undefined, publicKey: string): Promise<boolean> {
  const match = /^v1=([A-Za-z0-9_-]{86})$/.exec(header ?? '');
  return match ? verifyBytes(publicKey, match[1]!, postBytes(body)) : false;
}
