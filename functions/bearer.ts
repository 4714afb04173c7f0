/**
 * A route that exists only when the Worker holds a secret, and answers only
 * a caller who sends it as a bearer token: without the secret (or with one
 * shorter than BEARER_SECRET_MIN_LENGTH) every route answers 404, as if it
 * did not exist; a missing or wrong token, 401. Used by the operator's API
 * (OPERATOR_TOKEN) and the development door (HOSTED_DEVELOPMENT_TOKEN).
 */
import { createMiddleware } from 'hono/factory';
import type { Env } from './env.ts';

/** The shortest secret taken: a shorter one counts as not set. */
export const BEARER_SECRET_MIN_LENGTH = 32;

const NO_STORE = { 'cache-control': 'no-store' };

/** SHA-256 first: timingSafeEqual needs equal lengths, and the digests say nothing about the secret's length. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = async (text: string) => crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Middleware: the bearer token must equal the Worker secret `secretOf(env)`; `realm` names it in WWW-Authenticate. */
export function requireBearerSecret(secretOf: (env: Env) => string | undefined, realm: string) {
  return createMiddleware<{ Bindings: Env }>(async (c, next) => {
    const secret = secretOf(c.env);
    if (!secret || secret.length < BEARER_SECRET_MIN_LENGTH) return c.json({ error: 'not_found' }, 404, NO_STORE);
    const given = /^Bearer (\S+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
    if (!(await sameSecret(given, secret))) {
      return c.json({ error: 'unauthorized' }, 401, { ...NO_STORE, 'www-authenticate': `Bearer realm="${realm}"` });
    }
    await next();
    c.header('cache-control', 'no-store');
    return undefined;
  });
}
