/**
 * Every answer the reply endpoints give besides success (issue 14), with a
 * stable code. Look-ups and deletions only ever fail on the shape of the
 * request or the rate limit, never on whether a mailbox or reply exists.
 */
export const replyErrorStatus = {
  /** Not application/json. */
  unsupported_media_type: 415,
  /** Larger than any valid body. */
  body_too_large: 413,
  /** Not JSON. */
  invalid_json: 400,
  /** Not the documented shape (which fields, never their values). */
  invalid_body: 400,
  /** POST /api/reply: the signing kid is not in the published key set. */
  unknown_kid: 400,
  /** POST /api/reply: the signature does not verify with that kid's published key. */
  bad_signature: 401,
  /** POST /api/reply: `sent` is more than five minutes from the Worker's clock. */
  stale: 400,
  /** POST /api/reply: the mailbox already holds the most replies it can. */
  mailbox_full: 409,
  /** POST /api/reply/write-back: no stored answer in that mailbox offers a write-back (review N3). */
  write_back_not_offered: 403,
  /** POST /api/reply/write-back: this answer has had its one write-back. */
  already_written_back: 409,
  /** Look-ups and deletions from one (hashed) address, too many in a short time. */
  rate_limited: 429,
  /** The key set or the store could not be read. */
  unavailable: 503,
  /** Only POST is served. */
  method_not_allowed: 405,
} as const;

export type ReplyErrorCode = keyof typeof replyErrorStatus;
