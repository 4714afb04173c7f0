/**
 * Backups carry their own expiry (security review N6). A backup is a copy
 * of intake.db; a request deleted by retention can live on in it. `backup`
 * writes into the copy when it expires (its retention period from now),
 * and a store opened from an expired copy is refused, so an old backup is
 * not brought back by mistake with requests that were meant to be gone.
 * A restored copy that has not expired becomes the live store again.
 */
import { textOrNull } from './rows.ts';
import type { SqlDatabase } from './sql.ts';

const KEY = 'backup_expires_at';

/** Writes the expiry into a backup copy (markBackupExpiry in intake/src/store.ts opens the file); returns it. */
export function writeBackupExpiry(db: SqlDatabase, days: number, now: Date = new Date()): Date {
  const expires = new Date(now.getTime() + days * 86_400_000);
  db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
    KEY,
    String(expires.getTime()),
  );
  return expires;
}

export class BackupExpiredError extends Error {}

/**
 * At open: a restored backup that has expired is refused; one that has
 * not loses its mark (it is the live store now).
 */
export function checkBackupExpiry(db: SqlDatabase, now: Date = new Date()): void {
  const row = db.prepare(`SELECT value FROM meta WHERE key = ?`).get(KEY);
  const value = row ? textOrNull(row, 'value') : null;
  if (value === null) return;
  const expires = Number(value);
  if (expires < now.getTime()) {
    throw new BackupExpiredError(
      `this is a backup that expired ${new Date(expires).toISOString().slice(0, 10)}: it may hold requests that retention has deleted since. Delete it and restore a newer one`,
    );
  }
  db.prepare(`DELETE FROM meta WHERE key = ?`).run(KEY);
}
