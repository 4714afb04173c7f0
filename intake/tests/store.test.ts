import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sealRequest } from '../../protocol/envelope.ts';
import { keyRing } from '../../protocol/envelope-open.ts';
import { appendAudit, verifyAudit } from '../src/audit.ts';
import { generateWrappedKey, unlockVault, VaultError, type UnlockedVault } from '../src/key-vault.ts';
import { fixedRecipientDirectory } from '../src/promise.ts';
import { IntakeStore } from '../src/store.ts';
import { sampleRequest, sealRaw } from './helpers.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery staple';
const dirs: string[] = [];
const stores: IntakeStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freshIntake(): Promise<{
  dir: string;
  vault: UnlockedVault;
  store: IntakeStore;
  publicKey: { kid: string; publicKey: string };
}> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-store-'));
  dirs.push(dir);
  const key = await generateWrappedKey(dir, PASSPHRASE, '2099-01-01', FAST);
  const vault = await unlockVault(dir, PASSPHRASE);
  const store = IntakeStore.open(dir, vault.storeSecret);
  stores.push(store);
  return { dir, vault, store, publicKey: { kid: key.kid, publicKey: key.publicKey } };
}

const recipients = (kid: string) => fixedRecipientDirectory({ [kid]: 'stockholm' }, { stockholm: { firstContactHours: 24 } });

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe('key vault', () => {
  it('opens with the passphrase and refuses a wrong one with a clear message', async () => {
    const { dir, vault } = await freshIntake();
    expect(vault.keys).toHaveLength(1);
    await expect(unlockVault(dir, 'not the passphrase')).rejects.toThrow(/passphrase is wrong/);
  });

  it('refuses a key file others can read', async () => {
    const { dir, vault } = await freshIntake();
    await chmod(join(dir, 'keys', `${vault.keys[0]!.kid}.private.wrapped.json`), 0o644);
    await expect(unlockVault(dir, PASSPHRASE)).rejects.toThrow(VaultError);
    await expect(unlockVault(dir, PASSPHRASE)).rejects.toThrow(/can be read by other users/);
  });

  it('refuses a plain version-1 key file next to the wrapped ones', async () => {
    const { dir } = await freshIntake();
    await writeFile(join(dir, 'keys', 'x.private.jwk.json'), '{}', { mode: 0o600 });
    await expect(unlockVault(dir, PASSPHRASE)).rejects.toThrow(/keys protect/);
  });
});

describe('store', () => {
  it('stores the envelope as received, dedupes, and puts a request that does not fit in needs review', async () => {
    const { store, vault, publicKey } = await freshIntake();
    const ring = keyRing(vault.keys);
    const request = sampleRequest();
    const body = JSON.stringify(await sealRequest(request, publicKey));
    const first = await store.receive(body, ring, recipients(publicKey.kid), new Date('2026-12-01T08:00:00Z'));
    expect(first).toMatchObject({ status: 'stored', fits: true });
    expect(await store.receive(body, ring, recipients(publicKey.kid))).toEqual({ status: 'duplicate' });
    const row = store.listOpen()[0]!;
    expect(store.get(row.ref)!.envelope).toBe(body);
    expect(row.dueAt).toBe(Date.parse('2026-12-02T08:00:00Z'));
    expect((await store.open(row, ring)).request).toEqual(request);

    const newer = { ...sampleRequest('newer form'), pronouns: 'hen' };
    expect(await store.receive(await sealRaw(newer, publicKey), ring, recipients(publicKey.kid))).toMatchObject({
      status: 'stored',
      fits: false,
    });
    const review = store.listNeedsReview();
    expect(review).toHaveLength(1);
    const opened = await store.open(review[0]!, ring);
    expect(opened.unknownFields).toEqual(['pronouns']);
    expect(opened.raw).toMatchObject({ message: 'newer form', pronouns: 'hen' });
    expect(store.listOpen()).toHaveLength(1);
  });

  it('shows no deadline when the recipient has no promise (never a silent 24 hours)', async () => {
    const { store, vault, publicKey } = await freshIntake();
    await store.receive(
      JSON.stringify(await sealRequest(sampleRequest(), publicKey)),
      keyRing(vault.keys),
      fixedRecipientDirectory({}, {}),
    );
    expect(store.listOpen()[0]!.dueAt).toBeNull();
  });

  it('lets exactly one of two people claim a request', async () => {
    const { store, vault, publicKey } = await freshIntake();
    const result = await store.receive(
      JSON.stringify(await sealRequest(sampleRequest(), publicKey)),
      keyRing(vault.keys),
      recipients(publicKey.kid),
    );
    const ref = (result as { ref: string }).ref;
    expect([store.claim(ref, 1), store.claim(ref, 2)]).toEqual([true, false]);
    expect(store.get(ref)!.claimedBy).toBe(1);
    expect(store.setStatus(ref, 'contacted')).toBe(true);
  });

  it('shows an ambiguous receipt code as ambiguous: every match, not the first', async () => {
    const { store, vault, publicKey } = await freshIntake();
    const a = sampleRequest('a');
    const b = { ...sampleRequest('b'), receipt: a.receipt };
    for (const r of [a, b])
      await store.receive(JSON.stringify(await sealRequest(r, publicKey)), keyRing(vault.keys), recipients(publicKey.kid));
    const found = store.findByReceipt(a.receipt.toLowerCase().replace('-', ' '));
    expect(found).toMatchObject({ ok: true, code: a.receipt });
    expect((found as { refs: string[] }).refs).toHaveLength(2);
    expect(store.findByReceipt('OOOO-0000')).toMatchObject({ ok: false });
  });

  it('deletes closed requests after the retention period and keeps a late duplicate out', async () => {
    const { store, vault, publicKey } = await freshIntake();
    const body = JSON.stringify(await sealRequest(sampleRequest(), publicKey));
    const ring = keyRing(vault.keys);
    const { ref } = (await store.receive(body, ring, recipients(publicKey.kid))) as { ref: string };
    store.claim(ref, 1);
    store.setStatus(ref, 'closed', new Date('2026-01-01T00:00:00Z'));
    expect(store.applyRetention(30, new Date('2026-01-20T00:00:00Z'))).toEqual([]);
    expect(store.applyRetention(30, new Date('2026-02-01T00:00:00Z'))).toEqual([ref]);
    expect(store.count()).toBe(0);
    expect(await store.receive(body, ring, recipients(publicKey.kid))).toEqual({ status: 'duplicate' });
  });

  it('keeps a sentinel request and note unreadable in every file of the intake folder (db, WAL, journal)', async () => {
    const { dir, store, vault, publicKey } = await freshIntake();
    const sentinel = 'SENTINEL-7f3c9e-do-not-store-in-clear';
    const request = { ...sampleRequest(`${sentinel} message`), contact: { ...sampleRequest().contact, safeTimes: `${sentinel} times` } };
    const { ref } = (await store.receive(
      JSON.stringify(await sealRequest(request, publicKey)),
      keyRing(vault.keys),
      recipients(publicKey.kid),
    )) as { ref: string };
    store.addNote(ref, 1, `${sentinel} note`);
    expect(store.notes(ref)[0]!.text).toBe(`${sentinel} note`);
    appendAudit(store, 'staff:1', 'opened', ref);
    const files = await allFiles(dir);
    expect(files.some((f) => f.endsWith('intake.db-wal'))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(file);
      for (const needle of [sentinel, request.receipt, request.id, '070-123 45 67']) {
        expect(bytes.includes(Buffer.from(needle)), `${needle} in ${file}`).toBe(false);
      }
    }
  });
});

describe('audit log', () => {
  it('verifies an intact chain and names the first changed line', async () => {
    const { store } = await freshIntake();
    for (const action of ['opened', 'claimed', 'exported'] as const) appendAudit(store, 'staff:1', action, 'ref1');
    expect(verifyAudit(store)).toEqual({ ok: true, lines: 3 });
    expect(() => store.db.exec(`UPDATE audit SET actor = 'staff:2' WHERE seq = 2`)).toThrow(/append-only/);
    // Someone with the database file bypasses the triggers:
    store.db.exec('DROP TRIGGER audit_append_only_update');
    store.db.exec(`UPDATE audit SET actor = 'staff:2' WHERE seq = 2`);
    expect(verifyAudit(store)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });
});
