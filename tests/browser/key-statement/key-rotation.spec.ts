/**
 * A key rotated by a new signed statement (PUT /api/key-statement) is used
 * by the very next request, with no build (issue 20). This file changes the
 * shared Worker's key set, so it runs alone, before every other browser
 * test (its own Playwright project, playwright.config.ts), and puts the
 * test intake's own key back at the end.
 */
import { test, expect } from '../fixtures.ts';
import { fillContactForm, relativeWhoCalls } from '../contact/fill.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { generateRecipientKeyPair, type Envelope } from '../../../protocol/envelope.ts';
import { importPrivateKey, keyRing, openEnvelope } from '../../../protocol/envelope-open.ts';
import type { KeySet } from '../../../protocol/key-set.ts';
import { publishKeyStatement } from '../../../protocol/key-statement.ts';
import { ensureDevIntake } from '../../../tools/dev/dev-keys.ts';
import { testIntakeDir } from '../../../tools/dev/test-intake.ts';

const answers = relativeWhoCalls('Min bror vill ut. Rotation test.');

test('a rotated key is used by the next request without a build', async ({ page, baseURL }) => {
  const intake = await ensureDevIntake(testIntakeDir);
  const rotated = await generateRecipientKeyPair();
  const t = useTranslations('sv');
  try {
    const put = await publishKeyStatement(
      baseURL!,
      await intake.keyStatement(new Date(), [{ publicKey: rotated.publicKey, notAfter: '2099-12-31' }]),
    );
    expect(put).toEqual({ ok: true });
    const served = (await (await page.request.get('/intake-keys.json')).json()) as KeySet;
    expect(served.keys.filter((k) => k.recipient === intake.recipient).map((k) => k.kid)).toEqual([rotated.kid]);

    let sent: Envelope | null = null;
    await page.route('**/api/contact', async (route) => {
      sent = route.request().postDataJSON() as Envelope;
      await route.continue();
    });
    await page.goto('/sv/kontakt/');
    await fillContactForm(page, answers);
    await page.getByRole('button', { name: t('form.submit') }).click();
    await expect(page.locator('[data-receipt-code]')).toBeVisible();
    expect(sent!.kid).toBe(rotated.kid);
    // Sealed to the new key: it opens with the new private key.
    const opened = await openEnvelope(sent!, keyRing([await importPrivateKey(rotated.privateJwk)]));
    expect(opened.message).toBe(answers.message);
  } finally {
    // The test intake's own key again, for every test after this one.
    expect(await publishKeyStatement(baseURL!, await intake.keyStatement())).toEqual({ ok: true });
  }
});
