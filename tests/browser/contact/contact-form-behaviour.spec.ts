/**
 * What the form tells the person while they fill it in, and what the
 * receipt says after: who will read it, only the questions that apply,
 * where the encryption happens, and only the next step that fits.
 */
import { test, expect } from '../fixtures.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

const t = useTranslations('sv');

test('says who will read it: the chosen municipality, else the regional intake', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  const line = page.locator('[data-recipient-line]');
  // The test key set has one recipient, Stockholm (the regional default).
  await expect(line).toHaveText(t('form.recipient', { name: 'Stockholms stad' }));
  await page.locator('#municipality').selectOption('botkyrka');
  await expect(line).toHaveText(t('form.recipient', { name: 'Stockholms stad' }));
  await expect(page.locator('#municipality')).toHaveAccessibleDescription(/Stockholms stad/);
});

test('asks for a phone number only when the municipality is to call or text', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  await expect(page.locator('#method-i-call')).toBeChecked();
  await expect(page.locator('#phone')).toBeHidden();
  await page.locator('#method-sms').check();
  await expect(page.locator('#phone')).toBeVisible();
  await expect(page.locator('#safeTimes')).toBeVisible();
  await page.locator('#method-i-call').check();
  await expect(page.locator('#phone')).toBeHidden();
});

test('nothing is chosen for the person: no role is preselected', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  for (const role of ['self', 'relative', 'professional']) await expect(page.locator(`#role-${role}`)).not.toBeChecked();
});

test('says the text is encrypted on the device, and the receipt shows only the next step that fits', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  await expect(page.locator('[data-encryption-note]')).toHaveText(t('form.before.encrypted'));
  await page.locator('#message').fill('Jag ringer själv.');
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(page.locator('[data-receipt]')).toBeVisible();
  await expect(page.locator('[data-receipt-next="i-call"]')).toBeVisible();
  await expect(page.locator('[data-receipt-next="contact"]')).toBeHidden();
  const code = (await page.locator('[data-receipt-code]').textContent())!.trim();
  // Screen readers get the code one digit at a time, group by group.
  expect(code).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
  const spoken = code.split(' ').map((group) => [...group].join(' ')).join(', ');
  await expect(page.locator('[data-receipt-code-spoken]')).toHaveText(spoken);
  // ... and hear that it was sent, with the code, from a status line that stays in the page.
  await expect(page.locator('[data-form-status]')).toContainText(spoken);
});

test('a field error links from the summary to the field', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  await page.locator('#method-call').check();
  await page.getByRole('button', { name: t('form.submit') }).click();
  const link = page.locator('[data-form-error-fields] a');
  await expect(link).toHaveText(t('form.error.phoneNeeded'));
  await link.click();
  await expect(page.locator('#phone')).toBeFocused();
});
