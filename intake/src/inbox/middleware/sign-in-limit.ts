/**
 * A few passkey attempts a minute per client and in all (accounts.ts
 * SignInLimiter). The client's address is used in memory only, never
 * stored or logged.
 *
 * Behind the municipality's reverse proxy every connection comes from the
 * proxy, so one limit would be shared by every client (security review
 * N11). X-Forwarded-For is believed only from a configured proxy address
 * (UTVAG_TRUSTED_PROXY); anyone else could write any address in it.
 *
 * The connection's address comes from the home (InboxAppOptions
 * remoteAddress): @hono/node-server's on Node (service.ts); without it
 * (app.request in tests) every request is one client.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { SignInLimiter } from '../../accounts.ts';

/**
 * The client's address: the connection's, or, when the connection comes
 * from a trusted proxy, the right-most X-Forwarded-For entry that is not
 * itself a trusted proxy (entries further left are the client's own say).
 */
export function clientAddress(remote: string | undefined, forwardedFor: string | undefined, trustedProxies: readonly string[]): string {
  const direct = remote ?? 'unknown';
  if (!trustedProxies.includes(direct) || !forwardedFor) return direct;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!trustedProxies.includes(hops[i]!)) return hops[i]!;
  return direct;
}

/** The address of the connection a request came on, if the home knows it. */
export type RemoteAddress = (c: Context) => string | undefined;

export function signInLimit(
  trustedProxies: readonly string[] = [],
  remoteOf: RemoteAddress = () => undefined,
  limiter = new SignInLimiter(),
) {
  return createMiddleware(async (c, next) => {
    if (!limiter.allow(clientAddress(remoteOf(c), c.req.header('x-forwarded-for'), trustedProxies)))
      return c.json({ error: 'rate_limited' }, 429, { 'retry-after': '60' });
    await next();
    return undefined;
  });
}
