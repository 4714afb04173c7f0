/**
 * Nothing left on the phone (review M11, L3): with the back/forward cache ON
 * (as in real Chrome; Playwright turns it off by default), neither the
 * receipt code nor a half-written message comes back with the Back button;
 * the contact pages are no-store; spell-check and autocorrect are off on
 * every field where a person types.
 */
import { test, expect } from '../fixtures.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { back, bfcacheVisitors } from './bfcache.ts';

const visitor = bfcacheVisitors();

test('a draft does not come back with Back', async () => {
  const { context, page } = await visitor({ address: '2001:db8:bf::1' });
  try {
    await page.goto('/sv/kontakt/');
    await page.locator('#language').fill('BFCACHE-SPRAK');
    await page.locator('#message').fill('BFCACHE-UTKAST hemligt');
    await page.locator('#method-call').check();
    await page.locator('#safeTimes').fill('BFCACHE-TIDER');
    await page.goto('/sv/');
    await back(page, '/sv/kontakt/');
    await expect(page.locator('#message')).toHaveValue('');
    await expect(page.locator('#language')).toHaveValue('');
    expect(await page.content()).not.toContain('BFCACHE-');
  } finally {
    await context.close();
  }
});

test('the receipt code does not come back with Back after sending', async () => {
  const { context, page } = await visitor({ address: '2001:db8:bf::2' });
  const t = useTranslations('sv');
  try {
    await page.goto('/sv/kontakt/');
    await page.locator('#role-self').check();
    await page.locator('#municipality').selectOption('stockholm');
    await page.locator('#method-i-call').check();
    await page.locator('#message').fill('BFCACHE-SKICKAT');
    await page.getByRole('button', { name: t('form.submit') }).click();
    const code = page.locator('[data-receipt-code]');
    await expect(code).toHaveText(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    const receipt = (await code.textContent())!;
    await page.goto('/sv/ut/');
    await back(page, '/sv/kontakt/');
    await expect(page.locator('form[data-contact-form]')).toBeVisible();
    expect(await page.content()).not.toContain(receipt);
    await expect(page.locator('[data-receipt]')).toBeHidden();
  } finally {
    await context.close();
  }
});

test('the contact pages and the answer page are never stored in the cache', async ({ request }) => {
  for (const path of ['/sv/kontakt/', '/ar/kontakt/', '/sv/kontakt/skickat/', '/sv/svar/', '/ti/svar/']) {
    const res = await request.get(path);
    expect(res.status(), path).toBe(200);
    expect(res.headers()['cache-control'], path).toContain('no-store');
  }
});

test('spell-check, autocorrect and autocapitalize are off on every field a person types in', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  const fields = page.locator(
    'form[data-contact-form] input[type="text"], form[data-contact-form] input[type="tel"], form[data-contact-form] textarea',
  );
  expect(await fields.count()).toBeGreaterThanOrEqual(4);
  for (const field of await fields.all()) {
    const name = await field.getAttribute('name');
    expect(await field.getAttribute('spellcheck'), name!).toBe('false');
    expect(await field.getAttribute('autocorrect'), name!).toBe('off');
    expect(await field.getAttribute('autocapitalize'), name!).toBe('off');
  }
});
