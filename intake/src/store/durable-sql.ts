/**
 * The store's hosted home: a Cloudflare Durable Object's own SQLite
 * storage (one object per recipient, issue 20), behind the SqlDatabase
 * seam (store/sql.ts). `storage.sql.exec` runs one query at a time; a
 * Durable Object refuses BEGIN, COMMIT, SAVEPOINT and most PRAGMAs, so:
 *
 *   transactions   storage.transactionSync (nested calls join the outer one,
 *                  as on Node)
 *   changes, rowid read with SQL (changes(), last_insert_rowid()) right
 *                  after the write, in the same synchronous turn
 *   schema version a one-row table, `store_schema`, instead of
 *                  PRAGMA user_version
 *   free space     unknown (null): the platform bounds each object's storage;
 *                  a write beyond it fails as SQLITE_FULL (StoreError disk_full)
 *   checkpoint     nothing to do: the platform keeps the files
 *
 * The storage type is written here as the few members this adapter uses,
 * not imported from @cloudflare/workers-types: the intake's Node type
 * check then needs no Worker types, and a DurableObjectStorage fits it.
 */
import type { SqlDatabase, SqlRow, SqlRunResult, SqlStatement, SqlValue } from './sql.ts';

/** What a Durable Object's storage binds and returns. */
type DurableValue = ArrayBuffer | string | number | null;

/** The members of DurableObjectStorage this adapter uses. */
export interface DurableStorage {
  sql: {
    exec(query: string, ...bindings: DurableValue[]): { toArray(): Record<string, DurableValue>[] };
  };
  transactionSync<T>(closure: () => T): T;
}

function bind(value: SqlValue): DurableValue {
  if (value instanceof Uint8Array) return value.slice().buffer;
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      throw new RangeError('integer too large to bind');
    return Number(value);
  }
  return value;
}

function rowOf(row: Record<string, DurableValue>): SqlRow {
  const out: SqlRow = {};
  for (const [name, value] of Object.entries(row)) out[name] = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
  return out;
}

export class DurableSqlDatabase implements SqlDatabase {
  readonly home = 'durable-object';
  private readonly storage: DurableStorage;
  private depth = 0;

  constructor(storage: DurableStorage) {
    this.storage = storage;
    this.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS store_schema (only INTEGER PRIMARY KEY CHECK (only = 1), version INTEGER NOT NULL) STRICT',
    );
  }

  private query(sql: string, params: SqlValue[]): SqlRow[] {
    return this.storage.sql
      .exec(sql, ...params.map(bind))
      .toArray()
      .map(rowOf);
  }

  prepare(sql: string): SqlStatement {
    return {
      get: (...params) => this.query(sql, params)[0],
      all: (...params) => this.query(sql, params),
      run: (...params): SqlRunResult => {
        this.query(sql, params);
        const row = this.storage.sql.exec('SELECT changes() AS changes, last_insert_rowid() AS id').toArray()[0];
        return { changes: Number(row?.['changes'] ?? 0), lastInsertRowid: Number(row?.['id'] ?? 0) };
      },
    };
  }

  exec(sql: string): void {
    this.storage.sql.exec(sql).toArray();
  }

  transaction<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.depth++;
    try {
      return this.storage.transactionSync(work);
    } finally {
      this.depth--;
    }
  }

  schemaVersion(): number {
    const row = this.storage.sql.exec('SELECT version FROM store_schema WHERE only = 1').toArray()[0];
    return typeof row?.['version'] === 'number' ? row['version'] : 0;
  }

  setSchemaVersion(version: number): void {
    if (!Number.isInteger(version) || version < 0) throw new Error(`not a schema version: ${version}`);
    this.storage.sql.exec(
      'INSERT INTO store_schema (only, version) VALUES (1, ?) ON CONFLICT (only) DO UPDATE SET version = excluded.version',
      version,
    );
  }

  freeBytes(): number | null {
    return null;
  }

  checkpoint(): void {}

  close(): void {}
}
