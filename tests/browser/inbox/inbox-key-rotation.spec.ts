/**
 * A key made in the team inbox is served by the site's /intake-keys.json
 * and used by the next request, with no build (issue 20). The inbox here
 * is the test site's development recipient: its identity key (whose
 * fingerprint the site pins) is in the inbox's vault, and the inbox
 * publishes to the test site. The administrator's browser makes the key,
 * signs the new key list with the identity key, and the inbox publishes
 * it; the contact form then seals to the new key, and the request opens
 * in this inbox.
 *
 * It changes the shared Worker's key set, so it runs in the key-rotation
 * project (its name ends in key-rotation.spec.ts: alone, one file at a
 * time, before every other browser test), and puts the test intake's own
 * statement back at the end.
 */
import { expect, test, type Page } from '@playwright/test';
import { baseURL } from '../../../playwright.config.ts';
import type { Envelope } from '../../../protocol/envelope.ts';
import type { KeySet } from '../../../protocol/key-set.ts';
import { publishKeyStatement } from '../../../protocol/key-statement.ts';
import { useTranslations } from '../../../src/i18n/translator.ts';
import { ensureDevIntake } from '../../../tools/dev/dev-keys.ts';
import { inboxTestPort } from '../../../tools/dev/inbox-test-setup.ts';
import { testIntakeDir } from '../../../tools/dev/test-intake.ts';
import { fillContactForm, relativeWhoCalls } from '../contact/fill.ts';
import {
  axe,
  cli,
  DEV_RECOVERY_CODE,
  isUnlocked,
  ownIntake,
  pushEnvelope,
  recover,
  register,
  vaultChain,
  virtualAuthenticator,
} from './inbox-session.ts';

const own = ownIntake(inboxTestPort() + 8, ['--key-days', '10', '--identity-from', testIntakeDir, '--site', baseURL]);

const answers = relativeWhoCalls('Sänd till nyckeln som gjordes i inkorgen.');

const servedKids = async (page: Page, recipient: string) =>
  ((await (await page.request.get(`${baseURL}/intake-keys.json`)).json()) as KeySet).keys
    .filter((key) => key.recipient === recipient)
    .map((key) => key.kid);

test('a key made in the inbox is served by /intake-keys.json and used by the next request, with no build', async ({ browser }) => {
  test.setTimeout(120_000);
  const intake = await ensureDevIntake(testIntakeDir);
  const admin = await (await browser.newContext({ baseURL: own.origin, locale: 'sv-SE' })).newPage();
  // The site's visitor, counted apart by the Worker's rate limiter.
  const visitor = await (
    await browser.newContext({ baseURL, locale: 'sv-SE', extraHTTPHeaders: { 'CF-Connecting-IP': '2001:db8:20:20::20' } })
  ).newPage();
  try {
    await virtualAuthenticator(admin, true);
    const out = cli(own.dir, own.origin, 'staff', 'invite', '--name', 'Identitet Admin', '--admin');
    await register(admin, /(http:\/\/localhost:\d+\/invite\/\S+)/.exec(out)![1]!, { prf: true });
    await admin.waitForURL((url) => !url.pathname.startsWith('/invite/'));
    await recover(admin, DEV_RECOVERY_CODE, own.origin);
    await admin.waitForURL((url) => url.pathname === '/');
    expect(await isUnlocked(admin)).toBe(true);

    // The identity key in this inbox's vault is the one the site pins.
    await admin.goto('/keys');
    await expect(admin.locator('#identity-fingerprint')).toHaveText(intake.identity);
    await expect(admin.getByText('Ingen undertecknad lista ännu.')).toBeVisible();
    expect(await axe(admin)).toEqual([]);

    await admin.getByRole('button', { name: 'Gör nästa nyckel' }).click();
    await admin.waitForURL(`${own.origin}/keys?m=keyMade`);
    await expect(admin.locator('[data-statement="published"]')).toContainText('Publicerad på webbplatsen');
    const [next, first] = (await vaultChain(admin)).keys;
    expect(await servedKids(visitor, intake.recipient)).toEqual(expect.arrayContaining([next!.kid, first!.kid]));

    // The next request is sealed to the new key: nothing was built or deployed.
    let sent: Envelope | null = null;
    await visitor.route('**/api/contact', async (route) => {
      sent = route.request().postDataJSON() as Envelope;
      await route.continue();
    });
    await visitor.goto('/sv/kontakt/');
    await fillContactForm(visitor, answers);
    await visitor.getByRole('button', { name: useTranslations('sv')('form.submit') }).click();
    await expect(visitor.locator('[data-receipt-code]')).toBeVisible();
    expect(sent!.kid).toBe(next!.kid);

    // It opens in this inbox (delivered here as the Worker's queue would).
    expect(await pushEnvelope(JSON.stringify(sent), own, intake.recipient)).toBe(201);
    await admin.goto('/');
    await admin.getByRole('link', { name: /Öppna/ }).first().click();
    await expect(admin.getByText(answers.message)).toBeVisible();
  } finally {
    // The test intake's own statement again, for every test after this one.
    expect(await publishKeyStatement(baseURL, await intake.keyStatement())).toEqual({ ok: true });
  }
});
