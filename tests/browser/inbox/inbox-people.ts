/**
 * People and requests for the inbox specs beyond inbox-session.ts: another
 * administrator with access (confirmed by the CLI, then the recovery
 * code), access given from the staff page, unlocking with the passkey
 * while still signed in, and a request pushed to the real receiver.
 */
import { readFileSync } from 'node:fs';
import { expect, type Browser, type Page } from '@playwright/test';
import { sealRequest } from '../../../protocol/envelope.ts';
import { importSigningKey, signPush } from '../../../protocol/push-auth.ts';
import type { ContactRequest } from '../../../protocol/request.ts';
import {
  cli,
  DEV_RECOVERY_CODE,
  invite as inviteMember,
  isUnlocked,
  recover,
  register,
  setup,
  uniqueName,
  virtualAuthenticator,
} from './inbox-session.ts';

export /**
 * Another administrator with access, in a context of its own: registered,
 * confirmed with the CLI (N8: only the first administrator needs no one),
 * then access by the recovery code, as freshAdmin does for the first.
 */
async function anotherAdmin(browser: Browser): Promise<Page> {
  const admin = await (await browser.newContext({ baseURL: setup.origin, locale: 'sv-SE' })).newPage();
  await virtualAuthenticator(admin, true);
  const { link, staffId } = inviteMember(uniqueName('Admin'), true);
  await register(admin, link, { prf: true });
  await admin.waitForURL((url) => !url.pathname.startsWith('/invite/'));
  cli(setup.dir, setup.origin, 'staff', 'confirm', String(staffId));
  await recover(admin, DEV_RECOVERY_CODE);
  await admin.waitForURL((url) => url.pathname === '/');
  return admin;
}

/** Still signed in from registering: once given access, the member unlocks with the passkey (PRF). */
export async function unlockWithPasskey(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Lås upp med passkey' }).click();
  await expect.poll(() => isUnlocked(page)).toBe(true);
}

/** The admin gives access from the staff page (a pending member is listed twice there: either button does it). */
export async function grantAccess(admin: Page, name: string): Promise<void> {
  await admin.goto('/staff');
  await admin
    .getByRole('button', { name: `Ge åtkomst: ${name}` })
    .first()
    .click();
  await expect(admin.getByText('Personen har fått åtkomst.')).toBeVisible();
}

/** Pushes a request to the test inbox's receiver, signed as the Worker. */
export async function push(req: ContactRequest): Promise<number> {
  const key = JSON.parse(readFileSync(setup.publicKeyFile, 'utf8')) as { kid: string; publicKey: string };
  const body = JSON.stringify(await sealRequest(req, key));
  const signingKey = await importSigningKey(readFileSync(setup.workerSigningKeyFile, 'utf8'));
  const signed = await signPush(signingKey, setup.recipient, body);
  const response = await fetch(`${setup.pushOrigin}/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed.headers },
    body,
  });
  return response.status;
}
