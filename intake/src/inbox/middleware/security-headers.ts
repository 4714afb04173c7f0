/**
 * Headers on every inbox answer: a strict CSP from one list (no inline
 * script or style), no framing, no referrer, and no caching unless a route
 * says otherwise. Hono's secureHeaders sets them; Strict-Transport-Security
 * is left to the municipality's HTTPS proxy (the inbox itself speaks HTTP
 * on its own network).
 */
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';

const CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
};

/**
 * Written here: Hono's typed Permissions-Policy list has no
 * publickey-credentials-create, which passkey registration needs.
 */
const PERMISSIONS_POLICY =
  'camera=(), microphone=(), geolocation=(), publickey-credentials-get=(self), publickey-credentials-create=(self)';

const hono = secureHeaders({
  contentSecurityPolicy: CSP,
  xFrameOptions: 'DENY',
  referrerPolicy: 'no-referrer',
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginResourcePolicy: 'same-origin',
  strictTransportSecurity: false,
});

export const securityHeaders = createMiddleware(async (c, next) => {
  await hono(c, next);
  c.header('Permissions-Policy', PERMISSIONS_POLICY);
  if (!c.res.headers.get('cache-control')) c.header('Cache-Control', 'no-store');
});
