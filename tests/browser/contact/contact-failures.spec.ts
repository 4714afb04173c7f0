/**
 * When sending fails, nothing is lost: the Worker answers 503 or the
 * network drops, every answer stays on the page, the person is told what
 * happened in their language, and trying again sends it.
 */
import { test, expect } from '../fixtures.ts';
import { fillContactForm, readContactForm, type Answers } from './fill.ts';
import { waitForInboxRequest } from './intake-inbox.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

const answers: Answers = {
  role: 'professional',
  municipality: 'stockholm',
  needs: ['work', 'studies'],
  method: 'i-call',
  phone: '',
  safeTimes: 'skoltid',
  voicemailOk: false,
  mayNameSocialServices: true,
  language: 'العربية',
  interpreter: true,
  message: 'En elev vill ut och har bett mig skriva. Eleven ringer själv med koden.',
};

test('503 from the Worker, then a dropped network: answers kept, retry sends it once', async ({ page }) => {
  const t = useTranslations('ar');
  await page.goto('/ar/kontakt/');
  await fillContactForm(page, answers);
  const before = await readContactForm(page);

  await page.route('**/api/contact', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"queue_unavailable"}' }),
  );
  await page.getByRole('button', { name: t('form.submit') }).click();
  const alert = page.locator('[data-form-error]');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(t('form.error.unavailable'));
  await expect(alert).toBeFocused();
  expect(await readContactForm(page)).toEqual(before);

  await page.unroute('**/api/contact');
  await page.route('**/api/contact', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(alert).toContainText(t('form.error.network'));
  expect(await readContactForm(page)).toEqual(before);

  await page.unroute('**/api/contact');
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(page.locator('[data-receipt]')).toBeVisible();
  await expect(alert).toBeHidden();
  const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();
  const stored = await waitForInboxRequest(receipt);
  expect(stored.message).toBe(answers.message);
});

test('a phone number is needed to be called: said beside the field, nothing sent', async ({ page, privacyGuard }) => {
  const t = useTranslations('sv');
  await page.goto('/sv/kontakt/');
  await fillContactForm(page, { ...answers, method: 'call' });
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(page.locator('[data-error-for="phone"]')).toHaveText(t('form.error.phoneNeeded'));
  await expect(page.locator('#phone')).toHaveAttribute('aria-invalid', 'true');
  expect(privacyGuard.filter((r) => r.url().endsWith('/api/contact'))).toEqual([]);
  expect(await page.locator('#message').inputValue()).toBe(answers.message);
});

test('by keyboard alone: every field reachable, Enter sends', async ({ page }) => {
  await page.goto('/so/kontakt/');
  // The test build's recipient serves Stockholm; with nobody to send to there is no button.
  await page.locator('#municipality').selectOption('stockholm');
  await page.locator('#message').focus();
  await page.keyboard.type('Waxaan rabaa caawimaad.');
  // Tab from the message through to the send button, and press it.
  let onButton = false;
  for (let i = 0; i < 10 && !onButton; i++) {
    await page.keyboard.press('Tab');
    onButton = await page.evaluate(() => document.activeElement?.hasAttribute('data-submit') ?? false);
  }
  expect(onButton).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-receipt]')).toBeVisible();
  await expect(page.locator('[data-receipt]')).toBeFocused();
});
