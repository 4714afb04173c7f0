/**
 * The form and the receipt show the recipient key's fingerprint (review H1),
 * 80 bits in base32 (N13), the same the intake prints, so a professional or
 * the intake can compare them.
 */
import { test, expect } from '../fixtures.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { keyFingerprint } from '../../../protocol/key-fingerprint.ts';

test('the form names the key it will seal to, and the receipt the key it used', async ({ page, request }) => {
  const keySet = (await (await request.get('/intake-keys.json')).json()) as {
    keys: { kid: string; recipient: string }[];
    recipients: { id: string; serves: string[] }[];
  };
  // The key of the recipient that serves Stockholm (recipient ids are not municipality ids).
  const serving = keySet.recipients.find((r) => r.serves.includes('stockholm'))!;
  const key = keySet.keys.find((k) => k.recipient === serving.id)!;
  const short = keyFingerprint(key.kid);
  expect(short).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
  const t = useTranslations('fa');
  await page.goto('/fa/kontakt/');
  await page.locator('#municipality').selectOption('stockholm');
  const formLine = page.locator('[data-key-fingerprint]');
  await expect(formLine).toBeVisible();
  await expect(formLine.locator('code')).toHaveText(short);
  await expect(formLine.locator('code')).toHaveAttribute('dir', 'ltr');
  await page.locator('#role-self').check();
  await page.locator('#method-i-call').check();
  await page.locator('#message').fill('fingerprint test');
  await page.getByRole('button', { name: t('form.submit') }).click();
  const receiptLine = page.locator('[data-receipt-key]');
  await expect(receiptLine).toBeVisible();
  await expect(receiptLine.locator('code')).toHaveText(short);
});
