/**
 * The store's tables and their numbered migrations. The database's
 * schema version (store/sql.ts: PRAGMA user_version on Node, a one-row
 * table in a Durable Object) says which migrations it has; opening a store runs
 * the ones it lacks, each in its own transaction (all of it or nothing),
 * in order. A store made by a newer program (a higher number than this one
 * knows) is refused, not guessed at.
 *
 * Add a migration at the end, never edit one that has shipped, and give it
 * a test in intake/tests/store-migrations.test.ts. Its SQL runs in both
 * homes: no BEGIN, COMMIT, SAVEPOINT or PRAGMA statement (a Durable Object
 * refuses them; the transaction is the SqlDatabase's).
 */
import type { SqlDatabase } from './sql.ts';

/**
 * Migration 1: the tables as of the first numbered version. A store made
 * before migrations were numbered (user_version 0) already has them (the
 * statements are IF NOT EXISTS); one made by the earliest version-2 build
 * kept each envelope inside its requests row, which moves to `envelopes`.
 */
const TABLES_1 = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS requests (
  ref TEXT PRIMARY KEY,
  dedupe TEXT NOT NULL UNIQUE,
  receipt_tag TEXT,
  kid TEXT NOT NULL,
  recipient TEXT,
  received_at INTEGER NOT NULL,
  due_at INTEGER,
  status TEXT NOT NULL,
  fits INTEGER NOT NULL,
  claimed_by INTEGER,
  claimed_at INTEGER,
  closed_at INTEGER,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS requests_by_status ON requests (status, due_at, received_at);
-- The envelopes apart from the rows the inbox sorts and counts: a 22 kB value inside a row
-- would make every list and count read it.
CREATE TABLE IF NOT EXISTS envelopes (ref TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT;
CREATE INDEX IF NOT EXISTS requests_by_receipt ON requests (receipt_tag);
CREATE TABLE IF NOT EXISTS notes (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL,
  staff_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  iv TEXT NOT NULL,
  ct TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS notes_by_ref ON notes (ref);
-- Written answers (issue 14), the durable outbox: kept before any attempt to send, so a reply
-- survives an offline Worker or a killed process. The outgoing reply (sealed reply, mailbox id
-- and the municipality's own record of what was written) is encrypted like notes.
CREATE TABLE IF NOT EXISTS replies (
  id TEXT PRIMARY KEY,
  ref TEXT NOT NULL,
  staff_id INTEGER,
  written_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  problem TEXT,
  done_at INTEGER,
  iv TEXT NOT NULL,
  ct TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS replies_by_ref ON replies (ref);
CREATE INDEX IF NOT EXISTS replies_by_state ON replies (state, written_at);
CREATE TABLE IF NOT EXISTS deleted (dedupe TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS quarantine (
  hash TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  size INTEGER NOT NULL,
  body TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS quarantine_counts (code TEXT PRIMARY KEY, seen INTEGER NOT NULL, dropped INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS alerts_sent (ref TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (ref, level)) STRICT;
CREATE TABLE IF NOT EXISTS staff (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  webauthn_user_id TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  removed_at INTEGER
) STRICT;
CREATE TABLE IF NOT EXISTS passkeys (
  id TEXT PRIMARY KEY,
  staff_id INTEGER NOT NULL REFERENCES staff (id),
  public_key TEXT NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS invites (token_hash TEXT PRIMARY KEY, staff_id INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER) STRICT;
CREATE TABLE IF NOT EXISTS sessions (token_hash TEXT PRIMARY KEY, staff_id INTEGER NOT NULL, csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS challenges (challenge TEXT PRIMARY KEY, purpose TEXT NOT NULL, staff_id INTEGER, expires_at INTEGER NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  ref TEXT,
  detail TEXT,
  prev TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

function hasColumn(db: SqlDatabase, table: string, column: string): boolean {
  return db.prepare(`SELECT 1 FROM pragma_table_info(?) WHERE name = ?`).get(table, column) !== undefined;
}

export interface Migration {
  version: number;
  what: string;
  up: (db: SqlDatabase) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'the tables of version 2; envelopes out of the requests rows',
    up: (db) => {
      const envelopeInRow =
        db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'requests'`).get() !== undefined &&
        hasColumn(db, 'requests', 'envelope');
      db.exec(TABLES_1);
      if (envelopeInRow) {
        db.exec('INSERT OR IGNORE INTO envelopes (ref, body) SELECT ref, envelope FROM requests');
        db.exec('ALTER TABLE requests DROP COLUMN envelope');
      }
    },
  },
  {
    version: 2,
    what: 'need-to-know: staff confirmed by an administrator; sessions expire when idle; audit checkpoints',
    up: (db) => {
      // Everyone who could work before this version keeps working: their accounts count as confirmed.
      db.exec(`ALTER TABLE staff ADD COLUMN confirmed_at INTEGER;
        UPDATE staff SET confirmed_at = created_at;
        ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
        UPDATE sessions SET last_seen_at = created_at;`);
    },
  },
  {
    version: 3,
    what: 'a write-back belongs to its case: follow-ups linked to their original request',
    up: (db) => {
      // follow_up_of: the original's ref (a follow-up is shown in its thread, not in the lists);
      // follow_ups, last_follow_up_at: on the original, what its row shows ("wrote back");
      // original_gone: a follow-up whose original was deleted, kept as its own entry with a note.
      // Follow-ups stored before this version stay their own entries: their link is inside the ciphertext.
      db.exec(`ALTER TABLE requests ADD COLUMN follow_up_of TEXT;
        ALTER TABLE requests ADD COLUMN follow_ups INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE requests ADD COLUMN last_follow_up_at INTEGER;
        ALTER TABLE requests ADD COLUMN original_gone INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX requests_by_follow_up_of ON requests (follow_up_of, received_at);`);
    },
  },
  {
    version: 4,
    what: 'server-blind: the vault (generations, member keys, grants, wrapped recipient keys); dedupe without opening',
    up: (db) => {
      // The server keeps only sealed material here: each generation's vault key sealed to the
      // recovery key, the previous one under the newer, each member's private key under their
      // own unlock key, and the recipient keys under the vault key. None of it opens on the server.
      db.exec(`CREATE TABLE vault_generations (gen INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, created_by INTEGER,
          recovery TEXT NOT NULL, previous TEXT) STRICT;
        CREATE TABLE vault_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE member_keys (staff_id INTEGER PRIMARY KEY, public_key TEXT NOT NULL, unlock TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
        CREATE TABLE member_grants (staff_id INTEGER PRIMARY KEY, gen INTEGER NOT NULL, grant_json TEXT NOT NULL, granted_by INTEGER,
          granted_at INTEGER NOT NULL) STRICT;
        CREATE TABLE vault_keys (kid TEXT PRIMARY KEY, public_key TEXT NOT NULL, not_after TEXT NOT NULL, gen INTEGER NOT NULL,
          wrapped TEXT NOT NULL, created_at INTEGER NOT NULL, retired_at INTEGER) STRICT;
        ALTER TABLE notes ADD COLUMN gen INTEGER;
        ALTER TABLE replies ADD COLUMN gen INTEGER;
        ALTER TABLE replies ADD COLUMN post_body TEXT;
        ALTER TABLE replies ADD COLUMN post_signature TEXT;
        ALTER TABLE sessions ADD COLUMN unlock_key TEXT;
        ALTER TABLE requests ADD COLUMN body_hash TEXT;
        CREATE UNIQUE INDEX requests_by_body_hash ON requests (body_hash) WHERE body_hash IS NOT NULL;
        ALTER TABLE deleted ADD COLUMN kind TEXT NOT NULL DEFAULT 'id';`);
    },
  },
  {
    version: 5,
    what: "the recipient's identity key in the vault, and the key statements it signed",
    up: (db) => {
      // vault_identity: one row, the identity key's public half and its private half boxed under the
      // vault key of generation `gen` (opened only in a browser). key_statements: each statement an
      // administrator's browser signed, as signed, and whether the site has it (the newest is published;
      // waiting ones are retried; refused ones name the site's reason).
      db.exec(`CREATE TABLE vault_identity (id INTEGER PRIMARY KEY CHECK (id = 1), public_key TEXT NOT NULL, gen INTEGER NOT NULL,
          wrapped TEXT NOT NULL, created_at INTEGER NOT NULL, created_by INTEGER) STRICT;
        CREATE TABLE key_statements (issued TEXT PRIMARY KEY, body TEXT NOT NULL, signed_by INTEGER, received_at INTEGER NOT NULL,
          state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, problem TEXT, published_at INTEGER) STRICT;`);
    },
  },
  {
    version: 6,
    what: 'connection: the promise, phone and alert webhook an administrator entered (store/connection.ts)',
    up: (db) => {
      // One row: the details as JSON (checked again with protocol/connection.ts when read), who saved
      // them and when, and when the operator disconnected this inbox. Nothing about any request.
      db.exec(`CREATE TABLE connection (id INTEGER PRIMARY KEY CHECK (id = 1), details TEXT, saved_at INTEGER, saved_by INTEGER,
          disconnected_at INTEGER) STRICT;`);
    },
  },
];

/** The schema version this program writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export class SchemaTooNewError extends Error {}

/** The database's schema version. */
export function schemaVersion(db: SqlDatabase): number {
  return db.schemaVersion();
}

/** Runs the migrations the database lacks, in order, each all or nothing. */
export function migrate(db: SqlDatabase): void {
  const current = db.schemaVersion();
  if (current > SCHEMA_VERSION) {
    throw new SchemaTooNewError(
      `the store was written by a newer intake (schema ${current}; this one knows up to ${SCHEMA_VERSION}): run that version, or restore a backup made by this one`,
    );
  }
  for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
    db.transaction(() => {
      migration.up(db);
      db.setSchemaVersion(migration.version);
    });
  }
}
