/**
 * Nothing comes back on the phone (review N4, N10), in Chromium with the
 * back/forward cache ON (as in real Chrome; Playwright turns it off):
 *  - a send, or an opening of an answer, that is in flight when the page is
 *    left is abandoned: Back does not send it then, and shows no code, no
 *    reply secret, no answer, no form answer;
 *  - hidden (another app, the screen locked) mid-send: abandoned, the
 *    answers stay, and the person is told to send again;
 *  - hidden after sending: the receipt is covered ("Show again"), and wiped
 *    when the page stays hidden for minutes;
 *  - without JavaScript: post-redirect-get, and a receipt page shown once:
 *    reload or Back never sends again and shows no code.
 */
import type { Page } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { back, bfcacheVisitors, holdPosts } from './bfcache.ts';

const t = useTranslations('sv');
const visitor = bfcacheVisitors();

/** Pretends the page went to the background (another app, the screen locked), or came back. */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hide) => {
    Object.defineProperty(document, 'visibilityState', { value: hide ? 'hidden' : 'visible', configurable: true });
    Object.defineProperty(document, 'hidden', { value: hide, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

async function fillAndAskForAnswerHere(page: Page, message: string): Promise<void> {
  await page.goto('/sv/kontakt/');
  await page.locator('#role-self').check();
  await page.locator('#municipality').selectOption('stockholm');
  await page.locator('#method-i-call').check();
  // "Answer me here too": the page makes a reply secret too, which must not come back either.
  await page.locator('#replyHere').check();
  await page.locator('#message').fill(message);
}

/** Digits of the page (text and markup) run together: finds a code in any form, the spoken one too. */
async function digitsOf(page: Page): Promise<string> {
  return (await page.content()).replace(/\D/g, '');
}

test('a send in flight when the page is left is not sent after Back, and nothing of it comes back', async () => {
  const { context, page, posts } = await visitor();
  try {
    const hold = await holdPosts(page, '/api/contact');
    await fillAndAskForAnswerHere(page, 'INFLIGHT-LEFT hemligt');
    await page.getByRole('button', { name: t('form.submit') }).click();
    // The send is in flight, held here, when the page is left.
    const held = await hold.first;
    await expect(page.locator('[data-form-status]')).toHaveText(t('form.sending'));
    await page.goto('/sv/');
    await hold.release();
    await back(page, '/sv/kontakt/');
    await page.waitForTimeout(2500); // longer than the key derivation: a resumed send would have gone by now
    expect(posts.filter((r) => r.url().endsWith('/api/contact'))).toEqual([held]);
    expect(held.failure()).not.toBeNull(); // abandoned on leaving: it never reached the Worker
    await expect(page.locator('[data-receipt]')).toBeHidden();
    await expect(page.locator('[data-receipt-code]')).toHaveText('');
    await expect(page.locator('[data-receipt-secret-value]')).toHaveText('');
    await expect(page.locator('[data-form-status]')).toHaveText('');
    await expect(page.locator('#message')).toHaveValue('');
    expect(await page.content()).not.toContain('INFLIGHT-');
  } finally {
    await context.close();
  }
});

test('a send in flight when the page is hidden is abandoned: the answers stay, and the person is told to send again', async () => {
  const { context, page, posts } = await visitor();
  try {
    const hold = await holdPosts(page, '/api/contact');
    await fillAndAskForAnswerHere(page, 'INFLIGHT-HIDDEN');
    await page.getByRole('button', { name: t('form.submit') }).click();
    const held = await hold.first;
    await setHidden(page, true);
    await expect.poll(() => held.failure()).not.toBeNull(); // aborted by the page, not sent
    await hold.release();
    expect(posts.filter((r) => r.url().endsWith('/api/contact'))).toEqual([held]);
    await expect(page.locator('[data-receipt]')).toBeHidden();
    await setHidden(page, false);
    await expect(page.locator('[data-form-error-text]')).toHaveText(t('form.error.abandoned'));
    await expect(page.locator('#message')).toHaveValue('INFLIGHT-HIDDEN');
    // Sending again works.
    await page.getByRole('button', { name: t('form.submit') }).click();
    await expect(page.locator('[data-receipt-code]')).toHaveText(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/, { timeout: 20_000 });
  } finally {
    await context.close();
  }
});

test('the receipt is covered while the page is hidden ("Show again"), and wiped when it stays hidden for minutes', async () => {
  const { context, page } = await visitor();
  try {
    await page.clock.install();
    await fillAndAskForAnswerHere(page, 'COVER');
    await page.getByRole('button', { name: t('form.submit') }).click();
    const code = page.locator('[data-receipt-code]');
    await expect(code).toHaveText(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/, { timeout: 20_000 });
    const receipt = (await code.textContent())!;
    const secret = (await page.locator('[data-receipt-secret-value]').textContent())!;
    expect(secret).toMatch(/^\d{4}( \d{4}){4}$/);

    await setHidden(page, true);
    await expect(page.locator('[data-receipt]')).toBeHidden();
    await expect(page.locator('[data-form-status]')).toHaveText('');
    await setHidden(page, false);
    await page.getByRole('button', { name: t('privacy.showAgain') }).click();
    await expect(page.locator('[data-receipt]')).toBeVisible();
    await expect(code).toHaveText(receipt);

    // Hidden for longer than a few minutes: wiped.
    await setHidden(page, true);
    await page.clock.fastForward('04:00');
    await setHidden(page, false);
    await expect(page.getByRole('button', { name: t('privacy.showAgain') })).toHaveCount(0);
    const digits = await digitsOf(page);
    expect(digits).not.toContain(receipt.replace(/\D/g, ''));
    expect(digits).not.toContain(secret.replace(/\D/g, ''));
  } finally {
    await context.close();
  }
});

test('an answer being opened when /svar/ is left is not looked up after Back, and the number is gone', async () => {
  const { context, page, posts } = await visitor();
  const tr = useTranslations('en');
  try {
    await page.goto('/en/svar/');
    const hold = await holdPosts(page, '/api/reply/');
    await page.getByLabel(tr('replyPage.secret.label')).fill('1234 5678 9012 3456 7890');
    await page.getByRole('button', { name: tr('replyPage.submit') }).click();
    // The look-up is in flight, held here, when the page is left.
    const held = await hold.first;
    await page.goto('/en/');
    await hold.release();
    await back(page, '/en/svar/');
    await page.waitForTimeout(2500); // longer than the key derivation: a resumed look-up would have gone by now
    expect(posts.filter((r) => r.url().includes('/api/reply'))).toEqual([held]);
    expect(held.failure()).not.toBeNull();
    await expect(page.getByLabel(tr('replyPage.secret.label'))).toHaveValue('');
    expect(await digitsOf(page)).not.toContain('12345678901234567890');
  } finally {
    await context.close();
  }
});

test('without JavaScript: the receipt page is shown once; reload and Back never send again and show no code', async () => {
  const { context, page, posts } = await visitor({ javaScriptEnabled: false });
  try {
    await page.goto('/sv/kontakt/');
    await page.locator('#role-self').check();
    await page.locator('#municipality').selectOption('stockholm');
    await page.locator('#method-i-call').check();
    await page.locator('#message').fill('PRG-TEST');
    await page.getByRole('button', { name: t('form.submit') }).click();
    const code = page.locator('[data-receipt-code]');
    await expect(code).toHaveText(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    const receiptDigits = (await code.textContent())!.replace(/\D/g, '');
    expect(new URL(page.url()).pathname).toMatch(/^\/api\/contact\/receipt\/[A-Za-z0-9_-]+$/);
    expect(page.url()).not.toContain(receiptDigits);

    await page.reload();
    await expect(page.getByText(t('noJsReceipt.spent'))).toBeVisible();
    expect(await digitsOf(page)).not.toContain(receiptDigits);

    await page.goto('/sv/');
    // Back without waiting for a load event (a page restored from the back/forward cache fires none).
    await page.goBack({ waitUntil: 'commit' });
    await expect(page.getByText(t('noJsReceipt.spent'))).toBeVisible();
    expect(await digitsOf(page)).not.toContain(receiptDigits);
    await page.goBack({ waitUntil: 'commit' });
    await expect(page).toHaveURL(/\/sv\/kontakt\/$/);
    await expect(page.locator('#message')).toHaveValue('');

    expect(posts.filter((r) => r.url().endsWith('/api/contact'))).toHaveLength(1);
  } finally {
    await context.close();
  }
});
