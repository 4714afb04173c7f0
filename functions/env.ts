import type { HostedInbox } from './hosted-inbox.js';
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
  /** Per sender: keyed hash of the IPv4 address or IPv6 /64. */
  CONTACT_RATE_LIMIT: RateLimit;
  /** Per sender network: keyed hash of the IPv4 /24 or IPv6 /56. */
  CONTACT_NETWORK_RATE_LIMIT: RateLimit;
  /** Per sender site: keyed hash of the IPv6 /48. */
  CONTACT_SITE_RATE_LIMIT: RateLimit;
  /** Per recipient key (kid): an alarm, never a refusal (flood-alarm.ts). */
  RECIPIENT_RATE_LIMIT: RateLimit;
  /** All contact requests together: an alarm, never a refusal. */
  TOTAL_RATE_LIMIT: RateLimit;
  /** Envelopes queued in the last 24 hours, by hashed enc (seen-envelopes.ts). */
  SEEN_ENVELOPES: KVNamespace;
  /** Sealed replies by hashed mailbox id (issue 14; functions/reply-store.ts). */
  REPLY_STORE: KVNamespace;
  /** Each pinned recipient's newest signed key statement, by recipient id (intake-keys.ts). */
  KEY_STATEMENTS: KVNamespace;
  /** Key statement uploads per keyed address hash. */
  KEY_STATEMENT_RATE_LIMIT: RateLimit;
  /** Reply look-ups and deletions per keyed address hash. */
  REPLY_RATE_LIMIT: RateLimit;
  /**
   * Secret for the keyed hash of addresses in the rate limiter, at least 32
   * characters. Required: /api/contact answers not_configured without it.
   */
  RATE_LIMIT_SECRET?: string;
  /** One team inbox per hosted recipient (issue 20; intake/src/hosted/), by recipient id. */
  HOSTED_INBOX: DurableObjectNamespace<HostedInbox>;
  /**
   * The hosted inboxes' parent domain: `<recipient id>.<this>` is that
   * recipient's inbox (e.g. inkorg.utvag.se; development inkorg.localhost).
   * Absent: no host is an inbox.
   */
  HOSTED_INBOX_DOMAIN?: string;
  /** Development only (npm start, tests): opens /api/dev/hosted/* (routes/hosted-development.ts). Never set in production. */
  HOSTED_DEVELOPMENT_TOKEN?: string;
  /** The operator's bearer secret for /api/operator/* (routes/operator.ts; npm run connect). Absent: those routes do not exist. */
  OPERATOR_TOKEN?: string;
  /** A Worker secret, 32 characters or more: each hosted inbox's store secret is derived from it. */
  HOSTED_STORE_SECRET?: string;
}
