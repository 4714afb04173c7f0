/**
 * Retention: closed requests are deleted `days` after closing, with their
 * envelopes, notes, replies and alert marks; the SHA-256 of each body (the
 * HMAC of the id, for rows from before issue 19) stays in `deleted`, so a late duplicate is not new again. A case's follow-ups (its
 * thread) go with it. Old quarantine goes too.
 */
import type { SqlDatabase } from './sql.ts';
import { expireQuarantine } from './quarantine.ts';
import { text, textOrNull } from './rows.ts';

/** Deletes what retention allows; returns the deleted refs. Call inside a transaction. */
export function applyRetention(db: SqlDatabase, days: number, now: Date): string[] {
  const cutoff = now.getTime() - days * 86_400_000;
  const rows = db
    .prepare(
      `SELECT ref, dedupe, body_hash FROM requests WHERE status = 'closed' AND closed_at < ?
       UNION SELECT f.ref, f.dedupe, f.body_hash FROM requests f JOIN requests c ON c.ref = f.follow_up_of WHERE c.status = 'closed' AND c.closed_at < ?`,
    )
    .all(cutoff, cutoff)
    .map((row) => ({ ref: text(row, 'ref'), dedupe: text(row, 'dedupe'), bodyHash: textOrNull(row, 'body_hash') }));
  for (const row of rows) {
    // A row received blind keeps its body hash (kind 'body'); an older or imported one its id HMAC (kind 'id').
    const keep = db.prepare('INSERT OR IGNORE INTO deleted (dedupe, deleted_at, kind) VALUES (?, ?, ?)');
    if (row.bodyHash) keep.run(row.bodyHash, now.getTime(), 'body');
    if (row.dedupe !== row.bodyHash) keep.run(row.dedupe, now.getTime(), 'id');
    for (const table of ['notes', 'replies', 'alerts_sent', 'envelopes', 'requests'])
      db.prepare(`DELETE FROM ${table} WHERE ref = ?`).run(row.ref);
  }
  expireQuarantine(db, now);
  return rows.map((row) => row.ref);
}
