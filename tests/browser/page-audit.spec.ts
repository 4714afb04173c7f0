/**
 * One visit to each sampled page of the sitemap does everything that needs
 * a browser, in one test per page (so the two workers balance and a failure
 * names its page):
 *
 *  - the page answers 200 through the Worker;
 *  - axe finds no WCAG 2.2 AA violation (only violations are computed:
 *    axe-core's `resultTypes` performance option);
 *  - privacy (./privacy/probe.ts): no request to another host, no cookie,
 *    no storage write, no CSP violation;
 *  - reflow: at 320 CSS px wide (1280 px zoomed to 400 %, WCAG 1.4.10)
 *    nothing scrolls sideways.
 *
 * The tests of one worker share one browser context and one page
 * (sharedPageTest in ./fixtures.ts): a fresh context and renderer for every
 * page cost about a second a page (context, a second page for axe's results,
 * compiling axe again), more than the checks themselves.
 *
 * The sample: tests/crawl-sample.ts (every page but the municipality pages
 * and the kit's per-municipality pages, which are cut to a fixed sample), plus
 * the kit pages its own axe test used to visit in every language. What the
 * HTML alone shows (lang, dir, landmarks, links, inline code, numbers) is
 * checked on every built page in Node: tests/site/page-audit.test.ts.
 */
import type { BrowserContext, Request } from '@playwright/test';
import { sharedPageTest as test, expect, axeViolations } from './fixtures.ts';
import { expectNothingKept, foreignRequests, installPrivacyProbe } from './privacy/probe.ts';
import { browserAuditSample } from '../crawl-sample.ts';
import { sitemapPaths } from '../site/built-site.ts';
import { locales } from '../../protocol/locales.ts';

// The built site's sitemap, read from dist/ when the tests are listed.
const paths = browserAuditSample(sitemapPaths());

test.describe('every sampled page, visited once: axe, privacy, reflow', () => {
  // The context lives as long as the worker: the probe goes in once.
  const probed = new WeakSet<BrowserContext>();
  test.beforeEach(async ({ context }) => {
    if (probed.has(context)) return;
    probed.add(context);
    await context.addInitScript(installPrivacyProbe);
  });

  for (const path of paths) {
    test(path, async ({ page, context, baseURL }) => {
      const ownHost = new URL(baseURL!).host;
      const requests: Request[] = [];
      page.on('request', (r) => requests.push(r));
      const response = await page.goto(path, { waitUntil: 'load' });
      expect(response?.status(), path).toBe(200);

      expect(await axeViolations(page, path), `axe on ${path}`).toEqual([]);

      await page.setViewportSize({ width: 320, height: 256 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `sideways scroll at 320 px on ${path}`).toBeLessThanOrEqual(0);

      await expectNothingKept(page, context, path);
      expect(foreignRequests(requests, ownHost), `requests to other hosts from ${path}`).toEqual([]);
    });
  }

  test('an unknown address answers 404 with a page in every language', async ({ page }) => {
    const response = await page.goto('/sv/finns-inte/');
    expect(response?.status()).toBe(404);
    await expect(page.locator('.language-list li')).toHaveCount(locales.length);
  });
});
