import { test, expect, sitemapPaths, localeOfPath } from './fixtures.ts';
import { locales } from '../../protocol/locales.ts';

test.describe('every page in every locale', () => {
  test('loads with the right lang and dir, the safety bar, landmarks and a working language switcher', async ({
    page,
    request,
  }) => {
    test.setTimeout(600_000); // ~340 sampled pages; two cores shared with the other suites
    const paths = await sitemapPaths(request);
    // Six locale homes and the root at the very least.
    expect(paths.length).toBeGreaterThanOrEqual(locales.length + 1);
    for (const path of paths) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      const { lang, dir } = localeOfPath(path);
      await expect(page.locator('html'), path).toHaveAttribute('lang', lang);
      await expect(page.locator('html'), path).toHaveAttribute('dir', dir);
      await expect(page.locator('main#main'), path).toHaveCount(1);
      await expect(page.locator('a.skip-link[href="#main"]'), path).toHaveCount(1);
      await expect(page.locator('.safety-bar a[href="tel:112"]'), path).toHaveCount(1);
      // Stockholm city's own line only on Stockholm's page; the police, not urgent, everywhere else (T3-04).
      const second = path.endsWith('/hjalp/stockholm/') ? 'tel:+46850825600' : 'tel:11414';
      await expect(page.locator(`.safety-bar a[href="${second}"]`), path).toHaveCount(1);
      await expect(page.locator('.safety-bar a[href^="tel:"]'), path).toHaveCount(2);
      await expect(page.locator('a.quick-exit[data-quick-exit]'), path).toHaveCount(1);
      await expect(page.locator('footer.site-footer'), path).toHaveCount(1);
      await expect(page.locator('h1'), path).toHaveCount(1);
      // Every page exists in every language: no fallback notice anywhere.
      await expect(page.locator('[data-notice="fallback"]'), path).toHaveCount(0);
      // The switcher offers the same page in every language.
      const rest = path.split('/').filter(Boolean).slice(1).join('/');
      for (const l of locales) {
        const expected = rest ? `/${l.code}/${rest}/` : `/${l.code}/`;
        await expect(page.locator(`.language-switcher a[hreflang="${l.code}"]`), path).toHaveAttribute('href', expected);
      }
    }
  });

  test('an unknown address answers 404 with a page in every language', async ({ page }) => {
    const response = await page.goto('/sv/finns-inte/');
    expect(response?.status()).toBe(404);
    await expect(page.locator('.language-list li')).toHaveCount(locales.length);
  });
});
