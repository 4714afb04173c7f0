import { createHash } from 'node:crypto';
import { test as base, expect, type Request } from '@playwright/test';

/**
 * Every browser test runs under a privacy guard: it records every request
 * the page makes and fails the test if one goes to another host or a
 * cookie is set. A test that navigates away on purpose (quick exit) lists
 * the hosts it expects in `allowedExternalHosts`.
 */
export const test = base.extend<{ allowedExternalHosts: string[]; privacyGuard: Request[] }>({
  allowedExternalHosts: [[], { option: true }],
  // Each test is its own visitor: wrangler dev passes CF-Connecting-IP on,
  // so the Worker's rate limiter (10 requests a minute per address) counts
  // each test apart, as it would count different people. The addresses are
  // from the IPv6 documentation range, each in a /64 of its own: the
  // limiter counts an IPv6 sender per /64 (one household's or phone's prefix).
  extraHTTPHeaders: async ({}, use, testInfo) => {
    const id = createHash('sha256').update(testInfo.testId).digest('hex');
    await use({ 'CF-Connecting-IP': `2001:db8:${id.slice(0, 4)}:${id.slice(4, 8)}::${id.slice(8, 12)}` });
  },
  privacyGuard: [
    async ({ context, baseURL, allowedExternalHosts }, use) => {
      const ownHost = new URL(baseURL!).host;
      const seen: Request[] = [];
      context.on('request', (request) => seen.push(request));
      await use(seen);
      const foreign = seen
        .map((r) => r.url())
        .filter((url) => /^(https?|wss?):/.test(url))
        .filter((url) => {
          const host = new URL(url).host;
          return host !== ownHost && !allowedExternalHosts.includes(host);
        });
      expect(foreign, 'requests to other hosts').toEqual([]);
      expect(await context.cookies(), 'cookies').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
