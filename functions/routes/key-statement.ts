/**
 * PUT /api/key-statement: a recipient publishes its signed key statement
 * (protocol/key-statement.ts). The body carries its own proof, so any
 * origin may send it (CORS, no credentials: the team inbox publishes from
 * its own host). Order, cheapest first: size and type → configured →
 * sender rate limit → shape (zod) → the recipient is pinned in this build
 * → the signature verifies against the pin and a key is still valid →
 * issued after the stored one and not more than five minutes ahead →
 * stored in KEY_STATEMENTS. Answers 204; errors are {error: code}.
 * Nothing about the sender is logged or stored.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { Env } from '../env.ts';
import { builtKeySet, forgetKeySet, statementKey, storedStatement } from '../intake-keys.ts';
import { rateLimitConfigured, rateLimitKey, RATE_LIMIT_PERIOD_SECONDS } from '../rate-limit.ts';
import { keyStatementSchema } from '../../protocol/key-set.ts';
import { statementOrderProblem, verifyKeyStatement } from '../../protocol/key-statement.ts';

/** A statement with its eight keys at most is under 2 KB. */
export const MAX_STATEMENT_BYTES = 8 * 1024;

export const keyStatementErrorStatus = {
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_json: 400,
  malformed: 400,
  not_configured: 503,
  rate_limited: 429,
  unknown_recipient: 404,
  wrong_identity: 403,
  bad_signature: 403,
  expired_keys: 422,
  stale_statement: 409,
  future_statement: 422,
  unavailable: 503,
} as const;
export type KeyStatementErrorCode = keyof typeof keyStatementErrorStatus;

type C = Context<{ Bindings: Env }>;

function fail(c: C, code: KeyStatementErrorCode) {
  if (code === 'rate_limited') c.header('Retry-After', String(RATE_LIMIT_PERIOD_SECONDS));
  return c.json({ error: code }, keyStatementErrorStatus[code]);
}

export const keyStatement = new Hono<{ Bindings: Env }>();

keyStatement.use('*', cors({ origin: '*', allowMethods: ['PUT', 'OPTIONS'], allowHeaders: ['content-type'], maxAge: 600 }));

keyStatement.put('/', bodyLimit({ maxSize: MAX_STATEMENT_BYTES, onError: (c) => fail(c as C, 'payload_too_large') }), async (c) => {
  if ((c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') {
    return fail(c, 'unsupported_media_type');
  }
  if (!rateLimitConfigured(c.env)) return fail(c, 'not_configured');
  // The connecting address is read here only, to be hashed at once.
  const address = c.req.header('cf-connecting-ip') ?? 'unknown';
  const { success } = await c.env.KEY_STATEMENT_RATE_LIMIT.limit({ key: await rateLimitKey(c.env.RATE_LIMIT_SECRET!, address) });
  if (!success) return fail(c, 'rate_limited');

  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return fail(c, 'invalid_json');
  }
  const parsed = keyStatementSchema.safeParse(body);
  if (!parsed.success) return fail(c, 'malformed');
  const statement = parsed.data;

  const built = await builtKeySet(c.env);
  if (!built) return fail(c, 'unavailable');
  const pin = built.recipients.find((r) => r.id === statement.recipient)?.identity;
  if (!pin) return fail(c, 'unknown_recipient');
  const now = new Date();
  const check = await verifyKeyStatement(statement, pin, { recipient: statement.recipient, now });
  if (!check.ok) return fail(c, check.reason);
  // Statements are issued by one inbox per recipient; two at once race, and the later PUT wins.
  const order = statementOrderProblem(statement, await storedStatement(c.env, statement.recipient), now);
  if (order) return fail(c, order);
  await c.env.KEY_STATEMENTS.put(statementKey(statement.recipient), JSON.stringify(check.statement));
  forgetKeySet();
  return c.body(null, 204);
});
