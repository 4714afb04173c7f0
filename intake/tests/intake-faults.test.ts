/**
 * The intake's faults without the Worker: a corrupt database, a full disk,
 * an expired invitation, a tampered audit line through the CLI, a bounded
 * quarantine, the import of a version-1 file inbox, and the push route's
 * answers (one authentication call, no write before it).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { importPrivateKey, keyRing } from '../../protocol/envelope-open.ts';
import { Accounts } from '../src/accounts.ts';
import { appendAudit } from '../src/audit.ts';
import { runCli } from '../src/cli.ts';
import { importFileInbox, type QuarantinedBody, type StoredRequest } from '../../intake/src/legacy/v1-file-inbox.ts';
import { generateWrappedKey, unlockVault } from '../src/key-vault.ts';
import { fixedRecipientDirectory, NO_RECIPIENTS } from '../src/promise.ts';
import { generateSigningKey, importSigningKey, importVerifyKey, receiverAuth, signPush, verifyReceipt } from '../../protocol/push-auth.ts';
import { createPushApp } from '../../intake/src/receiver/push-app.ts';
import { IntakeStore, StoreError } from '../src/store.ts';
import { relyingParty } from '../src/service.ts';
import { holdVault, openStored, sampleRequest } from './helpers.ts';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const PASSPHRASE = 'a passphrase for the tests';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'utvag-faults-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** An intake whose vault holds one recipient key; `keys` opens envelopes as a browser would. */
async function intake() {
  const dir = await tempDir();
  const pair = await generateRecipientKeyPair();
  const store = IntakeStore.open(dir, randomBytes(32), { count: 3, bytes: 1_000_000 });
  cleanups.push(() => store.close());
  await holdVault(store, pair);
  const keys = keyRing([await importPrivateKey(pair.privateJwk)]);
  return { dir, key: { kid: pair.kid, publicKey: pair.publicKey }, keys, store };
}

function silent() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('faults', () => {
  it('a corrupt database is refused with a clear message and left as it was', async () => {
    const dir = await tempDir();
    const garbage = Buffer.from('this is not an SQLite database, but someone wrote it here'.repeat(100));
    await writeFile(join(dir, 'intake.db'), garbage);
    let error: unknown;
    try {
      IntakeStore.open(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('corrupt');
    expect((error as Error).message).toMatch(/damaged.*restore the last backup/);
    expect(await readFile(join(dir, 'intake.db'))).toEqual(garbage);
  });

  it('answers 507 before writing when the disk is nearly full, and a signed receipt once there is room', async () => {
    const { store, key } = await intake();
    const worker = await generateSigningKey();
    const stranger = await generateSigningKey();
    const receipt = await generateSigningKey();
    const pushAuth = await receiverAuth('stockholm', [worker.publicKey], receipt.privateJwk);
    const app = createPushApp({ store, recipients: NO_RECIPIENTS, pushAuth, log: () => undefined });
    const body = JSON.stringify(await sealRequest(sampleRequest(), key));
    const workerKey = await importSigningKey(worker.privateJwk);
    const post = async (b: string, headers: Record<string, string>) =>
      app.request('/push', { method: 'POST', body: b, headers: { 'content-type': 'application/json', ...headers } });
    const realFree = store.freeBytes.bind(store);
    store.freeBytes = () => 1024;
    expect((await post(body, (await signPush(workerKey, 'stockholm', body)).headers)).status).toBe(507);
    expect(store.count()).toBe(0);
    store.freeBytes = realFree;
    expect((await post(body, {})).status).toBe(401);
    expect((await post(body, (await signPush(await importSigningKey(stranger.privateJwk), 'stockholm', body)).headers)).status).toBe(401);
    expect((await post(body, (await signPush(workerKey, 'malmo', body)).headers)).status).toBe(403);
    expect(store.count()).toBe(0);
    // Stored, then a duplicate: both with a receipt for that very push, signed by the receipt key.
    for (const [status, kind] of [
      [201, 'stored'],
      [200, 'duplicate'],
    ] as const) {
      const push = await signPush(workerKey, 'stockholm', body);
      const answer = await post(body, push.headers);
      expect(answer.status).toBe(status);
      expect(await verifyReceipt(await importVerifyKey(receipt.publicKey), push, await answer.text())).toBe(kind);
    }
    expect(store.count()).toBe(1);
  });

  it('an expired invitation is refused', async () => {
    const { store } = await intake();
    const accounts = new Accounts(store, relyingParty('http://localhost:1'));
    const staff = accounts.createStaff('Eva', 'staff');
    const token = accounts.invite(staff.id, new Date('2026-01-01T00:00:00Z'));
    expect(accounts.checkInvite(token, new Date('2026-01-02T00:00:00Z')).id).toBe(staff.id);
    expect(() => accounts.checkInvite(token, new Date('2026-01-05T00:00:00Z'))).toThrow('invite_expired');
    expect(() => accounts.checkInvite('nonsense')).toThrow('invite_unknown');
  });

  it('`audit verify` passes an intact log and fails (exit 1) on a changed line', async () => {
    const { dir, store } = await intake();
    for (const action of ['opened', 'claimed', 'status_changed'] as const) appendAudit(store, 'staff:1', action, 'r1');
    const ok = silent();
    expect(await runCli(['audit', 'verify', '--dir', dir], ok.io)).toBe(0);
    expect(ok.out.join('\n')).toMatch(/3 line\(s\), chain intact/);
    store.db.exec('DROP TRIGGER audit_append_only_update');
    store.db.exec(`UPDATE audit SET ref = 'r2' WHERE seq = 3`);
    const broken = silent();
    expect(await runCli(['audit', 'verify', '--dir', dir], broken.io)).toBe(1);
    expect(broken.err.join('\n')).toMatch(/BROKEN at line 3/);
  });

  it('keeps quarantine within its bounds and counts what it did not keep', async () => {
    const { store } = await intake();
    for (let n = 0; n < 5; n++) store.quarantine(`{"garbage":${n}}`, 'decrypt_failed');
    expect(store.quarantineSummary()).toMatchObject({ kept: 3, byCode: [{ code: 'decrypt_failed', seen: 5, dropped: 2 }] });
  });

  it('imports a version-1 file inbox without loss, and deletes the plaintext only when asked', async () => {
    const { dir, store, keys } = await intake();
    // A version-1 folder as the first intake wrote it: two requests (one done), each with
    // its readable .txt, and one quarantined body.
    const open = sampleRequest('still open');
    const done = sampleRequest('already done');
    const write = async (folder: string, name: string, value: unknown) => {
      await mkdir(join(dir, folder), { recursive: true });
      await writeFile(join(dir, folder, name), typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
    };
    for (const [folder, request] of [
      ['inbox', open],
      ['done', done],
    ] as const) {
      const stored: StoredRequest = { v: 1, receivedAt: '2026-11-30T10:00:00.000Z', kid: 'old-plain-key', request };
      await write(folder, `${request.id}.json`, stored);
      await write(folder, `${request.id}.txt`, `Contact request ${request.receipt}\n`);
    }
    const kept: QuarantinedBody = { receivedAt: '2026-11-30T11:00:00.000Z', code: 'decrypt_failed', body: '{"v":1,"kid":"x"}' };
    await write('quarantine', `${'0'.repeat(64)}.json`, kept);
    const recipients = fixedRecipientDirectory({}, {});
    const first = await importFileInbox(dir, store, recipients, { deletePlaintext: false });
    expect(first).toEqual({ imported: 2, duplicates: 0, quarantined: 1, keptFiles: [] });
    const again = await importFileInbox(dir, store, recipients, { deletePlaintext: true });
    expect(again).toMatchObject({ imported: 0, duplicates: 2 });
    expect(await readdir(join(dir, 'inbox'))).toEqual([]);
    expect(await readdir(join(dir, 'done'))).toEqual([]);
    // Sealed to the vault's key: they open in the browser.
    const openRows = store.listOpen();
    expect(openRows).toHaveLength(1);
    expect((await openStored({ store, keys }, openRows[0]!.ref)).request).toEqual(open);
    const closed = store.listClosed();
    expect((await openStored({ store, keys }, closed[0]!.ref)).request).toEqual(done);
  });
});

describe('sign-in limit', () => {
  it('allows a few attempts a minute per client and in all, then refuses until the minute has passed', async () => {
    const { SignInLimiter } = await import('../src/accounts.ts');
    const limiter = new SignInLimiter(3, 5);
    const t = 1_000_000;
    expect([1, 2, 3, 4].map((i) => limiter.allow('a', t + i))).toEqual([true, true, true, false]);
    expect([1, 2, 3].map((i) => limiter.allow(`other-${i}`, t + 10 + i))).toEqual([true, true, false]);
    expect(limiter.allow('a', t + 61_000)).toBe(true);
  });
});

describe('staff and keys', () => {
  it('removing someone signs them out everywhere, deletes their passkeys and gives their claims back to the team', async () => {
    const { store, key } = await intake();
    const accounts = new Accounts(store, relyingParty('http://localhost:1'));
    const staff = accounts.createStaff('Leaving Person', 'staff');
    const { ref } = (await store.receive(JSON.stringify(await sealRequest(sampleRequest(), key)), NO_RECIPIENTS)) as {
      ref: string;
    };
    store.claim(ref, staff.id);
    store.db
      .prepare(`INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at) VALUES ('h', ?, 'c', 0, ?)`)
      .run(staff.id, Date.now() + 3_600_000);
    store.db
      .prepare(`INSERT INTO passkeys (id, staff_id, public_key, counter, transports, created_at) VALUES ('pk', ?, 'x', 0, '[]', 0)`)
      .run(staff.id);
    accounts.removeStaff(staff.id);
    expect(store.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    expect(store.db.prepare('SELECT count(*) AS n FROM passkeys').get()).toEqual({ n: 0 });
    expect(store.get(ref)).toMatchObject({ status: 'new', claimedBy: null });
    expect(accounts.activeStaff().map((s) => s.name)).not.toContain('Leaving Person');
  });

  it('`keys` lists the public keys the vault holds, for recipients.json, without any passphrase', async () => {
    const { dir, key, store } = await intake();
    const listed = silent();
    expect(await runCli(['keys', '--dir', dir], listed.io)).toBe(0);
    const text = listed.out.join('\n');
    expect(text).toContain(`${key.kid}  ends 2099-12-31`);
    expect(JSON.parse(text.slice(text.indexOf('[')))).toEqual([{ publicKey: key.publicKey, notAfter: '2099-12-31' }]);
    store.db.prepare('DELETE FROM vault_keys').run();
    const none = silent();
    expect(await runCli(['keys', 'list', '--dir', dir], none.io)).toBe(0);
    expect(none.out.join('\n')).toMatch(/No keys yet/);
  });

  it('retires a key only after its end plus the grace days', async () => {
    const dir = await tempDir();
    const { retireKeys, listWrappedKeys } = await import('../src/key-vault.ts');
    const old = await generateWrappedKey(dir, PASSPHRASE, '2026-01-01', FAST);
    const current = await generateWrappedKey(dir, PASSPHRASE, '2026-04-01', FAST);
    expect(await retireKeys(dir, 60, new Date('2026-02-15T00:00:00Z'))).toEqual([]);
    expect(await retireKeys(dir, 60, new Date('2026-03-05T00:00:00Z'))).toEqual([old.kid]);
    expect((await listWrappedKeys(dir)).map((k) => k.kid)).toEqual([current.kid]);
    expect((await unlockVault(dir, PASSPHRASE)).keys.map((k) => k.kid)).toEqual([current.kid]);
  });
});
