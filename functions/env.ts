import type { IntakePushEnv } from './queue-consumer.ts';

/** Bindings and variables the Worker receives (see wrangler.jsonc). */
export interface Env extends IntakePushEnv {
  ASSETS: Fetcher;
  INTAKE_QUEUE: Queue<unknown>;
  CONTACT_RATE_LIMIT: RateLimit;
  /** Sealed replies by hashed mailbox id (issue 14; functions/reply-store.ts). */
  REPLY_STORE: KVNamespace;
  /** Reply look-ups and deletions per keyed address hash. */
  REPLY_RATE_LIMIT: RateLimit;
  /** Secret for the keyed hash of addresses in the rate limiter (optional). */
  RATE_LIMIT_SECRET?: string;
}
