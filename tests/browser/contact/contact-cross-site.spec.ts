/**
 * Cross-site request forgery (review M1), in a real browser: a page on
 * another site that posts the no-JavaScript form to /api/contact gets a
 * refusal in the person's language and an empty form, and nothing is sent;
 * the site's own form still works without JavaScript (contact-nojs.spec.ts).
 */
import { test, expect } from '../fixtures.ts';
import { baseURL } from '../../../playwright.config.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

const attacker = 'http://attacker.test';
test.use({ allowedExternalHosts: ['attacker.test'] });

for (const javaScriptEnabled of [false, true]) {
  test(`another site's form post is refused (${javaScriptEnabled ? 'with' : 'without'} JavaScript on the other site)`, async ({
    browser,
  }) => {
    const context = await browser.newContext({
      javaScriptEnabled,
      extraHTTPHeaders: { 'CF-Connecting-IP': `2001:db8:c5::${javaScriptEnabled ? 1 : 2}` },
    });
    const page = await context.newPage();
    try {
      // The other site, served by the test itself (nothing leaves this machine).
      await page.route(`${attacker}/**`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><form method="post" action="${baseURL}/api/contact">
            <input name="locale" value="ar"><input name="role" value="self"><input name="municipality" value="stockholm">
            <input name="method" value="call"><input name="phone" value="070-111 22 33">
            <input name="voicemailOk" value="yes"><input name="message" value="CSRF-SENTINEL-42">
            <button>go</button></form>`,
        }),
      );
      await page.goto(`${attacker}/`);
      const [response] = await Promise.all([
        page.waitForResponse(`${baseURL}/api/contact`),
        page.getByRole('button', { name: 'go' }).click(),
      ]);
      expect(response.status()).toBe(403);
      await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
      await expect(page.locator('[data-form-error-text]')).toHaveText(useTranslations('ar')('form.error.crossSite'));
      expect(await page.content()).not.toContain('CSRF-SENTINEL-42');
      await expect(page.locator('#phone')).toHaveValue('');
    } finally {
      await context.close();
    }
  });
}
