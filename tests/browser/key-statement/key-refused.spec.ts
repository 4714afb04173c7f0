/**
 * The form seals only to keys whose statement verifies against the identity
 * pinned in the page (issue 20): a key set whose statement is missing or
 * forged is refused with a clear message in the person's language, every
 * answer stays, and nothing is sent. The key set is changed on its way to
 * this page only, so the shared Worker is untouched.
 */
import { test, expect } from '../fixtures.ts';
import { fillContactForm, readContactForm, type Answers } from '../contact/fill.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { generateRecipientKeyPair } from '../../../protocol/envelope.ts';
import type { KeySet } from '../../../protocol/key-set.ts';

const answers: Answers = {
  role: 'self',
  municipality: 'stockholm',
  needs: ['leave-crime'],
  method: 'i-call',
  phone: '',
  safeTimes: '',
  voicemailOk: false,
  mayNameSocialServices: false,
  language: 'Soomaali',
  interpreter: true,
  message: 'Waxaan rabaa inaan ka baxo. Fadlan i caawiya.',
};

const tampered: [string, (set: KeySet) => Promise<KeySet>][] = [
  ['missing', async (set) => ({ ...set, statements: [] })],
  [
    'forged (another key in a signed statement)',
    async (set) => {
      const forged = await generateRecipientKeyPair();
      const statements = set.statements.map((s) => ({ ...s, keys: [{ publicKey: forged.publicKey, notAfter: '2099-12-31' }] }));
      // The forger also lists its key as the recipient's, as a lying server would.
      const keys = [
        ...set.keys,
        { kid: forged.kid, recipient: set.statements[0]!.recipient, publicKey: forged.publicKey, notAfter: '2099-12-31' },
      ];
      return { ...set, keys, statements };
    },
  ],
];

for (const [what, tamper] of tampered) {
  test(`a key set whose statement is ${what} is refused, answers kept, nothing sent`, async ({ page }) => {
    const t = useTranslations('so');
    await page.route('**/intake-keys.json', async (route) => {
      const served = (await (await route.fetch()).json()) as KeySet;
      expect(served.statements, 'the Worker serves the development statement').toHaveLength(1);
      await route.fulfill({ json: await tamper(served) });
    });
    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/contact')) posted.push(request.method());
    });
    await page.goto('/so/kontakt/');
    await fillContactForm(page, answers);
    const before = await readContactForm(page);
    await page.getByRole('button', { name: t('form.submit') }).click();
    const alert = page.locator('[data-form-error]');
    await expect(alert).toBeVisible();
    await expect(alert).toContainText(t('form.error.keyRefused'));
    expect(await readContactForm(page)).toEqual(before);
    expect(posted).toEqual([]);
    // The form names no key it would seal to.
    await expect(page.locator('[data-key-fingerprint]')).toBeHidden();
  });
}
