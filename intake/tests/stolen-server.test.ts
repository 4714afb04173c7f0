/**
 * The stolen-server test (issue 19, part 5): a whole workflow through the
 * real inbox and push receiver apps (app.request), with everything sealed
 * as the browser seals it: the vault set up, a member given access,
 * requests in Swedish, Arabic and Somali with sentinel strings, notes, a
 * reply, an export, the member removed with a new generation, a request
 * after that. Then the thief's copy: the intake folder as it lies while the
 * server runs (database, WAL, key files), a backup made by `intake backup`,
 * and the environment the server was started with. No sentinel is in it in
 * clear or encoded, and no key-shaped thing in it opens any envelope,
 * grant or box (stolen-copy.ts). Controls show the search would find one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecipientKeyPair, sealRequest, type PrivateKeyJwk } from '../../protocol/envelope.ts';
import { openEnvelope } from '../../protocol/envelope-open.ts';
import { generateSigningKey, importSigningKey, signPush } from '../../protocol/push-auth.ts';
import { deriveReplyKeys } from '../../protocol/reply-keys.ts';
import { replyPostBody, signReplyPost } from '../../protocol/reply-post.ts';
import { createRequest, type ContactRequest } from '../../protocol/request.ts';
import { textMeAnswers } from '../../tools/dev/sample-request.ts';
import { Accounts } from '../src/accounts.ts';
import { runCli } from '../src/cli.ts';
import { createInboxApp, SESSION_COOKIE } from '../src/inbox/app.ts';
import { loadStoreSecret } from '../src/keys/store-secret.ts';
import { NO_RECIPIENTS } from '../src/promise.ts';
import { ensureReceiptKey, loadReceiverAuth } from '../src/push-keys.ts';
import { createPushApp } from '../src/receiver/push-app.ts';
import { replyDraft, writeReply } from '../src/reply-writer.ts';
import { relyingParty } from '../src/service.ts';
import { DATABASE_FILE, IntakeStore } from '../src/store.ts';
import {
  newMemberKey,
  newVaultKeyBytes,
  openPrevious,
  sealGrant,
  sealNote,
  sealPrevious,
  sealRecord,
  unlockKeyFromPrf,
  unwrapRecipientKey,
  vaultKeysFrom,
  wrapRecipientKey,
  type VaultKeys,
} from '../src/team-vault/index.ts';
import { nodeInboxAssets } from '../src/inbox/node-assets.ts';
import { browserSetup } from './browser-vault.ts';
import {
  databaseCells,
  findSentinels,
  keyCandidates,
  readTree,
  targetsFromDatabase,
  tryEveryKey,
  type StolenFile,
  type Targets,
} from './stolen-copy.ts';

const ORIGIN = 'http://localhost:8788';
const RECIPIENT = 'stockholm';
const SENTINELS = {
  sv: 'SENTINEL-sv-request-4d1f',
  ar: 'SENTINEL-ar-request-92be',
  so: 'SENTINEL-so-request-c07a',
  after: 'SENTINEL-after-removal-5e33',
  note: 'SENTINEL-note-first-a8d2',
  note2: 'SENTINEL-note-second-61f0',
  note3: 'SENTINEL-note-gen2-0b7e',
  reply: 'SENTINEL-reply-text-3c95',
};
/** Text in the requests' own scripts, searched for in clear too. */
const ARABIC = 'أريد أن أترك هذا الطريق';
const SOMALI = 'Waxaan rabaa inaan ka baxo';

let dir: string;
let backupDir: string;
let stolenDir: string;
let files: StolenFile[];
let targets: Targets;
/** Every cell of the copied database and the backup, read with SQLite as a thief would. */
let cells: string[];
let storeSecret: Buffer;
/** What only the browsers held; the controls leak it on purpose. */
let leaked: { vaultKeyBytes: Uint8Array; recipientJwk: PrivateKeyJwk; recoveryCode: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'utvag-stolen-intake-'));
  backupDir = await mkdtemp(join(tmpdir(), 'utvag-stolen-backup-'));
  stolenDir = await mkdtemp(join(tmpdir(), 'utvag-stolen-copy-'));
  storeSecret = await loadStoreSecret(dir);
  const store = IntakeStore.open(dir, storeSecret);
  const accounts = new Accounts(store, relyingParty(ORIGIN));
  const replies = { deliverNow: () => Promise.resolve(null), siteKnown: false };
  const inbox = createInboxApp({
    store,
    accounts,
    recipients: NO_RECIPIENTS,
    retentionDays: 30,
    assets: nodeInboxAssets(),
    log: () => undefined,
    replies,
  });
  const worker = await generateSigningKey();
  // The receiver's receipt key lies in the folder, as `intake receipt-key` leaves it.
  await ensureReceiptKey(dir);
  const push = createPushApp({
    store,
    recipients: NO_RECIPIENTS,
    pushAuth: await loadReceiverAuth(dir, RECIPIENT, [worker.publicKey]),
    log: () => undefined,
  });
  try {
    // People signed in as a passkey sign-in leaves them (the session row; the cookie holds the token).
    const person = (name: string, role: 'admin' | 'staff') => {
      const staff = accounts.createStaff(name, role);
      accounts.confirmStaff(staff.id);
      const token = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      const now = Date.now();
      store.db
        .prepare('INSERT INTO sessions (token_hash, staff_id, csrf, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(createHash('sha256').update(token).digest('base64url'), staff.id, csrf, now, now + 3_600_000, now);
      return { id: staff.id, cookie: `${SESSION_COOKIE}=${token}`, csrf };
    };
    type Person = ReturnType<typeof person>;
    const api = async (path: string, who: Person, body?: unknown, expected?: number) => {
      const response = await inbox.request(path, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headers: {
          cookie: who.cookie,
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'x-csrf-token': who.csrf }),
        },
      });
      const answer = (await response.json()) as Record<string, unknown>;
      expect(response.status, `${path}: ${JSON.stringify(answer)}`).toBe(expected ?? (body === undefined ? 200 : 201));
      return answer;
    };
    const form = (path: string, who: Person) =>
      inbox.request(path, {
        method: 'POST',
        body: new URLSearchParams({ csrf: who.csrf }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', cookie: who.cookie },
      });
    const pushRequest = async (request: ContactRequest, key: { kid: string; publicKey: string }) => {
      const body = JSON.stringify(await sealRequest(request, key));
      const signed = await signPush(await importSigningKey(worker.privateJwk), RECIPIENT, body);
      const response = await push.request('/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed.headers },
        body,
      });
      expect(response.status).toBe(201);
    };

    // The first administrator sets up the vault; a member makes their key and gets access.
    const admin = person('Admin Adminsson', 'admin');
    const member = person('Medlem Medlemsson', 'staff');
    const setup = await browserSetup(admin.id);
    await api('/api/member-key', admin, setup.memberKey);
    await api('/api/vault/setup', admin, setup.setup);
    const v1 = setup.browser.vault;
    const memberKey = await newMemberKey(member.id, await unlockKeyFromPrf(randomBytes(32)), 'prf');
    await api('/api/member-key', member, { publicKey: memberKey.publicKey, unlock: memberKey.unlock });
    await api(`/staff/${member.id}/grant`, admin, {
      grant: await sealGrant(setup.browser.vaultKeyBytes, 1, memberKey.publicKey, `member:${member.id}`),
    });

    // Requests in three languages, sealed in the person's browser to the key published after setup.
    const key1 = setup.browser.newKey;
    const replyKeys = await deriveReplyKeys('12345678901234567890');
    const answers = textMeAnswers;
    const sv = createRequest({
      ...answers('sv', `Jag vill sluta. ${SENTINELS.sv}`),
      contact: { method: 'here', safeTimes: '', voicemailOk: false, mayNameSocialServices: false },
      reply: { publicKey: replyKeys.publicKey, mailbox: replyKeys.mailbox },
    });
    await pushRequest(sv, key1);
    await pushRequest(createRequest(answers('ar', `${ARABIC}. ${SENTINELS.ar}`)), key1);
    await pushRequest(createRequest(answers('so', `${SOMALI}. ${SENTINELS.so}`)), key1);

    // The member opens each request in the browser: the envelope from the API, the key from the chain.
    const openAll = async (who: Person, vault: VaultKeys) => {
      const chain = (await api('/api/vault/chain', who)) as {
        generations: { gen: number; previous: { iv: string; ct: string } | null }[];
        keys: { kid: string; gen: number; wrapped: { iv: string; ct: string } }[];
      };
      // From the newest V back through each older one (its box under the newer), as the browser walks the chain.
      const vaults = new Map([[vault.gen, vault]]);
      for (let gen = vault.gen; gen > 1; gen--) {
        const previous = chain.generations.find((g) => g.gen === gen)!.previous!;
        vaults.set(gen - 1, await vaultKeysFrom(await openPrevious(vaults.get(gen)!, previous, gen - 1), gen - 1));
      }
      const ring = new Map<string, CryptoKey>();
      for (const k of chain.keys) ring.set(k.kid, (await unwrapRecipientKey(vaults.get(k.gen)!, k.kid, k.wrapped)).hpke);
      const opened = new Map<string, ContactRequest>();
      for (const row of store.listOpen()) {
        const answer = await api(`/api/r/${row.ref}`, who);
        opened.set(row.ref, await openEnvelope(JSON.parse(answer['envelope'] as string), ring));
      }
      return opened;
    };
    const opened = await openAll(member, v1);
    expect([...opened.values()].map((r) => r.message).join(' ')).toMatch(new RegExp(`${SENTINELS.sv}.*${SENTINELS.ar}.*${SENTINELS.so}`));
    const svRef = [...opened].find(([, r]) => r.id === sv.id)![0];

    // Claim, two notes, a reply, an export: all sealed in the browser.
    expect((await form(`/r/${svRef}/claim`, member)).status).toBe(303);
    await api(`/api/r/${svRef}/notes`, member, { gen: 1, box: await sealNote(v1, svRef, SENTINELS.note) });
    await api(`/api/r/${svRef}/notes`, admin, { gen: 1, box: await sealNote(v1, svRef, SENTINELS.note2) });
    const chain = (await api('/api/vault/chain', member)) as {
      keys: { kid: string; publicKey: string; wrapped: { iv: string; ct: string } }[];
    };
    const k1 = chain.keys.find((k) => k.kid === key1.kid)!;
    const keys = await unwrapRecipientKey(v1, k1.kid, k1.wrapped);
    const outgoing = await writeReply(sv, replyDraft({ phrases: [], text: `Vi hörs. ${SENTINELS.reply}` }, null), {
      kid: k1.kid,
      hpke: keys.hpke,
      sign: keys.sign,
      publicKey: k1.publicKey,
    });
    const postBody = replyPostBody({ v: 1, mailbox: outgoing.mailbox, sent: Math.floor(Date.now() / 1000), reply: outgoing.reply });
    await api(`/api/r/${svRef}/reply`, member, {
      replyId: outgoing.replyId,
      gen: 1,
      box: await sealRecord(v1, svRef, outgoing.replyId, outgoing),
      postBody,
      postSignature: await signReplyPost(postBody, keys.sign),
    });
    await api(`/api/r/${svRef}/exported`, member, {}, 200);

    // The member leaves: a new generation, a new recipient key, the admin's new grant.
    const v2Bytes = newVaultKeyBytes();
    const v2 = await vaultKeysFrom(v2Bytes, 2);
    const key2 = await generateRecipientKeyPair();
    await api(`/staff/${member.id}/remove`, admin, {
      gen: 2,
      recovery: await sealGrant(v2Bytes, 2, setup.setup.recoveryPublicKey, 'recovery'),
      previous: await sealPrevious(v2, setup.browser.vaultKeyBytes, 1),
      grants: [{ staffId: admin.id, grant: await sealGrant(v2Bytes, 2, setup.memberKey.publicKey, `member:${admin.id}`) }],
      keys: [
        {
          kid: key2.kid,
          publicKey: key2.publicKey,
          notAfter: '2099-01-01',
          wrapped: await wrapRecipientKey(v2, key2.kid, key2.privateJwk),
        },
      ],
    });
    await pushRequest(createRequest(answers('sv', `Efteråt. ${SENTINELS.after}`)), key2);
    await api(`/api/r/${svRef}/notes`, admin, { gen: 2, box: await sealNote(v2, svRef, SENTINELS.note3) });
    expect([...(await openAll(admin, v2)).values()].some((r) => r.message.includes(SENTINELS.after))).toBe(true);
    leaked = { vaultKeyBytes: setup.browser.vaultKeyBytes, recipientJwk: key1.privateJwk, recoveryCode: setup.browser.recoveryCode };

    // A backup, as the operator makes one while the server runs.
    const lines: string[] = [];
    const io = { out: (line: string) => lines.push(line), err: (line: string) => lines.push(line) };
    expect(await runCli(['backup', join(backupDir, 'intake-backup.db'), '--dir', dir], io), lines.join('\n')).toBe(0);

    // The thief's copy, taken while the server still runs: the folder (WAL and all), the backup, the environment.
    await cp(dir, stolenDir, { recursive: true });
    const environment = {
      argv: ['serve', '--dir', dir, '--recipients', join(dir, 'recipients.json'), '--port', '8788', '--push-port', '8789'],
      env: { ...process.env, UTVAG_SITE_URL: 'https://utvag.example', INTAKE_WORKER_PUBLIC_KEYS: worker.publicKey },
    };
    await writeFile(join(backupDir, 'environment.json'), JSON.stringify(environment, null, 2));
    files = [...(await readTree(stolenDir, 'intake/')), ...(await readTree(backupDir, 'elsewhere/'))];
    targets = targetsFromDatabase(join(stolenDir, DATABASE_FILE), 'intake');
    cells = [...databaseCells(join(stolenDir, DATABASE_FILE)), ...databaseCells(join(backupDir, 'intake-backup.db'))];
    const fromBackup = targetsFromDatabase(join(backupDir, 'intake-backup.db'), 'backup');
    targets.envelopes.push(...fromBackup.envelopes);
    targets.grants.push(...fromBackup.grants);
    targets.boxes.push(...fromBackup.boxes);
  } finally {
    store.close();
  }
});
afterAll(async () => {
  for (const path of [dir, backupDir, stolenDir]) await rm(path, { recursive: true, force: true });
});

describe('a stolen copy of the intake server', () => {
  it('holds what the workflow made: the database with its WAL, the backup, the store secret, envelopes, grants and boxes', () => {
    const names = files.map((file) => file.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'intake/intake.db',
        'intake/intake.db-wal',
        'intake/keys/store-secret.key',
        'intake/receipt.private.jwk.json',
        'elsewhere/intake-backup.db',
        'elsewhere/environment.json',
      ]),
    );
    // Four requests; two generations with their recovery grants; the admin's grant; notes, the reply record,
    // the recipient keys, the previous generation's V, the members' own keys: in the database and in the backup.
    expect(targets.envelopes.filter((e) => e.where.startsWith('intake envelope'))).toHaveLength(4);
    expect(targets.grants.filter((g) => g.where.startsWith('intake recovery'))).toHaveLength(2);
    const boxes = (kind: string) => targets.boxes.filter((b) => b.where.startsWith(`intake ${kind}`)).length;
    expect([boxes('note'), boxes('reply'), boxes('recipient key'), boxes('previous'), boxes('member key')]).toEqual([3, 1, 2, 1, 2]);
    expect(targets.boxes.filter((b) => b.where.startsWith('backup')).length).toBeGreaterThan(0);
  });

  it('shows no sentinel in clear, hex, base64 or base64url in any file', () => {
    expect(findSentinels(files, [...Object.values(SENTINELS), ARABIC, SOMALI])).toEqual([]);
  });

  it('holds no key that opens an envelope, a grant or a box: not the store secret, not anything key-shaped', async () => {
    const candidates = keyCandidates(files, cells);
    // The store secret and the sessions' unlock keys are among what is tried.
    expect(candidates.keys.has(storeSecret.toString('hex'))).toBe(true);
    const db = new DatabaseSync(join(stolenDir, DATABASE_FILE));
    const unlockKeys = (db.prepare('SELECT unlock_key FROM sessions WHERE unlock_key IS NOT NULL').all() as { unlock_key: string }[]).map(
      (row) => Buffer.from(row.unlock_key, 'base64url').toString('hex'),
    );
    db.close();
    expect(unlockKeys.length).toBeGreaterThan(0);
    for (const key of unlockKeys) expect(candidates.keys.has(key)).toBe(true);
    expect(await tryEveryKey(candidates, targets)).toEqual([]);
  });

  it('controls: the same search finds a sentinel hidden in base64, and a leaked vault key, recipient key or recovery code opens things', async () => {
    const hidden = { name: 'control', bytes: Buffer.from(`x${Buffer.from(`ab${SENTINELS.note}cd`).toString('base64')}y`) };
    expect(findSentinels([hidden], [SENTINELS.note])).toContain(`${SENTINELS.note} (base64+2) in control`);
    const leak: StolenFile = {
      name: 'leak',
      bytes: Buffer.from(
        JSON.stringify({ v: Buffer.from(leaked.vaultKeyBytes).toString('base64url'), jwk: leaked.recipientJwk, code: leaked.recoveryCode }),
      ),
    };
    const opened = await tryEveryKey(keyCandidates([leak]), targets);
    expect(opened.some((line) => line.startsWith('intake envelope'))).toBe(true);
    expect(opened.some((line) => line.startsWith('intake recovery grant 1') && line.includes('with the code'))).toBe(true);
    expect(opened.some((line) => line.startsWith('intake note') && line.endsWith('as vault notes key'))).toBe(true);
    expect(opened.some((line) => line.startsWith('intake recipient key') && line.endsWith('as vault wrap key'))).toBe(true);
  });
});
