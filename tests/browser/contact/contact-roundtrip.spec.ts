/**
 * Round trip in every locale: encrypted in the browser, through the Worker
 * and its queue (miniflare) to the local intake, decrypted with the
 * private key in Node: exactly what was typed, in every script.
 */
import { test, expect } from '../fixtures.ts';
import { fillContactForm } from './fill.ts';
import { decryptInNode, waitForInboxRequest } from './intake-inbox.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import type { Locale } from '../../../protocol/locales.ts';

const texts: Record<Locale, { message: string; language: string; safeTimes: string }> = {
  sv: { message: 'Jag vill sluta. Åtta år i gänget räcker.\nRing på kvällen.', language: 'svenska', safeTimes: 'efter 18' },
  en: { message: 'I want to stop. "Quotes", back\\slash and tabs\there.', language: 'English', safeTimes: 'after 6 pm' },
  ar: { message: 'أريد أن أترك العصابة. ابني عمره ١٧ سنة.', language: 'العربية', safeTimes: 'بعد الساعة ٦ مساءً' },
  fa: { message: 'می‌خواهم از گروه بیرون بیایم. لطفاً زنگ نزنید.', language: 'فارسی', safeTimes: 'بعد از ساعت ۶' },
  so: { message: 'Waxaan rabaa inaan ka baxo kooxda. Fadlan ii soo dir fariin.', language: 'Soomaali', safeTimes: 'galabtii' },
  ti: { message: 'ካብ ጉጅለ ክወጽእ ይደሊ። ሓገዝ የድልየኒ።', language: 'ትግርኛ', safeTimes: 'ድሕሪ ሰዓት 6' },
};

for (const [locale, text] of Object.entries(texts) as [Locale, (typeof texts)[Locale]][]) {
  test(`round trip in ${locale}: browser → Worker → queue → intake, decrypted exactly`, async ({ page }) => {
    const t = useTranslations(locale);
    await page.goto(`/${locale}/kontakt/`);
    await fillContactForm(page, {
      role: 'self',
      municipality: 'stockholm',
      needs: ['leave-crime', 'id-bankid'],
      method: 'sms',
      phone: '+46 70 111 22 33',
      safeTimes: text.safeTimes,
      voicemailOk: false,
      mayNameSocialServices: true,
      language: text.language,
      interpreter: locale !== 'sv',
      message: text.message,
    });
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/contact'));
    await page.getByRole('button', { name: t('form.submit') }).click();
    const envelope = JSON.parse((await posted).postData()!);
    await expect(page.getByRole('heading', { name: t('receipt.title') })).toBeVisible();
    const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();
    expect(receipt).toMatch(/^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$/);
    await expect(page.locator('[data-receipt-path]')).toHaveText(t('receipt.js'));

    const expected = {
      locale,
      role: 'self',
      municipality: 'stockholm',
      needs: ['leave-crime', 'id-bankid'],
      contact: { method: 'sms', phone: '+46 70 111 22 33', safeTimes: text.safeTimes, voicemailOk: false, mayNameSocialServices: true },
      language: text.language,
      interpreter: locale !== 'sv',
      message: text.message,
      receipt,
    };
    expect(await decryptInNode(envelope)).toMatchObject(expected);
    expect(await waitForInboxRequest(receipt)).toMatchObject(expected);
  });
}
