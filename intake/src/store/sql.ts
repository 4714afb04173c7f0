/**
 * The one seam between the intake's store and a SQLite: the inbox runs
 * in two homes (issue 20) with the same queries. Self-hosted, on Node,
 * over node:sqlite in a file (store/node-sqlite.ts); hosted, in one
 * Cloudflare Durable Object per recipient, over its SQLite storage
 * (store/durable-sql.ts). Every query of the store, the accounts and the
 * audit log goes through this interface, so neither home has its own copy.
 *
 * The shape is node:sqlite's synchronous one (prepare/get/all/run), which
 * a Durable Object's `storage.sql.exec` also is. What the two SQLites do
 * differently sits behind the methods below instead of in the SQL:
 * transactions (a Durable Object refuses BEGIN, COMMIT and SAVEPOINT), the
 * schema version (a Durable Object refuses PRAGMA user_version), free
 * space and the WAL checkpoint. SQL written against this interface uses
 * no PRAGMA statement and no user-defined function (a Durable Object has
 * neither): what used to be `staff_name()` is opened in JS after the query.
 */

/** A value bound to or read from SQLite. Integers are read as numbers. */
export type SqlValue = string | number | bigint | null | Uint8Array;
export type SqlRow = Record<string, SqlValue>;

export interface SqlRunResult {
  /** Rows the statement inserted, updated or deleted. */
  changes: number;
  /** The rowid of the last row inserted. */
  lastInsertRowid: number;
}

export interface SqlStatement {
  get(...params: SqlValue[]): SqlRow | undefined;
  all(...params: SqlValue[]): SqlRow[];
  run(...params: SqlValue[]): SqlRunResult;
}

export interface SqlDatabase {
  /** Where the database lives. */
  readonly home: 'node' | 'durable-object';
  prepare(sql: string): SqlStatement;
  /** Runs statements without parameters (several, separated by semicolons). */
  exec(sql: string): void;
  /**
   * Runs `work` as one write transaction: all of it or nothing. Called
   * inside another transaction, the work joins it (a batch import holds
   * one transaction around many stores). Node: BEGIN IMMEDIATE (one
   * writer at a time). Durable Object: storage.transactionSync.
   */
  transaction<T>(work: () => T): T;
  /** Which numbered migrations the database has (store/schema.ts). */
  schemaVersion(): number;
  /** Call inside the migration's transaction. */
  setSchemaVersion(version: number): void;
  /** Bytes still free for the database, or null when unknown. */
  freeBytes(): number | null;
  /**
   * Makes what was deleted gone from the files too (Node: the WAL copied
   * into the database and emptied). A Durable Object has no file of its own.
   */
  checkpoint(): void;
  close(): void;
}

/**
 * What a table module (audit.ts, store/vault.ts) needs of the store: its
 * database and its write transaction. An IntakeStore is one; naming only
 * this keeps those modules from importing the store that imports them.
 */
export interface StoreHandle {
  readonly db: SqlDatabase;
  transaction<T>(work: () => T): T;
}
