/**
 * The store's hosted home for the intake's tests (the inbox-durable vitest
 * project puts this module where ../backend.ts is): each test runs inside a
 * fresh Durable Object of its own (TestInbox, test-inbox.ts), and the
 * store is opened on that object's SQLite storage with
 * IntakeStore.onDurable, as the hosted inbox opens it.
 *
 * Why the whole test body runs inside the object: workerd refuses a
 * Durable Object's storage from outside its own context ("Cannot perform
 * I/O on behalf of a different Durable Object"), so the test's calls to
 * the store must be made there.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { it as vitestIt, type TestFunction } from 'vitest';
import inboxCss from '../../src/inbox/assets/inbox.css?raw';
import inboxJs from '../../src/inbox/assets/inbox.js?raw';
import { inboxAssetsFrom, type InboxAssets } from '../../src/inbox/asset-source.ts';
import { DurableSqlDatabase, type DurableStorage } from '../../src/store/durable-sql.ts';
import type { SqlDatabase } from '../../src/store/sql.ts';
import { IntakeStore } from '../../src/store/intake-store.ts';
import type { OldDatabase, TestStore } from '../backend.ts';

export const BACKEND: 'node' | 'durable-object' = 'durable-object';

/** The running test's Durable Object storage, and whether a store is open on it. */
let current: { storage: DurableStorage; opened: boolean } | null = null;

function inDurableObject<Args extends unknown[]>(body: (...args: Args) => unknown) {
  return async (...args: Args) => {
    const stub = env.TEST_INBOX.get(env.TEST_INBOX.newUniqueId());
    await runInDurableObject(stub, async (_instance, state) => {
      current = { storage: state.storage, opened: false };
      try {
        await body(...args);
      } finally {
        current = null;
      }
    });
  };
}

type It = typeof vitestIt;
/**
 * vitest's `it`, with each body run inside its own fresh Durable Object:
 * `it(name, body, timeout?)` and `it.skip` (anything else of vitest's
 * `it`, such as `it.each`, is not here yet, and fails when called).
 */
export const it = Object.assign(
  (name: string, body?: TestFunction, timeout?: number) => vitestIt(name, body && inDurableObject(body), timeout),
  {
    skip: vitestIt.skip,
  },
) as unknown as It;

/** A test of what only the Node home has (files on disk, the command line): skipped here. */
export const itOnNode = vitestIt.skip;

/** A fresh, empty store on the test's Durable Object (one per test: the object has one storage). */
export async function openTestStore(storeSecret: Buffer): Promise<TestStore> {
  if (!current) throw new Error('a Durable Object store is opened inside a test (import `it` from backend.ts)');
  if (current.opened) throw new Error('one store per test on a Durable Object');
  current.opened = true;
  const store = IntakeStore.onDurable(current.storage, { storeSecret });
  return { store, dir: '', cleanup: async () => store.close() };
}

/** A database as an older intake left it (see ../backend.ts), on the test's Durable Object. */
export async function oldDatabase(sql: string, schemaVersion = 0): Promise<OldDatabase> {
  if (!current) throw new Error('a Durable Object database is made inside a test (import `it` from backend.ts)');
  const { storage } = current;
  const raw = <T>(use: (db: SqlDatabase) => T): T => use(new DurableSqlDatabase(storage));
  // A Durable Object refuses a dump's PRAGMA and BEGIN/COMMIT lines; its writes in one turn are atomic anyway.
  const statements = sql
    .split('\n')
    .filter((line) => !/^(PRAGMA [a-z_]+ ?= ?[A-Z0-9]+|BEGIN TRANSACTION|COMMIT);$/.test(line.trim()))
    .join('\n');
  raw((db) => {
    db.exec(statements);
    if (schemaVersion) db.setSchemaVersion(schemaVersion);
  });
  return { open: (storeSecret = null) => IntakeStore.onDurable(storage, { storeSecret }), raw, cleanup: async () => undefined };
}

/** The inbox's CSS and scripts as a Worker has them built in (the browser app is left out: it needs esbuild). */
export function testAssets(): InboxAssets {
  return inboxAssetsFrom({ '/assets/inbox.css': inboxCss, '/assets/inbox.js': inboxJs });
}
