/**
 * Stands in for node:sqlite in the inbox-durable tests: workerd has no
 * node:sqlite, and the tests reach the Node entry (intake/src/store.ts)
 * only for its exports, never to open a file. Opening one fails loudly.
 */
function notHere(): never {
  throw new Error('node:sqlite is not in a Durable Object: this test must run on Node only');
}

export class DatabaseSync {
  constructor() {
    notHere();
  }
}

export const backup = notHere;
