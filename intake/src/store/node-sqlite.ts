/**
 * The store's home on Node (`intake serve`): node:sqlite in a file of
 * the intake folder, behind the SqlDatabase seam (store/sql.ts). Everything
 * about the file lives here and nowhere else in the store: the folder and
 * file modes (0700, 0600), WAL with synchronous=FULL (a write is on disk
 * before the sender is told "stored"), secure_delete (what a DELETE frees
 * is overwritten, N6), the WAL checkpoint, free disk space, the schema
 * version in PRAGMA user_version, and online backups.
 *
 * The inbox app never imports this module (a test checks its graph):
 * only the Node entry (store.ts) and the command line do.
 */
import { chmodSync, mkdirSync, statfsSync } from 'node:fs';
import { backup, DatabaseSync } from 'node:sqlite';
import type { SqlDatabase, SqlRunResult, SqlStatement, SqlValue } from './sql.ts';

export class NodeSqliteDatabase implements SqlDatabase {
  readonly home = 'node';
  /** The node:sqlite handle, for what only Node has (backup). */
  readonly raw: DatabaseSync;
  /** The folder whose disk freeBytes() measures (null: not known). */
  private readonly dir: string | null;

  constructor(raw: DatabaseSync, dir: string | null) {
    this.raw = raw;
    this.dir = dir;
  }

  /**
   * Opens (and creates) the database file `path` in the folder `dir`:
   * the folder owner-only (0700), the file 0600, WAL, FULL sync,
   * secure_delete, foreign keys and a busy timeout; then checks the file
   * is a database before anything is written to it.
   */
  static openInFolder(dir: string, path: string): NodeSqliteDatabase {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const raw = new DatabaseSync(path);
    try {
      chmodSync(path, 0o600);
      // secure_delete: SQLite overwrites what a DELETE frees, so a deleted row's bytes do not stay in the file (N6).
      raw.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON;',
      );
      raw.prepare('SELECT count(*) FROM sqlite_master').get();
      return new NodeSqliteDatabase(raw, dir);
    } catch (error) {
      raw.close();
      throw error;
    }
  }

  /** A database file on its own (a backup copy: a rollback-journal database), secure_delete as in the store. */
  static openFile(path: string): NodeSqliteDatabase {
    const raw = new DatabaseSync(path);
    raw.exec('PRAGMA secure_delete = ON');
    return new NodeSqliteDatabase(raw, null);
  }

  prepare(sql: string): SqlStatement {
    const statement = this.raw.prepare(sql);
    return {
      get: (...params: SqlValue[]) => statement.get(...params),
      all: (...params: SqlValue[]) => statement.all(...params),
      run: (...params: SqlValue[]): SqlRunResult => {
        const result = statement.run(...params);
        return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
      },
    };
  }

  exec(sql: string): void {
    this.raw.exec(sql);
  }

  transaction<T>(work: () => T): T {
    // Inside an outer transaction (a batch import), the work joins it.
    if (this.raw.isTransaction) return work();
    // BEGIN IMMEDIATE: one writer at a time, no lost updates.
    this.raw.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.raw.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.raw.isTransaction) this.raw.exec('ROLLBACK');
      throw error;
    }
  }

  schemaVersion(): number {
    const row = this.raw.prepare('PRAGMA user_version').get();
    const version = row?.['user_version'];
    if (typeof version !== 'number') throw new Error('PRAGMA user_version gave no number');
    return version;
  }

  setSchemaVersion(version: number): void {
    if (!Number.isInteger(version) || version < 0) throw new Error(`not a schema version: ${version}`);
    this.raw.exec(`PRAGMA user_version = ${version}`);
  }

  freeBytes(): number | null {
    if (this.dir === null) return null;
    try {
      const info = statfsSync(this.dir);
      return info.bavail * info.bsize;
    } catch {
      return null;
    }
  }

  /**
   * Copies the WAL into the database file and empties it (TRUNCATE): with
   * secure_delete, what retention deleted is then gone from both files,
   * not left in old WAL frames (security review N6).
   */
  checkpoint(): void {
    this.raw.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
  }

  close(): void {
    if (this.raw.isOpen) this.raw.close();
  }

  get isOpen(): boolean {
    return this.raw.isOpen;
  }

  /** A consistent copy of the live database in `target` (SQLite's online backup); returns the pages copied. */
  backupTo(target: string): Promise<number> {
    return backup(this.raw, target);
  }
}
