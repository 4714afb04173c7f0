/**
 * A few passkey attempts a minute per client and in all (accounts.ts
 * SignInLimiter). The client's address is used in memory only, never
 * stored or logged.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { SignInLimiter } from '../../accounts.ts';

function clientKey(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Not behind @hono/node-server (app.request in tests): one client.
    return 'unknown';
  }
}

export function signInLimit(limiter = new SignInLimiter()) {
  return createMiddleware(async (c, next) => {
    if (!limiter.allow(clientKey(c))) return c.json({ error: 'rate_limited' }, 429, { 'retry-after': '60' });
    await next();
    return undefined;
  });
}
