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
import { chromium, type Browser, type BrowserContext, type Page, type Request } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { baseURL } from '../../../playwright.config.ts';
import { chromiumExecutablePath, chromiumFlags } from '../../../tools/dev/chromium.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';

const t = useTranslations('sv');
let browser: Browser;
test.beforeAll(async () => {
  const executablePath = chromiumExecutablePath();
  browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...chromiumFlags, '--proxy-server=http://127.0.0.1:9'],
    // Playwright passes --disable-back-forward-cache by default; real browsers do not.
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  });
});
test.afterAll(async () => browser?.close());

let visitorCount = 0;
async function visitor(options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; posts: Request[] }> {
  visitorCount += 1;
  const address = `2001:db8:${(0xf100 + visitorCount + (Date.now() % 0xe00)).toString(16)}:${visitorCount.toString(16)}::1`;
  const context = await browser.newContext({ baseURL, locale: 'sv-SE', extraHTTPHeaders: { 'CF-Connecting-IP': address }, ...options });
  await context.addInitScript(() =>
    addEventListener('pageshow', (event) => document.documentElement.setAttribute('data-test-restored', String(event.persisted))),
  );
  const posts: Request[] = [];
  context.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/api/')) posts.push(request);
  });
  return { context, page: await context.newPage(), posts };
}

async function back(page: Page, path: string): Promise<void> {
  await page.goBack({ waitUntil: 'commit' });
  await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, '\\/')}$`));
  await expect(page.locator('html')).toHaveAttribute('data-test-restored', /true|false/);
  const restored = (await page.locator('html').getAttribute('data-test-restored'))!;
  test.info().annotations.push({ type: 'bfcache', description: `restored from the back/forward cache: ${restored}` });
}

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
  // "Answer me here too": the reply key is derived first (PBKDF2, about a second), so the send is in flight for a while.
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
    await fillAndAskForAnswerHere(page, 'INFLIGHT-LEFT hemligt');
    await page.getByRole('button', { name: t('form.submit') }).click();
    await expect(page.locator('[data-form-status]')).toHaveText(t('form.sending'));
    // On a fast, idle machine the send can finish before the page is left; what must never
    // happen is a send after leaving (a resumed one), so only posts from here on count.
    const sentBeforeLeaving = posts.length;
    await page.goto('/sv/');
    await page.waitForTimeout(2500); // longer than the key derivation: a resumed send would have gone by now
    await back(page, '/sv/kontakt/');
    await page.waitForTimeout(2500);
    expect(posts.slice(sentBeforeLeaving).filter((r) => r.url().endsWith('/api/contact'))).toEqual([]);
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
    await fillAndAskForAnswerHere(page, 'INFLIGHT-HIDDEN');
    await page.getByRole('button', { name: t('form.submit') }).click();
    await setHidden(page, true);
    await page.waitForTimeout(2500);
    expect(posts.filter((r) => r.url().endsWith('/api/contact'))).toEqual([]);
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
    await page.getByLabel(tr('replyPage.secret.label')).fill('1234 5678 9012 3456 7890');
    await page.getByRole('button', { name: tr('replyPage.submit') }).click();
    await page.goto('/en/');
    await page.waitForTimeout(2500);
    await back(page, '/en/svar/');
    await page.waitForTimeout(2500);
    expect(posts.filter((r) => r.url().includes('/api/reply'))).toEqual([]);
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
