/**
 * People and requests for the inbox specs beyond inbox-session.ts: another
 * administrator with access in a context of its own, unlocking with the
 * passkey while still signed in, and the refs of one spec's own requests.
 */
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
import { DEV_RECOVERY_CODE, freshAdmin, isUnlocked, setup } from './inbox-session.ts';

/** Another administrator with access (freshAdmin), in a context of its own. */
export async function anotherAdmin(browser: Browser): Promise<Page> {
  const admin = await (await browser.newContext({ baseURL: setup.origin, locale: 'sv-SE' })).newPage();
  await freshAdmin(admin);
  return admin;
}

/** Still signed in from registering: once given access, the member unlocks with the passkey (PRF). */
export async function unlockWithPasskey(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: 'Lås upp med passkey' }).click();
  await expect.poll(() => isUnlocked(page)).toBe(true);
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
