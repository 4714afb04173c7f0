import { test, expect, axeViolations, articleLinks, deadLinks } from './fixtures.ts';
import { locales } from '../../protocol/locales.ts';
import { EASY_SWEDISH_NAME, easySwedishSlugs } from '../../src/i18n/easy-swedish.ts';

/**
 * Lätt svenska (src/i18n/easy-swedish.ts): each of the five pages is
 * reached from the top of its Swedish page and from the language menu, is
 * Swedish in the site's frame, leads back, has no dead link, passes axe,
 * and loads no more code than a plain guidance page. (The sitemap crawls in
 * frame, accessibility and privacy specs visit these pages too.)
 */
const slugs = easySwedishSlugs.filter((slug) => slug !== 'index');

test('each Swedish page links its lätt svenska version at the top; the version leads back and passes axe', async ({ page, request }) => {
  test.setTimeout(180_000);
  const failures: string[] = [];
  const links = new Set<string>();
  for (const slug of slugs) {
    await page.goto(`/sv/${slug}/`);
    const top = page.locator('main [data-easy-swedish-link]');
    await expect(top, slug).toHaveText(EASY_SWEDISH_NAME);
    await expect(top, slug).toHaveAttribute('href', `/latt/${slug}/`);
    // Above the page's heading, so it is found before the text.
    const [linkBox, headingBox] = [await top.boundingBox(), await page.locator('main h1').boundingBox()];
    expect(linkBox!.y, slug).toBeLessThan(headingBox!.y);
    await expect(page.locator('.language-switcher [data-easy-swedish]'), slug).toHaveAttribute('href', `/latt/${slug}/`);

    await top.click();
    await expect(page, slug).toHaveURL(`/latt/${slug}/`);
    await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
    await expect(page.locator('main h1')).toHaveCount(1);
    await expect(page.locator('main [data-regular-swedish]')).toHaveAttribute('href', `/sv/${slug}/`);
    // The language menu names lätt svenska as this page, and offers the page in every language.
    await expect(page.locator('.language-switcher [data-easy-swedish]')).toHaveAttribute('aria-current', 'page');
    for (const l of locales) {
      const other = page.locator(`.language-switcher a[hreflang="${l.code}"]`);
      await expect(other).toHaveAttribute('href', `/${l.code}/${slug}/`);
      await expect(other).not.toHaveAttribute('aria-current', 'page');
    }
    // No other frame item claims to be this page.
    await expect(page.locator('.site-nav [aria-current="page"]')).toHaveCount(0);
    // One idea a line: each line of the text is shown as a line of its own.
    const firstParagraph = page.locator('article.easy-swedish p').first();
    expect(await firstParagraph.evaluate((p) => getComputedStyle(p).whiteSpace)).toBe('pre-line');
    expect(await firstParagraph.evaluate((p) => p.textContent?.includes('\n'))).toBe(true);

    failures.push(...(await axeViolations(page, `/latt/${slug}/`)));
    for (const href of await articleLinks(page)) links.add(href);
  }
  failures.push(...(await deadLinks(request, links)));
  expect(failures).toEqual([]);
});

test('the language menu offers lätt svenska on every page, and the list leads to all five', async ({ page }) => {
  await page.goto('/ar/steg/');
  const menu = page.locator('.language-switcher');
  await menu.locator('summary').click();
  const easy = menu.locator('[data-easy-swedish]');
  await expect(easy).toHaveText(EASY_SWEDISH_NAME);
  await expect(easy).toHaveAttribute('lang', 'sv');
  await easy.click();
  await expect(page).toHaveURL('/latt/');
  await expect(page.locator('main [data-regular-swedish]')).toHaveAttribute('href', '/sv/');
  const listed = await page.locator('article a[href^="/latt/"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
  expect(listed.sort()).toEqual(slugs.map((slug) => `/latt/${slug}/`).sort());
});

test('the lätt svenska contact page explains and links the real form, with no form of its own', async ({ page }) => {
  await page.goto('/latt/kontakt/');
  await expect(page.locator('main form')).toHaveCount(0);
  // The test build has a connected (development) recipient: the page shows how to use the form.
  await expect(page.locator('article a[href="/sv/kontakt/"]').first()).toBeVisible();
  await expect(page.locator('article')).toContainText('Ring polisen på 114 14');
  await page.goto('/latt/svar/');
  await expect(page.locator('main form')).toHaveCount(0);
  await expect(page.locator('article a[href="/sv/svar/"]').first()).toBeVisible();
});

test('a lätt svenska page loads no more code than a plain guidance page', async ({ page }) => {
  const scripts = async (path: string) => {
    await page.goto(path);
    return (await page.locator('script[src]').evaluateAll((ss) => ss.map((s) => (s as HTMLScriptElement).src))).sort();
  };
  const plain = await scripts('/sv/steg/');
  for (const slug of easySwedishSlugs) {
    const path = slug === 'index' ? '/latt/' : `/latt/${slug}/`;
    const extra = (await scripts(path)).filter((src) => !plain.includes(src));
    expect(extra, path).toEqual([]);
  }
});
