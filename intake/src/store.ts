/**
 * The intake's store: one SQLite database (node:sqlite) in the intake
 * folder, `<dir>/intake.db`, holding nothing readable:
 *
 *   requests    each envelope exactly as received (HPKE ciphertext), with
 *               only what the inbox must sort and find by: when it came,
 *               its deadline, status, who claimed it, and HMACs (keyed by
 *               the wrapped store secret) of its id and receipt code
 *   notes       internal notes, AES-256-GCM under a key from the store secret
 *   deleted     HMACs of ids deleted by retention: a late duplicate stays old
 *   quarantine  envelopes that cannot be opened, bounded by count and bytes,
 *               and a counter per reason for everything beyond
 *   staff, passkeys, invites, sessions, challenges   accounts (see accounts.ts)
 *   audit       the hash-chained audit log (see audit.ts)
 *
 * A request is decrypted only in memory, when a signed-in staff member
 * opens it. WAL mode with synchronous=FULL: a write is on disk before the
 * sender is told "stored"; a killed process loses at most the transaction
 * it was in, which was never acknowledged.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, chmodSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EnvelopeError, openEnvelopeToJson, parseEnvelope, type PrivateKeyRing } from '../../protocol/envelope.ts';
import { contactRequestSchema, type ContactRequest } from '../../protocol/request.ts';
import { normalizeReceiptCode } from '../../protocol/receipt-code.ts';
import { appendAudit } from './audit.ts';
import type { RecipientDirectory } from './promise.ts';

export const DATABASE_FILE = 'intake.db';

/** Statuses of a request, in the order work goes. */
export const STATUSES = ['new', 'claimed', 'contacted', 'unreachable', 'closed'] as const;
export type RequestStatus = (typeof STATUSES)[number];

/** Quarantine bounds (security review M3): beyond them only a counter grows. */
export const QUARANTINE_MAX_COUNT = 1000;
export const QUARANTINE_MAX_BYTES = 32 * 1024 * 1024;
/** Quarantined envelopes are kept this long (they can never be opened here). */
export const QUARANTINE_DAYS = 30;
/** Default retention of closed requests, in days. */
export const DEFAULT_RETENTION_DAYS = 30;
/** Below this much free disk space the receiver answers 507 before real writes fail. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

/**
 * Test hook (the system tests): die with SIGKILL inside the transaction
 * that stores a request, after the row is written and before COMMIT.
 * Kept under its version-1 name; any value triggers it.
 */
export const CRASH_BEFORE_COMMIT_ENV = 'UTVAG_TEST_CRASH_AFTER_TEMP_WRITE';

export class StoreError extends Error {
  readonly code: 'corrupt' | 'disk_full' | 'locked' | 'other';
  constructor(code: StoreError['code'], message: string) {
    super(message);
    this.name = 'StoreError';
    this.code = code;
  }
}

export type ReceiveResult =
  | { status: 'stored'; ref: string; fits: boolean }
  | { status: 'duplicate' }
  | { status: 'quarantined'; code: EnvelopeError['code'] }
  | { status: 'rejected'; code: 'bad_envelope' };

export interface RequestRow {
  ref: string;
  kid: string;
  recipient: string | null;
  envelope: string;
  receivedAt: number;
  dueAt: number | null;
  status: RequestStatus;
  fits: boolean;
  claimedBy: number | null;
  claimedByName: string | null;
  claimedAt: number | null;
  closedAt: number | null;
  updatedAt: number;
}

/** What a stored envelope holds once opened in memory. */
export interface OpenedRequest {
  /** The request when it fits this version's schema. */
  request: ContactRequest | null;
  /** Everything the plaintext holds, as parsed (shown for needs-review requests). */
  raw: unknown;
  /** Top-level fields this version does not know (kept and shown, never dropped). */
  unknownFields: string[];
  /** Why it does not fit (field paths), empty when it fits. */
  problems: string[];
}

const SCHEMA = `
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

/**
 * Upgrades a store made by an earlier build of version 2, which kept the
 * envelope inside the requests row: moves envelopes to their own table,
 * in one transaction (all or nothing).
 */
function migrate(db: DatabaseSync): void {
  const columns = db.prepare(`SELECT name FROM pragma_table_info('requests')`).all() as { name: string }[];
  if (!columns.some((column) => column.name === 'envelope')) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec('CREATE TABLE IF NOT EXISTS envelopes (ref TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT');
    db.exec('INSERT OR IGNORE INTO envelopes (ref, body) SELECT ref, envelope FROM requests');
    db.exec('ALTER TABLE requests DROP COLUMN envelope');
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Maps SQLite's errors to a clear message for the operator. */
export function explainStoreError(error: unknown, path: string): StoreError {
  const message = (error as Error)?.message ?? String(error);
  const code = (error as { errcode?: number; code?: string }).errcode;
  if (/not a database|malformed|SQLITE_CORRUPT|SQLITE_NOTADB/i.test(message) || code === 11 || code === 26) {
    return new StoreError(
      'corrupt',
      `The database ${path} is damaged (${message}). Nothing more was written to it. Stop the intake, keep a copy of the file, and restore the last backup (see README, "Backups").`,
    );
  }
  if (/full|SQLITE_FULL|ENOSPC/i.test(message) || code === 13) {
    return new StoreError('disk_full', `The disk holding ${path} is full. Nothing was stored; the sender will try again. Free some space.`);
  }
  if (/locked|busy/i.test(message) || code === 5 || code === 6) {
    return new StoreError('locked', `The database ${path} is busy; try again.`);
  }
  return new StoreError('other', `The database ${path} failed: ${message}`);
}

export class IntakeStore {
  readonly db: DatabaseSync;
  readonly path: string;
  readonly dir: string;
  private readonly secret: Buffer | null;
  private readonly notesKey: Buffer | null;
  private readonly repliesKey: Buffer | null;
  /** Quarantine bounds (tests lower them). */
  readonly quarantineLimits: { count: number; bytes: number };

  private constructor(dir: string, db: DatabaseSync, path: string, storeSecret: Buffer | null, limits: { count: number; bytes: number }) {
    this.dir = dir;
    this.quarantineLimits = limits;
    this.db = db;
    this.path = path;
    this.secret = storeSecret;
    this.notesKey = storeSecret ? Buffer.from(hkdfSync('sha256', storeSecret, Buffer.alloc(0), 'utvag-intake/notes/v1', 32)) : null;
    this.repliesKey = storeSecret ? Buffer.from(hkdfSync('sha256', storeSecret, Buffer.alloc(0), 'utvag-intake/replies/v1', 32)) : null;
  }

  /**
   * Opens (and creates) `<dir>/intake.db`. Without the store secret the
   * store can list and count but not receive, look up or read notes.
   */
  static open(dir: string, storeSecret: Buffer | null = null, limits = { count: QUARANTINE_MAX_COUNT, bytes: QUARANTINE_MAX_BYTES }): IntakeStore {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const path = join(dir, DATABASE_FILE);
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path);
      chmodSync(path, 0o600);
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;');
      // Checks the file is a database before anything is written to it.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      migrate(db);
      db.exec(SCHEMA);
      return new IntakeStore(dir, db, path, storeSecret, limits);
    } catch (error) {
      db?.close();
      throw explainStoreError(error, path);
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  /** Runs `work` in one write transaction (BEGIN IMMEDIATE: one writer at a time, no lost updates). */
  transaction<T>(work: () => T): T {
    // Inside an outer transaction (a batch import), the work joins it.
    if (this.db.isTransaction) return work();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private requireSecret(): Buffer {
    if (!this.secret) throw new Error('the store secret is needed (unlock the keys first)');
    return this.secret;
  }

  /** HMAC of a request id: the dedupe key, kept after deletion. */
  dedupeTag(requestId: string): string {
    return createHmac('sha256', this.requireSecret()).update(`id\0${requestId.toLowerCase()}`).digest('base64url');
  }

  /** HMAC of a canonical receipt code: look-up without storing the code. */
  receiptTag(code: string): string {
    return createHmac('sha256', this.requireSecret()).update(`receipt\0${code}`).digest('base64url');
  }

  /** Free bytes on the store's disk (null if unknown). */
  freeBytes(): number | null {
    try {
      const info = statfsSync(this.dir);
      return info.bavail * info.bsize;
    } catch {
      return null;
    }
  }

  // ------------------------------------------------------------ receiving

  /**
   * Opens an envelope in memory (only to dedupe, validate and index it)
   * and stores it as received. Malformed: 'rejected', nothing written.
   * Cannot be opened: quarantined (bounded). Opens but does not fit this
   * version: stored as needs-review (shown, never lost).
   */
  async receive(body: string, keys: PrivateKeyRing, recipients: RecipientDirectory, now: Date = new Date()): Promise<ReceiveResult> {
    let envelopeInput: unknown;
    try {
      envelopeInput = JSON.parse(body);
    } catch {
      return { status: 'rejected', code: 'bad_envelope' };
    }
    let json: Uint8Array;
    let kid: string;
    try {
      kid = parseEnvelope(envelopeInput).kid;
      json = await openEnvelopeToJson(envelopeInput, keys);
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      if (error.code === 'bad_envelope') return { status: 'rejected', code: 'bad_envelope' };
      this.quarantine(body, error.code, now);
      return { status: 'quarantined', code: error.code };
    }
    const opened = readLeniently(json);
    const raw = opened.raw as Record<string, unknown> | null;
    const requestId = typeof raw?.['id'] === 'string' ? raw['id'] : null;
    // Without an id (a shape this version cannot read at all) the envelope itself is the dedupe key.
    const dedupe = requestId ? this.dedupeTag(requestId) : this.dedupeTag(`envelope:${createHash('sha256').update(body).digest('hex')}`);
    const receiptText = typeof raw?.['receipt'] === 'string' ? normalizeReceiptCode(raw['receipt']) : null;
    const receiptTag = receiptText?.ok ? this.receiptTag(receiptText.code) : null;
    const recipient = recipients.recipientOfKid(kid);
    const promise = recipients.promiseOf(recipient);
    const receivedAt = now.getTime();
    const dueAt = promise ? receivedAt + promise.firstContactHours * 3_600_000 : null;
    const fits = opened.request !== null;
    const ref = b64(randomBytes(12));
    return this.transaction(() => {
      // Every arrival counts for `delivery-check`, a redelivered one too: it shows delivery works.
      this.db.prepare(`INSERT INTO meta (key, value) VALUES ('last_received_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(String(receivedAt));
      if (this.db.prepare('SELECT 1 FROM requests WHERE dedupe = ?').get(dedupe) || this.db.prepare('SELECT 1 FROM deleted WHERE dedupe = ?').get(dedupe)) {
        return { status: 'duplicate' } as const;
      }
      this.db
        .prepare(
          `INSERT INTO requests (ref, dedupe, receipt_tag, kid, recipient, received_at, due_at, status, fits, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?)`,
        )
        .run(ref, dedupe, receiptTag, kid, recipient, receivedAt, dueAt, fits ? 1 : 0, receivedAt);
      this.db.prepare('INSERT INTO envelopes (ref, body) VALUES (?, ?)').run(ref, body);
      // In the same transaction (one fsync): the audit line and the request are kept together or not at all.
      appendAudit(this, 'receiver', 'received', ref, fits ? null : 'needs_review', now);
      if (process.env[CRASH_BEFORE_COMMIT_ENV]) process.kill(process.pid, 'SIGKILL');
      return { status: 'stored', ref, fits } as const;
    });
  }

  /** When a request last arrived (stored or a duplicate), for `delivery-check`; null if none ever did. */
  lastReceivedAt(): Date | null {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'last_received_at'`).get() as { value: string } | undefined;
    return row ? new Date(Number(row.value)) : null;
  }

  /** Keeps an envelope that cannot be opened, within the bounds; always counts it. */
  quarantine(body: string, code: string, now: Date = new Date()): 'kept' | 'counted' {
    const hash = createHash('sha256').update(body).digest('hex');
    const size = Buffer.byteLength(body);
    return this.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM quarantine WHERE hash = ?').get(hash)) return 'kept';
      const totals = this.db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM quarantine').get() as { n: number; bytes: number };
      const fits = totals.n < this.quarantineLimits.count && totals.bytes + size <= this.quarantineLimits.bytes;
      this.db
        .prepare(
          `INSERT INTO quarantine_counts (code, seen, dropped) VALUES (?, 1, ?)
           ON CONFLICT (code) DO UPDATE SET seen = seen + 1, dropped = dropped + excluded.dropped`,
        )
        .run(code, fits ? 0 : 1);
      if (!fits) return 'counted';
      this.db.prepare('INSERT INTO quarantine (hash, code, received_at, size, body) VALUES (?, ?, ?, ?, ?)').run(hash, code, now.getTime(), size, body);
      return 'kept';
    });
  }

  quarantineSummary(): { kept: number; bytes: number; byCode: { code: string; seen: number; dropped: number }[] } {
    const totals = this.db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM quarantine').get() as { n: number; bytes: number };
    const byCode = this.db.prepare('SELECT code, seen, dropped FROM quarantine_counts ORDER BY code').all() as { code: string; seen: number; dropped: number }[];
    return { kept: totals.n, bytes: totals.bytes, byCode };
  }

  // ------------------------------------------------------------ reading

  private static toRow(this: void, row: Record<string, unknown>): RequestRow {
    return {
      ref: row['ref'] as string,
      kid: row['kid'] as string,
      recipient: (row['recipient'] as string | null) ?? null,
      envelope: row['envelope'] as string,
      receivedAt: row['received_at'] as number,
      dueAt: (row['due_at'] as number | null) ?? null,
      status: row['status'] as RequestStatus,
      fits: row['fits'] === 1,
      claimedBy: (row['claimed_by'] as number | null) ?? null,
      claimedByName: (row['claimed_by_name'] as string | null) ?? null,
      claimedAt: (row['claimed_at'] as number | null) ?? null,
      closedAt: (row['closed_at'] as number | null) ?? null,
      updatedAt: row['updated_at'] as number,
    };
  }

  private static readonly SELECT_ROW = `SELECT r.*, e.body AS envelope, s.name AS claimed_by_name FROM requests r
    JOIN envelopes e ON e.ref = r.ref LEFT JOIN staff s ON s.id = r.claimed_by`;
  /** For lists: everything but the envelope (22 kB each; a list never decrypts). */
  private static readonly SELECT_LIST = `SELECT r.ref, r.kid, r.recipient, '' AS envelope, r.received_at, r.due_at, r.status, r.fits, r.claimed_by,
    r.claimed_at, r.closed_at, r.updated_at, s.name AS claimed_by_name FROM requests r LEFT JOIN staff s ON s.id = r.claimed_by`;

  /**
   * Open requests (not closed) that fit this version, most urgent first:
   * the earliest deadline, then those without a promise by arrival.
   */
  listOpen(limit = -1, offset = 0): RequestRow[] {
    return (
      this.db
        .prepare(`${IntakeStore.SELECT_LIST} WHERE r.status != 'closed' AND r.fits = 1 ORDER BY r.due_at IS NULL, r.due_at, r.received_at LIMIT ? OFFSET ?`)
        .all(limit, offset) as Record<string, unknown>[]
    ).map(IntakeStore.toRow);
  }

  /** Counts for the inbox header and alerts, without reading rows. */
  openCounts(now: Date = new Date()): { open: number; unclaimed: number; overdue: number; nextDue: number | null; needsReview: number } {
    const row = this.db
      .prepare(
        `SELECT count(*) AS open,
                coalesce(sum(status = 'new'), 0) AS unclaimed,
                coalesce(sum(status = 'new' AND due_at IS NOT NULL AND due_at < ?), 0) AS overdue,
                min(CASE WHEN status = 'new' THEN due_at END) AS next_due
           FROM requests WHERE status != 'closed' AND fits = 1`,
      )
      .get(now.getTime()) as { open: number; unclaimed: number; overdue: number; next_due: number | null };
    const review = this.db.prepare(`SELECT count(*) AS n FROM requests WHERE fits = 0 AND status != 'closed'`).get() as { n: number };
    return { open: row.open, unclaimed: row.unclaimed, overdue: row.overdue, nextDue: row.next_due, needsReview: review.n };
  }

  listClosed(limit = 200): RequestRow[] {
    return (
      this.db.prepare(`${IntakeStore.SELECT_LIST} WHERE r.status = 'closed' ORDER BY r.closed_at DESC LIMIT ?`).all(limit) as Record<string, unknown>[]
    ).map(IntakeStore.toRow);
  }

  /** Requests that opened but do not fit this version (needs review), oldest first. */
  listNeedsReview(): RequestRow[] {
    return (
      this.db.prepare(`${IntakeStore.SELECT_LIST} WHERE r.fits = 0 AND r.status != 'closed' ORDER BY r.received_at`).all() as Record<string, unknown>[]
    ).map(IntakeStore.toRow);
  }

  get(ref: string): RequestRow | null {
    const row = this.db.prepare(`${IntakeStore.SELECT_ROW} WHERE r.ref = ?`).get(ref) as Record<string, unknown> | undefined;
    return row ? IntakeStore.toRow(row) : null;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM requests').get() as { n: number }).n;
  }

  /** Refs of every stored request with this receipt code (more than one: ambiguous, show all). */
  findByReceipt(typed: string): { ok: true; refs: string[]; code: string } | { ok: false; reason: string } {
    const normalized = normalizeReceiptCode(typed);
    if (!normalized.ok) return { ok: false, reason: normalized.reason };
    const rows = this.db.prepare('SELECT ref FROM requests WHERE receipt_tag = ? ORDER BY received_at').all(this.receiptTag(normalized.code)) as { ref: string }[];
    return { ok: true, refs: rows.map((row) => row.ref), code: normalized.code };
  }

  /** Decrypts a stored envelope in memory. */
  async open(row: RequestRow, keys: PrivateKeyRing): Promise<OpenedRequest> {
    // A row from a list carries no envelope: read it now.
    const envelope = row.envelope || (this.db.prepare('SELECT body FROM envelopes WHERE ref = ?').get(row.ref) as { body: string }).body;
    return readLeniently(await openEnvelopeToJson(JSON.parse(envelope), keys));
  }

  // ------------------------------------------------------------ working

  /**
   * Claims a new request for one staff member. Atomic (one UPDATE with the
   * condition): of two people pressing "claim" together exactly one wins.
   */
  claim(ref: string, staffId: number, now: Date = new Date()): boolean {
    const result = this.db
      .prepare(`UPDATE requests SET status = 'claimed', claimed_by = ?, claimed_at = ?, updated_at = ? WHERE ref = ? AND status = 'new'`)
      .run(staffId, now.getTime(), now.getTime(), ref);
    return result.changes === 1;
  }

  /** Gives a claimed request back to the team. Only the one who holds it. */
  release(ref: string, staffId: number, now: Date = new Date()): boolean {
    const result = this.db
      .prepare(`UPDATE requests SET status = 'new', claimed_by = NULL, claimed_at = NULL, updated_at = ? WHERE ref = ? AND status = 'claimed' AND claimed_by = ?`)
      .run(now.getTime(), ref, staffId);
    return result.changes === 1;
  }

  /** Moves a claimed (or later) request on; only after it is claimed, so nobody calls unseen. */
  setStatus(ref: string, status: Exclude<RequestStatus, 'new'>, now: Date = new Date()): boolean {
    const result = this.db
      .prepare(
        `UPDATE requests SET status = ?, closed_at = CASE WHEN ? = 'closed' THEN ? ELSE NULL END, updated_at = ?
         WHERE ref = ? AND status != 'new'`,
      )
      .run(status, status, now.getTime(), now.getTime(), ref);
    return result.changes === 1;
  }

  // ------------------------------------------------------------ notes

  addNote(ref: string, staffId: number, text: string, now: Date = new Date()): void {
    if (!this.notesKey) throw new Error('the store secret is needed to write notes');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.notesKey, iv);
    cipher.setAAD(Buffer.from(`note\0${ref}`));
    const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    this.db.prepare('INSERT INTO notes (ref, staff_id, at, iv, ct) VALUES (?, ?, ?, ?, ?)').run(ref, staffId, now.getTime(), b64(iv), b64(ct));
  }

  notes(ref: string): { at: number; author: string; text: string }[] {
    if (!this.notesKey) throw new Error('the store secret is needed to read notes');
    const rows = this.db
      .prepare('SELECT n.at, n.iv, n.ct, coalesce(s.name, ?) AS author FROM notes n LEFT JOIN staff s ON s.id = n.staff_id WHERE n.ref = ? ORDER BY n.at, n.id')
      .all('?', ref) as { at: number; iv: string; ct: string; author: string }[];
    return rows.map((row) => {
      const ct = Buffer.from(row.ct, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.notesKey!, Buffer.from(row.iv, 'base64url'));
      decipher.setAAD(Buffer.from(`note\0${ref}`));
      decipher.setAuthTag(ct.subarray(ct.length - 16));
      const text = Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('utf8');
      return { at: row.at, author: row.author, text };
    });
  }

  // ------------------------------------------------------------ replies (issue 14)

  private sealRecord(key: Buffer, aad: string, text: string): { iv: string; ct: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { iv: b64(iv), ct: b64(ct) };
  }

  private openRecord(key: Buffer, aad: string, iv: string, ctText: string): string {
    const ct = Buffer.from(ctText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(ct.subarray(ct.length - 16));
    return Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('utf8');
  }

  private requireRepliesKey(): Buffer {
    if (!this.repliesKey) throw new Error('the store secret is needed for replies (unlock the keys first)');
    return this.repliesKey;
  }

  /**
   * Keeps a written reply in the outbox (state waiting), committed before it
   * returns. `record` is the outgoing reply as JSON; it is stored encrypted.
   * The same reply id twice is kept once.
   */
  addReply(id: string, ref: string, staffId: number | null, record: string, now: Date = new Date()): void {
    const sealed = this.sealRecord(this.requireRepliesKey(), `reply\0${id}`, record);
    this.db
      .prepare(`INSERT OR IGNORE INTO replies (id, ref, staff_id, written_at, state, iv, ct) VALUES (?, ?, ?, ?, 'waiting', ?, ?)`)
      .run(id, ref, staffId, now.getTime(), sealed.iv, sealed.ct);
  }

  /** Replies not yet delivered, oldest first, decrypted in memory. */
  waitingReplies(): { id: string; ref: string; record: string }[] {
    const key = this.requireRepliesKey();
    const rows = this.db.prepare(`SELECT id, ref, iv, ct FROM replies WHERE state = 'waiting' ORDER BY written_at, id`).all() as {
      id: string;
      ref: string;
      iv: string;
      ct: string;
    }[];
    return rows.map((row) => ({ id: row.id, ref: row.ref, record: this.openRecord(key, `reply\0${row.id}`, row.iv, row.ct) }));
  }

  /** After an attempt: delivered, refused for good (a person must look), or still waiting (problem noted, no content). */
  markReply(id: string, outcome: 'delivered' | 'refused' | 'waiting', problem: string | null, now: Date = new Date()): void {
    this.db
      .prepare(
        `UPDATE replies SET state = ?, attempts = attempts + 1, problem = ?, done_at = CASE WHEN ? = 'waiting' THEN NULL ELSE ? END WHERE id = ?`,
      )
      .run(outcome, problem, outcome, now.getTime(), id);
  }

  /** The replies to one request, oldest first, for the inbox (decrypted in memory). */
  replies(ref: string): { id: string; at: number; author: string | null; state: string; problem: string | null; doneAt: number | null; record: string }[] {
    const key = this.requireRepliesKey();
    const rows = this.db
      .prepare(
        `SELECT r.id, r.written_at, r.state, r.problem, r.done_at, r.iv, r.ct, s.name AS author FROM replies r
         LEFT JOIN staff s ON s.id = r.staff_id WHERE r.ref = ? ORDER BY r.written_at, r.id`,
      )
      .all(ref) as { id: string; written_at: number; state: string; problem: string | null; done_at: number | null; iv: string; ct: string; author: string | null }[];
    return rows.map((row) => ({
      id: row.id,
      at: row.written_at,
      author: row.author,
      state: row.state,
      problem: row.problem,
      doneAt: row.done_at,
      record: this.openRecord(key, `reply\0${row.id}`, row.iv, row.ct),
    }));
  }

  // ------------------------------------------------------------ retention

  /**
   * Deletes closed requests older than `days` (their notes too), keeps the
   * HMAC of each id so a late duplicate is not new again, and drops
   * quarantine entries older than QUARANTINE_DAYS. Returns the deleted refs.
   */
  applyRetention(days: number, now: Date = new Date()): string[] {
    const cutoff = now.getTime() - days * 86_400_000;
    return this.transaction(() => {
      const rows = this.db.prepare(`SELECT ref, dedupe FROM requests WHERE status = 'closed' AND closed_at < ?`).all(cutoff) as { ref: string; dedupe: string }[];
      for (const row of rows) {
        this.db.prepare('INSERT OR IGNORE INTO deleted (dedupe, deleted_at) VALUES (?, ?)').run(row.dedupe, now.getTime());
        this.db.prepare('DELETE FROM notes WHERE ref = ?').run(row.ref);
        this.db.prepare('DELETE FROM replies WHERE ref = ?').run(row.ref);
        this.db.prepare('DELETE FROM alerts_sent WHERE ref = ?').run(row.ref);
        this.db.prepare('DELETE FROM envelopes WHERE ref = ?').run(row.ref);
        this.db.prepare('DELETE FROM requests WHERE ref = ?').run(row.ref);
      }
      this.db.prepare('DELETE FROM quarantine WHERE received_at < ?').run(now.getTime() - QUARANTINE_DAYS * 86_400_000);
      return rows.map((row) => row.ref);
    });
  }
}

/**
 * Reads decrypted JSON leniently: the request when it fits this version's
 * schema; otherwise everything that is there, with the fields this
 * version does not know named, so a person can read it (security review M4).
 */
export function readLeniently(json: Uint8Array): OpenedRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    // Keep even what is not JSON: the text as far as it can be decoded.
    return { request: null, raw: new TextDecoder().decode(json), unknownFields: [], problems: ['(not JSON)'] };
  }
  const parsed = contactRequestSchema.safeParse(raw);
  if (parsed.success) return { request: parsed.data, raw, unknownFields: [], problems: [] };
  const known = new Set(Object.keys(contactRequestSchema.def.shape));
  const unknownFields = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw).filter((key) => !known.has(key)) : [];
  const problems = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
  return { request: null, raw, unknownFields, problems };
}
