/**
 * The SqlDatabase seam (store/sql.ts) keeps its promises in both homes:
 * this file runs on Node (unit) and inside a Durable Object
 * (inbox-durable), through backend.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect } from 'vitest';
import { SCHEMA_VERSION } from '../src/store/schema.ts';
import { BACKEND, it, openTestStore, type TestStore } from './backend.ts';

let opened: TestStore | undefined;
afterEach(async () => {
  await opened?.cleanup();
  opened = undefined;
});

async function database() {
  opened = await openTestStore(randomBytes(32));
  const { db } = opened.store;
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE, b BLOB) STRICT');
  return Object.assign(db, { store: opened.store });
}

describe(`the store's SQL database (${BACKEND})`, () => {
  it('is the home this project runs, migrated to this version', async () => {
    const db = await database();
    expect(db.home).toBe(BACKEND);
    expect(db.schemaVersion()).toBe(SCHEMA_VERSION);
  });

  it('tells how many rows a write changed and the last rowid', async () => {
    const db = await database();
    expect(db.prepare('INSERT INTO t (v) VALUES (?)').run('a')).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(db.prepare('INSERT INTO t (v) VALUES (?)').run('b')).toEqual({ changes: 1, lastInsertRowid: 2 });
    expect(db.prepare('INSERT OR IGNORE INTO t (v) VALUES (?)').run('a').changes).toBe(0);
    expect(db.prepare(`UPDATE t SET v = v || '!'`).run().changes).toBe(2);
    expect(db.prepare('DELETE FROM t WHERE id = ?').run(5).changes).toBe(0);
  });

  it('reads rows with integers as numbers, text as strings and blobs as bytes', async () => {
    const db = await database();
    db.prepare('INSERT INTO t (v, b) VALUES (?, ?)').run('x', new Uint8Array([1, 2, 255]));
    expect(db.prepare('SELECT id, v, b FROM t').get()).toEqual({ id: 1, v: 'x', b: new Uint8Array([1, 2, 255]) });
    expect(db.prepare('SELECT id FROM t WHERE v = ?').get('none')).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM t').all()).toEqual([{ n: 1 }]);
  });

  it('keeps all of a transaction or nothing, and a nested one joins the outer', async () => {
    const db = await database();
    expect(() =>
      db.transaction(() => {
        db.prepare('INSERT INTO t (v) VALUES (?)').run('kept?');
        db.transaction(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('inner'));
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 0 });
    expect(db.transaction(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('one').changes)).toBe(1);
    expect(db.prepare('SELECT v FROM t').all()).toEqual([{ v: 'one' }]);
  });

  it('refuses a write that breaks a constraint, and the append-only audit trigger holds', async () => {
    const db = await database();
    db.prepare('INSERT INTO t (v) VALUES (?)').run('a');
    expect(() => db.prepare('INSERT INTO t (v) VALUES (?)').run('a')).toThrow(/UNIQUE/);
    db.store.transaction(() => db.prepare(`INSERT INTO audit (seq, at, actor, action, prev, hash) VALUES (1, '', '', '', '', '')`).run());
    expect(() => db.exec(`DELETE FROM audit`)).toThrow(/append-only/);
  });
});
