/**
 * The Worker's queue() consumer for the push queue: delivers each envelope
 * to its recipient's push receiver (see intake/src/receiver/push-app.ts), authenticated
 * per recipient (protocol/push-auth.ts).
 *
 * - Route by kid: INTAKE_PUSH_ROUTES is JSON
 *   {"<kid>": {"recipient": "<id>", "url": "https://…/push", "receiptKey": "<base64url>"}}
 *   built by `npm run intake -- routes <recipients.json>`. A route must be
 *   https (plain http only to this machine, for development); anything
 *   else is no route. A kid with no route of its own that a pinned
 *   recipient's verified statement lists (a key made later in its inbox)
 *   goes along that recipient's route; a hosted recipient's goes into its
 *   Durable Object.
 * - Sign with INTAKE_PUSH_SIGNING_KEY (the Worker's Ed25519 private JWK)
 *   over the recipient, a timestamp and the body's SHA-256.
 * - Redirects are not followed (a 3xx is a failed delivery).
 * - ack() only when the answer is 2xx AND carries a receipt signed by that
 *   recipient's receipt key for this very push. Anything else (another
 *   2xx, non-2xx, network error, timeout, no route, no key) is retried with
 *   exponential backoff by attempt; after max_retries the queue moves the
 *   message to the dead-letter queue, which keeps it for its retention
 *   period only (README, Deploy: set the longest your plan allows).
 * - A hosted recipient's envelope (its kid in that recipient's verified
 *   key statement, functions/hosted-inboxes.ts) goes into its own Durable
 *   Object instead (receive): ack() only when the object answers "stored"
 *   or "duplicate" (it has written the envelope before answering); a
 *   throwing or refusing object is retried with the same backoff.
 * - Logs counts only: never a body, a kid-to-person link or an address.
 */
import { parseEnvelope } from '../protocol/envelope.ts';
import type { HostedReceiveResult } from '../protocol/hosted-inbox.ts';
import { importSigningKey, importVerifyKey, signPush, verifyReceipt } from '../protocol/push-auth.ts';

export interface IntakePushEnv {
  /** JSON object: kid → {recipient, url, receiptKey}. */
  INTAKE_PUSH_ROUTES?: string;
  /** The Worker's Ed25519 private key as JWK text (a Worker secret). */
  INTAKE_PUSH_SIGNING_KEY?: string;
  /** First retry delay in seconds (default 30); the system tests shorten it. */
  INTAKE_RETRY_BASE_SECONDS?: string;
}

/** First retry after 30 s, doubling, at most an hour apart. */
export const RETRY_BASE_SECONDS = 30;
export const RETRY_MAX_SECONDS = 3600;
const PUSH_TIMEOUT_MS = 15_000;

export function retryDelaySeconds(attempts: number, baseSeconds: number = RETRY_BASE_SECONDS): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 20));
  return Math.min(RETRY_MAX_SECONDS, baseSeconds * 2 ** exponent);
}

function retryBase(env: IntakePushEnv): number {
  const configured = Number(env.INTAKE_RETRY_BASE_SECONDS);
  return Number.isFinite(configured) && configured >= 0 ? configured : RETRY_BASE_SECONDS;
}

export interface PushRoute {
  recipient: string;
  url: string;
  receiptKey: string;
}

/** Plain HTTP only to this machine (development); everything else must be HTTPS. */
export function isAllowedPushUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

export function parseRoutes(raw: string | undefined): Record<string, PushRoute> {
  if (!raw) return {};
  let routes: unknown;
  try {
    routes = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) return {};
  const valid: Record<string, PushRoute> = {};
  for (const [kid, route] of Object.entries(routes)) {
    if (typeof route !== 'object' || route === null) continue;
    const { recipient, url, receiptKey } = route as Record<string, unknown>;
    if (typeof recipient !== 'string' || typeof url !== 'string' || typeof receiptKey !== 'string' || !isAllowedPushUrl(url)) continue;
    valid[kid] = { recipient, url, receiptKey };
  }
  return valid;
}

/** The receiver's answer is a few hundred bytes; never read more than this. */
const MAX_ANSWER_BYTES = 4096;

async function readAnswer(response: Response): Promise<string> {
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > MAX_ANSWER_BYTES || !response.body) {
    await response.body?.cancel();
    return '';
  }
  const text = await response.text();
  return text.length > MAX_ANSWER_BYTES ? '' : text;
}

type Outcome = 'delivered' | 'retried';

/** Delivery by the live, signed key set (functions/hosted-inboxes.ts), for this batch. */
export interface HostedDelivery {
  /** The hosted recipient of a kid, or null when no hosted recipient's statement lists it. */
  recipientOf(kid: string): string | null;
  receive(recipient: string, body: string): Promise<HostedReceiveResult>;
  /**
   * The recipient whose verified statement lists a kid, hosted or not, or
   * null: a key a self-hosted inbox made after its route was set is pushed
   * along its recipient's route (the route's URL and receipt key are the
   * recipient's, not the key's).
   */
  signedRecipientOf?(kid: string): string | null;
}

const NO_HOSTED: HostedDelivery = { recipientOf: () => null, receive: () => Promise.resolve('rejected') };

/** A push route for a kid: its own, or its signed recipient's (any route of that recipient). */
function routeFor(kid: string, routes: Record<string, PushRoute>, hosted: HostedDelivery): PushRoute | undefined {
  if (routes[kid]) return routes[kid];
  const recipient = hosted.signedRecipientOf?.(kid) ?? null;
  return recipient === null ? undefined : Object.values(routes).find((route) => route.recipient === recipient);
}

async function deliver(
  message: Message<unknown>,
  routes: Record<string, PushRoute>,
  signingKey: CryptoKey | null,
  baseSeconds: number,
  fetcher: typeof fetch,
  hosted: HostedDelivery,
): Promise<Outcome> {
  const retry = (): Outcome => {
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts, baseSeconds) });
    return 'retried';
  };
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  let kid: string;
  try {
    kid = parseEnvelope(JSON.parse(body)).kid;
  } catch {
    return retry(); // cannot happen for what /api/contact queues; the dead-letter queue keeps it
  }
  const hostedRecipient = routes[kid] ? null : hosted.recipientOf(kid);
  if (hostedRecipient !== null) {
    try {
      const result = await hosted.receive(hostedRecipient, body);
      if (result !== 'stored' && result !== 'duplicate') return retry();
      message.ack();
      return 'delivered';
    } catch {
      return retry();
    }
  }
  const route = routeFor(kid, routes, hosted);
  if (!route || !signingKey) return retry();
  try {
    const push = await signPush(signingKey, route.recipient, body);
    const response = await fetcher(route.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...push.headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    const answer = await readAnswer(response);
    if (response.status < 200 || response.status >= 300) return retry();
    const status = await verifyReceipt(await importVerifyKey(route.receiptKey), push, answer);
    if (!status) return retry(); // a 2xx without this recipient's receipt is not a delivery
    message.ack();
    return 'delivered';
  } catch {
    return retry();
  }
}

async function loadSigningKey(env: IntakePushEnv): Promise<CryptoKey | null> {
  if (!env.INTAKE_PUSH_SIGNING_KEY) return null;
  try {
    return await importSigningKey(env.INTAKE_PUSH_SIGNING_KEY);
  } catch {
    return null;
  }
}

/** Attempts after which a message counts as overdue in the log line (about 2 hours of retries). */
export const OVERDUE_ATTEMPTS = 8;

/** queue() handler body: `queue: (batch, env) => handleIntakeBatch(batch, env)`. */
export async function handleIntakeBatch(
  batch: MessageBatch<unknown>,
  env: IntakePushEnv,
  fetcher: typeof fetch = fetch,
  hosted: HostedDelivery = NO_HOSTED,
): Promise<{ delivered: number; retried: number }> {
  const routes = parseRoutes(env.INTAKE_PUSH_ROUTES);
  const signingKey = await loadSigningKey(env);
  const outcomes = await Promise.all(
    batch.messages.map((message) => deliver(message, routes, signingKey, retryBase(env), fetcher, hosted)),
  );
  const delivered = outcomes.filter((outcome) => outcome === 'delivered').length;
  const retried = outcomes.length - delivered;
  const overdue = batch.messages.filter((message, index) => outcomes[index] === 'retried' && message.attempts >= OVERDUE_ATTEMPTS).length;
  if (retried > 0 || !signingKey) {
    // Counts only. "overdue" feeds an alert: those messages have failed for hours.
    console.log(
      `intake push: ${delivered} delivered, ${retried} to retry` +
        (overdue > 0 ? `, ${overdue} overdue` : '') +
        (signingKey ? '' : ' (INTAKE_PUSH_SIGNING_KEY is not set or not an Ed25519 JWK)'),
    );
  }
  return { delivered, retried };
}
