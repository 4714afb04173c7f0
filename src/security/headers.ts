/**
 * The security headers every response carries, static or API. One list:
 * the build writes it to dist/_headers for static assets, and the Worker
 * applies it to everything Hono answers.
 */

/**
 * No inline script or style anywhere: Astro is built with
 * inlineStylesheets 'never' and assetsInlineLimit 0. 'wasm-unsafe-eval'
 * lets Pagefind's search run its WebAssembly; it does not allow eval().
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const securityHeaders: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'geolocation=(), camera=(), microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
};

/** API answers are personal and must never sit in a cache. */
export const apiOnlyHeaders: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
};

export function applySecurityHeaders(headers: Headers, options: { api: boolean }): void {
  for (const [name, value] of Object.entries(securityHeaders)) headers.set(name, value);
  if (options.api) for (const [name, value] of Object.entries(apiOnlyHeaders)) headers.set(name, value);
}

/**
 * The pages that hold a person's secrets, in every language: the contact
 * pages (form and receipt, review M11) and the answer page, where the reply
 * secret is typed and the answers are read (N10). Never kept in the disk
 * cache, so a person's phone holds no copy of them, not even that it went
 * there. Their scripts also wipe them when the page is left (bfcache).
 */
export function contactPagePaths(locales: readonly string[]): string[] {
  return locales.flatMap((locale) => [`/${locale}/kontakt/`, `/${locale}/kontakt/*`, `/${locale}/svar/`, `/${locale}/svar/*`]);
}

export const contactPageHeaders: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
};

/**
 * The Cloudflare static-assets `_headers` file: the same list for every
 * path, and no-store on the contact pages (rules that match are merged).
 */
export function renderHeadersFile(locales: readonly string[] = []): string {
  const lines = ['/*', ...Object.entries(securityHeaders).map(([name, value]) => `  ${name}: ${value}`)];
  for (const path of contactPagePaths(locales)) {
    lines.push(path, ...Object.entries(contactPageHeaders).map(([name, value]) => `  ${name}: ${value}`));
  }
  return lines.join('\n') + '\n';
}
