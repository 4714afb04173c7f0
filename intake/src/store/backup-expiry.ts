/**
 * Backups carry their own expiry (security review N6). A backup is a copy
 * of intake.db; a request deleted by retention can live on in it. `backup`
 * writes into the copy when it expires (its retention period from now),
 * and a store opened from an expired copy is refused, so an old backup is
 * not brought back by mistake with requests that were meant to be gone.
 * A restored copy that has not expired becomes the live store again.
 */
import { DatabaseSync } from 'node:sqlite';
import { textOrNull } from './rows.ts';

const KEY = 'backup_expires_at';

/** Marks a backup file with its expiry; returns it. */
export function markBackupExpiry(file: string, days: number, now: Date = new Date()): Date {
  const expires = new Date(now.getTime() + days * 86_400_000);
  const db = new DatabaseSync(file);
  try {
    // The copy is a rollback-journal database of its own; secure_delete as in the store.
    db.exec('PRAGMA secure_delete = ON');
    db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
      KEY,
      String(expires.getTime()),
    );
  } finally {
    db.close();
  }
  return expires;
}

export class BackupExpiredError extends Error {}

/**
 * At open: a restored backup that has expired is refused; one that has
 * not loses its mark (it is the live store now).
 */
export function checkBackupExpiry(db: DatabaseSync, now: Date = new Date()): void {
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
