/**
 * The Worker's queue() consumer for the intake queue: delivers each
 * envelope to its municipality's push receiver (see src/intake/serve.ts).
 *
 * - Route by kid: INTAKE_PUSH_ROUTES is JSON {"<kid>": "https://…/push"},
 *   with an optional "*" for every other kid (built by
 *   `npm run intake -- routes <recipients.json>`).
 * - Sign with INTAKE_PUSH_SECRET (HMAC over timestamp and body).
 * - ack() only on a 2xx answer. Anything else (non-2xx, network error,
 *   timeout, no route, no secret) is retried with exponential backoff by
 *   attempt; after max_retries the queue moves the message to the
 *   dead-letter queue utvag-intake-dead, which keeps it. Nothing is dropped.
 * - Logs counts only: never a body, a kid-to-person link or an address.
 */
import { parseEnvelope } from '../src/contact/envelope.ts';
import { signPush } from '../src/intake/push-signature.ts';

export interface IntakePushEnv {
  /** JSON object: kid (or "*") → push URL. */
  INTAKE_PUSH_ROUTES?: string;
  /** Shared with the receiver; at least 32 characters. */
  INTAKE_PUSH_SECRET?: string;
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

function parseRoutes(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  try {
    const routes = JSON.parse(raw) as unknown;
    if (typeof routes !== 'object' || routes === null || Array.isArray(routes)) return {};
    return Object.fromEntries(Object.entries(routes).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return {};
  }
}

type Outcome = 'delivered' | 'retried';

async function deliver(
  message: Message<unknown>,
  routes: Record<string, string>,
  secret: string | undefined,
  baseSeconds: number,
  fetcher: typeof fetch,
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
  const url = routes[kid] ?? routes['*'];
  if (!url || !secret) return retry();
  try {
    const response = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await signPush(secret, body)) },
      body,
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    // Drain the answer so the connection can be reused; its content does not matter.
    await response.body?.cancel();
    if (response.status >= 200 && response.status < 300) {
      message.ack();
      return 'delivered';
    }
    return retry();
  } catch {
    return retry();
  }
}

/** queue() handler body: `queue: (batch, env) => handleIntakeBatch(batch, env)`. */
export async function handleIntakeBatch(
  batch: MessageBatch<unknown>,
  env: IntakePushEnv,
  fetcher: typeof fetch = fetch,
): Promise<{ delivered: number; retried: number }> {
  const routes = parseRoutes(env.INTAKE_PUSH_ROUTES);
  const outcomes = await Promise.all(batch.messages.map((message) => deliver(message, routes, env.INTAKE_PUSH_SECRET, retryBase(env), fetcher)));
  const delivered = outcomes.filter((outcome) => outcome === 'delivered').length;
  const retried = outcomes.length - delivered;
  if (retried > 0 || !env.INTAKE_PUSH_SECRET) {
    console.log(`intake push: ${delivered} delivered, ${retried} to retry${env.INTAKE_PUSH_SECRET ? '' : ' (INTAKE_PUSH_SECRET is not set)'}`);
  }
  return { delivered, retried };
}
