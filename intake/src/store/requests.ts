/**
 * The requests table: the rows the inbox sorts, counts and works on (the
 * envelopes sit apart, in `envelopes`), read through the typed mapper.
 * IntakeStore (store.ts) is this table plus everything else in the store.
 */
import type { SqlDatabase } from './sql.ts';
import { int, intOrNull, only, text, textOrNull, type SqlRow } from './rows.ts';

/** Statuses of a request, in the order work goes. */
export const STATUSES = ['new', 'claimed', 'contacted', 'unreachable', 'closed'] as const;
export type RequestStatus = (typeof STATUSES)[number];
const isStatus = (value: string): value is RequestStatus => (STATUSES as readonly string[]).includes(value);

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
  /** A follow-up ("the person wrote back"): its original's ref; shown in that thread, not in the lists. */
  followUpOf: string | null;
  /** On an original: how many follow-ups it has, and when the last came. */
  followUps: number;
  lastFollowUpAt: number | null;
  /** A follow-up whose original was deleted (retention): its own entry, with a note. */
  originalGone: boolean;
}

export abstract class RequestsTable {
  readonly db: SqlDatabase;

  protected constructor(db: SqlDatabase) {
    this.db = db;
  }

  /** A staff name as stored (sealed at rest, N14), opened: the store does it (store/intake-store.ts). */
  abstract openName(stored: string): string;

  // ------------------------------------------------------------ reading

  /** A row as the inbox uses it; the claimer's name (read sealed, as `claimed_by_name`) opened here. */
  protected toRow(row: SqlRow): RequestRow {
    const status = text(row, 'status');
    if (!isStatus(status)) throw new Error(`requests.status: unknown status ${JSON.stringify(status)}`);
    return {
      ref: text(row, 'ref'),
      kid: text(row, 'kid'),
      recipient: textOrNull(row, 'recipient'),
      envelope: text(row, 'envelope'),
      receivedAt: int(row, 'received_at'),
      dueAt: intOrNull(row, 'due_at'),
      status,
      fits: int(row, 'fits') === 1,
      claimedBy: intOrNull(row, 'claimed_by'),
      claimedByName: this.nameOrNull(textOrNull(row, 'claimed_by_name')),
      claimedAt: intOrNull(row, 'claimed_at'),
      closedAt: intOrNull(row, 'closed_at'),
      updatedAt: int(row, 'updated_at'),
      followUpOf: textOrNull(row, 'follow_up_of'),
      followUps: int(row, 'follow_ups'),
      lastFollowUpAt: intOrNull(row, 'last_follow_up_at'),
      originalGone: int(row, 'original_gone') === 1,
    };
  }

  private nameOrNull(stored: string | null): string | null {
    return stored === null ? null : this.openName(stored);
  }

  protected static readonly SELECT_ROW = `SELECT r.*, e.body AS envelope, s.name AS claimed_by_name FROM requests r
    JOIN envelopes e ON e.ref = r.ref LEFT JOIN staff s ON s.id = r.claimed_by`;
  /** For lists: everything but the envelope (22 kB each; a list never decrypts). */
  protected static readonly SELECT_LIST = `SELECT r.ref, r.kid, r.recipient, '' AS envelope, r.received_at, r.due_at, r.status, r.fits, r.claimed_by,
    r.claimed_at, r.closed_at, r.updated_at, r.follow_up_of, r.follow_ups, r.last_follow_up_at, r.original_gone,
    s.name AS claimed_by_name FROM requests r LEFT JOIN staff s ON s.id = r.claimed_by`;
  /** A case in the lists and counts: not a follow-up (that is shown in its original's thread). */
  protected static readonly A_CASE = 'follow_up_of IS NULL';

  /**
   * Open requests (not closed) that fit this version, most urgent first:
   * the earliest deadline, then those without a promise by arrival.
   */
  listOpen(limit = -1, offset = 0): RequestRow[] {
    return this.db
      .prepare(
        `${RequestsTable.SELECT_LIST} WHERE r.status != 'closed' AND r.fits = 1 AND r.${RequestsTable.A_CASE} ORDER BY r.due_at IS NULL, r.due_at, r.received_at LIMIT ? OFFSET ?`,
      )
      .all(limit, offset)
      .map((row) => this.toRow(row));
  }

  /** Counts for the inbox header and alerts, without reading rows. */
  openCounts(now: Date = new Date()): { open: number; unclaimed: number; overdue: number; nextDue: number | null; needsReview: number } {
    const row = this.db
      .prepare(
        `SELECT count(*) AS open,
                coalesce(sum(status = 'new'), 0) AS unclaimed,
                coalesce(sum(status = 'new' AND due_at IS NOT NULL AND due_at < ?), 0) AS overdue,
                min(CASE WHEN status = 'new' THEN due_at END) AS next_due
           FROM requests WHERE status != 'closed' AND fits = 1 AND ${RequestsTable.A_CASE}`,
      )
      .get(now.getTime());
    const counts = only(row, 'open counts');
    const review = only(
      this.db.prepare(`SELECT count(*) AS n FROM requests WHERE fits = 0 AND status != 'closed' AND ${RequestsTable.A_CASE}`).get(),
      'review count',
    );
    return {
      open: int(counts, 'open'),
      unclaimed: int(counts, 'unclaimed'),
      overdue: int(counts, 'overdue'),
      nextDue: intOrNull(counts, 'next_due'),
      needsReview: int(review, 'n'),
    };
  }

  listClosed(limit = 200): RequestRow[] {
    return this.db
      .prepare(`${RequestsTable.SELECT_LIST} WHERE r.status = 'closed' AND r.${RequestsTable.A_CASE} ORDER BY r.closed_at DESC LIMIT ?`)
      .all(limit)
      .map((row) => this.toRow(row));
  }

  /** Requests that opened but do not fit this version (needs review), oldest first. */
  listNeedsReview(): RequestRow[] {
    return this.db
      .prepare(
        `${RequestsTable.SELECT_LIST} WHERE r.fits = 0 AND r.status != 'closed' AND r.${RequestsTable.A_CASE} ORDER BY r.received_at`,
      )
      .all()
      .map((row) => this.toRow(row));
  }

  get(ref: string): RequestRow | null {
    const row = this.db.prepare(`${RequestsTable.SELECT_ROW} WHERE r.ref = ?`).get(ref);
    return row ? this.toRow(row) : null;
  }

  /** The follow-ups in a case's thread, oldest first (their envelopes are read when opened). */
  followUpsOf(ref: string): RequestRow[] {
    return this.db
      .prepare(`${RequestsTable.SELECT_LIST} WHERE r.follow_up_of = ? ORDER BY r.received_at`)
      .all(ref)
      .map((row) => this.toRow(row));
  }

  count(): number {
    return int(only(this.db.prepare('SELECT count(*) AS n FROM requests').get(), 'request count'), 'n');
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
      .prepare(
        `UPDATE requests SET status = 'new', claimed_by = NULL, claimed_at = NULL, updated_at = ? WHERE ref = ? AND status = 'claimed' AND claimed_by = ?`,
      )
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
}
