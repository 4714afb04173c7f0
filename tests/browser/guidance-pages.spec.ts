import AxeBuilder from '@axe-core/playwright';
import { test, expect } from './fixtures.ts';

/**
 * The guidance pages that issue 9/10 rewrote or added, in a left-to-right and
 * a right-to-left language and in Ge'ez script: axe finds nothing, and every
 * link on them to another guidance page leads to a page that exists.
 * (The whole-sitemap axe run is accessibility.spec.ts; this one is quick.)
 */
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const slugs = ['sekretess', 'yrke', 'integritet', 'under-18', 'skulder-och-hot', 'vill-inte-ha-hjalp', 'mobilen', 'extremism', 'uppgiftsdelning'];
const locales = ['sv', 'ar', 'ti'];

for (const locale of locales) {
  test(`rewritten and new guidance pages in ${locale}: no axe violation, no dead guidance link`, async ({ page, request }) => {
    test.setTimeout(180_000);
    const failures: string[] = [];
    const links = new Set<string>();
    for (const slug of slugs) {
      const path = `/${locale}/${slug}/`;
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
      for (const v of results.violations) failures.push(`${path}: ${v.id} (${v.impact})`);
      const hrefs = await page.locator('article a[href^="/"], article a[href^="../"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
      for (const href of hrefs) links.add(href);
    }
    for (const href of links) {
      const response = await request.get(href);
      if (response.status() !== 200) failures.push(`dead link ${href} (${response.status()})`);
    }
    expect(failures).toEqual([]);
  });
}
