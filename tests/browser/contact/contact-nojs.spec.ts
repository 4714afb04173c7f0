/**
 * Without JavaScript (Tor Browser's safest mode): the same form posts to
 * the Worker, which seals the envelope at once; the receipt page says so,
 * the code is not in the URL, and the request arrives decryptable.
 */
import AxeBuilder from '@axe-core/playwright';
import { test, expect } from '../fixtures.ts';
import { fillContactForm, type Answers } from './fill.ts';
import { waitForInboxRequest } from './intake-inbox.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

test.use({ javaScriptEnabled: false });

const answers: Answers = {
  role: 'self',
  municipality: 'stockholm',
  needs: ['leave-crime', 'money-debts'],
  method: 'call',
  phone: '070-222 33 44',
  safeTimes: 'ከምሰዓት 6 ንደሓር',
  voicemailOk: false,
  mayNameSocialServices: false,
  language: 'ትግርኛ',
  interpreter: true,
  message: 'ካብ ጉጅለ ክወጽእ ይደሊ።\nብኽብረትኩም ደውሉለይ።',
};

test('it arrives, decryptable, and the page says which path was used', async ({ page }) => {
  const t = useTranslations('ti');
  await page.goto('/ti/kontakt/');
  // Before sending, the page says honestly where encryption happens on this path.
  await expect(page.locator('[data-encryption-note]')).toHaveText(t('form.before.encryptedNoJs'));
  await fillContactForm(page, answers);
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(page.getByRole('heading', { name: t('receipt.title') })).toBeVisible();
  await expect(page.locator('[data-receipt-path]')).toHaveText(t('receipt.nojs'));
  // The receipt takes focus, so a screen reader starts there, not at the top.
  await expect(page.locator('[data-receipt]')).toBeFocused();
  // Only the next step for "call me" is kept; the history shows a neutral title.
  await expect(page.locator('[data-receipt-next="contact"]')).toHaveCount(1);
  await expect(page.locator('[data-receipt-next="i-call"]')).toHaveCount(0);
  expect(await page.title()).toBe(t('site.name'));
  const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();
  expect(receipt).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
  expect(page.url()).not.toContain(receipt);
  expect(new URL(page.url()).search).toBe('');

  const stored = await waitForInboxRequest(receipt);
  expect(stored).toMatchObject({
    locale: 'ti',
    municipality: 'stockholm',
    needs: ['leave-crime', 'money-debts'],
    contact: { method: 'call', phone: '070-222 33 44', safeTimes: answers.safeTimes, voicemailOk: false, mayNameSocialServices: false },
    language: 'ትግርኛ',
    interpreter: true,
    message: answers.message,
  });
});

test('a wrong answer comes back with every answer still there and the error beside it', async ({ page }) => {
  const t = useTranslations('fa');
  await page.goto('/fa/kontakt/');
  await fillContactForm(page, { ...answers, phone: 'nummer?' });
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(page.locator('[data-form-error]')).toBeVisible();
  // "Error:" first in the title, the summary focused and named as something to fix.
  expect(await page.title()).toMatch(new RegExp(`^${t('form.error.titlePrefix')} `));
  await expect(page.locator('[data-form-error]')).toBeFocused();
  await expect(page.locator('[data-form-error-title]')).toHaveText(t('form.error.fixTitle'));
  await expect(page.locator('[data-error-for="phone"]')).toHaveText(t('form.error.phone'));
  await expect(page.locator('#phone')).toHaveValue('nummer?');
  await expect(page.locator('#message')).toHaveValue(answers.message);
  await expect(page.locator('#safeTimes')).toHaveValue(answers.safeTimes);
  await expect(page.locator('#need-money-debts')).toBeChecked();
  await expect(page.locator('#municipality')).toHaveValue('stockholm');
});

test.describe('the pages the Worker writes, checked by axe', () => {
  // axe runs as JavaScript, so here the Worker's answer is fetched without
  // a browser and then shown in a page that may run scripts.
  test.use({ javaScriptEnabled: true });
  const wcag = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
  const form = (fields: Record<string, string>) => ({ form: fields });

  test('the form with an error, and the receipt page', async ({ page, request }) => {
    const wrong = await request.post('/api/contact', form({ locale: 'fa', method: 'call', phone: 'x', message: 'سلام' }));
    expect(wrong.status()).toBe(400);
    await page.goto('/fa/kontakt/');
    await page.setContent(await wrong.text(), { waitUntil: 'load' });
    // The focused error summary scrolls the page; axe would count the links
    // then passing under the sticky safety bar as too small. Check from the
    // top, as the sitemap crawl does.
    await page.evaluate(() => window.scrollTo(0, 0));
    expect((await new AxeBuilder({ page }).withTags(wcag).analyze()).violations).toEqual([]);

    const sent = await request.post('/api/contact', form({ locale: 'ar', municipality: 'stockholm', method: 'i-call', message: 'مرحبا' }));
    expect(sent.status()).toBe(200);
    await page.goto('/ar/kontakt/skickat/');
    await page.setContent(await sent.text(), { waitUntil: 'load' });
    await expect(page.locator('[data-receipt-code]')).toHaveText(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    expect((await new AxeBuilder({ page }).withTags(wcag).analyze()).violations).toEqual([]);
  });
});
