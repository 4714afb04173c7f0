/**
 * The store's numbered migrations (store/schema.ts), one test each, plus
 * opening a store as municipalities have it today: fixtures/
 * store-before-migrations.sql was dumped from a store made by the code
 * before migrations were numbered (user_version 0), with its store secret
 * and recipient key beside it (test data only).
 *
 * Every test runs in both homes (backend.ts): a hosted inbox's Durable
 * Object runs the same migrations, so their SQL must run in its SQLite too.
 */
import { createHmac } from 'node:crypto';
import { afterEach, describe, expect } from 'vitest';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { importPrivateKey, keyRing, openEnvelopeToJson, type PrivateKeyRing } from '../../protocol/envelope-open.ts';
import { verifyAudit } from '../src/audit.ts';
import type { SqlDatabase } from '../src/store/sql.ts';
import { MIGRATIONS, SCHEMA_VERSION, schemaVersion } from '../src/store/schema.ts';
import { readLeniently } from '../src/opened-request.ts';
import { StoreError, type IntakeStore } from '../src/store.ts';
import { ConnectionTable } from '../src/store/connection.ts';
import { openRecord, recordKey } from '../src/store/sealed-records.ts';
import storeBeforeMigrations from './fixtures/store-before-migrations.sql?raw';
import fixtureJson from './fixtures/store-before-migrations.json';
import { it, oldDatabase, openTestStore, type OldDatabase } from './backend.ts';
import { sampleRequest } from './helpers.ts';

const fixture = fixtureJson as {
  storeSecretHex: string;
  recipientPrivateJwk: Parameters<typeof importPrivateKey>[0];
  requests: Record<'claimedWithNote' | 'unclaimed', { ref: string; id: string; receipt: string }>;
  staff: { id: number; name: string };
};

let made: OldDatabase | undefined;
afterEach(async () => {
  await made?.cleanup();
  made = undefined;
});

/** A database as an older intake left it, made by `sql`. */
async function databaseFrom(sql: string, schemaVersion = 0): Promise<OldDatabase> {
  made = await oldDatabase(sql, schemaVersion);
  return made;
}

/** A stored envelope opened with a key, as a browser (or `move-keys`) does. */
async function opened(store: IntakeStore, ref: string, keys: PrivateKeyRing) {
  const [stored] = store.envelopes([ref]);
  return readLeniently(await openEnvelopeToJson(JSON.parse(stored!.body), keys));
}

/** A note sealed before issue 19, under a key from the old store secret. */
function oldNote(secret: Buffer, ref: string, box: { iv: string; ct: string }): string {
  return openRecord(recordKey(secret, 'notes'), `note\0${ref}`, box.iv, box.ct);
}

/** The tables in a database, but those of its home (a Durable Object's own, and its schema version). */
function tables(db: SqlDatabase): string[] {
  return (
    db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'store_schema' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name`,
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
}

describe('store migrations', () => {
  it('are numbered 1, 2, … in order, and a new store gets them all', async () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, index) => index + 1));
    const { store, cleanup } = await openTestStore(Buffer.alloc(32));
    try {
      expect(schemaVersion(store.db)).toBe(SCHEMA_VERSION);
    } finally {
      await cleanup();
    }
  });

  it('1: opens a store made before numbered migrations, with everything in it readable', async () => {
    const old = await databaseFrom(storeBeforeMigrations);
    const store = old.open(Buffer.from(fixture.storeSecretHex, 'hex'));
    try {
      expect(schemaVersion(store.db)).toBe(SCHEMA_VERSION);
      const keys = keyRing([await importPrivateKey(fixture.recipientPrivateJwk)]);
      const { claimedWithNote, unclaimed } = fixture.requests;
      expect(store.get(claimedWithNote.ref)).toMatchObject({
        status: 'claimed',
        claimedBy: fixture.staff.id,
        claimedByName: fixture.staff.name,
        dueAt: expect.any(Number),
      });
      // What `intake move-keys` reads: the envelope opens with the old key, the note with the old store secret.
      expect((await opened(store, claimedWithNote.ref, keys)).request?.id).toBe(claimedWithNote.id);
      const secret = Buffer.from(fixture.storeSecretHex, 'hex');
      expect(
        store.notes(claimedWithNote.ref).map((note) => ({ gen: note.gen, text: oldNote(secret, claimedWithNote.ref, note.box) })),
      ).toEqual([{ gen: null, text: 'En anteckning i fixturen.' }]);
      const receiptTag = createHmac('sha256', secret).update(`receipt\0${unclaimed.receipt}`).digest('base64url');
      expect(store.db.prepare('SELECT ref FROM requests WHERE receipt_tag = ?').all(receiptTag)).toEqual([{ ref: unclaimed.ref }]);
      expect(store.listOpen().map((row) => row.ref)).toEqual([claimedWithNote.ref, unclaimed.ref]);
      expect(store.quarantineSummary()).toMatchObject({ kept: 1, byCode: [{ code: 'unknown_kid', seen: 1, dropped: 0 }] });
      expect(verifyAudit(store)).toMatchObject({ ok: true });
      // A redelivery of what it holds is still a duplicate: the dedupe tags carried over.
      expect(store.lastReceivedAt()).not.toBeNull();
    } finally {
      store.close();
    }
    // Opening again changes nothing.
    const again = old.open();
    expect(schemaVersion(again.db)).toBe(SCHEMA_VERSION);
    again.close();
  });

  it('1: moves envelopes out of the requests rows of the earliest version-2 store, losing nothing', async () => {
    const pair = await generateRecipientKeyPair();
    const request = sampleRequest('made before the upgrade');
    const body = JSON.stringify(await sealRequest(request, pair));
    const old = await databaseFrom(`
      CREATE TABLE requests (ref TEXT PRIMARY KEY, dedupe TEXT NOT NULL UNIQUE, receipt_tag TEXT, kid TEXT NOT NULL, recipient TEXT,
        envelope TEXT NOT NULL, received_at INTEGER NOT NULL, due_at INTEGER, status TEXT NOT NULL, fits INTEGER NOT NULL, claimed_by INTEGER,
        claimed_at INTEGER, closed_at INTEGER, updated_at INTEGER NOT NULL) STRICT;
      INSERT INTO requests VALUES ('r1', 'd1', NULL, '${pair.kid}', NULL, '${body}', 1000, NULL, 'new', 1, NULL, NULL, NULL, 1000);`);
    const store = old.open();
    try {
      expect(schemaVersion(store.db)).toBe(SCHEMA_VERSION);
      expect(store.db.prepare(`SELECT 1 FROM pragma_table_info('requests') WHERE name = 'envelope'`).get()).toBeUndefined();
      expect(store.get('r1')).toMatchObject({ ref: 'r1', kid: pair.kid, envelope: body });
      expect((await opened(store, store.listOpen()[0]!.ref, keyRing([await importPrivateKey(pair.privateJwk)]))).request).toEqual(request);
      expect(tables(store.db)).toEqual(
        expect.arrayContaining(['audit', 'envelopes', 'notes', 'replies', 'quarantine', 'sessions', 'staff']),
      );
    } finally {
      store.close();
    }
  });

  it('2: staff who could work before stay confirmed; their sessions get an activity time', async () => {
    const old = await databaseFrom(storeBeforeMigrations);
    old.raw((before) =>
      before.exec(
        `INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at) VALUES ('h', ${fixture.staff.id}, 'c', 1234, 99999999999999)`,
      ),
    );
    const store = old.open();
    try {
      expect(store.db.prepare('SELECT confirmed_at IS NOT NULL AS confirmed FROM staff WHERE id = ?').get(fixture.staff.id)).toEqual({
        confirmed: 1,
      });
      expect(store.db.prepare(`SELECT last_seen_at FROM sessions WHERE token_hash = 'h'`).get()).toEqual({ last_seen_at: 1234 });
    } finally {
      store.close();
    }
  });

  it('3: requests stored before it are cases of their own, with no write-back, listed as before', async () => {
    const old = await databaseFrom(storeBeforeMigrations);
    const store = old.open(Buffer.from(fixture.storeSecretHex, 'hex'));
    try {
      for (const { ref } of Object.values(fixture.requests)) {
        expect(store.get(ref)).toMatchObject({ followUpOf: null, followUps: 0, lastFollowUpAt: null, originalGone: false });
        expect(store.followUpsOf(ref)).toEqual([]);
      }
      const listed = [...store.listOpen(), ...store.listClosed()].map((row) => row.ref).sort();
      expect(listed).toEqual(
        Object.values(fixture.requests)
          .map((r) => r.ref)
          .sort(),
      );
      expect(store.db.prepare(`SELECT 1 AS found FROM sqlite_master WHERE name = 'requests_by_follow_up_of'`).get()).toEqual({ found: 1 });
    } finally {
      store.close();
    }
  });

  it('4: adds the vault tables empty, and keeps every request, note and reply as it was', async () => {
    const old = await databaseFrom(storeBeforeMigrations);
    const store = old.open(Buffer.from(fixture.storeSecretHex, 'hex'));
    try {
      for (const table of ['vault_generations', 'vault_meta', 'member_keys', 'member_grants', 'vault_keys'])
        expect(store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
      // Old notes and requests have no generation or body hash: they were sealed before the vault.
      expect(store.db.prepare('SELECT count(*) AS n FROM notes WHERE gen IS NOT NULL').get()).toEqual({ n: 0 });
      expect(store.db.prepare('SELECT count(*) AS n FROM requests WHERE body_hash IS NOT NULL').get()).toEqual({ n: 0 });
      expect(store.db.prepare(`SELECT count(*) AS n FROM deleted WHERE kind != 'id'`).get()).toEqual({ n: 0 });
      for (const { ref } of Object.values(fixture.requests)) expect(store.get(ref)?.ref).toBe(ref);
      // Two requests with the same envelope hash cannot both be stored: dedupe holds without opening.
      const insert = store.db.prepare(
        `INSERT INTO requests (ref, dedupe, kid, received_at, status, fits, updated_at, body_hash) VALUES (?, ?, 'k', 1, 'new', 1, 1, 'same')`,
      );
      insert.run('a', 'da');
      expect(() => insert.run('b', 'db')).toThrow(/UNIQUE/);
    } finally {
      store.close();
    }
  });

  it('5: adds the identity and statement tables empty; a second identity row is refused', async () => {
    const old = await databaseFrom(storeBeforeMigrations);
    const store = old.open(Buffer.from(fixture.storeSecretHex, 'hex'));
    try {
      for (const table of ['vault_identity', 'key_statements'])
        expect(store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
      expect(store.vault.identity()).toBeNull();
      expect(store.vault.latestStatement()).toBeNull();
      const insert = store.db.prepare(`INSERT INTO vault_identity (id, public_key, gen, wrapped, created_at) VALUES (?, 'p', 1, '{}', 1)`);
      insert.run(1);
      expect(() => insert.run(2)).toThrow(/CHECK/);
      for (const { ref } of Object.values(fixture.requests)) expect(store.get(ref)?.ref).toBe(ref);
    } finally {
      store.close();
    }
  });

  it('6: adds an empty connection row table, one row at most, and keeps every request', async () => {
    const old = await databaseFrom(storeBeforeMigrations);
    const store = old.open(Buffer.from(fixture.storeSecretHex, 'hex'));
    try {
      const table = new ConnectionTable(store.db);
      expect(table.read()).toEqual({ details: null, savedAt: null, savedBy: null, disconnectedAt: null });
      table.markDisconnected(new Date(5));
      table.markDisconnected(new Date(6));
      expect(store.db.prepare('SELECT id, disconnected_at FROM connection').all()).toEqual([{ id: 1, disconnected_at: 6 }]);
      expect(() => store.db.prepare('INSERT INTO connection (id) VALUES (2)').run()).toThrow(/CHECK/);
      for (const { ref } of Object.values(fixture.requests)) expect(store.get(ref)?.ref).toBe(ref);
    } finally {
      store.close();
    }
  });

  it('a failing migration leaves the store as it was (all or nothing)', async () => {
    // A requests table that cannot take migration 1's index (no due_at column).
    const old = await databaseFrom(`CREATE TABLE requests (ref TEXT PRIMARY KEY, status TEXT, received_at INTEGER) STRICT;`);
    expect(() => old.open()).toThrow(StoreError);
    old.raw((db) => {
      expect(db.schemaVersion()).toBe(0);
      expect(tables(db)).toEqual(['requests']);
    });
  });

  it('refuses a store written by a newer intake, and leaves it alone', async () => {
    const old = await databaseFrom(`CREATE TABLE future (x TEXT) STRICT;`, SCHEMA_VERSION + 1);
    expect(() => old.open()).toThrow(/newer intake \(schema \d+; this one knows up to \d+\)/);
    old.raw((db) => {
      expect(db.schemaVersion()).toBe(SCHEMA_VERSION + 1);
      expect(tables(db)).toEqual(['future']);
    });
  });
});
