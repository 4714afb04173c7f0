/**
 * The intake's store: one SQLite database holding nothing readable, in
 * either of the inbox's two homes (store/sql.ts): a file in the intake
 * folder on Node, `<dir>/intake.db` (opened by intake/src/store.ts), or a
 * hosted recipient's Durable Object storage (IntakeStore.onDurable):
 *
 *   requests    each envelope exactly as received (HPKE ciphertext), with
 *               only what the inbox must sort and find by: when it came,
 *               its deadline, status, who claimed it, and the SHA-256 of
 *               its body (dedupe); rows from before issue 19 carry HMACs
 *               of the id and receipt code instead
 *   notes, replies   sealed in a staff member's browser under the team
 *               vault (store/vault.ts); the server cannot open them
 *   deleted     body hashes (and old id HMACs) of what retention deleted:
 *               a late duplicate stays old
 *   vault_*, member_*   the team vault's sealed material (store/vault.ts)
 *   quarantine  envelopes that cannot be opened, bounded by count and bytes,
 *               and a counter per reason for everything beyond
 *   staff, passkeys, invites, sessions, challenges   accounts (see accounts.ts);
 *               staff names encrypted like notes, opened in JS after each query
 *   audit       the hash-chained audit log (see audit.ts)
 *
 * The tables and their numbered migrations are in store/schema.ts; the
 * requests table's queries (store/requests.ts, which IntakeStore extends),
 * the quarantine, retention and the encrypted records (notes, replies)
 * each in their own file in store/; rows are read through typed mappers
 * (store/rows.ts).
 *
 * Nothing here opens a request: envelopes, notes and replies are opened
 * only in a staff member's browser (issue 19). A store is committed before
 * the sender is told "stored" (on Node: WAL with synchronous=FULL); a
 * killed process loses at most the transaction it was in, which was never
 * acknowledged.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { parseEnvelope, type EnvelopeError } from '../../../protocol/envelope.ts';
import { appendAudit } from '../audit.ts';
import { keepInQuarantine, QUARANTINE_MAX_BYTES, QUARANTINE_MAX_COUNT, quarantineSummary, type QuarantineSummary } from './quarantine.ts';
import { applyRetention } from './retention.ts';
import { int, intOrNull, text, textOrNull } from './rows.ts';
import { RequestsTable, STATUSES, type RequestRow, type RequestStatus } from './requests.ts';
import { migrate, SchemaTooNewError } from './schema.ts';
import { BackupExpiredError, checkBackupExpiry } from './backup-expiry.ts';
import { openRecord, recordKey, sealRecord } from './sealed-records.ts';
import { DurableSqlDatabase, type DurableStorage } from './durable-sql.ts';
import type { SqlDatabase } from './sql.ts';
import { VaultTables, type StoredBox as Box } from './vault.ts';
import type { RecipientDirectory } from '../promise.ts';

export { STATUSES, type RequestRow, type RequestStatus };
export { QUARANTINE_DAYS, QUARANTINE_MAX_BYTES, QUARANTINE_MAX_COUNT } from './quarantine.ts';

export const DATABASE_FILE = 'intake.db';
const SEALED_NAME_PREFIX = 'sealed1.';
/** What a sealed staff name reads as without the passphrase (CLI commands that do not ask for it). */
export const STAFF_NAME_LOCKED = '(name encrypted)';

/** Default retention of closed requests, in days. */
export const DEFAULT_RETENTION_DAYS = 30;
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
  | { status: 'quarantined'; code: Extract<EnvelopeError['code'], 'unknown_kid'> }
  | { status: 'rejected'; code: 'bad_envelope' };

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

/** Where a store lives and what it may do, given by the home that opens it. */
export interface StoreOptions {
  /** The intake folder (Node); '' in a Durable Object. */
  dir: string;
  /** What error messages name: the database file, or the hosted recipient's store. */
  path: string;
  /** Without it the store can list and count but not receive, look up or read notes. */
  storeSecret: Buffer | null;
  /** Quarantine bounds (tests lower them). */
  limits?: { count: number; bytes: number };
}

/**
 * The store over any SqlDatabase (store/sql.ts). The Node entry
 * (intake/src/store.ts) opens it on a file: `IntakeStore.open(dir)`; a
 * Durable Object on its own storage: `IntakeStore.onDurable(ctx.storage)`.
 */
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
  private readonly staffKey: Buffer | null;
  /** The team vault's sealed material (store/vault.ts). */
  readonly vault: VaultTables;
  /** Quarantine bounds (tests lower them). */
  readonly quarantineLimits: { count: number; bytes: number };

  /** Runs the migrations the database lacks, then opens the store on it (the database is closed if that fails). */
  protected constructor(db: SqlDatabase, options: StoreOptions) {
    try {
      migrate(db);
      checkBackupExpiry(db);
    } catch (error) {
      db.close();
      throw explainStoreError(error, options.path);
    }
    super(db);
    this.dir = options.dir;
    this.path = options.path;
    this.quarantineLimits = options.limits ?? { count: QUARANTINE_MAX_COUNT, bytes: QUARANTINE_MAX_BYTES };
    this.vault = new VaultTables(this);
    this.secret = options.storeSecret;
    this.staffKey = options.storeSecret ? recordKey(options.storeSecret, 'staff') : null;
    if (this.staffKey) this.sealStaffNames();
  }

  /**
   * The store of a hosted inbox: one Durable Object per recipient, in its
   * own SQLite storage (store/durable-sql.ts), migrated like a file.
   */
  static onDurable(storage: DurableStorage, options: Partial<StoreOptions> = {}): IntakeStore {
    return new IntakeStore(new DurableSqlDatabase(storage), {
      dir: '',
      path: 'the hosted store',
      storeSecret: null,
      ...options,
    });
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

  close(): void {
    this.db.close();
  }

  /** Runs `work` in one write transaction (joins an outer one: a batch import). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work);
  }

  /** HMAC of a request id (rows from before issue 19, and `intake import`): dedupe without the id. */
  dedupeTag(requestId: string): string {
    if (!this.secret) throw new Error('the store secret is needed');
    return createHmac('sha256', this.secret).update(`id\0${requestId.toLowerCase()}`).digest('base64url');
  }

  /** Free bytes for the store (null if unknown). */
  freeBytes(): number | null {
    return this.db.freeBytes();
  }

  // ------------------------------------------------------------ receiving

  /**
   * Stores an envelope as received, without opening it: the server holds
   * no key that could (issue 19). Only the outer structure is read: its kid
   * names the recipient (and so the promise clock); a kid this intake does
   * not hold (in `vault_keys`, or `legacyKids` before the vault) goes to the
   * bounded quarantine. The dedupe key is the SHA-256 of the exact body: a
   * redelivered envelope is the same bytes. Malformed: 'rejected', nothing
   * written. Whether it fits this version, and whether a follow-up is the
   * person's, is checked where it is opened: in a staff member's browser.
   */
  async receive(
    body: string,
    recipients: RecipientDirectory,
    now: Date = new Date(),
    legacyKids: ReadonlySet<string> = new Set(),
    /** An importer re-seals old plaintext: it dedupes by the request id's HMAC (idTag) as well. */
    idTag?: string,
  ): Promise<ReceiveResult> {
    let kid: string;
    try {
      kid = parseEnvelope(JSON.parse(body)).kid;
    } catch {
      return { status: 'rejected', code: 'bad_envelope' };
    }
    if (!legacyKids.has(kid) && !this.vault.holdsKid(kid)) {
      this.quarantine(body, 'unknown_kid', now);
      return { status: 'quarantined', code: 'unknown_kid' };
    }
    const hash = bodyHash(body);
    const recipient = recipients.recipientOfKid(kid);
    const promise = recipients.promiseOf(recipient);
    const receivedAt = now.getTime();
    // A follow-up loses its own clock when the browser links it to its case (linkFollowUp).
    const dueAt = promise ? receivedAt + promise.firstContactHours * 3_600_000 : null;
    const ref = b64(randomBytes(12));
    return this.transaction(() => {
      // Every arrival counts for `delivery-check`, a redelivered one too: it shows delivery works.
      this.db
        .prepare(`INSERT INTO meta (key, value) VALUES ('last_received_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
        .run(String(receivedAt));
      if (
        this.db.prepare('SELECT 1 FROM requests WHERE body_hash = ?').get(hash) ||
        this.db.prepare(`SELECT 1 FROM deleted WHERE dedupe = ? AND kind = 'body'`).get(hash) ||
        (idTag !== undefined &&
          (this.db.prepare('SELECT 1 FROM requests WHERE dedupe = ?').get(idTag) ||
            this.db.prepare(`SELECT 1 FROM deleted WHERE dedupe = ? AND kind = 'id'`).get(idTag)))
      ) {
        return { status: 'duplicate' } as const;
      }
      // dedupe (NOT NULL UNIQUE since version 1) holds the body hash too, or an import's id tag.
      this.db
        .prepare(
          `INSERT INTO requests (ref, dedupe, body_hash, kid, recipient, received_at, due_at, status, fits, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'new', 1, ?)`,
        )
        .run(ref, idTag ?? hash, hash, kid, recipient, receivedAt, dueAt, receivedAt);
      this.db.prepare('INSERT INTO envelopes (ref, body) VALUES (?, ?)').run(ref, body);
      // In the same transaction (one fsync): the audit line and the request are kept together or not at all.
      appendAudit(this, 'receiver', 'received', ref, null, now);
      (this.constructor as typeof IntakeStore).beforeCommit?.();
      return { status: 'stored', ref, fits: true } as const;
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

  /** The envelopes (ciphertext, as received) of these refs; unknown refs are left out. */
  envelopes(refs: readonly string[]): { ref: string; body: string }[] {
    const query = this.db.prepare('SELECT body FROM envelopes WHERE ref = ?');
    return refs.flatMap((ref) => {
      const row = query.get(ref);
      return row ? [{ ref, body: text(row, 'body') }] : [];
    });
  }

  /**
   * Links a follow-up to its case, after a staff member's browser opened
   * both and verified the follow-up's proof (review N3, now in the
   * browser). A follow-up of a follow-up joins the same case; the case
   * shows that the person wrote back, and a closed case opens again, so
   * nobody misses it. The follow-up loses its own promise clock. Returns
   * the case's ref, or null when either is unknown, the follow-up is
   * already linked, or it would link to itself.
   */
  linkFollowUp(followUpRef: string, caseRef: string, now: Date = new Date()): string | null {
    return this.transaction(() => {
      const followUp = this.db.prepare('SELECT follow_up_of, received_at FROM requests WHERE ref = ?').get(followUpRef);
      const target = this.db.prepare('SELECT follow_up_of FROM requests WHERE ref = ?').get(caseRef);
      if (!followUp || !target || textOrNull(followUp, 'follow_up_of') !== null) return null;
      const thread = textOrNull(target, 'follow_up_of') ?? caseRef;
      if (thread === followUpRef) return null;
      const receivedAt = int(followUp, 'received_at');
      this.db
        .prepare(`UPDATE requests SET follow_up_of = ?, due_at = NULL, updated_at = ? WHERE ref = ?`)
        .run(thread, now.getTime(), followUpRef);
      this.db
        .prepare(
          `UPDATE requests SET follow_ups = follow_ups + 1, last_follow_up_at = max(coalesce(last_follow_up_at, 0), ?), updated_at = ?,
             status = CASE WHEN status != 'closed' THEN status WHEN claimed_by IS NULL THEN 'new' ELSE 'claimed' END,
             closed_at = CASE WHEN status = 'closed' THEN NULL ELSE closed_at END
           WHERE ref = ?`,
        )
        .run(receivedAt, now.getTime(), thread);
      return thread;
    });
  }

  // ------------------------------------------------------------ notes

  /**
   * Keeps a note as the browser sealed it (team-vault sealNote, under
   * generation `gen`): the server cannot read it.
   */
  addNote(ref: string, staffId: number, gen: number, box: Box, now: Date = new Date()): number {
    const result = this.db
      .prepare('INSERT INTO notes (ref, staff_id, at, iv, ct, gen) VALUES (?, ?, ?, ?, ?, ?)')
      .run(ref, staffId, now.getTime(), box.iv, box.ct, gen);
    return Number(result.lastInsertRowid);
  }

  /** A request's notes, oldest first, as stored: a box with its generation, or an old one under the store secret (gen null). */
  notes(ref: string): { id: number; at: number; authorId: number; gen: number | null; box: Box }[] {
    return this.db
      .prepare('SELECT id, at, staff_id, gen, iv, ct FROM notes WHERE ref = ? ORDER BY at, id')
      .all(ref)
      .map((row) => ({
        id: int(row, 'id'),
        at: int(row, 'at'),
        authorId: int(row, 'staff_id'),
        gen: intOrNull(row, 'gen'),
        box: { iv: text(row, 'iv'), ct: text(row, 'ct') },
      }));
  }

  // ------------------------------------------------------------ replies (issue 14)

  /**
   * Keeps a reply written in a browser in the outbox (state waiting),
   * committed before it returns: the record (what was written, sealed
   * under the vault, `gen`) and the exact signed post body and signature
   * the server sends as they are. The same reply id twice is kept once.
   */
  addReply(
    reply: { id: string; ref: string; staffId: number | null; gen: number; box: Box; postBody: string; postSignature: string },
    now: Date = new Date(),
  ): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO replies (id, ref, staff_id, written_at, state, iv, ct, gen, post_body, post_signature)
         VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?)`,
      )
      .run(reply.id, reply.ref, reply.staffId, now.getTime(), reply.box.iv, reply.box.ct, reply.gen, reply.postBody, reply.postSignature);
    return result.changes === 1;
  }

  /** Replies not yet delivered, oldest first, with what to post (null: an old record waiting for `intake move-keys`). */
  waitingReplies(): { id: string; ref: string; postBody: string | null; postSignature: string | null; problem: string | null }[] {
    return this.db
      .prepare(`SELECT id, ref, post_body, post_signature, problem FROM replies WHERE state = 'waiting' ORDER BY written_at, id`)
      .all()
      .map((row) => ({
        id: text(row, 'id'),
        ref: text(row, 'ref'),
        postBody: textOrNull(row, 'post_body'),
        postSignature: textOrNull(row, 'post_signature'),
        problem: textOrNull(row, 'problem'),
      }));
  }

  /** A waiting reply signed again in a browser (its old signature was refused as stale). */
  resignReply(id: string, postBody: string, postSignature: string): boolean {
    const result = this.db
      .prepare(`UPDATE replies SET post_body = ?, post_signature = ?, problem = NULL WHERE id = ? AND state = 'waiting'`)
      .run(postBody, postSignature, id);
    return result.changes === 1;
  }

  /** One reply's ref and state, or null. */
  replyInfo(id: string): { ref: string; state: string } | null {
    const row = this.db.prepare('SELECT ref, state FROM replies WHERE id = ?').get(id);
    return row ? { ref: text(row, 'ref'), state: text(row, 'state') } : null;
  }

  /** After an attempt: delivered, refused for good (a person must look), or still waiting (problem noted, no content). */
  markReply(id: string, outcome: 'delivered' | 'refused' | 'waiting', problem: string | null, now: Date = new Date()): void {
    this.db
      .prepare(
        `UPDATE replies SET state = ?, attempts = attempts + 1, problem = ?, done_at = CASE WHEN ? = 'waiting' THEN NULL ELSE ? END,
           post_body = CASE WHEN ? = 'delivered' THEN NULL ELSE post_body END,
           post_signature = CASE WHEN ? = 'delivered' THEN NULL ELSE post_signature END
         WHERE id = ?`,
      )
      // A delivered post is the site's now: its body names the person's mailbox, so it is not kept here.
      .run(outcome, problem, outcome, now.getTime(), outcome, outcome, id);
  }

  /** The replies to one request, oldest first, as stored (the record is a box the browser opens). */
  replies(ref: string): {
    id: string;
    writtenAt: number;
    authorId: number | null;
    state: string;
    problem: string | null;
    doneAt: number | null;
    gen: number | null;
    box: Box;
  }[] {
    return this.db
      .prepare(`SELECT id, written_at, staff_id, state, problem, done_at, gen, iv, ct FROM replies WHERE ref = ? ORDER BY written_at, id`)
      .all(ref)
      .map((row) => ({
        id: text(row, 'id'),
        writtenAt: int(row, 'written_at'),
        authorId: intOrNull(row, 'staff_id'),
        state: text(row, 'state'),
        problem: textOrNull(row, 'problem'),
        doneAt: intOrNull(row, 'done_at'),
        gen: intOrNull(row, 'gen'),
        box: { iv: text(row, 'iv'), ct: text(row, 'ct') },
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

  /** What retention deleted is then gone from the files too (store/sql.ts checkpoint). */
  checkpoint(): void {
    this.db.checkpoint();
  }
}

/** SHA-256 (base64url) of an envelope exactly as received: the dedupe key, kept after deletion. */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('base64url');
}

// Pure reading of an opened envelope (the browser uses it); kept importable from here.
export { readLeniently, type OpenedRequest } from '../opened-request.ts';
