import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { generateRecipientKeyPair } from '../../protocol/envelope.ts';
import { appendAudit, verifyAudit } from '../src/audit.ts';
import { generateWrappedKey, unlockVault, VaultError, type UnlockedVault } from '../src/key-vault.ts';
import { fixedRecipientDirectory } from '../src/promise.ts';
import { bodyHash, IntakeStore } from '../src/store.ts';
import { openNote, sealNote } from '../src/team-vault/index.ts';
import { it, itOnNode } from './backend.ts';
import { envelopeBody, makeIntake, openStored, quarantineCount, sampleRequest, sealRaw, type TestIntake } from './helpers.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery staple';
const dirs: string[] = [];
const stores: IntakeStore[] = [];

afterEach(async () => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The passphrase-wrapped keys of an intake before issue 19 (what `intake move-keys` reads). */
async function oldKeyFolder(): Promise<{ dir: string; vault: UnlockedVault }> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-store-'));
  dirs.push(dir);
  await generateWrappedKey(dir, PASSPHRASE, '2099-01-01', FAST);
  return { dir, vault: await unlockVault(dir, PASSPHRASE) };
}

const intakes: TestIntake[] = [];
afterEach(async () => {
  for (const intake of intakes.splice(0)) await intake.cleanup();
});
async function testIntake(): Promise<TestIntake> {
  const intake = await makeIntake();
  intakes.push(intake);
  return intake;
}

async function stored(intake: TestIntake, message = 'hej'): Promise<string> {
  const result = await intake.store.receive(await envelopeBody(intake, sampleRequest(message)), recipients(intake.kid));
  if (result.status !== 'stored') throw new Error(result.status);
  return result.ref;
}

const recipients = (kid: string) => fixedRecipientDirectory({ [kid]: 'stockholm' }, { stockholm: { firstContactHours: 24 } });

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe('the old key vault (read by move-keys)', () => {
  itOnNode('opens with the passphrase and refuses a wrong one with a clear message', async () => {
    const { dir, vault } = await oldKeyFolder();
    expect(vault.keys).toHaveLength(1);
    await expect(unlockVault(dir, 'not the passphrase')).rejects.toThrow(/passphrase is wrong/);
  });

  itOnNode('refuses a key file others can read', async () => {
    const { dir, vault } = await oldKeyFolder();
    await chmod(join(dir, 'keys', `${vault.keys[0]!.kid}.private.wrapped.json`), 0o644);
    await expect(unlockVault(dir, PASSPHRASE)).rejects.toThrow(VaultError);
    await expect(unlockVault(dir, PASSPHRASE)).rejects.toThrow(/can be read by other users/);
  });

  itOnNode('refuses a plain version-1 key file next to the wrapped ones', async () => {
    const { dir } = await oldKeyFolder();
    await writeFile(join(dir, 'keys', 'x.private.jwk.json'), '{}', { mode: 0o600 });
    await expect(unlockVault(dir, PASSPHRASE)).rejects.toThrow(/keys protect/);
  });
});

describe('store', () => {
  it('stores the envelope as received without opening it, dedupes by its bytes, and quarantines an unknown kid', async () => {
    const intake = await testIntake();
    const { store } = intake;
    const request = sampleRequest();
    const body = await envelopeBody(intake, request);
    const first = await store.receive(body, recipients(intake.kid), new Date('2026-12-01T08:00:00Z'));
    expect(first).toMatchObject({ status: 'stored', fits: true });
    expect(await store.receive(body, recipients(intake.kid))).toEqual({ status: 'duplicate' });
    const row = store.listOpen()[0]!;
    expect(store.get(row.ref)!.envelope).toBe(body);
    expect(row.dueAt).toBe(Date.parse('2026-12-02T08:00:00Z'));
    expect(store.db.prepare('SELECT body_hash FROM requests WHERE ref = ?').get(row.ref)).toEqual({ body_hash: bodyHash(body) });
    // The browser opens it (the server holds no key that could).
    expect((await openStored(intake, row.ref)).request).toEqual(request);

    const stranger = await generateRecipientKeyPair();
    expect(await store.receive(await envelopeBody(stranger), recipients(intake.kid))).toEqual({
      status: 'quarantined',
      code: 'unknown_kid',
    });
    expect(quarantineCount(store)).toBe(1);
    expect(await store.receive('{"v":1}', recipients(intake.kid))).toEqual({ status: 'rejected', code: 'bad_envelope' });
  });

  it('keeps a request of a newer form like any other: the browser shows what it holds', async () => {
    const intake = await testIntake();
    const newer = { ...sampleRequest('newer form'), pronouns: 'hen' };
    const result = await intake.store.receive(await sealRaw(newer, intake), recipients(intake.kid));
    expect(result).toMatchObject({ status: 'stored', fits: true });
    const opened = await openStored(intake, (result as { ref: string }).ref);
    expect(opened.request).toBeNull();
    expect(opened.unknownFields).toEqual(['pronouns']);
    expect(opened.raw).toMatchObject({ message: 'newer form', pronouns: 'hen' });
  });

  it('keeps envelopes sealed to a key still wrapped with the old passphrase (before move-keys)', async () => {
    const intake = await testIntake();
    const old = await generateRecipientKeyPair();
    expect(await intake.store.receive(await envelopeBody(old), recipients(intake.kid), new Date(), new Set([old.kid]))).toMatchObject({
      status: 'stored',
    });
  });

  it('shows no deadline when the recipient has no promise (never a silent 24 hours)', async () => {
    const intake = await testIntake();
    await intake.store.receive(await envelopeBody(intake), fixedRecipientDirectory({}, {}));
    expect(intake.store.listOpen()[0]!.dueAt).toBeNull();
  });

  it('lets exactly one of two people claim a request', async () => {
    const intake = await testIntake();
    const { store } = intake;
    const ref = await stored(intake);
    expect([store.claim(ref, 1), store.claim(ref, 2)]).toEqual([true, false]);
    expect(store.get(ref)!.claimedBy).toBe(1);
    expect(store.setStatus(ref, 'contacted')).toBe(true);
  });

  it('links a follow-up the browser verified into its case: a closed case opens again, a follow-up of one joins the same case', async () => {
    const intake = await testIntake();
    const { store } = intake;
    const original = await stored(intake, 'first');
    store.claim(original, 1);
    store.setStatus(original, 'closed', new Date('2026-12-01T00:00:00Z'));
    const followUp = await stored(intake, 'wrote back');
    expect(store.get(followUp)!.dueAt).not.toBeNull();
    expect(store.linkFollowUp(followUp, original, new Date('2026-12-02T00:00:00Z'))).toBe(original);
    expect(store.get(original)).toMatchObject({ status: 'claimed', closedAt: null, followUps: 1 });
    expect(store.get(followUp)).toMatchObject({ followUpOf: original, dueAt: null });
    expect(store.listOpen().map((row) => row.ref)).toEqual([original]);
    expect(store.followUpsOf(original).map((row) => row.ref)).toEqual([followUp]);

    const second = await stored(intake, 'again');
    expect(store.linkFollowUp(second, followUp)).toBe(original);
    expect(store.get(original)!.followUps).toBe(2);
    // Once linked, never moved; never to itself; never to a case not held here.
    expect(store.linkFollowUp(second, original)).toBeNull();
    const third = await stored(intake, 'third');
    expect(store.linkFollowUp(third, third)).toBeNull();
    expect(store.linkFollowUp(third, 'AAAAAAAAAAAAAAAA')).toBeNull();
  });

  it('deletes closed requests after the retention period and keeps a late duplicate out by its body hash', async () => {
    const intake = await testIntake();
    const { store } = intake;
    const body = await envelopeBody(intake);
    const { ref } = (await store.receive(body, recipients(intake.kid))) as { ref: string };
    store.claim(ref, 1);
    store.setStatus(ref, 'closed', new Date('2026-01-01T00:00:00Z'));
    expect(store.applyRetention(30, new Date('2026-01-20T00:00:00Z'))).toEqual([]);
    expect(store.applyRetention(30, new Date('2026-02-01T00:00:00Z'))).toEqual([ref]);
    expect(store.count()).toBe(0);
    expect(store.db.prepare('SELECT kind FROM deleted WHERE dedupe = ?').get(bodyHash(body))).toEqual({ kind: 'body' });
    expect(await store.receive(body, recipients(intake.kid))).toEqual({ status: 'duplicate' });
  });

  itOnNode('keeps a sentinel request, note and reply record unreadable in every file of the intake folder (db, WAL, journal)', async () => {
    const intake = await testIntake();
    const { dir, store } = intake;
    const sentinel = 'SENTINEL-7f3c9e-do-not-store-in-clear';
    const request = { ...sampleRequest(`${sentinel} message`), contact: { ...sampleRequest().contact, safeTimes: `${sentinel} times` } };
    const { ref } = (await store.receive(await envelopeBody(intake, request), recipients(intake.kid))) as { ref: string };
    store.addNote(ref, 1, 1, await sealNote(intake.vault, ref, `${sentinel} note`));
    const [note] = store.notes(ref);
    expect(await openNote(intake.vault, ref, note!.box)).toBe(`${sentinel} note`);
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
    const { store } = await testIntake();
    for (const action of ['opened', 'claimed', 'exported'] as const) appendAudit(store, 'staff:1', action, 'ref1');
    expect(verifyAudit(store)).toEqual({ ok: true, lines: 3 });
    expect(() => store.db.exec(`UPDATE audit SET actor = 'staff:2' WHERE seq = 2`)).toThrow(/append-only/);
    // Someone with the database file bypasses the triggers:
    store.db.exec('DROP TRIGGER audit_append_only_update');
    store.db.exec(`UPDATE audit SET actor = 'staff:2' WHERE seq = 2`);
    expect(verifyAudit(store)).toMatchObject({ ok: false, firstBadSeq: 2 });
  });
});
