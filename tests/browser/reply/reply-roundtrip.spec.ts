/**
 * The way back, as a new user would try it (issue 14), in all six
 * languages: send a request choosing "answer me here", answer it as the
 * team inbox's browser does (opened, sealed and signed with the recipient
 * key, then the signed post delivered to the Worker as the intake sends it;
 * the inbox itself is tested in tests/browser/inbox/),
 * read the answer in a second, fresh browser context with only the secret
 * (typed in the script's own digits), write back once (sv), delete it.
 * Sentinels of the request, the reply and the follow-up never appear in
 * plaintext in any request the browsers or the intake send.
 */
import type { BrowserContext, Request } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { answerAsTheInbox, storedRequests, waitForInboxRequest } from '../contact/intake-inbox.ts';
import { testIntakeDir } from '../../../tools/dev/test-intake.ts';
import { ensureDevIntake } from '../../../tools/dev/dev-keys.ts';
import { importVerifyKey } from '../../../protocol/push-auth.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { localeCodes, type Locale } from '../../../protocol/locales.ts';
import type { ContactRequest } from '../../../protocol/request.ts';
import { replyPhraseText } from '../../../protocol/reply-phrases.ts';

/** The secret as a person in this language might type it back. */
function typedIn(locale: Locale, secret: string): string {
  if (locale === 'ar') return secret.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)));
  if (locale === 'fa') return secret.replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
  if (locale === 'en') return secret.replace(/ /g, '-');
  return secret;
}

function recordBodies(context: BrowserContext, into: Request[]): void {
  context.on('request', (request) => into.push(request));
}

for (const locale of localeCodes) {
  test(`answer me here in ${locale}: send, answer from the intake, read with only the secret, delete`, async ({
    page,
    context,
    browser,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const t = useTranslations(locale);
    const tag = `${locale}-${Date.now().toString(36)}`;
    const REQUEST_SENTINEL = `SENTINEL-REQUEST-${tag}`;
    const REPLY_SENTINEL = `SENTINEL-REPLY-${tag}`;
    const FOLLOW_UP_SENTINEL = `SENTINEL-FOLLOWUP-${tag}`;
    const requests: Request[] = [];
    recordBodies(context, requests);

    // 1. The request, "answer me here on the site only".
    await page.goto(`/${locale}/kontakt/`);
    await page.locator('#municipality').selectOption('stockholm');
    await page.getByLabel(t('form.method.here')).check();
    await expect(page.locator('#phone')).toBeHidden();
    await page.locator('#message').fill(REQUEST_SENTINEL);
    await page.getByRole('button', { name: t('form.submit') }).click();
    await expect(page.getByRole('heading', { name: t('receipt.title') })).toBeVisible({ timeout: 20_000 });
    const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();
    const secret = (await page.locator('[data-receipt-secret-value]').textContent())!.trim();
    expect(secret).toMatch(/^\d{4}( \d{4}){4}$/);
    await expect(page.getByText(t('receipt.secret.keep'))).toBeVisible();
    await expect(page.locator('[data-receipt-next="here"]')).toBeVisible();
    expect(page.url()).not.toContain(secret.slice(0, 4) + secret.slice(5, 9));
    // Leaving the page wipes the secret from it.
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
    await expect(page.locator('[data-receipt-secret-value]')).toHaveText('');

    // 2. The municipality answers (the intake's reply API on its store, as the inbox calls it).
    const request = await waitForInboxRequest(receipt);
    expect(request.contact.method).toBe('here');
    expect(request.message).toBe(REQUEST_SENTINEL);
    const intakeBodies: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      intakeBodies.push(String(init?.body ?? ''));
      return fetch(input, init);
    };
    // Delivered only with the Worker's signed acknowledgement (N12), checked with its push key.
    const workerKeys = [await importVerifyKey((await ensureDevIntake(testIntakeDir)).workerPublicKey)];
    const delivered = await answerAsTheInbox(receipt, { phrases: ['received', 'write-back'], text: REPLY_SENTINEL }, baseURL!, {
      fetch: recordingFetch,
      workerKeys,
    });
    expect(delivered.status).toBe('delivered');
    expect(intakeBodies.some((body) => body.includes(request.reply!.mailbox))).toBe(true);

    // 3. A second, fresh browser: only the secret.
    const reader = await browser.newContext({
      baseURL: baseURL!,
      serviceWorkers: 'block',
      extraHTTPHeaders: { 'CF-Connecting-IP': `2001:db8:1::${Date.now() % 65536}` },
    });
    const readerRequests: Request[] = [];
    recordBodies(reader, readerRequests);
    try {
      const second = await reader.newPage();
      await second.goto(`/${locale}/svar/`);
      await expect(second.getByText(t('replyPage.noJs'))).toBeHidden();
      // A wrong secret: the same "no answer yet" as an empty mailbox.
      const wrong = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
      await second.getByLabel(t('replyPage.secret.label')).fill(wrong);
      await second.getByRole('button', { name: t('replyPage.submit') }).click();
      await expect(second.getByText(t('replyPage.none'))).toBeVisible({ timeout: 20_000 });

      await second.getByLabel(t('replyPage.secret.label')).fill(typedIn(locale, secret));
      await second.getByRole('button', { name: t('replyPage.submit') }).click();
      const answer = second.locator('.reply-answer');
      await expect(answer).toBeVisible({ timeout: 20_000 });
      await expect(answer.getByText(replyPhraseText(locale, 'received'))).toBeVisible();
      await expect(answer.getByText(replyPhraseText(locale, 'write-back'))).toBeVisible();
      await expect(answer.getByText(REPLY_SENTINEL)).toBeVisible();
      await expect(answer.locator('[data-answer-text]')).toHaveAttribute('lang', 'sv');
      await expect(answer.getByRole('heading')).toContainText('Stockholm');
      // The answer shows the day it was written, never the receipt code (N10), in any form.
      await expect(answer.locator('[data-answer-about]')).toContainText(/\d{4}-\d\d-\d\d/);
      const receiptDigits = receipt.replace(/\D/g, '');
      expect((await second.content()).replace(/\D/g, '')).not.toContain(receiptDigits);
      expect(second.url()).toBe(`${baseURL}/${locale}/svar/`);

      // 4. Write back once (in Swedish only, to keep the suite short): it reaches the same case.
      if (locale === 'sv') {
        await second.getByLabel(t('replyPage.writeBack.label')).fill(FOLLOW_UP_SENTINEL);
        await second.getByRole('button', { name: t('replyPage.writeBack.submit') }).click();
        await expect(second.getByText(t('replyPage.writeBack.sent'))).toBeVisible({ timeout: 20_000 });
        await expect(second.getByLabel(t('replyPage.writeBack.label'))).toBeHidden();
        const deadline = Date.now() + 30_000;
        let followUp: ContactRequest | null = null as ContactRequest | null;
        while (!followUp && Date.now() < deadline) {
          followUp = (await storedRequests().catch(() => [])).find((candidate) => candidate.followUpOf === request.id) ?? null;
          if (!followUp) await new Promise((r) => setTimeout(r, 250));
        }
        expect(followUp?.message).toBe(FOLLOW_UP_SENTINEL);
        expect(followUp?.reply?.mailbox).toBe(request.reply?.mailbox);

        // Once per answer, kept by the Worker (N3): a reload forgets the page's own note, the Worker does not.
        await second.reload();
        await second.getByLabel(t('replyPage.secret.label')).fill(typedIn(locale, secret));
        await second.getByRole('button', { name: t('replyPage.submit') }).click();
        await expect(answer).toBeVisible({ timeout: 20_000 });
        await second.getByLabel(t('replyPage.writeBack.label')).fill('SECOND-WRITE-BACK');
        await second.getByRole('button', { name: t('replyPage.writeBack.submit') }).click();
        await expect(second.getByText(t('replyPage.error.unavailable'))).toBeVisible({ timeout: 20_000 });
      }

      // 5. Delete it; it is gone for good.
      await answer.getByRole('button', { name: t('replyPage.delete') }).click();
      await expect(second.getByText(t('replyPage.deleted'))).toBeVisible();
      await second.getByRole('button', { name: t('replyPage.submit') }).click();
      await expect(second.getByText(t('replyPage.none'))).toBeVisible({ timeout: 20_000 });

      // Nothing in storage, and leaving wipes the field.
      expect(await second.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
      expect(await reader.cookies()).toEqual([]);
      await second.evaluate(() => dispatchEvent(new PageTransitionEvent('pagehide')));
      await expect(second.getByLabel(t('replyPage.secret.label'))).toHaveValue('');
    } finally {
      await reader.close();
    }

    // 6. No sentinel in plaintext in anything sent, by either browser or the intake.
    const bodies = [...requests, ...readerRequests].map((r) => `${r.url()}\n${r.postData() ?? ''}`).concat(intakeBodies);
    for (const sentinel of [REQUEST_SENTINEL, REPLY_SENTINEL, FOLLOW_UP_SENTINEL]) {
      expect(
        bodies.filter((body) => body.includes(sentinel)),
        sentinel,
      ).toEqual([]);
    }
    // The secret itself is never sent either, in any form.
    const digits = secret.replace(/ /g, '');
    expect(bodies.filter((body) => body.replace(/[\s-]/g, '').includes(digits))).toEqual([]);
    expect([...requests, ...readerRequests].filter((r) => r.url().includes(digits.slice(0, 8)))).toEqual([]);
  });
}
