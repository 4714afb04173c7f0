import { createHash } from 'node:crypto';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type APIRequestContext, type BrowserContext, type Page, type Request } from '@playwright/test';

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
      const record = (request: Request) => seen.push(request);
      context.on('request', record);
      await use(seen);
      // The context may outlive the test (sharedPageTest): stop listening.
      context.off('request', record);
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

/**
 * `test` with one browser context and one page for the whole worker, not one
 * per test: for the page audit, which visits each sampled page in a test of
 * its own. A new context per page cost about 0.3 s, and in a fresh renderer
 * axe's 0.5 MB script compiles anew on every page (about 0.2 s; in the reused
 * renderer V8's compile cache answers). Every check still runs in every test,
 * the privacy guard included. After a failed test Playwright starts a new
 * worker, so a new context: nothing a failing page left reaches the next test.
 * Each test starts at the configured viewport. Every worker is one visitor
 * (one CF-Connecting-IP) to the rate limiter: use it only for page views.
 */
export const sharedPageTest = test.extend<object, { shared: { context?: BrowserContext } }>({
  shared: [
    async ({}, use) => {
      const shared: { context?: BrowserContext } = {};
      await use(shared);
      await shared.context?.close();
    },
    { scope: 'worker' },
  ],
  context: async ({ browser, shared, baseURL, locale, serviceWorkers, viewport, extraHTTPHeaders }, use) => {
    shared.context ??= await browser.newContext({
      serviceWorkers,
      viewport,
      ...(baseURL === undefined ? {} : { baseURL }),
      ...(locale === undefined ? {} : { locale }),
      ...(extraHTTPHeaders === undefined ? {} : { extraHTTPHeaders }),
    });
    await use(shared.context);
  },
  page: async ({ context, viewport }, use) => {
    const page = context.pages()[0] ?? (await context.newPage());
    if (viewport) await page.setViewportSize(viewport);
    await use(page);
  },
});

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what Swedish law asks, and more. */
export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * axe's WCAG violations on the open page, one line each (rule, impact, the
 * elements), named by `path`. Only violations are computed (axe-core's
 * `resultTypes` performance option). Legacy mode: axe.run in the page itself;
 * the default (runPartial) opens a second page for every run to merge the
 * frames' results, and the site's pages have no frames from another origin.
 */
export async function axeViolations(page: Page, path: string): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .options({ resultTypes: ['violations'] })
    .withTags(wcagTags)
    .setLegacyMode(true)
    .analyze();
  return results.violations.map((v) => `${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Paths of the links in the open page's article that stay on the site. */
export function articleLinks(page: Page): Promise<string[]> {
  return page.locator('article a[href^="/"], article a[href^="../"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
}

/** The paths that do not answer 200, each as "dead link <path> (<status>)". */
export async function deadLinks(request: APIRequestContext, paths: Iterable<string>): Promise<string[]> {
  const dead: string[] = [];
  for (const path of new Set(paths)) {
    const response = await request.get(path);
    if (response.status() !== 200) dead.push(`dead link ${path} (${response.status()})`);
  }
  return dead;
}
