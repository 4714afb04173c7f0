/**
 * Signing in to the team inbox in Chromium, for every inbox spec (issue
 * 19): a virtual authenticator through CDP with or without the `prf`
 * extension, invitations with the real CLI, and a member who is unlocked
 * (their own key made in the browser, the vault opened) at the end.
 *
 * The test intake (tools/dev/serve-inbox-for-tests.ts) has its vault made
 * with the public development recovery code, so `freshAdmin` gets access
 * the way an administrator recovers: by typing the code (confirmed with
 * the CLI first, N8: only the first administrator needs no one).
 * `freshMember` needs such an admin to give access from the staff page.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { wcagTags } from '../fixtures.ts';
import { inboxTestPort, inboxTestSetup } from '../../../tools/dev/inbox-test-setup.ts';
import { projectEnv, start, waitForUrl } from '../../../tools/dev/run.ts';
import { DEV_RECOVERY_CODE } from '../../../tools/dev/dev-vault.ts';
import { sealRequest } from '../../../protocol/envelope.ts';
import { importSigningKey, signPush } from '../../../protocol/push-auth.ts';
import type { ContactRequest } from '../../../protocol/request.ts';

export { DEV_RECOVERY_CODE };
export const setup = inboxTestSetup(inboxTestPort());

/** How a member unlocks: the passkey's PRF, or (an authenticator without PRF) their own phrase. */
export type Unlock = { prf: true } | { prf: false; phrase: string };
export const TEST_PHRASE = 'lugna blå båtar seglar hem i kväll';

export function cli(dir: string, origin: string, ...args: string[]): string {
  // Only `staff` takes --url (the invitation link's origin); every command refuses options it does not know.
  const url = args[0] === 'staff' ? ['--url', origin] : [];
  return execFileSync('node', ['intake/src/cli.ts', ...args, '--dir', dir, ...url], {
    env: projectEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

let names = 0;
/** A name nobody else in this run has (specs share the test intake). */
export function uniqueName(base: string): string {
  names += 1;
  return `${base} ${process.pid}-${names}`;
}

/** A one-time invitation link and the new staff id, made with the real CLI. */
export function invite(name: string, admin = false, intake = { dir: setup.dir, origin: setup.origin }): { link: string; staffId: number } {
  const out = cli(intake.dir, intake.origin, 'staff', 'invite', '--name', name, ...(admin ? ['--admin'] : []));
  return { link: /(http:\/\/localhost:\d+\/invite\/\S+)/.exec(out)![1]!, staffId: Number(/staff (\d+)\)/.exec(out)![1]) };
}

/** Chromium's virtual authenticator (CTAP2, resident keys, user verification), with or without PRF (hmac-secret). */
export async function virtualAuthenticator(page: Page, hasPrf: boolean): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      ctap2Version: 'ctap2_1',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
      hasPrf,
    },
  });
  return authenticatorId;
}

/** The phrase step of a member without PRF: choose it (typed twice) or type it to unlock. */
export async function choosePhrase(page: Page, phrase: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Välj en egen fras' })).toBeVisible();
  await page.getByLabel('Fras', { exact: true }).fill(phrase);
  await page.getByLabel('Skriv frasen igen').fill(phrase);
  await page.getByRole('button', { name: 'Spara frasen' }).click();
}

export async function typePhrase(page: Page, phrase: string): Promise<void> {
  await page.getByLabel('Din fras').fill(phrase);
  await page.getByRole('button', { name: 'Lås upp', exact: true }).click();
}

/** Registers through an invitation link (the page must have its authenticator): passkey, then the member's own key. */
export async function register(page: Page, link: string, unlock: Unlock): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: 'Skapa passkey' }).click();
  if (!unlock.prf) await choosePhrase(page, unlock.phrase);
}

/** Signs in with the passkey (and the phrase, without PRF); the vault is open when this returns, if the member has access. */
export async function signIn(page: Page, unlock: Unlock, origin = setup.origin): Promise<void> {
  // A fresh start, as after closing the browser: no session cookie.
  await page.context().clearCookies();
  await page.goto(`${origin}/sign-in`);
  await page.getByRole('button', { name: 'Logga in med passkey' }).click();
  if (!unlock.prf) await typePhrase(page, unlock.phrase);
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

/** Types the recovery code on the recovery page (an administrator without access). */
export async function recover(page: Page, code: string, origin = setup.origin): Promise<void> {
  await page.goto(`${origin}/vault/recover`);
  await page.getByLabel('Återställningskod').fill(code);
  await page.getByRole('button', { name: 'Återställ' }).click();
}

/** The vault generation this tab holds (its sealed box in sessionStorage), or null. */
export async function unlockedGen(page: Page): Promise<number | null> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem('utvag-vault') ?? 'null') as { gen: number } | null)?.gen ?? null);
}

/** The vault as the server keeps it (generations and public key halves; ciphertext only), read through the page's session. */
export async function vaultChain(page: Page): Promise<{
  generations: { gen: number }[];
  keys: { kid: string; publicKey: string; notAfter: string; gen: number; retiredAt: number | null }[];
}> {
  return page.evaluate(async () => (await (await fetch('/api/vault/chain')).json()) as never);
}

/** The key a new request is sealed to: the first one not retired. */
export async function currentKey(page: Page): Promise<{ kid: string; publicKey: string }> {
  const key = (await vaultChain(page)).keys.find((k) => k.retiredAt === null);
  if (!key) throw new Error('the vault holds no key that is not retired');
  return key;
}

/** Whether this tab holds an unlocked vault (the sealed box in sessionStorage). */
export async function isUnlocked(page: Page): Promise<boolean> {
  return page.evaluate(() => sessionStorage.getItem('utvag-vault') !== null);
}

/** A new administrator with access, unlocked in `page`: invited, registered, confirmed, and recovered with the development code. */
export async function freshAdmin(
  page: Page,
  unlock: Unlock = { prf: true },
  name = uniqueName('Admin'),
): Promise<{ staffId: number; name: string }> {
  await virtualAuthenticator(page, unlock.prf);
  const { link, staffId } = invite(name, true);
  await register(page, link, unlock);
  await page.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  // Every administrator after the first waits for a confirmation (N8); for the first it changes nothing.
  cli(setup.dir, setup.origin, 'staff', 'confirm', String(staffId));
  await recover(page, DEV_RECOVERY_CODE);
  await page.waitForURL((url) => url.pathname === '/');
  expect(await isUnlocked(page)).toBe(true);
  return { staffId, name };
}

/** The admin (unlocked in `adminPage`) gives access from the staff page: one button per member waiting for it. */
export async function giveAccess(adminPage: Page, name: string): Promise<void> {
  await adminPage.goto(`${setup.origin}/staff`);
  await adminPage.getByRole('button', { name: `Ge åtkomst: ${name}` }).click();
  await expect(adminPage.getByText('Personen har fått åtkomst.')).toBeVisible();
}

/**
 * A new staff member with access, unlocked in `page`: invited, registered
 * (their key made in the browser), given access by the admin in
 * `adminPage`, then signed in again so the vault opens.
 */
export async function freshMember(
  page: Page,
  adminPage: Page,
  unlock: Unlock = { prf: true },
  name = uniqueName('Staff'),
): Promise<{ staffId: number; name: string }> {
  await virtualAuthenticator(page, unlock.prf);
  const { link, staffId } = invite(name);
  await register(page, link, unlock);
  await expect(
    page.getByText('Du kan logga in, men du kan inte öppna ärenden förrän en administratör har gett dig åtkomst.').first(),
  ).toBeVisible();
  await giveAccess(adminPage, name);
  await signIn(page, unlock);
  expect(await isUnlocked(page)).toBe(true);
  return { staffId, name };
}

/**
 * Pushes a request to a test intake's receiver as the Worker does: sealed
 * to `key` (default: the intake's published test key) and signed with the
 * test Worker's key. Returns the HTTP status.
 */
export async function pushRequest(
  request: ContactRequest,
  key?: { kid: string; publicKey: string },
  intake: ReturnType<typeof inboxTestSetup> = setup,
): Promise<number> {
  const to = key ?? (JSON.parse(readFileSync(intake.publicKeyFile, 'utf8')) as { kid: string; publicKey: string });
  return pushEnvelope(JSON.stringify(await sealRequest(request, to)), intake);
}

/** Pushes an envelope (as the Worker's queue does, signed with the test Worker's key) to an intake serving `recipient`. */
export async function pushEnvelope(body: string, intake: ReturnType<typeof inboxTestSetup>, recipient = intake.recipient): Promise<number> {
  const signed = await signPush(await importSigningKey(readFileSync(intake.workerSigningKeyFile, 'utf8')), recipient, body);
  const response = await fetch(`${intake.pushOrigin}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed.headers },
    body,
  });
  return response.status;
}

/**
 * An intake of the spec's own (serve-inbox-for-tests.ts on `port` with
 * `args`), started before the spec's tests and removed after them;
 * `onOutput` gets what serve prints.
 */
export function ownIntake(port: number, args: string[] = [], onOutput?: (text: string) => void): ReturnType<typeof inboxTestSetup> {
  const own = inboxTestSetup(port);
  let server: ChildProcess;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = start('node', ['tools/dev/serve-inbox-for-tests.ts', String(port), ...args], {
      stdio: ['ignore', onOutput ? 'pipe' : 'ignore', 'inherit'],
      env: projectEnv(),
    });
    server.stdout?.on('data', (chunk: Buffer) => onOutput?.(chunk.toString()));
    await waitForUrl(`${own.origin}/sign-in`);
  });
  test.afterAll(() => {
    server.kill('SIGTERM');
    rmSync(own.root, { recursive: true, force: true });
  });
  return own;
}

/** axe's WCAG findings on the page, one line each (a test expects none). */
export async function axe(page: Page): Promise<string[]> {
  // After a form's redirect the next page may still be loading its stylesheet: axe checks the page as shown.
  await page.waitForLoadState('load');
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  return results.violations.map((v) => `${page.url()}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** 200 % zoom of a 1280 px wide window is 640 CSS px: how far the page scrolls sideways there (0 expected). */
export async function sidewaysAt200(page: Page): Promise<number> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 640, height: 720 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  if (size) await page.setViewportSize(size);
  return overflow;
}
