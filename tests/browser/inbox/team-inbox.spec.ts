/**
 * The team inbox end to end in Chromium, against the real `intake serve`
 * (tools/dev/serve-inbox-for-tests.ts): passkeys with Chromium's virtual
 * authenticator (CDP WebAuthn), invitations made with the real CLI,
 * members signed in and unlocked with inbox-session.ts, requests pushed
 * to the real receiver and opened in the browser (issue 19), and axe on
 * every inbox page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createRequest, type ContactRequest } from '../../../protocol/request.ts';
import { replyKeysFromMaster } from '../../../protocol/reply-keys.ts';
import { signFollowUp } from '../../../protocol/write-back.ts';
import { DatabaseSync } from 'node:sqlite';
import { codeLikeWords } from '../../../intake/tests/code-like.ts';
import {
  axe,
  cli as intakeCli,
  DEV_RECOVERY_CODE,
  giveAccess,
  invite as inviteMember,
  pushRequest,
  recover,
  register,
  setup,
  virtualAuthenticator,
} from './inbox-session.ts';
import { anotherAdmin, refsWithReceipt, unlockWithPasskey } from './inbox-people.ts';

test.use({ baseURL: setup.origin });
// One staff story in order: the steps share the inbox's state.
test.describe.configure({ mode: 'serial' });

const cli = (...args: string[]): string => intakeCli(setup.dir, setup.origin, ...args);

/** An invitation link, made with the real CLI. */
const invite = (name: string, admin = false): string => inviteMember(name, admin).link;

function request(message: string, overrides: Partial<ContactRequest> = {}): ContactRequest {
  return {
    ...createRequest({
      locale: 'sv',
      role: 'relative',
      municipality: 'stockholm',
      needs: ['leave-crime', 'housing'],
      contact: { method: 'call', phone: '070-765 43 21', safeTimes: 'vardagar efter 18', voicemailOk: false, mayNameSocialServices: false },
      language: 'arabiska',
      interpreter: true,
      message,
    }),
    ...overrides,
  };
}

/** The inbox in the team's own words (issue 22, part 7): code-like words in what the page shows, with its address. */
async function rawCodes(page: Page): Promise<string[]> {
  const shown = await page.locator('body').innerText();
  return codeLikeWords(shown.replace(/\s+/g, ' ')).map((found) => `${new URL(page.url()).pathname}: ${found}`);
}

const first = request('Jag vill komma bort. Ring efter sex.');
const twin = request('Samma kod, annan person.', { receipt: first.receipt });

test('a staff member is invited, signs in with a passkey, claims, changes status, notes, exports, looks up and signs out', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await virtualAuthenticator(page, true);
  const violations: string[] = [];
  const codes: string[] = [];

  // Invitation (one-time link) and passkey registration; access the way an administrator
  // without a grant gets it: the recovery code (the test vault's public development code).
  const anna = inviteMember('Anna Admin', true);
  await page.goto(anna.link);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Välkommen, Anna Admin');
  violations.push(...(await axe(page)));
  codes.push(...(await rawCodes(page)));
  await page.getByRole('button', { name: 'Skapa passkey' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  // The first administrator needs no one; after other specs' administrators, the CLI confirms (N8).
  cli('staff', 'confirm', String(anna.staffId));
  await recover(page, DEV_RECOVERY_CODE);
  await expect(page.getByRole('heading', { level: 1, name: 'Förfrågningar att ta hand om' })).toBeVisible();
  const cookie = (await page.context().cookies()).find((c) => c.name === '__Host-utvag_inbox_session')!;
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });

  // Requests arrive by push and are listed with the time left on the promise.
  expect(await pushRequest(first)).toBe(201);
  expect(await pushRequest(twin)).toBe(201);
  await page.reload();
  // Other inbox specs run beside this one on the same intake: this story looks at its own two rows.
  const refs = await refsWithReceipt(first.receipt);
  expect(refs).toHaveLength(2);
  const rows = page.locator(refs.map((ref) => `table.requests tbody tr[data-ref="${ref}"]`).join(', '));
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText(/2[34] h \d+ min kvar/);
  await expect(rows.first()).toContainText('Ny');
  // Each row says the request's language and how to make contact, in words.
  await expect(rows.first()).toContainText('svenska');
  await expect(rows.first()).toContainText('Ring upp');
  violations.push(...(await axe(page)));
  codes.push(...(await rawCodes(page)));

  // Look up by receipt code: two requests share it, so it is shown as ambiguous.
  await page.getByRole('link', { name: 'Slå upp kod' }).click();
  await page.getByLabel('Kvittokod').fill(first.receipt.toLowerCase().replace('-', ' '));
  await page.getByRole('button', { name: 'Sök' }).click();
  // The look-up opens every case in the browser (the code never leaves it): with the other inbox specs'
  // requests in the same intake, on a busy machine, that can take longer than the default wait.
  await expect(page.getByText('Flera förfrågningar har samma kod')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.matches li')).toHaveCount(2);
  await expect(page.locator('#code-hint')).toContainText(/\d{3} \d{3} \d{3} \d{3}/);
  violations.push(...(await axe(page)));
  codes.push(...(await rawCodes(page)));

  // The request view: safe-contact instructions first, and the receipt-code reminder.
  await page.getByRole('link', { name: 'Inkorg' }).click();
  await rows.first().getByRole('link', { name: /Öppna/ }).click();
  // Opened in the browser: the content appears once the envelope is open.
  await expect(page.locator('.safe-contact')).toBeVisible();
  const headings = await page.getByRole('heading', { level: 2 }).allTextContents();
  expect(headings[0]).toBe('Innan du ringer');
  await expect(page.locator('.safe-contact')).toContainText('Be personen säga sin kvittokod innan du säger vem du är');
  await expect(page.locator('.safe-contact')).toContainText('Nej. Lämna inget meddelande.');
  await expect(page.locator('.safe-contact')).toContainText('Nej. Säg bara ditt förnamn.');
  await expect(page.locator('.safe-contact')).toContainText('070-765 43 21');
  await expect(page.getByText('Lämna kriminalitet eller ett gäng, Bostad')).toBeVisible();
  await expect(page.getByText('Stockholms stad', { exact: true })).toBeVisible();
  violations.push(...(await axe(page)));
  codes.push(...(await rawCodes(page)));

  // Claim, then status, then a note.
  await page.getByRole('button', { name: 'Ta förfrågan' }).click();
  await expect(page.getByRole('status')).toContainText('Du har tagit förfrågan.');
  await page.getByLabel('Kontakt tagen').check();
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('status')).toContainText('Status sparad.');
  await expect(page.locator('.state')).toContainText('Kontakt tagen');
  await page.getByLabel('Ny anteckning').fill('Ringde 18.10, personen svarade med rätt kod.');
  await page.getByRole('button', { name: 'Lägg till anteckning' }).click();
  await expect(page.locator('.notes')).toContainText('Ringde 18.10');
  codes.push(...(await rawCodes(page)));

  // Export for the case file.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportera till akten' }).click()]);
  const exported = readFileSync(await download.path(), 'utf8');
  const exportedMessage = [first.message, twin.message].find((m) => exported.includes(m));
  expect(exportedMessage).toBeDefined();
  expect(exported).toContain('Ringde 18.10');

  // Sign out, and back in with the same passkey.
  await page.getByRole('button', { name: 'Logga ut', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  violations.push(...(await axe(page)));
  codes.push(...(await rawCodes(page)));
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);

  // Sign in; capture the signed answer and replay it: refused, the challenge was used.
  let signedAnswer = '';
  await page.route('**/auth/sign-in/verify', async (route) => {
    signedAnswer = route.request().postData() ?? '';
    await route.continue();
  });
  await page.getByRole('button', { name: 'Logga in med passkey' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Förfrågningar att ta hand om' })).toBeVisible();
  const replay = await page.request.post('/auth/sign-in/verify', {
    data: signedAnswer,
    headers: { 'content-type': 'application/json', origin: setup.origin },
  });
  expect(replay.status()).toBe(400);
  expect(await replay.json()).toEqual({ error: 'challenge_used' });

  // The audit log holds every step, and its chain is intact.
  await page.getByRole('link', { name: 'Logg' }).click();
  await expect(page.getByText('Kedjan är hel.')).toBeVisible();
  for (const action of [
    'Tog förfrågan',
    'Ändrade status: Kontakt tagen',
    'Skrev en anteckning',
    'Exporterade till akten',
    'Öppnade förfrågan',
    'Slog upp en kvittokod',
    'Loggade in',
    'Inloggning nekad',
  ]) {
    await expect(page.locator('table')).toContainText(action);
  }
  await expect(page.locator('table')).toContainText('Anna Admin');
  violations.push(...(await axe(page)));
  codes.push(...(await rawCodes(page)));
  // The staff page, and the English views of the log and the list.
  await page.getByRole('link', { name: 'Personal' }).click();
  codes.push(...(await rawCodes(page)));
  await page.getByRole('link', { name: 'In English' }).click();
  await page.goto('/audit');
  await expect(page.locator('table')).toContainText('Claimed the request');
  codes.push(...(await rawCodes(page)));
  await page.goto('/');
  codes.push(...(await rawCodes(page)));
  await page.goto('/lookup');
  codes.push(...(await rawCodes(page)));
  await page.getByRole('link', { name: 'På svenska' }).click();
  expect(codes).toEqual([]);
  await page.getByRole('button', { name: 'Logga ut överallt' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(cli('audit', 'verify')).toMatch(/Audit log OK/);
  expect(violations).toEqual([]);

  // Nothing readable at rest: no message, note, code or phone number in any file of the intake folder (db, WAL, keys …).
  for (const entry of readdirSync(setup.dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const bytes = readFileSync(join(entry.parentPath, entry.name));
    for (const needle of [first.message, twin.message, 'Ringde 18.10', first.receipt, '070-765 43 21', 'vardagar efter 18']) {
      expect(bytes.includes(Buffer.from(needle)), `${needle} in ${entry.name}`).toBe(false);
    }
  }
});

test('a used or unknown invitation says so clearly', async ({ page }) => {
  await virtualAuthenticator(page, true);
  const link = invite('Bo Handläggare');
  await page.goto(link);
  await page.getByRole('button', { name: 'Skapa passkey' }).click();
  // Registered, but nothing opens until an administrator confirms (N8); the page says so in both languages.
  await expect(page.getByRole('heading', { level: 1, name: 'Väntar på godkännande' })).toBeVisible();
  await expect(page.getByText('En administratör måste godkänna')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Slå upp kod' })).toHaveCount(0);
  await page.getByRole('link', { name: 'In English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Waiting for approval' })).toBeVisible();
  expect(await axe(page)).toEqual([]);
  expect(await rawCodes(page)).toEqual([]);
  await page.context().clearCookies();
  await page.goto(link);
  await expect(page.getByText('Inbjudan är redan använd')).toBeVisible();
  await page.goto('/invite/not-a-real-token');
  await expect(page.getByText('Inbjudan finns inte')).toBeVisible();
});

test('at 200 % zoom nothing scrolls sideways, and the inbox works with the keyboard alone', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const admin = await anotherAdmin(browser);
  await virtualAuthenticator(page, true);
  // 200 % zoom of a 1280 px wide window: 640 CSS px.
  await page.setViewportSize({ width: 640, height: 720 });
  await page.goto(invite('Cecilia Tangentbord'));
  // Keyboard only: Tab to the button, Enter.
  await page.keyboard.press('Tab');
  let focused = '';
  for (let i = 0; i < 10 && focused !== 'Skapa passkey'; i++) {
    focused = (await page.evaluate(() => document.activeElement?.textContent ?? '')).trim();
    if (focused !== 'Skapa passkey') await page.keyboard.press('Tab');
  }
  expect(focused).toBe('Skapa passkey');
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  await giveAccess(admin, 'Cecilia Tangentbord');
  await unlockWithPasskey(page);
  expect(await pushRequest(request('Zoom och tangentbord.'))).toBe(201);
  await page.reload();
  for (const path of ['/', '/lookup', '/review', '/closed']) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await page.goto('/');
  await page.locator('table.requests a').first().click();
  await expect(page.locator('.safe-contact')).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, 'request view').toBeLessThanOrEqual(0);
  // English too.
  await page.getByRole('link', { name: 'In English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Requests to handle' })).toBeVisible();
  expect(await axe(page)).toEqual([]);
});

test('a request that asked to be answered here gets a reply form: phrases and free text, sealed, kept in the outbox, audited without content; a write-back lands in its thread', async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  const admin = await anotherAdmin(browser);
  await virtualAuthenticator(page, true);
  await register(page, inviteMember('Dana Svarar').link, { prf: true });
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  await giveAccess(admin, 'Dana Svarar');
  await unlockWithPasskey(page);
  const mine = await replyKeysFromMaster(crypto.getRandomValues(new Uint8Array(32)));
  const REPLY_TEXT = `SENTINEL-INBOX-REPLY-${Date.now().toString(36)}`;
  const here = {
    ...createRequest({
      locale: 'so',
      role: 'self',
      municipality: 'stockholm',
      needs: [],
      contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
      language: '',
      interpreter: false,
      message: 'Svara mig här, tack.',
      reply: { publicKey: mine.publicKey, mailbox: mine.mailbox },
    }),
  };
  expect(await pushRequest(here)).toBe(201);
  // The code is compared in the browser: it is never put in a URL (N15), nor sent at all (issue 19).
  await page.goto('/lookup');
  const sent: string[] = [];
  page.on('request', (r) => sent.push(`${r.url()} ${r.postData() ?? ''}`));
  await page.getByLabel('Kvittokod').fill(here.receipt);
  await page.getByRole('button', { name: 'Sök' }).click();
  await expect(page.locator('.matches a')).toHaveCount(1);
  expect(page.url()).not.toContain(here.receipt.replace(/\D/g, '').slice(0, 6));
  expect(sent.filter((line) => line.includes(here.receipt.replace(/\D/g, '').slice(0, 6)))).toEqual([]);
  await page.locator('.matches a').first().click();
  await expect(page.locator('.safe-contact')).toContainText('Svara bara på webbplatsen');
  // Only the one who claimed it (or an administrator) may answer (N7).
  await expect(page.locator('section.reply-place')).toContainText('Ta förfrågan först.');
  await page.getByRole('button', { name: 'Ta förfrågan' }).click();

  // The form is labelled and works with the keyboard: a phrase, free text, its language.
  const section = page.locator('section.reply-place');
  await expect(section.getByRole('heading', { name: 'Svara personen' })).toBeVisible();
  // The test recipient has no phone in recipients.json: "could not reach you: call us at …" cannot be chosen.
  await expect(section.getByLabel(/Vi kunde inte nå dig/)).toBeDisabled();
  await section.getByLabel('Vi har fått din förfrågan.').focus();
  await page.keyboard.press('Space');
  await expect(section.getByLabel('Vi har fått din förfrågan.')).toBeChecked();
  await section.getByLabel('Egen text (valfri)').fill(REPLY_TEXT);
  // The request came from the Somali page: the own text's language starts there.
  await expect(section.getByLabel('Språk för den egna texten')).toHaveValue('so');
  await section.getByLabel('Språk för den egna texten').selectOption('en');
  expect(await axe(page)).toEqual([]);
  await section.getByRole('button', { name: 'Lås och skicka svaret' }).focus();
  await page.keyboard.press('Enter');
  // This test intake knows no site: the reply waits in the outbox, and the page says so.
  await expect(page.getByRole('status')).toContainText('Svaret är sparat och väntar');
  await expect(section.locator('.replies')).toContainText('väntar på att skickas');
  await expect(section.locator('.replies')).toContainText(REPLY_TEXT);
  await expect(section.locator('.replies')).toContainText('Vi har fått din förfrågan.');

  // An empty reply is refused with a clear message, and nothing is written.
  await section.getByRole('button', { name: 'Lås och skicka svaret' }).click();
  await expect(page.getByText(/Svaret kunde inte skrivas/)).toBeVisible();

  // Without the CSRF token the reply post is refused.
  const ref = new URL(page.url()).pathname.split('/')[2]!;
  const forged = await page.request.post(`/api/r/${ref}/reply`, { data: {}, headers: { origin: setup.origin } });
  expect(forged.status()).toBe(403);

  // The person writes back (signed with the reply key, WIRE-FORMAT.md §16): it is in this case's thread, not a new request.
  const WROTE_BACK = `SENTINEL-INBOX-WROTE-BACK-${Date.now().toString(36)}`;
  const followUp = createRequest({
    locale: 'so',
    role: 'self',
    municipality: 'stockholm',
    needs: [],
    contact: here.contact,
    language: '',
    interpreter: false,
    message: WROTE_BACK,
    reply: { publicKey: mine.publicKey, mailbox: mine.mailbox },
    followUpOf: here.id,
  });
  followUp.followUpProof = await signFollowUp(mine.signingKey, { id: followUp.id, followUpOf: here.id, message: WROTE_BACK });
  expect(await pushRequest(followUp)).toBe(201);
  // The server cannot tell whose case it is (that is inside the ciphertext): the list, opened in the
  // browser, checks the proof against the case's reply key and links it.
  await page.goto('/');
  await expect(page.locator(`table.requests tr:has(a[href="/r/${ref}"])`)).toContainText('skrev tillbaka');
  await page.goto(`/r/${ref}`);
  const thread = page.getByRole('region', { name: 'Personen skrev tillbaka' });
  await expect(thread).toContainText(WROTE_BACK);
  expect(await axe(page)).toEqual([]);
  await page.goto('/');
  await expect(page.locator('table.requests')).not.toContainText(WROTE_BACK);
  await expect(page.locator(`table.requests tr:has(a[href="/r/${ref}"])`)).toContainText('skrev tillbaka');

  // In the store: one waiting reply, encrypted; the audit says replied, with no content.
  const db = new DatabaseSync(join(setup.dir, 'intake.db'), { readOnly: true });
  try {
    expect(db.prepare(`SELECT state FROM replies WHERE ref = ?`).all(ref)).toEqual([{ state: 'waiting' }]);
    const audit = db.prepare(`SELECT action, detail FROM audit WHERE ref = ? AND action = 'replied'`).all(ref);
    expect(audit).toEqual([{ action: 'replied', detail: null }]);
  } finally {
    db.close();
  }
  for (const entry of readdirSync(setup.dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const bytes = readFileSync(join(entry.parentPath, entry.name));
    // The mailbox id is not checked here: a waiting reply's signed post (issue 19) names it until
    // the site has it, and is cleared then (intake/tests/reply.test.ts).
    for (const needle of [REPLY_TEXT, WROTE_BACK]) expect(bytes.includes(Buffer.from(needle)), `${needle} in ${entry.name}`).toBe(false);
  }
});

test('a cross-site form post is refused', async ({ request: api }) => {
  const response = await api.post('/sign-out', { headers: { origin: 'https://evil.example' }, form: { csrf: 'x' } });
  expect(response.status()).toBe(403);
});
