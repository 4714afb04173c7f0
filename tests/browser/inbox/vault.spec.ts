/**
 * Keys that live with people (issue 19) in Chromium: the first
 * administrator's setup with the recovery sheet, access given to members
 * who unlock with the passkey's PRF or with their own phrase, a member
 * removed (a new generation that the others still open), and recovery with
 * the code once every member is gone. Its own intake without a vault
 * (`serve-inbox-for-tests.ts --no-vault`), so setup really happens here.
 */
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { inboxTestPort } from '../../../tools/dev/inbox-test-setup.ts';
import { createRequest } from '../../../protocol/request.ts';
import { sampleAnswers } from '../../../tools/dev/sample-request.ts';
import {
  axe,
  choosePhrase,
  cli,
  currentKey,
  isUnlocked,
  ownIntake,
  pushRequest,
  recover,
  sidewaysAt200,
  signIn,
  typePhrase,
  unlockedGen,
  vaultChain,
  virtualAuthenticator,
  type Unlock,
} from './inbox-session.ts';

const own = ownIntake(inboxTestPort() + 2, ['--no-vault']);
test.describe.configure({ mode: 'serial' });

function invite(name: string, admin = false): { link: string; staffId: number } {
  const out = cli(own.dir, own.origin, 'staff', 'invite', '--name', name, ...(admin ? ['--admin'] : []));
  return { link: /(http:\/\/localhost:\d+\/invite\/\S+)/.exec(out)![1]!, staffId: Number(/staff (\d+)\)/.exec(out)![1]) };
}

/** A request sealed to the vault's current recipient key (the one the operator publishes), pushed to this intake. */
async function pushToCurrentKey(page: Page, message: string): Promise<void> {
  const request = createRequest(
    sampleAnswers(message, {
      contact: { method: 'call', phone: '070-765 43 21', safeTimes: 'kvällar', voicemailOk: false, mayNameSocialServices: false },
      language: 'svenska',
    }),
  );
  expect(await pushRequest(request, await currentKey(page), own)).toBe(201);
}

/** The vault's generations as the server keeps them (ciphertext only). */
async function generations(page: Page): Promise<number[]> {
  return (await vaultChain(page)).generations.map((g) => g.gen);
}

async function newPage(browser: Browser, unlock: Unlock): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: own.origin, locale: 'sv-SE' })).newPage();
  await virtualAuthenticator(page, unlock.prf);
  return page;
}

const NO_ACCESS = 'Du kan logga in, men du kan inte öppna ärenden förrän en administratör har gett dig åtkomst.';
const phrase = 'sju gröna äpplen under taket';
const state: {
  code?: string;
  admin?: Page;
  adminId?: number;
  member?: Page;
  memberName?: string;
  other?: Page;
  otherId?: number;
} = {};

const violations: string[] = [];

test('the first administrator makes the team key and keeps the recovery sheet', async ({ browser }) => {
  const admin = await newPage(browser, { prf: true });
  state.admin = admin;
  const invitation = invite('Första Admin', true);
  state.adminId = invitation.staffId;
  await admin.goto(invitation.link);
  await admin.getByRole('button', { name: 'Skapa passkey' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Gör teamets nyckel' })).toBeVisible();
  violations.push(...(await axe(admin)));
  await admin.getByRole('button', { name: 'Gör nyckeln' }).click();
  const sheet = admin.getByRole('region', { name: 'Återställningskod' });
  await expect(sheet).toBeVisible();
  await expect(sheet).toBeFocused();
  const code = (await admin.locator('#recovery-code').innerText()).trim();
  expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
  state.code = code;
  await expect(sheet.getByRole('button', { name: 'Skriv ut' })).toBeVisible();
  expect(await sidewaysAt200(admin)).toBe(0);
  violations.push(...(await axe(admin)));
  // The "I have kept it" step is required: the error is tied to the box and takes the focus.
  await admin.getByRole('button', { name: 'Fortsätt till inkorgen' }).click();
  await expect(admin.getByText('Kryssa i rutan när du har sparat koden.')).toBeVisible();
  await expect(admin.getByLabel('Jag har sparat koden på ett säkert ställe')).toBeFocused();
  await admin.keyboard.press('Space');
  await admin.keyboard.press('Tab');
  await admin.keyboard.press('Enter');
  await admin.waitForURL(`${own.origin}/`);
  expect(await isUnlocked(admin)).toBe(true);
  // Shown once: the setup page is gone now.
  await admin.goto('/vault/setup');
  await expect(admin).toHaveURL(`${own.origin}/`);
  expect(await generations(admin)).toEqual([1]);
  // Nothing readable in storage: the box in sessionStorage is ciphertext, and localStorage is empty.
  const stored = await admin.evaluate(() => ({ session: sessionStorage.getItem('utvag-vault'), local: localStorage.length }));
  expect(stored.local).toBe(0);
  expect(stored.session).not.toContain(code);
});

test('a member without PRF chooses a phrase, waits for access, and unlocks with it; a wrong phrase is refused', async ({ browser }) => {
  const member = await newPage(browser, { prf: false, phrase });
  state.member = member;
  state.memberName = 'Bea utan PRF';
  await member.goto(invite(state.memberName).link);
  await member.getByRole('button', { name: 'Skapa passkey' }).click();
  // Too short first: the error is tied to the field and takes the focus.
  await member.getByLabel('Fras', { exact: true }).fill('kort');
  await member.getByLabel('Skriv frasen igen').fill('kort');
  await member.getByRole('button', { name: 'Spara frasen' }).click();
  await expect(member.getByLabel('Fras', { exact: true })).toBeFocused();
  await expect(member.getByLabel('Fras', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  violations.push(...(await axe(member)));
  await choosePhrase(member, phrase);
  await expect(member.getByText(NO_ACCESS).first()).toBeVisible();
  violations.push(...(await axe(member)));

  await state.admin!.goto('/staff');
  violations.push(...(await axe(state.admin!)));
  await state.admin!.getByRole('button', { name: `Ge åtkomst: ${state.memberName}` }).click();
  await expect(state.admin!.getByText('Personen har fått åtkomst.')).toBeVisible();

  // Signed out and in again: the phrase is asked right after the passkey.
  await member.goto('/');
  await member.getByRole('button', { name: 'Logga ut', exact: true }).click();
  await member.getByRole('button', { name: 'Logga in med passkey' }).click();
  await typePhrase(member, 'fel fras helt och hållet här');
  await expect(member.getByText('Frasen stämmer inte. Skriv den igen. Inget har ändrats.')).toBeVisible();
  await expect(member.getByLabel('Din fras')).toBeFocused();
  expect(await sidewaysAt200(member)).toBe(0);
  violations.push(...(await axe(member)));
  await typePhrase(member, phrase);
  await member.waitForURL(`${own.origin}/`);
  expect(await isUnlocked(member)).toBe(true);
  // A new tab has no box: the phrase is asked again, on the page itself.
  const again = await member.context().newPage();
  await again.goto('/');
  await typePhrase(again, phrase);
  await expect.poll(() => isUnlocked(again)).toBe(true);
});

test('removing a member makes a new generation; the member who stays still unlocks', async ({ browser }) => {
  const other = await newPage(browser, { prf: true });
  state.other = other;
  const invitation = invite('Cecilia med PRF');
  state.otherId = invitation.staffId;
  await other.goto(invitation.link);
  await other.getByRole('button', { name: 'Skapa passkey' }).click();
  await expect(other.getByText(NO_ACCESS).first()).toBeVisible();
  await state.admin!.goto('/staff');
  await state.admin!.getByRole('button', { name: 'Ge åtkomst: Cecilia med PRF' }).click();
  await expect(state.admin!.getByText('Personen har fått åtkomst.')).toBeVisible();

  await pushToCurrentKey(state.admin!, 'Sänd före bytet av nyckel.');
  await state.admin!.goto('/staff');
  await state.admin!.getByRole('button', { name: `Ta bort personen: ${state.memberName}` }).click();
  await expect(state.admin!.getByText(/teamet har en ny nyckel/)).toBeVisible();
  await expect(state.admin!.getByText(/Inkorgen publicerar den på webbplatsen/).first()).toBeVisible();
  expect(await generations(state.admin!)).toEqual([2, 1]);
  expect(await isUnlocked(state.admin!)).toBe(true);
  await pushToCurrentKey(state.admin!, 'Sänd efter bytet av nyckel.');

  await signIn(other, { prf: true }, own.origin);
  expect(await unlockedGen(other)).toBe(2);
  // The removed member is signed out for good.
  await state.member!.goto('/');
  await expect(state.member!).toHaveURL(/\/sign-in$/);

  // A grant made for someone else (here: the admin's, put in Cecilia's row) opens nothing and says so; nothing changes.
  const db = new DatabaseSync(join(own.dir, 'intake.db'));
  const grantOf = (id: number) =>
    (db.prepare('SELECT grant_json FROM member_grants WHERE staff_id = ?').get(id) as { grant_json: string }).grant_json;
  const hers = grantOf(state.otherId);
  db.prepare('UPDATE member_grants SET grant_json = ? WHERE staff_id = ?').run(grantOf(state.adminId!), state.otherId);
  await other.context().clearCookies();
  await other.goto('/sign-in');
  await other.evaluate(() => sessionStorage.clear());
  await other.getByRole('button', { name: 'Logga in med passkey' }).click();
  await expect(other.getByText('Åtkomsten som finns sparad är gjord för någon annan.')).toBeVisible();
  expect(await isUnlocked(other)).toBe(false);
  violations.push(...(await axe(other)));
  db.prepare('UPDATE member_grants SET grant_json = ? WHERE staff_id = ?').run(hers, state.otherId);
  db.close();
});

test('with every member gone, a new administrator recovers with the code', async ({ browser }) => {
  for (const line of cli(own.dir, own.origin, 'staff', 'list').trim().split('\n')) {
    const id = /^(\d+)\s/.exec(line)?.[1];
    if (id) cli(own.dir, own.origin, 'staff', 'remove', id);
  }
  const admin = await newPage(browser, { prf: true });
  await admin.goto(invite('Ny Admin', true).link);
  await admin.getByRole('button', { name: 'Skapa passkey' }).click();
  await expect(admin.getByText(NO_ACCESS).first()).toBeVisible();
  await recover(admin, 'AAAA-BBBB', own.origin);
  await expect(admin.getByText('Koden ska ha 32 tecken (bokstäver och siffror).')).toBeVisible();
  await expect(admin.getByLabel('Återställningskod')).toBeFocused();
  expect(await sidewaysAt200(admin)).toBe(0);
  violations.push(...(await axe(admin)));
  await recover(admin, '0000-0000-0000-0000-0000-0000-0000-0000', own.origin);
  await expect(admin.getByText('Koden stämmer inte. Kontrollera tecknen och försök igen.')).toBeVisible();
  // Typed by hand: lower case, spaces instead of dashes.
  await recover(admin, state.code!.toLowerCase().replaceAll('-', ' '), own.origin);
  await admin.waitForURL(`${own.origin}/?m=recoveryDone`);
  expect(await isUnlocked(admin)).toBe(true);
  await expect(admin.getByText(NO_ACCESS)).toHaveCount(0);
  // Every request opens again: the one sealed to generation 1's key and the one sealed to generation 2's.
  const messages = ['Sänd före bytet av nyckel.', 'Sänd efter bytet av nyckel.'];
  const shown: string[] = [];
  for (const nth of [0, 1]) {
    await admin.goto('/');
    await admin.getByRole('link', { name: /Öppna/ }).nth(nth).click();
    const message = admin.getByText(/Sänd (före|efter) bytet av nyckel\./);
    await expect(message).toBeVisible();
    shown.push((await message.innerText()).trim());
  }
  expect(shown.sort()).toEqual([...messages].sort());
  expect(violations).toEqual([]);
});
