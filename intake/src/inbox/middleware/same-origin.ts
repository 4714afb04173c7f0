/**
 * Every state-changing request must come from the inbox's own origin
 * (the per-session CSRF token, middleware/session.ts, comes on top).
 * Hono's csrf() does the check: Sec-Fetch-Site must be "same-origin";
 * without that header, the Origin must be the inbox's own, or "null"
 * (with Referrer-Policy no-referrer an older browser's same-origin form
 * posts "Origin: null"; a browser that sends "null" for a cross-site post
 * also sends Sec-Fetch-Site, which then decides).
 */
import { createMiddleware } from 'hono/factory';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';

export function sameOrigin(inboxOrigin: () => string) {
  const check = csrf({
    secFetchSite: 'same-origin',
    origin: (origin, c) => origin === inboxOrigin() || (origin === 'null' && c.req.header('sec-fetch-site') === undefined),
  });
  return createMiddleware(async (c, next) => {
    try {
      await check(c, next);
    } catch (error) {
      if (error instanceof HTTPException && error.status === 403) return c.text('Forbidden (cross-site)', 403);
      throw error;
    }
    return undefined;
  });
}
