import { test, expect, axeViolations, articleLinks, deadLinks } from './fixtures.ts';

/**
 * The guidance pages that issue 9/10 rewrote or added, in a left-to-right and
 * a right-to-left language and in Ge'ez script: axe finds nothing, and every
 * link on them to another guidance page leads to a page that exists.
 * (The whole-sitemap axe run is accessibility.spec.ts; this one is quick.)
 */
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
      failures.push(...(await axeViolations(page, path)));
      for (const href of await articleLinks(page)) links.add(href);
    }
    failures.push(...(await deadLinks(request, links)));
    expect(failures).toEqual([]);
  });
}
