/**
 * The intake's store on Node (`intake serve` and the command line): the
 * store (store/intake-store.ts) on a node:sqlite file in the intake
 * folder, `<dir>/intake.db` (store/node-sqlite.ts). A hosted inbox opens
 * the same store in its Durable Object with `IntakeStore.onDurable` from
 * store/intake-store.ts, which never reaches node:sqlite or node:fs.
 */
import { join } from 'node:path';
import { NodeSqliteDatabase } from './store/node-sqlite.ts';
import { writeBackupExpiry } from './store/backup-expiry.ts';
import {
  DATABASE_FILE,
  explainStoreError,
  IntakeStore as StoreOnSql,
  QUARANTINE_MAX_BYTES,
  QUARANTINE_MAX_COUNT,
} from './store/intake-store.ts';

export * from './store/intake-store.ts';

export class IntakeStore extends StoreOnSql {
  /**
   * Opens (and creates) `<dir>/intake.db`. Without the store secret the
   * store can list and count but not receive, look up or read notes.
   */
  static open(
    dir: string,
    storeSecret: Buffer | null = null,
    limits = { count: QUARANTINE_MAX_COUNT, bytes: QUARANTINE_MAX_BYTES },
  ): IntakeStore {
    const path = join(dir, DATABASE_FILE);
    let db: NodeSqliteDatabase;
    try {
      db = NodeSqliteDatabase.openInFolder(dir, path);
    } catch (error) {
      throw explainStoreError(error, path);
    }
    return new IntakeStore(db, { dir, path, storeSecret, limits });
  }
  // No instance members here: a store opened in a Durable Object is the same type.
}

/** A consistent copy of the live store in `target` (SQLite's online backup); returns the pages copied. */
export function backupStore(store: StoreOnSql, target: string): Promise<number> {
  return nodeDatabase(store).backupTo(target);
}

/** The node:sqlite database under a store opened on Node. */
function nodeDatabase(store: StoreOnSql): NodeSqliteDatabase {
  if (!(store.db instanceof NodeSqliteDatabase)) throw new Error('this store is not a file on Node');
  return store.db;
}

/**
 * Marks a backup file with its expiry (store/backup-expiry.ts); returns
 * it. The copy is a rollback-journal database of its own, opened with
 * secure_delete as in the store.
 */
export function markBackupExpiry(file: string, days: number, now: Date = new Date()): Date {
  const db = NodeSqliteDatabase.openFile(file);
  try {
    return writeBackupExpiry(db, days, now);
  } finally {
    db.close();
  }
}
