/**
 * Every answer /api/contact can give besides success, with a stable code
 * the form (and any other client) can rely on. Never a 5xx but for the
 * intake queue or key set being unavailable, never a stack trace.
 */
export const contactErrorStatus = {
  /** The body is neither application/json nor a url-encoded form. */
  unsupported_media_type: 415,
  /** The body is larger than any valid request can be. */
  body_too_large: 413,
  /** The body is not JSON. */
  invalid_json: 400,
  /** Not exactly {v:1,kid,enc,ct} with the exact lengths. */
  invalid_envelope: 400,
  /** The kid is not a current key of the published key set. */
  unknown_kid: 400,
  /** No-JavaScript path: an answer in the form needs fixing. */
  invalid_form: 400,
  /**
   * Sent from another website (Sec-Fetch-Site not same-origin, or a foreign
   * Origin): refused before the body is read; nothing was sent.
   */
  forbidden_origin: 403,
  /**
   * Too many requests in a short time: from one (hashed) address or /64, to
   * one recipient, or in all. The answer carries Retry-After (seconds).
   */
  rate_limited: 429,
  /** The intake queue refused: nothing was sent, the client should try again or call. */
  queue_unavailable: 503,
  /** No key to encrypt to (no-JavaScript path only): nothing was sent. */
  keys_unavailable: 503,
  /** The Worker is deployed without RATE_LIMIT_SECRET: it takes no requests until it has one. */
  not_configured: 503,
  /** Only POST is served here. */
  method_not_allowed: 405,
} as const;

export type ContactErrorCode = keyof typeof contactErrorStatus;
