import type { IntakePushEnv } from './queue-consumer.ts';

/** Bindings and variables the Worker receives (see wrangler.jsonc). */
export interface Env extends IntakePushEnv {
  ASSETS: Fetcher;
  /** The push queue (its consumer pushes to receivers). */
  INTAKE_QUEUE: Queue<unknown>;
  /**
   * JSON kid → binding name (PULL_QUEUE_<ID>) of a pulling recipient's own
   * queue; those bindings are added to wrangler.jsonc per recipient.
   */
  INTAKE_PULL_QUEUES?: string;
  /** Per sender (keyed hash of the address or IPv6 /64). */
  CONTACT_RATE_LIMIT: RateLimit;
  /** Per recipient key (kid). */
  RECIPIENT_RATE_LIMIT: RateLimit;
  /** All contact requests together. */
  TOTAL_RATE_LIMIT: RateLimit;
  /** Sealed replies by hashed mailbox id (issue 14; functions/reply-store.ts). */
  REPLY_STORE: KVNamespace;
  /** Reply look-ups and deletions per keyed address hash. */
  REPLY_RATE_LIMIT: RateLimit;
  /**
   * Secret for the keyed hash of addresses in the rate limiter, at least 32
   * characters. Required: /api/contact answers not_configured without it.
   */
  RATE_LIMIT_SECRET?: string;
}
