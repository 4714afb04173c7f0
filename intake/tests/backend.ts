/**
 * The store's home for the intake's tests: on Node, a fresh intake folder
 * with its node:sqlite file. The inbox-durable vitest project (see
 * vitest.config.ts) swaps this module for durable/backend-durable.ts, so
 * the same test bodies run against a Durable Object's SQLite storage.
 * Test files whose bodies run on both import `it` from here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it as vitestIt } from 'vitest';
import { nodeInboxAssets } from '../src/inbox/node-assets.ts';
import type { InboxAssets } from '../src/inbox/asset-source.ts';
import { DATABASE_FILE, IntakeStore } from '../src/store.ts';
import { NodeSqliteDatabase } from '../src/store/node-sqlite.ts';
import type { SqlDatabase } from '../src/store/sql.ts';

export const BACKEND: 'node' | 'durable-object' = 'node';

/** A test; on a Durable Object its body runs inside one fresh object. */
export const it = vitestIt;
/** A test of what only the Node home has (files on disk, the command line): skipped on a Durable Object. */
export const itOnNode = vitestIt;

export interface TestStore {
  store: IntakeStore;
  /** The intake folder ('' in a Durable Object: no folder). */
  dir: string;
  cleanup: () => Promise<void>;
}

/** A fresh, empty store with a store secret. */
export async function openTestStore(storeSecret: Buffer): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-intake-'));
  const store = IntakeStore.open(dir, storeSecret);
  return {
    store,
    dir,
    cleanup: async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface OldDatabase {
  /** Opens it as the store: runs the migrations it lacks (each call opens it again). */
  open: (storeSecret?: Buffer | null) => IntakeStore;
  /** Reads or writes the database as it is, without the store (what a refused open left, a row an old intake wrote). */
  raw: <T>(use: (db: SqlDatabase) => T) => T;
  cleanup: () => Promise<void>;
}

/**
 * A database as an older intake left it: `sql` (a dump: on a Durable
 * Object without its PRAGMA and BEGIN/COMMIT lines) run on an empty
 * database of this home, at `schemaVersion` (0: before numbered migrations).
 */
export async function oldDatabase(sql: string, schemaVersion = 0): Promise<OldDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-migrations-'));
  const raw = <T>(use: (db: SqlDatabase) => T): T => {
    const db = NodeSqliteDatabase.openFile(join(dir, DATABASE_FILE));
    try {
      return use(db);
    } finally {
      db.close();
    }
  };
  raw((db) => {
    db.exec(sql);
    if (schemaVersion) db.setSchemaVersion(schemaVersion);
  });
  return {
    open: (storeSecret = null) => IntakeStore.open(dir, storeSecret),
    raw,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The inbox's CSS and scripts as its home serves them. */
export function testAssets(): InboxAssets {
  return nodeInboxAssets();
}
