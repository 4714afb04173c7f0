import AxeBuilder from '@axe-core/playwright';
import { test, expect, sitemapPaths } from './fixtures.ts';
import { localeCodes } from '../../protocol/locales.ts';

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: what Swedish law asks, and more. */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

test.describe('axe finds no WCAG 2.2 AA violation', () => {
  // One test per locale (and one for the rest), so each has its own time
  // limit and two workers share them: with the municipality pages the
  // sitemap sample (tests/crawl-sample.ts) is about 290 pages.
  const groups = [...localeCodes.map((code) => ({ name: code, has: (p: string) => p.startsWith(`/${code}/`) })), {
    name: 'outside any locale',
    has: (p: string) => !localeCodes.some((code) => p.startsWith(`/${code}/`)),
  }];
  for (const group of groups) {
    test(`on any page of the sitemap: ${group.name}`, async ({ page, request }) => {
      test.setTimeout(600_000);
      const paths = (await sitemapPaths(request)).filter(group.has);
      const failures: string[] = [];
      for (const path of paths) {
        await page.goto(path);
        const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
        for (const v of results.violations) {
          failures.push(`${path}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  test('with the page zoomed to 400% (320 CSS px wide), nothing scrolls sideways', async ({ page, request }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width: 320, height: 256 });
    const paths = await sitemapPaths(request);
    for (const path of paths) {
      await page.goto(path);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
  });
});
