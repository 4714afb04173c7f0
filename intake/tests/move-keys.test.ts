/**
 * `intake move-keys` (issue 19, part 6) on a store made by the
 * passphrase-model intake (fixtures/old-store, made by make-old-store.ts):
 * the first run lets serve start, the administrator sets up the vault (in
 * Node, as the browser does), the second run moves everything; afterwards
 * the recovery code alone opens every request, note and reply, and the
 * passphrase-wrapped files are gone. A wrong passphrase or code changes
 * nothing.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEnvelope } from '../../protocol/envelope-open.ts';
import { verifyReplyPost } from '../../protocol/reply-post.ts';
import { Accounts } from '../src/accounts.ts';
import { verifyAudit } from '../src/audit.ts';
import { runCli } from '../src/cli.ts';
import { loadStoreSecret } from '../src/keys/store-secret.ts';
import { moveKeys, MoveKeysError, type MoveKeysOptions } from '../src/migrate/move-keys.ts';
import type { OutgoingReply } from '../src/reply-writer.ts';
import { DATABASE_FILE, IntakeStore } from '../src/store.ts';
import { openGrant, openNote, openRecord, recoveryKeyPair, unwrapRecipientKey, vaultKeysFrom } from '../src/team-vault/index.ts';
import { setUpVault, type BrowserVault } from './browser-vault.ts';
import { databaseCells, findSentinels, keyCandidates, readTree, targetsFromDatabase, tryEveryKey } from './stolen-copy.ts';

const fixtureDir = join(import.meta.dirname, 'fixtures', 'old-store');
type Entry = { ref: string; id: string; kid: string; message: string };
const fixture = JSON.parse(readFileSync(join(fixtureDir, 'old-store.json'), 'utf8')) as {
  passphrase: string;
  keys: { kid: string; publicKey: string }[];
  staff: { id: number; name: string };
  requests: Record<'sv' | 'ar' | 'so' | 'followUp', Entry>;
  notes: { ref: string; text: string }[];
  replies: Record<'delivered' | 'waiting', { id: string; ref: string; kid: string; text: string }>;
};
const RELY = { id: 'localhost', name: 'Utväg', origin: 'http://localhost' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'utvag-move-keys-'));
  const db = new DatabaseSync(join(dir, DATABASE_FILE));
  db.exec(readFileSync(join(fixtureDir, 'intake.sql'), 'utf8'));
  db.close();
  // git keeps no modes: the key folder and files get the owner-only modes the intake made them with.
  await mkdir(join(dir, 'keys'), { mode: 0o700 });
  for (const name of await readdir(join(fixtureDir, 'keys'))) {
    await copyFile(join(fixtureDir, 'keys', name), join(dir, 'keys', name));
    await chmod(join(dir, 'keys', name), 0o600);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const never = () => Promise.reject(new Error('not asked for'));
const run = (passphrase: string, code: string | null): Promise<Awaited<ReturnType<typeof moveKeys>>> => {
  const options: MoveKeysOptions = {
    dir,
    passphrase: () => Promise.resolve(passphrase),
    recoveryCode: code === null ? never : () => Promise.resolve(code),
  };
  return moveKeys(options);
};

/** First run (no vault yet), then the administrator's setup; the store stays open as a running serve's would. */
async function prepareAndSetUp(): Promise<{ store: IntakeStore; browser: BrowserVault }> {
  expect(await run(fixture.passphrase, null)).toEqual({ status: 'prepared' });
  const store = IntakeStore.open(dir, await loadStoreSecret(dir));
  return { store, browser: await setUpVault(store, fixture.staff.id) };
}

/** Everything on disk that move-keys could change: the key files and every table's rows. */
async function snapshot(): Promise<string> {
  const files: string[] = [];
  for (const name of (await readdir(join(dir, 'keys'))).sort()) {
    files.push(
      `${name}:${createHash('sha256')
        .update(await readFile(join(dir, 'keys', name)))
        .digest('hex')}`,
    );
  }
  const db = new DatabaseSync(join(dir, DATABASE_FILE), { readOnly: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map(
      ({ name }) => [name, db.prepare(`SELECT * FROM "${name}"`).all()],
    );
    return JSON.stringify({ files, tables });
  } finally {
    db.close();
  }
}

describe('intake move-keys', () => {
  it('moves every key, note and reply of an old store into the vault; the recovery code alone then opens everything', async () => {
    const { store, browser } = await prepareAndSetUp();
    try {
      const result = await run(fixture.passphrase, browser.recoveryCode.toLowerCase().replaceAll('-', ' '));
      expect(result).toEqual({ status: 'moved', keys: 2, notes: 2, replies: 2, signed: 1, unsigned: 0, erased: 3 });

      // The old wrapped files are gone; the store secret is plain and owner-only; the passphrase is needed no more.
      expect((await readdir(join(dir, 'keys'))).sort()).toEqual(['store-secret.key']);
      expect((await stat(join(dir, 'keys', 'store-secret.key'))).mode & 0o777).toBe(0o600);

      // Only the vault now: V from the recovery code, every recipient key from V.
      const recovery = await recoveryKeyPair(browser.recoveryCode);
      const vault = await vaultKeysFrom(await openGrant(store.vault.recoveryGrant()!, recovery.privateKey, 'recovery'), 1);
      const stored = store.vault.keys();
      expect(stored.map((k) => k.kid).sort()).toEqual([...fixture.keys.map((k) => k.kid), browser.newKey.kid].sort());
      const ring = new Map<string, CryptoKey>();
      for (const key of stored) ring.set(key.kid, (await unwrapRecipientKey(vault, key.kid, key.wrapped)).hpke);

      const envelopes = store.db.prepare('SELECT ref, body FROM envelopes ORDER BY ref').all() as { ref: string; body: string }[];
      expect(envelopes).toHaveLength(Object.keys(fixture.requests).length);
      for (const entry of Object.values(fixture.requests)) {
        const body = envelopes.find((e) => e.ref === entry.ref)!.body;
        const opened = await openEnvelope(JSON.parse(body), ring);
        expect({ id: opened.id, message: opened.message }).toEqual({ id: entry.id, message: entry.message });
      }
      // Old requests can now be deduplicated without opening them.
      expect(store.db.prepare('SELECT count(*) AS n FROM requests WHERE body_hash IS NULL').get()).toEqual({ n: 0 });

      const notes = store.notes(fixture.requests.sv.ref);
      expect(notes.map((n) => n.gen)).toEqual([1, 1]);
      expect(await Promise.all(notes.map((n) => openNote(vault, fixture.requests.sv.ref, n.box)))).toEqual(
        fixture.notes.map((n) => n.text),
      );

      const replies = store.replies(fixture.requests.sv.ref);
      expect(replies.map((r) => [r.id, r.gen, r.state])).toEqual([
        [fixture.replies.delivered.id, 1, 'delivered'],
        [fixture.replies.waiting.id, 1, 'waiting'],
      ]);
      const records = await Promise.all(
        replies.map(async (r) => (await openRecord(vault, fixture.requests.sv.ref, r.id, r.box)) as OutgoingReply),
      );
      expect(records.map((r) => r.message.text?.body)).toEqual([fixture.replies.delivered.text, fixture.replies.waiting.text]);

      // The waiting reply is signed with its recipient key, so the running server can post it as it is.
      const waiting = store.waitingReplies();
      expect(waiting.map((w) => w.id)).toEqual([fixture.replies.waiting.id]);
      const senderKey = fixture.keys.find((k) => k.kid === fixture.replies.waiting.kid)!.publicKey;
      expect(await verifyReplyPost(waiting[0]!.postBody!, waiting[0]!.postSignature, senderKey)).toBe(true);
      expect(JSON.parse(waiting[0]!.postBody!)).toMatchObject({ mailbox: records[1]!.mailbox, reply: records[1]!.reply });

      // Nothing old is left under the store secret, names still read, the audit chain holds with the move in it.
      expect(
        store.db
          .prepare('SELECT (SELECT count(*) FROM notes WHERE gen IS NULL) + (SELECT count(*) FROM replies WHERE gen IS NULL) AS n')
          .get(),
      ).toEqual({ n: 0 });
      expect(new Accounts(store, RELY).staff(fixture.staff.id)?.name).toBe(fixture.staff.name);
      expect(verifyAudit(store)).toMatchObject({ ok: true });
      expect(store.db.prepare(`SELECT detail FROM audit WHERE action = 'keys_moved'`).all()).toEqual([
        { detail: 'keys:2 notes:2 replies:2 gen:1' },
      ]);
    } finally {
      store.close();
    }
    // What is left on the server opens nothing: no old text in clear, no key in the folder opens a row.
    const left = await readTree(dir);
    const texts = [
      ...Object.values(fixture.requests).map((r) => r.message),
      ...fixture.notes.map((n) => n.text),
      fixture.replies.waiting.text,
      fixture.replies.delivered.text,
    ];
    expect(findSentinels(left, texts)).toEqual([]);
    expect(
      await tryEveryKey(
        keyCandidates(left, databaseCells(join(dir, DATABASE_FILE))),
        targetsFromDatabase(join(dir, DATABASE_FILE), 'moved'),
      ),
    ).toEqual([]);
    // A second run has nothing to do, and asks for nothing.
    const before = await snapshot();
    expect(await moveKeys({ dir, passphrase: never, recoveryCode: never })).toEqual({ status: 'nothing_to_move' });
    expect(await snapshot()).toBe(before);
  });

  it('a run cut short after its commit (the wrapped files still there) finishes the erasing and moves nothing twice', async () => {
    const { store, browser } = await prepareAndSetUp();
    store.close();
    expect(await run(fixture.passphrase, browser.recoveryCode)).toMatchObject({ status: 'moved', keys: 2 });
    // As if the process had died before erasing: the wrapped files are back.
    for (const name of await readdir(join(fixtureDir, 'keys'))) {
      await copyFile(join(fixtureDir, 'keys', name), join(dir, 'keys', name));
      await chmod(join(dir, 'keys', name), 0o600);
    }
    expect(await run(fixture.passphrase, browser.recoveryCode)).toEqual({
      status: 'moved',
      keys: 0,
      notes: 0,
      replies: 0,
      signed: 0,
      unsigned: 0,
      erased: 3,
    });
    expect(await readdir(join(dir, 'keys'))).toEqual(['store-secret.key']);
    const again = IntakeStore.open(dir, await loadStoreSecret(dir));
    try {
      expect(again.vault.keys()).toHaveLength(3);
      const vault = await vaultKeysFrom(
        await openGrant(again.vault.recoveryGrant()!, (await recoveryKeyPair(browser.recoveryCode)).privateKey, 'recovery'),
        1,
      );
      const notes = again.notes(fixture.requests.sv.ref);
      expect(await Promise.all(notes.map((n) => openNote(vault, fixture.requests.sv.ref, n.box)))).toEqual(
        fixture.notes.map((n) => n.text),
      );
    } finally {
      again.close();
    }
  });

  it('runs as `intake move-keys` with --passphrase-file and --recovery-code-file: one line for a wrong code, then the move', async () => {
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(`out: ${line}`), err: (line: string) => lines.push(`err: ${line}`) };
    const passphraseFile = join(dir, 'passphrase');
    const codeFile = join(dir, 'recovery-code');
    await writeFile(passphraseFile, `${fixture.passphrase}\n`, { mode: 0o600 });
    const cli = () => runCli(['move-keys', '--dir', dir, '--passphrase-file', passphraseFile, '--recovery-code-file', codeFile], io, {});
    await writeFile(codeFile, 'not needed yet\n', { mode: 0o600 });
    expect(await cli()).toBe(0);
    expect(lines.shift()).toMatch(/^out: The store secret is now in .*store-secret\.key/);
    const { store, browser } = await prepareAndSetUp();
    store.close();
    lines.length = 0;
    await writeFile(codeFile, 'ABCD-EFGH\n');
    expect(await cli()).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^err: That is not a recovery code .* Nothing was changed\.$/)]);
    lines.length = 0;
    await writeFile(codeFile, `${browser.recoveryCode}\n`);
    expect(await cli()).toBe(0);
    expect(lines).toEqual([
      'out: Moved into the team vault: 2 key(s), 2 note(s), 2 reply record(s).',
      'out: 1 waiting reply(s) signed for delivery.',
      'out: Erased 3 file(s) wrapped with the passphrase. The passphrase is no longer needed: remove it from the server.',
    ]);
    lines.length = 0;
    expect(await cli()).toBe(0);
    expect(lines).toEqual(['out: Nothing left to move: this intake has no keys wrapped with a passphrase.']);
  });

  it('a wrong passphrase or a wrong recovery code changes nothing and says so in one line', async () => {
    // Before the vault: a wrong passphrase writes no store secret.
    const untouched = await snapshot();
    await expect(run('not the passphrase at all', null)).rejects.toThrow(/^The passphrase is wrong: .* Nothing was changed\.$/);
    expect(await snapshot()).toBe(untouched);

    const { store, browser } = await prepareAndSetUp();
    store.close();
    const before = await snapshot();
    const attempts: [string, string, RegExp][] = [
      ['not the passphrase at all', browser.recoveryCode, /^The passphrase is wrong: .* Nothing was changed\.$/],
      [fixture.passphrase, 'ABCD-EFGH', /^That is not a recovery code .* Nothing was changed\.$/],
      // Another intake's code (well-formed, not this one's).
      [fixture.passphrase, (await setUpElsewhere()).recoveryCode, /^The recovery code is wrong: .* Nothing was changed\.$/],
    ];
    for (const [passphrase, code, message] of attempts) {
      const error = await run(passphrase, code).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MoveKeysError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
      expect(await snapshot()).toBe(before);
    }
    // A plain store secret that is not the wrapped one (a folder mixed up with another): refused before anything moves.
    const plain = join(dir, 'keys', 'store-secret.key');
    const right = await readFile(plain, 'utf8');
    await writeFile(plain, `${Buffer.alloc(32, 9).toString('base64url')}\n`);
    const mixedUp = await snapshot();
    await expect(run(fixture.passphrase, browser.recoveryCode)).rejects.toThrow(
      /holds another store secret than the wrapped one\. Nothing was changed/,
    );
    expect(await snapshot()).toBe(mixedUp);
    await writeFile(plain, right);
    // The right pair still moves everything afterwards.
    expect(await run(fixture.passphrase, browser.recoveryCode)).toMatchObject({ status: 'moved', keys: 2, notes: 2, replies: 2 });
  });
});

/** A vault set up in another, empty intake: its recovery code is well-formed but not this intake's. */
async function setUpElsewhere(): Promise<BrowserVault> {
  const other = await mkdtemp(join(tmpdir(), 'utvag-move-keys-other-'));
  const store = IntakeStore.open(other, Buffer.alloc(32, 1));
  try {
    const admin = new Accounts(store, RELY).createStaff('Annan', 'admin');
    return await setUpVault(store, admin.id);
  } finally {
    store.close();
    await rm(other, { recursive: true, force: true });
  }
}
