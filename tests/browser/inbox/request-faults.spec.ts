/**
 * When a request cannot be opened in the browser (issue 19, part 8), the
 * request page says why in the inbox's language, and nothing stored is
 * touched: a damaged envelope; a member who has no access yet; a tab
 * closed while a reply is being sent (the draft is lost, nothing is
 * stored half). Against the real `intake serve` of the inbox specs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, test, type Page } from '@playwright/test';
import { base64urlDecode, base64urlEncode, sealRequest } from '../../../protocol/envelope.ts';
import { replyKeysFromMaster } from '../../../protocol/reply-keys.ts';
import { createRequest, type ContactRequest } from '../../../protocol/request.ts';
import { inboxText } from '../../../intake/src/inbox/text.ts';
import { anotherAdmin } from './inbox-people.ts';
import { axe, invite, pushEnvelope, register, setup, uniqueName, virtualAuthenticator } from './inbox-session.ts';

test.use({ baseURL: setup.origin });
test.describe.configure({ mode: 'serial' });

const db = () => new DatabaseSync(join(setup.dir, 'intake.db'));

function request(message: string, extra: Partial<ContactRequest> = {}): ContactRequest {
  return createRequest({
    locale: 'sv',
    role: 'self',
    municipality: 'stockholm',
    needs: [],
    contact: { method: 'call', phone: '070-765 43 21', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    language: '',
    interpreter: false,
    message,
    ...extra,
  });
}

/**
 * Pushes a request and returns its ref, found by the SHA-256 of the exact
 * envelope (the store's dedupe key). Not "the newest": the other inbox
 * specs push to the same intake at the same time.
 */
async function pushAndFind(request: ContactRequest): Promise<string> {
  const key = JSON.parse(readFileSync(setup.publicKeyFile, 'utf8')) as { kid: string; publicKey: string };
  const body = JSON.stringify(await sealRequest(request, key));
  expect(await pushEnvelope(body, setup)).toBe(201);
  const handle = db();
  try {
    const hash = createHash('sha256').update(body).digest('base64url');
    const { ref } = handle.prepare('SELECT ref FROM requests WHERE body_hash = ?').get(hash) as { ref: string };
    pushed.push(ref);
    return ref;
  } finally {
    handle.close();
  }
}

function envelopeOf(ref: string): string {
  const handle = db();
  try {
    return (handle.prepare('SELECT body FROM envelopes WHERE ref = ?').get(ref) as { body: string }).body;
  } finally {
    handle.close();
  }
}

let admin: Page;
/** The requests this spec pushed: closed at the end, so the other inbox specs find their own list. */
const pushed: string[] = [];

test.beforeAll(async ({ browser }) => {
  admin = await anotherAdmin(browser);
});

test.afterAll(async () => {
  const page = await admin.context().newPage();
  for (const ref of pushed) {
    await page.goto(`/r/${ref}`);
    const claim = page.getByRole('button', { name: inboxText.sv.claim });
    if (await claim.isVisible()) await claim.click();
    await page.getByLabel(inboxText.sv.status_closed).check();
    await page.getByRole('button', { name: inboxText.sv.save }).click();
    await expect(page.locator('.state')).toContainText(inboxText.sv.status_closed);
  }
});

test('a damaged envelope says so, in Swedish and English, and is left as it is', async () => {
  const ref = await pushAndFind(request('Skadad på vägen.'));
  // One bit of the ciphertext flipped, as a broken disk or a bad copy would leave it.
  const envelope = JSON.parse(envelopeOf(ref)) as { ct: string };
  const ct = base64urlDecode(envelope.ct)!;
  ct[ct.length - 1] = ct[ct.length - 1]! ^ 1;
  const damaged = JSON.stringify({ ...envelope, ct: base64urlEncode(ct) });
  const handle = db();
  handle.prepare('UPDATE envelopes SET body = ? WHERE ref = ?').run(damaged, ref);
  handle.close();

  await admin.goto(`/r/${ref}`);
  await expect(admin.locator('#request-app')).toContainText(inboxText.sv.faultDamaged);
  await expect(admin.locator('.safe-contact')).toHaveCount(0);
  expect(await axe(admin)).toEqual([]);
  await admin.goto('/lang/en');
  await admin.goto(`/r/${ref}`);
  await expect(admin.locator('#request-app')).toContainText(inboxText.en.faultDamaged);
  await admin.goto('/lang/sv');
  // Nothing stored was touched: the envelope is as it was left.
  expect(envelopeOf(ref)).toBe(damaged);
});

test('a member without access yet is told why nothing opens', async ({ browser }) => {
  const ref = await pushAndFind(request('Inte än.'));
  const page = await (await browser.newContext({ baseURL: setup.origin, locale: 'sv-SE' })).newPage();
  await virtualAuthenticator(page, true);
  await register(page, invite(uniqueName('Ny')).link, { prf: true });
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  await page.goto(`/r/${ref}`);
  await expect(page.getByText(inboxText.sv.faultNoAccess).first()).toBeVisible();
  await expect(page.locator('.safe-contact')).toHaveCount(0);
});

test('a tab closed while a reply is sent loses the draft, and nothing is stored half', async () => {
  const keys = await replyKeysFromMaster(crypto.getRandomValues(new Uint8Array(32)));
  const here = request('Svara här.', {
    contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
    reply: { publicKey: keys.publicKey, mailbox: keys.mailbox },
  });
  const ref = await pushAndFind(here);
  await admin.goto(`/r/${ref}`);
  await admin.getByRole('button', { name: 'Ta förfrågan' }).click();
  const section = admin.locator('section.reply-place');
  await expect(section).toContainText(inboxText.sv.replyDraftLost);
  await section.getByLabel('Vi har fått din förfrågan.').check();
  await section.getByLabel('Egen text (valfri)').fill('Ett utkast som aldrig skickas.');
  // The tab goes away while the one post is on its way: it never reaches the inbox.
  await admin.route('**/api/r/*/reply', () => undefined);
  await section.getByRole('button', { name: 'Lås och skicka svaret' }).click();
  await admin.close({ runBeforeUnload: false });
  const handle = db();
  try {
    expect(handle.prepare('SELECT count(*) AS n FROM replies WHERE ref = ?').get(ref)).toEqual({ n: 0 });
    expect(handle.prepare(`SELECT count(*) AS n FROM audit WHERE ref = ? AND action = 'replied'`).get(ref)).toEqual({ n: 0 });
  } finally {
    handle.close();
  }
});
