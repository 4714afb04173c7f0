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
 *   staff, passkeys, invites, sessions, challenges   accounts (see accounts.ts);
 *               staff names encrypted like notes, read through staff_name()
 *   audit       the hash-chained audit log (see audit.ts)
 *
 * The tables and their numbered migrations are in store/schema.ts; the
 * requests table's queries (store/requests.ts, which IntakeStore extends),
 * the quarantine, retention and the encrypted records (notes, replies)
 * each in their own file in store/; rows are read through typed mappers
 * (store/rows.ts).
 *
 * A request is decrypted only in memory, when a signed-in staff member
 * opens it. WAL mode with synchronous=FULL: a write is on disk before the
 * sender is told "stored"; a killed process loses at most the transaction
 * it was in, which was never acknowledged.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, chmodSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { EnvelopeError, parseEnvelope } from '../../protocol/envelope.ts';
import { openEnvelopeToJson, type PrivateKeyRing } from '../../protocol/envelope-open.ts';
import { contactRequestSchema, type ContactRequest } from '../../protocol/request.ts';
import { normalizeReceiptCode } from '../../protocol/receipt-code.ts';
import { appendAudit } from './audit.ts';
import { checkFollowUp } from './follow-up.ts';
import {
  keepInQuarantine,
  QUARANTINE_MAX_BYTES,
  QUARANTINE_MAX_COUNT,
  quarantineSummary,
  type QuarantineSummary,
} from './store/quarantine.ts';
import { applyRetention } from './store/retention.ts';
import { int, intOrNull, only, text, textOrNull } from './store/rows.ts';
import { RequestsTable, STATUSES, type RequestRow, type RequestStatus } from './store/requests.ts';
import { migrate, SchemaTooNewError } from './store/schema.ts';
import { BackupExpiredError, checkBackupExpiry } from './store/backup-expiry.ts';

export { STATUSES, type RequestRow, type RequestStatus };
import { openRecord, recordKey, sealRecord } from './store/sealed-records.ts';

export { QUARANTINE_DAYS, QUARANTINE_MAX_BYTES, QUARANTINE_MAX_COUNT } from './store/quarantine.ts';
import type { RecipientDirectory } from './promise.ts';

export const DATABASE_FILE = 'intake.db';
const SEALED_NAME_PREFIX = 'sealed1.';
/** What a sealed staff name reads as without the passphrase (CLI commands that do not ask for it). */
export const STAFF_NAME_LOCKED = '(name encrypted)';

/** Default retention of closed requests, in days. */
export const DEFAULT_RETENTION_DAYS = 30;
/**
 * At most this many open requests that need review (they open but do not
 * fit this version). Anyone with the public key can send such requests, so
 * a flood must not fill the disk (security review N2); beyond the bound a
 * new one goes to the bounded quarantine ('needs_review_full'), counted.
 */
export const NEEDS_REVIEW_MAX = 500;
/** Below this much free disk space the receiver answers 507 before real writes fail. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;

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
  | { status: 'quarantined'; code: EnvelopeError['code'] | 'needs_review_full' }
  | { status: 'rejected'; code: 'bad_envelope' }
  /** A follow-up that does not prove it is the person's (follow-up.ts): nothing stored. */
  | { status: 'refused'; code: 'forged_follow_up'; reason: string };

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

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** Maps SQLite's errors to a clear message for the operator. */
export function explainStoreError(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof BackupExpiredError) return new StoreError('other', `The database ${path} cannot be opened: ${message}.`);
  if (error instanceof SchemaTooNewError) return new StoreError('other', `The database ${path} cannot be opened: ${message}.`);
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

export class IntakeStore extends RequestsTable {
  /**
   * Called inside the transaction that stores a request, after its rows
   * are written and before COMMIT. Only the crash tests' own entry point
   * sets it (tools/test/crashing-intake.ts); nothing in the intake does.
   */
  static beforeCommit: (() => void) | null = null;
  readonly path: string;
  readonly dir: string;
  private readonly secret: Buffer | null;
  private readonly notesKey: Buffer | null;
  private readonly repliesKey: Buffer | null;
  private readonly staffKey: Buffer | null;
  /** Quarantine bounds (tests lower them). */
  readonly quarantineLimits: { count: number; bytes: number };
  /** Open needs-review requests kept at most (tests lower it). */
  needsReviewMax = NEEDS_REVIEW_MAX;

  private constructor(dir: string, db: DatabaseSync, path: string, storeSecret: Buffer | null, limits: { count: number; bytes: number }) {
    super(db);
    this.dir = dir;
    this.quarantineLimits = limits;
    this.path = path;
    this.secret = storeSecret;
    this.notesKey = storeSecret ? recordKey(storeSecret, 'notes') : null;
    this.repliesKey = storeSecret ? recordKey(storeSecret, 'replies') : null;
    this.staffKey = storeSecret ? recordKey(storeSecret, 'staff') : null;
    // Queries read staff names through staff_name(), which opens a sealed one (N14).
    db.function('staff_name', { deterministic: true }, (value) => (typeof value === 'string' ? this.openName(value) : null));
    if (this.staffKey) this.sealStaffNames();
  }

  // ------------------------------------------------------------ staff names (N14)

  /**
   * Staff names are encrypted at rest (security review N14): for a gang,
   * the names of a defector duty team are themselves worth stealing. A
   * name is sealed like a note; commands run without the passphrase
   * (staff invite) write it in clear, and the next start with the
   * passphrase seals it. Without the store secret a sealed name reads as
   * STAFF_NAME_LOCKED.
   */
  sealName(name: string): string {
    if (!this.staffKey) return name;
    const sealed = sealRecord(this.staffKey, 'staff-name', name);
    return `${SEALED_NAME_PREFIX}${sealed.iv}.${sealed.ct}`;
  }

  openName(stored: string): string {
    if (!stored.startsWith(SEALED_NAME_PREFIX)) return stored;
    if (!this.staffKey) return STAFF_NAME_LOCKED;
    const [iv, ct] = stored.slice(SEALED_NAME_PREFIX.length).split('.');
    return openRecord(this.staffKey, 'staff-name', iv ?? '', ct ?? '');
  }

  /** Seals every staff name still in clear (written by a command without the passphrase). */
  sealStaffNames(): void {
    const clear = this.db.prepare(`SELECT id, name FROM staff WHERE name NOT LIKE '${SEALED_NAME_PREFIX}%'`).all();
    for (const row of clear)
      this.db.prepare('UPDATE staff SET name = ? WHERE id = ?').run(this.sealName(text(row, 'name')), int(row, 'id'));
  }

  /**
   * Opens (and creates) `<dir>/intake.db`. Without the store secret the
   * store can list and count but not receive, look up or read notes.
   */
  static open(
    dir: string,
    storeSecret: Buffer | null = null,
    limits = { count: QUARANTINE_MAX_COUNT, bytes: QUARANTINE_MAX_BYTES },
  ): IntakeStore {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const path = join(dir, DATABASE_FILE);
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(path);
      chmodSync(path, 0o600);
      // secure_delete: SQLite overwrites what a DELETE frees, so a deleted row's bytes do not stay in the file (N6).
      db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;',
      );
      // Checks the file is a database before anything is written to it.
      db.prepare('SELECT count(*) FROM sqlite_master').get();
      migrate(db);
      checkBackupExpiry(db);
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
    // A follow-up must prove it comes from the holder of the case's reply secret (N3).
    const followUp = opened.request?.followUpOf ? opened.request : null;
    // The case it belongs to (its thread), or null when its original was deleted (its own entry then).
    let caseRef: string | null = null;
    if (followUp?.followUpOf) {
      const check = await checkFollowUp(this, { ...followUp, followUpOf: followUp.followUpOf }, keys);
      if (!check.ok) return { status: 'refused', code: 'forged_follow_up', reason: check.reason };
      caseRef = check.caseRef;
    }
    const field = (name: string): string | null => {
      const raw: unknown = opened.raw;
      const value: unknown = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[name] : undefined;
      return typeof value === 'string' ? value : null;
    };
    const requestId = field('id');
    // Without an id (a shape this version cannot read at all) the envelope itself is the dedupe key.
    const dedupe = requestId ? this.dedupeTag(requestId) : this.dedupeTag(`envelope:${createHash('sha256').update(body).digest('hex')}`);
    const receiptField = field('receipt');
    const receiptText = receiptField === null ? null : normalizeReceiptCode(receiptField);
    const receiptTag = receiptText?.ok ? this.receiptTag(receiptText.code) : null;
    const recipient = recipients.recipientOfKid(kid);
    const promise = recipients.promiseOf(recipient);
    const receivedAt = now.getTime();
    // A follow-up belongs to its case: no promise clock of its own (one whose case is gone is a case of its own).
    const dueAt = promise && !caseRef ? receivedAt + promise.firstContactHours * 3_600_000 : null;
    const fits = opened.request !== null;
    const ref = b64(randomBytes(12));
    return this.transaction(() => {
      // Every arrival counts for `delivery-check`, a redelivered one too: it shows delivery works.
      this.db
        .prepare(`INSERT INTO meta (key, value) VALUES ('last_received_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(String(receivedAt));
      if (
        this.db.prepare('SELECT 1 FROM requests WHERE dedupe = ?').get(dedupe) ||
        this.db.prepare('SELECT 1 FROM deleted WHERE dedupe = ?').get(dedupe)
      ) {
        return { status: 'duplicate' } as const;
      }
      if (
        !fits &&
        int(only(this.db.prepare(`SELECT count(*) AS n FROM requests WHERE fits = 0 AND status != 'closed'`).get(), 'needs review'), 'n') >=
          this.needsReviewMax
      ) {
        keepInQuarantine(this.db, this.quarantineLimits, body, 'needs_review_full', now);
        return { status: 'quarantined', code: 'needs_review_full' } as const;
      }
      // A follow-up of a follow-up belongs to the same case (the first one's original).
      const thread = caseRef
        ? (textOrNull(only(this.db.prepare('SELECT follow_up_of FROM requests WHERE ref = ?').get(caseRef), 'case'), 'follow_up_of') ??
          caseRef)
        : null;
      this.db
        .prepare(
          `INSERT INTO requests (ref, dedupe, receipt_tag, kid, recipient, received_at, due_at, status, fits, updated_at, follow_up_of, original_gone)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?)`,
        )
        .run(ref, dedupe, receiptTag, kid, recipient, receivedAt, dueAt, fits ? 1 : 0, receivedAt, thread, followUp && !caseRef ? 1 : 0);
      // The case shows that the person wrote back; a closed case opens again, so nobody misses it.
      if (thread) {
        this.db
          .prepare(
            `UPDATE requests SET follow_ups = follow_ups + 1, last_follow_up_at = ?, updated_at = ?,
               status = CASE WHEN status != 'closed' THEN status WHEN claimed_by IS NULL THEN 'new' ELSE 'claimed' END,
               closed_at = CASE WHEN status = 'closed' THEN NULL ELSE closed_at END
             WHERE ref = ?`,
          )
          .run(receivedAt, receivedAt, thread);
      }
      this.db.prepare('INSERT INTO envelopes (ref, body) VALUES (?, ?)').run(ref, body);
      // In the same transaction (one fsync): the audit line and the request are kept together or not at all.
      appendAudit(this, 'receiver', 'received', ref, fits ? null : 'needs_review', now);
      IntakeStore.beforeCommit?.();
      return { status: 'stored', ref, fits } as const;
    });
  }

  /** When a request last arrived (stored or a duplicate), for `delivery-check`; null if none ever did. */
  lastReceivedAt(): Date | null {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = 'last_received_at'`).get();
    return row ? new Date(Number(text(row, 'value'))) : null;
  }

  /** Keeps an envelope that cannot be opened, within the bounds; always counts it. */
  quarantine(body: string, code: string, now: Date = new Date()): 'kept' | 'counted' {
    return this.transaction(() => keepInQuarantine(this.db, this.quarantineLimits, body, code, now));
  }

  quarantineSummary(): QuarantineSummary {
    return quarantineSummary(this.db);
  }

  // ------------------------------------------------------------ reading

  /** Refs of every stored request with this receipt code (more than one: ambiguous, show all). */
  findByReceipt(typed: string): { ok: true; refs: string[]; code: string } | { ok: false; reason: string } {
    const normalized = normalizeReceiptCode(typed);
    if (!normalized.ok) return { ok: false, reason: normalized.reason };
    const refs = this.db
      .prepare('SELECT ref FROM requests WHERE receipt_tag = ? ORDER BY received_at')
      .all(this.receiptTag(normalized.code))
      .map((row) => text(row, 'ref'));
    return { ok: true, refs, code: normalized.code };
  }

  /** Decrypts a stored envelope in memory. */
  async open(row: RequestRow, keys: PrivateKeyRing): Promise<OpenedRequest> {
    // A row from a list carries no envelope: read it now.
    const envelope =
      row.envelope || text(only(this.db.prepare('SELECT body FROM envelopes WHERE ref = ?').get(row.ref), `envelope ${row.ref}`), 'body');
    return readLeniently(await openEnvelopeToJson(JSON.parse(envelope), keys));
  }

  /** What the person wrote back in a case (its follow-ups, opened in memory), oldest first. */
  async thread(ref: string, keys: PrivateKeyRing): Promise<{ at: number; message: string }[]> {
    const thread: { at: number; message: string }[] = [];
    for (const followUp of this.followUpsOf(ref)) {
      const message = (await this.open(followUp, keys)).request?.message;
      if (message !== undefined) thread.push({ at: followUp.receivedAt, message });
    }
    return thread;
  }

  // ------------------------------------------------------------ notes

  addNote(ref: string, staffId: number, note: string, now: Date = new Date()): void {
    if (!this.notesKey) throw new Error('the store secret is needed to write notes');
    const sealed = sealRecord(this.notesKey, `note\0${ref}`, note);
    this.db
      .prepare('INSERT INTO notes (ref, staff_id, at, iv, ct) VALUES (?, ?, ?, ?, ?)')
      .run(ref, staffId, now.getTime(), sealed.iv, sealed.ct);
  }

  notes(ref: string): { at: number; author: string; text: string }[] {
    const key = this.notesKey;
    if (!key) throw new Error('the store secret is needed to read notes');
    return this.db
      .prepare(
        'SELECT n.at, n.iv, n.ct, coalesce(staff_name(s.name), ?) AS author FROM notes n LEFT JOIN staff s ON s.id = n.staff_id WHERE n.ref = ? ORDER BY n.at, n.id',
      )
      .all('?', ref)
      .map((row) => ({
        at: int(row, 'at'),
        author: text(row, 'author'),
        text: openRecord(key, `note\0${ref}`, text(row, 'iv'), text(row, 'ct')),
      }));
  }

  // ------------------------------------------------------------ replies (issue 14)

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
    const sealed = sealRecord(this.requireRepliesKey(), `reply\0${id}`, record);
    this.db
      .prepare(`INSERT OR IGNORE INTO replies (id, ref, staff_id, written_at, state, iv, ct) VALUES (?, ?, ?, ?, 'waiting', ?, ?)`)
      .run(id, ref, staffId, now.getTime(), sealed.iv, sealed.ct);
  }

  /** Replies not yet delivered, oldest first, decrypted in memory. */
  waitingReplies(): { id: string; ref: string; record: string }[] {
    const key = this.requireRepliesKey();
    return this.db
      .prepare(`SELECT id, ref, iv, ct FROM replies WHERE state = 'waiting' ORDER BY written_at, id`)
      .all()
      .map((row) => ({
        id: text(row, 'id'),
        ref: text(row, 'ref'),
        record: openRecord(key, `reply\0${text(row, 'id')}`, text(row, 'iv'), text(row, 'ct')),
      }));
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
  replies(
    ref: string,
  ): { id: string; at: number; author: string | null; state: string; problem: string | null; doneAt: number | null; record: string }[] {
    const key = this.requireRepliesKey();
    const rows = this.db
      .prepare(
        `SELECT r.id, r.written_at, r.state, r.problem, r.done_at, r.iv, r.ct, staff_name(s.name) AS author FROM replies r
         LEFT JOIN staff s ON s.id = r.staff_id WHERE r.ref = ? ORDER BY r.written_at, r.id`,
      )
      .all(ref);
    return rows.map((row) => ({
      id: text(row, 'id'),
      at: int(row, 'written_at'),
      author: textOrNull(row, 'author'),
      state: text(row, 'state'),
      problem: textOrNull(row, 'problem'),
      doneAt: intOrNull(row, 'done_at'),
      record: openRecord(key, `reply\0${text(row, 'id')}`, text(row, 'iv'), text(row, 'ct')),
    }));
  }

  // ------------------------------------------------------------ retention

  /**
   * Deletes closed requests older than `days` (their notes too), keeps the
   * HMAC of each id so a late duplicate is not new again, and drops
   * quarantine entries older than QUARANTINE_DAYS. Returns the deleted refs.
   */
  applyRetention(days: number, now: Date = new Date()): string[] {
    const deleted = this.transaction(() => applyRetention(this.db, days, now));
    this.checkpoint();
    return deleted;
  }

  /**
   * Copies the WAL into the database file and empties it (TRUNCATE): with
   * secure_delete, what retention deleted is then gone from both files,
   * not left in old WAL frames (security review N6).
   */
  checkpoint(): void {
    this.db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
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
