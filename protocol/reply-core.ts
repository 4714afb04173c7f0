/**
 * What sealing and opening an answer share (issue 14): the HPKE info, the
 * additional data and the error. Apart from reply-open.ts, so that the
 * intake server, which seals nothing and opens nothing since issue 19, and
 * the Worker can name them without reaching the opening code.
 */
import { REPLY_WIRE_VERSION } from './limits.ts';

const utf8 = new TextEncoder();

export const REPLY_HPKE_INFO = 'utvag/reply/v1';

/** aad = "reply-v1." + mailbox + "." + kid: a reply opens only in its own mailbox, from its own sender. */
export function replyAad(mailbox: string, kid: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(utf8.encode(`reply-v${REPLY_WIRE_VERSION}.${mailbox}.${kid}`));
}

export type ReplyErrorCode =
  | 'bad_reply' // the message does not match the schema (on sealing)
  | 'too_large' // does not fit 8,188 bytes of JSON
  | 'bad_key' // a key that cannot be used
  | 'unknown_sender' // the reply names a kid that is not in the published key set
  | 'forged'; // does not open with that sender's key, or opens to something that is not a reply

export class ReplyError extends Error {
  readonly code: ReplyErrorCode;
  readonly fields: readonly string[];
  constructor(code: ReplyErrorCode, message: string, fields: readonly string[] = []) {
    super(message);
    this.name = 'ReplyError';
    this.code = code;
    this.fields = fields;
  }
}
