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
import { inboxAssetsFrom, type InboxAssets } from '../../src/inbox/routes/assets.ts';
import type { DurableStorage } from '../../src/store/durable-sql.ts';
import { IntakeStore } from '../../src/store/intake-store.ts';
import type { TestStore } from '../backend.ts';

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
/** vitest's `it`, with each body run inside its own fresh Durable Object. */
export const it = Object.assign(
  (name: string, body?: TestFunction, timeout?: number) => vitestIt(name, body && inDurableObject(body), timeout),
  {
    each:
      <T>(cases: readonly T[]) =>
      (name: string, body: (value: T) => unknown, timeout?: number) =>
        vitestIt.each(cases)(
          name,
          inDurableObject((value: T) => body(value)),
          timeout,
        ),
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

/** The inbox's CSS and scripts as a Worker has them built in (the browser app is left out: it needs esbuild). */
export function testAssets(): InboxAssets {
  return inboxAssetsFrom({ '/assets/inbox.css': inboxCss, '/assets/inbox.js': inboxJs });
}
