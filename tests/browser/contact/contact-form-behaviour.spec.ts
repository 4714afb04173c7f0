/**
 * What the form tells the person while they fill it in, and what the
 * receipt says after: who will read it, only the questions that apply,
 * where the encryption happens, and only the next step that fits.
 */
import { test, expect } from '../fixtures.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

const t = useTranslations('sv');

test('says who will read it and whose promise it is; no send button where nobody receives', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  const line = page.locator('[data-recipient-line]');
  const submit = page.getByRole('button', { name: t('form.submit') });
  // The test build's recipients are development intakes: Stockholm (self-hosted) and Solna (hosted).
  // "I don't want to say": nobody takes such requests, so nothing can be sent.
  await expect(page.locator('#municipality')).toHaveValue('unknown');
  await expect(submit).toBeHidden();
  await expect(page.locator('[data-not-connected-note]')).toBeVisible();
  await page.locator('#municipality').selectOption('stockholm');
  await expect(line).toHaveText(t('form.recipient', { name: 'Stockholms stad' }));
  await expect(submit).toBeVisible();
  const promise = page.locator('[data-recipient-promise]:visible');
  await expect(promise).toContainText('Stockholms stad har lovat');
  await expect(promise).toContainText('2024');
  await expect(promise.locator('[data-development-recipient]')).toBeVisible();
  // Solna's recipient, hosted in the Worker, has made no promise: the form says so, with no time.
  await page.locator('#municipality').selectOption('solna');
  await expect(line).toHaveText(t('form.recipient', { name: 'Solna stad' }));
  await expect(promise).toHaveCount(1);
  await expect(promise).toContainText(t('promise.none'));
  await expect(promise).not.toContainText('Stockholms stad har lovat');
  await expect(promise.locator('[data-development-recipient]')).toBeVisible();
  await expect(promise.locator('[data-what-works-now] a[href="tel:112"]')).toBeVisible();
  // Every other municipality is listed, says it is not connected, and cannot be chosen.
  await expect(page.locator('#municipality option')).toHaveCount(291);
  await expect(page.locator('#municipality optgroup')).toHaveCount(21);
  await expect(page.locator('#municipality option[value="malmo"]')).toBeDisabled();
  await expect(page.locator('#municipality option[value="malmo"]')).toHaveText(t('notConnected.option', { name: 'Malmö stad' }));
});

test('a municipality page links to the form with its municipality chosen', async ({ page }) => {
  await page.goto('/sv/hjalp/stockholm/');
  await page.getByRole('link', { name: t('connected.button') }).click();
  await expect(page.locator('#municipality')).toHaveValue('stockholm');
  await page.goto('/sv/hjalp/malmo/');
  await expect(page.locator('[data-not-connected]')).toBeVisible();
  await expect(page.locator('main a[href*="kontakt"]')).toHaveCount(0);
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
  await page.locator('#municipality').selectOption('stockholm');
  await page.locator('#message').fill('Jag ringer själv.');
  await page.getByRole('button', { name: t('form.submit') }).click();
  await expect(page.locator('[data-receipt]')).toBeVisible();
  // Whose promise: the recipient's own, and only that one (the other development recipient's stays hidden).
  await expect(page.locator('[data-receipt-promise]:visible')).toHaveCount(1);
  await expect(page.locator('[data-receipt-promise]:visible')).toContainText('Stockholms stad har lovat');
  await expect(page.locator('[data-receipt-promise="hosted-development"]')).toBeHidden();
  await expect(page.locator('[data-receipt-next="i-call"]')).toBeVisible();
  await expect(page.locator('[data-receipt-next="contact"]')).toBeHidden();
  const code = (await page.locator('[data-receipt-code]').textContent())!.trim();
  // Screen readers get the code one digit at a time, group by group.
  expect(code).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
  const spoken = code
    .split(' ')
    .map((group) => [...group].join(' '))
    .join(', ');
  await expect(page.locator('[data-receipt-code-spoken]')).toHaveText(spoken);
  // ... and hear that it was sent, with the code, from a status line that stays in the page.
  await expect(page.locator('[data-form-status]')).toContainText(spoken);
});

test('a field error links from the summary to the field', async ({ page }) => {
  await page.goto('/sv/kontakt/');
  // The send button appears once a connected municipality is chosen.
  await page.locator('#municipality').selectOption('stockholm');
  await page.locator('#method-call').check();
  await page.getByRole('button', { name: t('form.submit') }).click();
  const link = page.locator('[data-form-error-fields] a');
  await expect(link).toHaveText(t('form.error.phoneNeeded'));
  await link.click();
  await expect(page.locator('#phone')).toBeFocused();
});
