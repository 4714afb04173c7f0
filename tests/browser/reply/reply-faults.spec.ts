/**
 * The answer reader's faults (issue 14): a forged answer that reached the
 * browser is rejected with a clear message and never shown; the site down
 * keeps the secret typed; without JavaScript the page says reading needs
 * JavaScript and offers the phone route. axe on the page (with JavaScript;
 * the page audit, tests/browser/page-audit.spec.ts, covers every locale).
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '../fixtures.ts';
import { base64urlEncode } from '../../../protocol/envelope.ts';
import { MAX_REPLIES_PER_MAILBOX, REPLY_CT_SIZE } from '../../../protocol/reply.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

const random = (bytes: number) => base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
const bigRandom = (bytes: number) => {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65_536) crypto.getRandomValues(out.subarray(i, Math.min(bytes, i + 65_536)));
  return base64urlEncode(out);
};
const SECRET = '1234 5678 9012 3456 7890';

test.describe('with JavaScript', () => {
  test('a forged answer (claims a published sender, does not verify) is refused with a clear message', async ({ page }) => {
    const t = useTranslations('fa');
    await page.goto('/fa/svar/');
    const keys = (await (await page.request.get('/intake-keys.json')).json()) as { keys: { kid: string }[] };
    const point = () => {
      const enc = crypto.getRandomValues(new Uint8Array(65));
      enc[0] = 0x04;
      return base64urlEncode(enc);
    };
    const slot = () => ({ id: random(16), kid: keys.keys[0]!.kid, enc: point(), ct: bigRandom(REPLY_CT_SIZE) });
    await page.route('**/api/reply/lookup', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ v: 1, count: 1, replies: Array.from({ length: MAX_REPLIES_PER_MAILBOX }, slot) }),
      }),
    );
    await page.getByLabel(t('replyPage.secret.label')).fill(SECRET);
    await page.getByRole('button', { name: t('replyPage.submit') }).click();
    await expect(page.getByRole('alert')).toHaveText(t('replyPage.forged'), { timeout: 20_000 });
    await expect(page.locator('.reply-answer')).toHaveCount(0);
  });

  test('a secret with too few digits is named beside the field; the site down says so and keeps what was typed', async ({ page }) => {
    const t = useTranslations('so');
    await page.goto('/so/svar/');
    const field = page.getByLabel(t('replyPage.secret.label'));
    await field.fill('1234 5678');
    await page.getByRole('button', { name: t('replyPage.submit') }).click();
    await expect(page.getByText(t('replyPage.error.format'))).toBeVisible();
    await expect(field).toHaveAttribute('aria-invalid', 'true');
    await page.route('**/api/reply/lookup', (route) => route.abort('connectionrefused'));
    await field.fill(SECRET);
    await page.getByRole('button', { name: t('replyPage.submit') }).click();
    await expect(page.getByRole('alert')).toHaveText(t('replyPage.error.network'), { timeout: 20_000 });
    await expect(field).toHaveValue(SECRET);
    await page.unroute('**/api/reply/lookup');
    await page.route('**/api/reply/lookup', (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: '{"error":"rate_limited"}' }),
    );
    await page.getByRole('button', { name: t('replyPage.submit') }).click();
    await expect(page.getByRole('alert')).toHaveText(t('replyPage.error.rateLimited'), { timeout: 20_000 });
  });

  for (const locale of ['sv', 'ar'] as const) {
    test(`axe finds nothing on /${locale}/svar/, before and after a look-up`, async ({ page }) => {
      const t = useTranslations(locale);
      await page.goto(`/${locale}/svar/`);
      expect(
        (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()).violations,
      ).toEqual([]);
      await page.getByLabel(t('replyPage.secret.label')).fill(SECRET);
      await page.getByRole('button', { name: t('replyPage.submit') }).click();
      await expect(page.getByText(t('replyPage.none'))).toBeVisible({ timeout: 20_000 });
      expect(
        (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()).violations,
      ).toEqual([]);
    });
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the reader says it needs JavaScript, gives the phone route, and offers no form', async ({ page }) => {
    const t = useTranslations('ti');
    await page.goto('/ti/svar/');
    await expect(page.getByText(t('replyPage.noJs'))).toBeVisible();
    await expect(page.getByLabel(t('replyPage.secret.label'))).toBeHidden();
  });

  test('the contact form does not offer "answer me here" (it needs the browser to make the secret)', async ({ page }) => {
    const t = useTranslations('sv');
    await page.goto('/sv/kontakt/');
    await expect(page.getByLabel(t('form.method.here'))).toBeHidden();
    await expect(page.getByLabel(t('form.replyHere'))).toBeHidden();
  });
});
