/**
 * Keys for requests, made and retired by an administrator in Chromium
 * (issue 20, part 3). Its own intake whose only key ends in 10 days: serve
 * and the list page remind the administrator; the next key is made in
 * this browser and wrapped under the vault; `intake keys` (the CLI) lists
 * it for publishing; a request sealed to it arrives and opens in the
 * inbox; the old key is retired by keyboard, is no longer listed for
 * publishing, and what was sealed to it still opens. A vault made before
 * the identity key gets it here, and the key list is signed with it
 * (issue 20; tests/browser/inbox/inbox-key-rotation.spec.ts has the key
 * made in the inbox served by the site). axe on every page.
 */
import { expect, test, type Page } from '@playwright/test';
import { inboxTestPort } from '../../../tools/dev/inbox-test-setup.ts';
import { createRequest } from '../../../protocol/request.ts';
import { sampleAnswers } from '../../../tools/dev/sample-request.ts';
import {
  axe,
  cli,
  DEV_RECOVERY_CODE,
  isUnlocked,
  ownIntake,
  pushRequest,
  recover,
  register,
  sidewaysAt200,
  vaultChain,
  virtualAuthenticator,
} from './inbox-session.ts';

// Its own two ports: +2 is vault.spec's, +4 and +6 workflow.spec's, +8 inbox-key-rotation.spec's.
const port = inboxTestPort() + 10;
const KEY_DAYS = 10;
let served = '';
const own = ownIntake(port, ['--key-days', String(KEY_DAYS)], (text) => (served += text));

function request(message: string) {
  return createRequest(
    sampleAnswers(message, {
      contact: { method: 'call', phone: '070-765 43 21', safeTimes: 'kvällar', voicemailOk: false, mayNameSocialServices: false },
      language: 'svenska',
    }),
  );
}

/** Opens each listed request in turn and returns the messages shown. */
async function openedMessages(page: Page, count: number): Promise<string[]> {
  const shown: string[] = [];
  for (let nth = 0; nth < count; nth++) {
    await page.goto('/');
    await page.getByRole('link', { name: /Öppna/ }).nth(nth).click();
    const message = page.getByText(/^Sänd till (den gamla|den nya) nyckeln\.$/);
    await expect(message).toBeVisible();
    shown.push((await message.innerText()).trim());
  }
  return shown.sort();
}

const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

test('an administrator makes the next key, a request sealed to it opens, and the old key is retired', async ({ browser }) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  const ends = day(KEY_DAYS);
  // serve's reminder: the same date as the inbox's, and where to make the next key.
  expect(served).toContain(`Keys: the newest key ends on ${ends}; make the next one under Keys in the team inbox (${own.origin}/keys)`);

  const admin = await (await browser.newContext({ baseURL: own.origin, locale: 'sv-SE' })).newPage();
  await virtualAuthenticator(admin, true);
  const out = cli(own.dir, own.origin, 'staff', 'invite', '--name', 'Nyckel Admin', '--admin');
  await register(admin, /(http:\/\/localhost:\d+\/invite\/\S+)/.exec(out)![1]!, { prf: true });
  await admin.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  await recover(admin, DEV_RECOVERY_CODE, own.origin);
  await admin.waitForURL((url) => url.pathname === '/');
  expect(await isUnlocked(admin)).toBe(true);

  // The list page reminds the administrator and links to Keys.
  const [old] = (await vaultChain(admin)).keys;
  expect(old!.notAfter).toBe(ends);
  expect(await pushRequest(request('Sänd till den gamla nyckeln.'), old, own)).toBe(201);
  await admin.goto('/');
  const reminder = admin.locator('#key-reminder');
  await expect(reminder).toContainText('Den nyaste nyckeln för förfrågningar gäller till och med');
  violations.push(...(await axe(admin)));
  await reminder.getByRole('link', { name: 'Nycklar' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Nycklar för förfrågningar' })).toBeVisible();
  await expect(admin.getByRole('heading', { level: 2, name: `Nyckel ${old!.kid.slice(0, 8)}` })).toBeVisible();
  // The only valid key cannot be retired: no button, and the page says why.
  await expect(admin.getByRole('button', { name: /Ta ur bruk/ })).toHaveCount(0);
  await expect(admin.getByText(/Den enda giltiga nyckeln/)).toBeVisible();
  expect(await sidewaysAt200(admin)).toBe(0);
  violations.push(...(await axe(admin)));

  // Make the next key in this browser.
  await admin.getByRole('button', { name: 'Gör nästa nyckel' }).click();
  await admin.waitForURL(`${own.origin}/keys?m=keyMade`);
  await expect(admin.getByRole('status').filter({ hasText: 'Nästa nyckel är klar.' })).toBeVisible();
  await expect(admin.locator('#key-reminder')).toHaveCount(0);
  const keys = (await vaultChain(admin)).keys;
  expect(keys).toHaveLength(2);
  const next = keys.find((k) => k.kid !== old!.kid)!;
  // 90 days from today: the old key ends within the 30-day overlap.
  expect(next).toMatchObject({ gen: 1, notAfter: day(90), retiredAt: null });
  violations.push(...(await axe(admin)));

  // The operator's CLI lists it for publishing, next to the old one.
  const listed = cli(own.dir, own.origin, 'keys', 'list');
  expect(listed).toContain(`${next.kid}  ends ${next.notAfter}\n`);
  expect(listed).toContain(next.publicKey);
  expect(listed).not.toContain('retired');

  // A request sealed to the new key arrives and opens in the inbox.
  expect(await pushRequest(request('Sänd till den nya nyckeln.'), next, own)).toBe(201);

  // Retire the old key, by keyboard.
  await admin.goto('/keys');
  await admin.getByRole('button', { name: `Ta ur bruk: nyckel ${old!.kid.slice(0, 8)}` }).focus();
  await admin.keyboard.press('Enter');
  await admin.waitForURL(`${own.origin}/keys?m=keyRetiredDone`);
  await expect(admin.locator(`li[data-kid="${old!.kid}"]`)).toContainText('Tagen ur bruk.');
  // Now the new key is the only valid one: nothing left to retire.
  await expect(admin.getByRole('button', { name: /Ta ur bruk/ })).toHaveCount(0);
  violations.push(...(await axe(admin)));
  const afterRetire = cli(own.dir, own.origin, 'keys', 'list');
  expect(afterRetire).toContain(`${old!.kid}  ends ${old!.notAfter}  (retired: do not publish)`);
  expect(afterRetire.slice(afterRetire.indexOf('For your recipient'))).not.toContain(old!.publicKey);

  // Both requests open: the one sealed to the new key, and the one sealed to the retired key.
  expect(await openedMessages(admin, 2)).toEqual(['Sänd till den gamla nyckeln.', 'Sänd till den nya nyckeln.']);
  // The audit log names both steps.
  await admin.goto('/audit');
  await expect(
    admin.getByText(`Gjorde nästa nyckel för förfrågningar: nyckel ${next.kid.slice(0, 8)} (låst med teamets nyckel nr 1)`),
  ).toBeVisible();
  await expect(admin.getByText(`Tog en nyckel ur bruk: nyckel ${old!.kid.slice(0, 8)}`)).toBeVisible();

  // A vault made before the identity key (issue 20): the administrator makes it under Keys, and the key list is signed with it.
  await admin.goto('/keys');
  await admin.getByRole('button', { name: 'Gör identitetsnyckeln' }).click();
  await admin.waitForURL(`${own.origin}/keys?m=identityMade`);
  await expect(admin.locator('#identity-fingerprint')).toHaveText(/^[A-Za-z0-9_-]{43}$/);
  await expect(admin.locator('[data-statement="waiting"]')).toContainText('inkorgen har ingen adress till webbplatsen');
  await expect(admin.getByRole('button', { name: 'Gör identitetsnyckeln' })).toHaveCount(0);
  expect(await sidewaysAt200(admin)).toBe(0);
  violations.push(...(await axe(admin)));
  expect(violations).toEqual([]);
});
