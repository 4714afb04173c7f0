/**
 * Deletion erases (security review N6): after retention, a deleted note's
 * and envelope's bytes are in neither the database file nor its WAL.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedRecipientDirectory } from '../src/promise.ts';
import { backupStore, DATABASE_FILE, IntakeStore, markBackupExpiry } from '../src/store.ts';
import { sealNote } from '../src/team-vault/index.ts';
import { envelopeBody, makeIntake, sampleRequest, type TestIntake } from './helpers.ts';

let intake: TestIntake | undefined;
afterEach(async () => {
  await intake?.cleanup();
  intake = undefined;
});

/** The database file and its WAL, as one buffer (what a stolen disk holds). */
function onDisk(dir: string): Buffer {
  const files = [DATABASE_FILE, `${DATABASE_FILE}-wal`].map((name) => join(dir, name)).filter((path) => existsSync(path));
  return Buffer.concat(files.map((path) => readFileSync(path)));
}

describe('retention erases the bytes (N6)', () => {
  it('leaves no trace of a deleted note or envelope in intake.db or its WAL', async () => {
    intake = await makeIntake();
    const { store } = intake;
    const directory = fixedRecipientDirectory({ [intake.kid]: 'stockholm' }, { stockholm: { firstContactHours: 24 } });
    const body = await envelopeBody(intake, sampleRequest('N6-ENVELOPE-SENTINEL'));
    const stored = await store.receive(body, directory, new Date('2026-01-01T00:00:00Z'));
    if (stored.status !== 'stored') throw new Error(stored.status);
    store.claim(stored.ref, 1, new Date('2026-01-01T01:00:00Z'));
    const box = await sealNote(intake.vault, stored.ref, 'NOTE-SENTINEL: his brother is in the gang');
    store.addNote(stored.ref, 1, 1, box, new Date('2026-01-01T01:00:00Z'));
    const noteCiphertext = String((store.db.prepare('SELECT ct FROM notes WHERE ref = ?').get(stored.ref) as { ct: string }).ct);
    // A piece of the envelope's ciphertext, long enough to be unique.
    const envelopePiece = (JSON.parse(body) as { ct: string }).ct.slice(100, 164);
    store.setStatus(stored.ref, 'closed', new Date('2026-01-02T00:00:00Z'));
    // Before: the bytes are there (the test can see them).
    expect(onDisk(intake.dir).includes(noteCiphertext)).toBe(true);
    expect(onDisk(intake.dir).includes(envelopePiece)).toBe(true);

    expect(store.applyRetention(30, new Date('2026-02-02T00:00:00Z'))).toEqual([stored.ref]);
    const after = onDisk(intake.dir);
    expect(after.includes(noteCiphertext)).toBe(false);
    expect(after.includes(envelopePiece)).toBe(false);
    expect(after.includes('NOTE-SENTINEL')).toBe(false);
    expect((store.db.prepare('PRAGMA secure_delete').get() as { secure_delete: number }).secure_delete).toBe(1);
  });
});

describe('backups carry their own expiry (N6)', () => {
  it('refuses to open a backup after its expiry, and opens one before it as the live store', async () => {
    intake = await makeIntake();
    const restoreDir = mkdtempSync(join(tmpdir(), 'utvag-restore-'));
    try {
      const copy = join(restoreDir, DATABASE_FILE);
      await backupStore(intake.store, copy);
      const made = new Date('2026-03-01T00:00:00Z');
      expect(markBackupExpiry(copy, 30, made).toISOString()).toBe('2026-03-31T00:00:00.000Z');
      // Expired (opened today, long after): refused with a clear message.
      expect(() => IntakeStore.open(restoreDir)).toThrow(/backup that expired 2026-03-31.*Delete it/);
      // Not yet expired: it opens, and is the live store from then on (the mark is gone).
      markBackupExpiry(copy, 30);
      const restored = IntakeStore.open(restoreDir);
      expect(restored.db.prepare(`SELECT value FROM meta WHERE key = 'backup_expires_at'`).get()).toBeUndefined();
      restored.close();
    } finally {
      rmSync(restoreDir, { recursive: true, force: true });
    }
  });
});

describe('staff names are encrypted at rest (N14)', () => {
  it('keeps no staff name in clear in the database, and shows it to the inbox and the CLI with the store secret', async () => {
    const { Accounts } = await import('../src/accounts.ts');
    const { relyingParty } = await import('../src/service.ts');
    intake = await makeIntake();
    const accounts = new Accounts(intake.store, relyingParty('http://localhost:1'));
    const anna = accounts.createStaff('Anna Namnsdotter', 'staff');
    const body = await envelopeBody(intake);
    const stored = await intake.store.receive(body, fixedRecipientDirectory({}, {}));
    if (stored.status !== 'stored') throw new Error(stored.status);
    intake.store.claim(stored.ref, anna.id);
    expect(accounts.staff(anna.id)?.name).toBe('Anna Namnsdotter');
    expect(intake.store.get(stored.ref)?.claimedByName).toBe('Anna Namnsdotter');
    intake.store.checkpoint();
    expect(onDisk(intake.dir).includes('Namnsdotter')).toBe(false);
    // Without the store secret (a CLI command that does not read it) the name stays closed.
    const locked = IntakeStore.open(intake.dir);
    try {
      expect(new Accounts(locked, relyingParty('http://localhost:1')).staff(anna.id)?.name).toBe('(name encrypted)');
      // A name written without the store secret is in clear until the next start with it.
      locked.db.prepare(`INSERT INTO staff (name, role, webauthn_user_id, created_at) VALUES ('Bo Klartext', 'staff', 'w', 0)`).run();
    } finally {
      locked.close();
    }
    // The running intake (which reads the store secret) seals it: at start, and here by hand.
    intake.store.sealStaffNames();
    intake.store.checkpoint();
    expect(onDisk(intake.dir).includes('Klartext')).toBe(false);
    expect(new Accounts(intake.store, relyingParty('http://localhost:1')).activeStaff().map((s) => s.name)).toEqual([
      'Anna Namnsdotter',
      'Bo Klartext',
    ]);
  });
});
