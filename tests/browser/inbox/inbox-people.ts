/**
 * People and requests for the inbox specs beyond inbox-session.ts: another
 * administrator with access (confirmed by the CLI, then the recovery
 * code), access given from the staff page, unlocking with the passkey
 * while still signed in, and a request pushed to the real receiver.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openEnvelope } from '../../../protocol/envelope-open.ts';
import {
  openGrant,
  recoveryKeyPair,
  unwrapRecipientKey,
  vaultKeysFrom,
  type Box,
  type Grant,
} from '../../../intake/src/team-vault/index.ts';
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

/**
 * The refs of the stored requests with this receipt code, found the way an
 * administrator with the recovery sheet could (the test vault's public
 * development code opens generation 1): inbox specs run side by side on
 * one intake, so each looks only at its own rows.
 */
export async function refsWithReceipt(receipt: string): Promise<string[]> {
  const db = new DatabaseSync(join(setup.dir, 'intake.db'), { readOnly: true });
  try {
    const recovery = JSON.parse(
      (db.prepare('SELECT recovery FROM vault_generations WHERE gen = 1').get() as { recovery: string }).recovery,
    ) as Grant;
    const vault = await vaultKeysFrom(await openGrant(recovery, (await recoveryKeyPair(DEV_RECOVERY_CODE)).privateKey, 'recovery'), 1);
    const wrapped = db.prepare('SELECT kid, wrapped FROM vault_keys WHERE gen = 1').all() as { kid: string; wrapped: string }[];
    const ring = new Map(
      await Promise.all(
        wrapped.map(async (k) => [k.kid, (await unwrapRecipientKey(vault, k.kid, JSON.parse(k.wrapped) as Box)).hpke] as const),
      ),
    );
    const rows = db.prepare('SELECT ref, body FROM envelopes').all() as { ref: string; body: string }[];
    const refs: string[] = [];
    for (const row of rows) if ((await openEnvelope(JSON.parse(row.body), ring).catch(() => null))?.receipt === receipt) refs.push(row.ref);
    return refs;
  } finally {
    db.close();
  }
}
