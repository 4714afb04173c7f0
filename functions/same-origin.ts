/**
 * Cross-site request refusal for POST /api/contact (review finding M1).
 * A url-encoded form POST is a "simple" request: any website could make its
 * visitors' browsers file contact requests without a CORS preflight. Every
 * current browser (Chromium, Firefox and Tor Browser, Safari) sends
 * Sec-Fetch-Site on such a POST, and Origin as well, so a real submission
 * from the site's own form says `same-origin` and passes:
 *
 *  - Sec-Fetch-Site present: only `same-origin` passes;
 *  - else Origin present: only the Worker's own origin passes;
 *  - neither (curl, an old browser, the intake's own tools): passes. Such a
 *    request is not made by a visitor's browser on another site's behalf.
 */
export function isCrossSite(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site !== 'same-origin';
  const origin = request.headers.get('origin');
  if (origin === null) return false;
  return origin !== new URL(request.url).origin;
}
