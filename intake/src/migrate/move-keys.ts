/**
 * `intake move-keys` (issue 19, part 6): moves a store made by the
 * passphrase-model intake into the team vault, so the server keeps nothing
 * that opens a request, a note or a reply.
 *
 * Before the team vault exists (first run on an old store), it only puts the
 * store secret, unwrapped with the passphrase, into `keys/store-secret.key`:
 * `intake serve` needs it to start, and the first administrator sets up the
 * vault in the browser. Until the second run that plain file also opens the
 * old notes and reply records (never a request: the recipient keys stay
 * wrapped with the passphrase), so run it again soon after setup.
 *
 * After setup (vault_generations has a generation), with the old passphrase
 * and the recovery code: opens the newest vault key V from the recovery
 * grant, then in one transaction
 *   - wraps every old recipient private key under V (vault_keys),
 *   - seals every old note (gen NULL, under the store secret's notes key) as
 *     a vault note, and every old reply record as a vault record,
 *   - signs each waiting old reply's post body with its recipient key, so the
 *     running server can deliver it (it holds no key to sign with),
 *   - gives old requests their body hash (dedupe without opening),
 * and after the commit writes the store secret plain (0600) and only then
 * erases the wrapped key files and the wrapped store secret (fsynced).
 * Safe with the server running (SQLite WAL, one write transaction) and safe
 * to run again: a second run finds nothing left to move; a run cut short
 * after the commit finishes the erasing.
 *
 * A wrong passphrase or recovery code is found before anything is written.
 * Nothing here logs a key, a note or what a reply says.
 */
import { timingSafeEqual } from 'node:crypto';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { replyPostBody, signReplyPost } from '../../../protocol/reply-post.ts';
import { appendAudit } from '../audit.ts';
import { INTAKE_COMMAND } from '../command-name.ts';
import {
  checkPrivateFile,
  KEYS_FOLDER,
  listWrappedKeys,
  STORE_SECRET_FILE,
  unlockVault,
  unwrapSecret,
  VaultError,
  type UnlockedVault,
  type WrappedFile,
} from '../key-vault.ts';
import { fsyncDir, writeNewSecretFile } from '../keys/owner-only-files.ts';
import { STORE_SECRET_KEY_FILE } from '../keys/store-secret.ts';
import type { OutgoingReply } from '../reply-writer.ts';
import { openRecord as openOldRecord, recordKey } from '../store/sealed-records.ts';
import { int, only, text } from '../store/rows.ts';
import { bodyHash, IntakeStore } from '../store.ts';
import {
  normalizeRecoveryCode,
  openGrant,
  recoveryKeyPair,
  sealNote,
  sealRecord,
  vaultKeysFrom,
  wrapRecipientKey,
  VaultCryptoError,
  type Box,
  type VaultKeys,
} from '../team-vault/index.ts';

/** A one-line reason nothing was changed (wrong passphrase, wrong code, damaged row). */
export class MoveKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveKeysError';
  }
}

export type MoveKeysResult =
  | { status: 'nothing_to_move' }
  /** No vault yet: the store secret is now plain, so `serve` starts and the first administrator can set up. */
  | { status: 'prepared' }
  | { status: 'moved'; keys: number; notes: number; replies: number; signed: number; unsigned: number; erased: number };

export interface MoveKeysOptions {
  dir: string;
  /** Asked only when there is something to move. */
  passphrase: () => Promise<string>;
  recoveryCode: () => Promise<string>;
  now?: () => Date;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** The old store secret, unwrapped with the passphrase (VaultError when it is wrong). */
async function unwrapStoreSecret(path: string, passphrase: string): Promise<Buffer> {
  await checkPrivateFile(path);
  return unwrapSecret(passphrase, JSON.parse(await readFile(path, 'utf8')) as WrappedFile, path);
}

/** True when the plain store secret is there already; a MoveKeysError when it holds another secret than the wrapped one. */
async function plainStoreSecretMatches(keysDir: string, secret: Buffer): Promise<boolean> {
  const path = join(keysDir, STORE_SECRET_KEY_FILE);
  if (!(await exists(path))) return false;
  const there = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  if (there.length !== secret.length || !timingSafeEqual(there, secret)) {
    throw new MoveKeysError(
      `${path} holds another store secret than the wrapped one. Nothing was changed; keep both files and ask for help.`,
    );
  }
  return true;
}

/** Writes the plain store secret once (owner-only, synced). */
async function writePlainStoreSecret(keysDir: string, secret: Buffer): Promise<void> {
  if (await plainStoreSecretMatches(keysDir, secret)) return;
  await writeNewSecretFile(join(keysDir, STORE_SECRET_KEY_FILE), `${secret.toString('base64url')}\n`);
  await fsyncDir(keysDir);
}

/**
 * Overwrites a file with zeros, syncs, then unlinks it. On a journaling
 * file system or an SSD old blocks may survive; the bytes were ciphertext
 * under the passphrase anyway, and this keeps them off the plain file path.
 */
async function erase(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    await handle.write(Buffer.alloc(size), 0, size, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await unlink(path);
}

/** V of the newest generation, from its recovery grant and the typed code; MoveKeysError when the code is not this intake's. */
async function openNewestVault(store: IntakeStore, typed: string): Promise<VaultKeys> {
  const code = normalizeRecoveryCode(typed);
  if (!code) throw new MoveKeysError('That is not a recovery code (32 letters and digits in groups of 4). Nothing was changed.');
  const gen = store.vault.latestGen();
  const grant = store.vault.recoveryGrant();
  if (gen === null || !grant) throw new MoveKeysError('The team vault is not set up. Nothing was changed.');
  const pair = await recoveryKeyPair(code);
  if (pair.publicKey !== store.vault.recoveryPublicKey()) {
    throw new MoveKeysError("The recovery code is wrong: it is not this intake's code. Nothing was changed.");
  }
  let bytes: Uint8Array;
  try {
    bytes = await openGrant(grant, pair.privateKey, 'recovery');
  } catch (error) {
    if (error instanceof VaultCryptoError)
      throw new MoveKeysError(`The recovery grant does not open (${error.code}). Nothing was changed.`);
    throw error;
  }
  try {
    return await vaultKeysFrom(bytes, grant.gen);
  } finally {
    bytes.fill(0);
  }
}

interface Moves {
  keys: { kid: string; publicKey: string; notAfter: string; wrapped: Box }[];
  notes: { id: number; box: Box }[];
  replies: { id: string; box: Box; postBody: string | null; postSignature: string | null }[];
  bodyHashes: { ref: string; hash: string }[];
}

/** Everything sealed anew, in memory, before the transaction (WebCrypto is async, the transaction is not). */
async function prepareMoves(store: IntakeStore, old: UnlockedVault, vault: VaultKeys, now: Date): Promise<Moves> {
  const notesKey = recordKey(old.storeSecret, 'notes');
  const repliesKey = recordKey(old.storeSecret, 'replies');
  const moves: Moves = { keys: [], notes: [], replies: [], bodyHashes: [] };
  for (const key of old.keys) {
    if (store.vault.holdsKid(key.kid)) continue;
    moves.keys.push({
      kid: key.kid,
      publicKey: key.publicKey,
      notAfter: key.notAfter,
      wrapped: await wrapRecipientKey(vault, key.kid, key.privateJwk),
    });
  }
  for (const row of store.db.prepare('SELECT id, ref, iv, ct FROM notes WHERE gen IS NULL ORDER BY id').all()) {
    const id = int(row, 'id');
    const ref = text(row, 'ref');
    let note: string;
    try {
      note = openOldRecord(notesKey, `note\0${ref}`, text(row, 'iv'), text(row, 'ct'));
    } catch {
      throw new MoveKeysError(`Note ${id} does not open with this intake's store secret. Nothing was changed.`);
    }
    moves.notes.push({ id, box: await sealNote(vault, ref, note) });
  }
  const sent = Math.floor(now.getTime() / 1000);
  for (const row of store.db.prepare('SELECT id, ref, state, iv, ct FROM replies WHERE gen IS NULL ORDER BY written_at, id').all()) {
    const id = text(row, 'id');
    const ref = text(row, 'ref');
    let record: OutgoingReply;
    try {
      record = JSON.parse(openOldRecord(repliesKey, `reply\0${id}`, text(row, 'iv'), text(row, 'ct'))) as OutgoingReply;
    } catch {
      throw new MoveKeysError(`Reply ${id} does not open with this intake's store secret. Nothing was changed.`);
    }
    let postBody: string | null = null;
    let postSignature: string | null = null;
    const sender = old.keys.find((key) => key.kid === record.reply.kid);
    if (text(row, 'state') === 'waiting' && sender) {
      postBody = replyPostBody({
        v: 1,
        mailbox: record.mailbox,
        sent,
        reply: record.reply,
        ...(record.writeBack ? { writeBack: record.writeBack } : {}),
      });
      postSignature = await signReplyPost(postBody, sender.privateJwk);
    }
    moves.replies.push({ id, box: await sealRecord(vault, ref, id, record), postBody, postSignature });
  }
  for (const row of store.db
    .prepare('SELECT r.ref, e.body FROM requests r JOIN envelopes e ON e.ref = r.ref WHERE r.body_hash IS NULL')
    .all()) {
    moves.bodyHashes.push({ ref: text(row, 'ref'), hash: bodyHash(text(row, 'body')) });
  }
  return moves;
}

/** Writes the moves in one transaction; refused if a browser made a new generation meanwhile. */
function commitMoves(store: IntakeStore, vault: VaultKeys, moves: Moves, now: Date): { signed: number; unsigned: number } {
  return store.transaction(() => {
    if (store.vault.latestGen() !== vault.gen) {
      throw new MoveKeysError(
        'The team vault got a new key while moving (a member was removed). Nothing was changed: run move-keys again.',
      );
    }
    const addKey = store.db.prepare(
      'INSERT INTO vault_keys (kid, public_key, not_after, gen, wrapped, created_at, retired_at) VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (kid) DO NOTHING',
    );
    for (const key of moves.keys) addKey.run(key.kid, key.publicKey, key.notAfter, vault.gen, JSON.stringify(key.wrapped), now.getTime());
    const note = store.db.prepare('UPDATE notes SET iv = ?, ct = ?, gen = ? WHERE id = ? AND gen IS NULL');
    for (const { id, box } of moves.notes) note.run(box.iv, box.ct, vault.gen, id);
    const reply = store.db.prepare(
      'UPDATE replies SET iv = ?, ct = ?, gen = ?, post_body = coalesce(?, post_body), post_signature = coalesce(?, post_signature) WHERE id = ? AND gen IS NULL',
    );
    for (const r of moves.replies) reply.run(r.box.iv, r.box.ct, vault.gen, r.postBody, r.postSignature, r.id);
    const hash = store.db.prepare('UPDATE requests SET body_hash = ? WHERE ref = ? AND body_hash IS NULL');
    for (const { ref, hash: value } of moves.bodyHashes) hash.run(value, ref);
    const signed = moves.replies.filter((r) => r.postBody !== null).length;
    // Waiting old replies whose key this intake never held: they wait, and a person must look.
    const unsigned = int(
      only(store.db.prepare(`SELECT count(*) AS n FROM replies WHERE state = 'waiting' AND post_body IS NULL`).get(), 'count'),
      'n',
    );
    appendAudit(
      store,
      'cli',
      'keys_moved',
      null,
      `keys:${moves.keys.length} notes:${moves.notes.length} replies:${moves.replies.length} gen:${vault.gen}`,
      now,
    );
    return { signed, unsigned };
  });
}

export async function moveKeys(options: MoveKeysOptions): Promise<MoveKeysResult> {
  const now = options.now ?? (() => new Date());
  const keysDir = join(options.dir, KEYS_FOLDER);
  const wrappedSecret = join(keysDir, STORE_SECRET_FILE);
  const wrappedKeys = await listWrappedKeys(options.dir);
  if (!(await exists(wrappedSecret)) && wrappedKeys.length === 0) return { status: 'nothing_to_move' };
  if (!(await exists(wrappedSecret))) {
    throw new MoveKeysError(`${wrappedSecret} is missing but wrapped keys are there: restore it from your backup. Nothing was changed.`);
  }
  const passphrase = await options.passphrase();
  let old: UnlockedVault;
  try {
    old =
      wrappedKeys.length > 0
        ? await unlockVault(options.dir, passphrase)
        : { keys: [], storeSecret: await unwrapStoreSecret(wrappedSecret, passphrase) };
  } catch (error) {
    if (error instanceof VaultError) throw new MoveKeysError(error.message);
    throw error;
  }
  // Without the secret: opening then writes nothing of its own (no staff names sealed) before the code is checked.
  const store = IntakeStore.open(options.dir, null);
  try {
    if (store.vault.latestGen() === null) {
      await writePlainStoreSecret(keysDir, old.storeSecret);
      return { status: 'prepared' };
    }
    await plainStoreSecretMatches(keysDir, old.storeSecret);
    const vault = await openNewestVault(store, await options.recoveryCode());
    const moves = await prepareMoves(store, old, vault, now());
    const { signed, unsigned } = commitMoves(store, vault, moves, now());
    // What the old keys sealed is now under V only: fold the WAL into the file so the old rows' bytes go (N6).
    store.checkpoint();
    await writePlainStoreSecret(keysDir, old.storeSecret);
    // Only after the commit and the plain store secret: erase the wrapped files, the store secret last.
    for (const key of wrappedKeys) await erase(key.file);
    await erase(wrappedSecret);
    await fsyncDir(keysDir);
    return {
      status: 'moved',
      keys: moves.keys.length,
      notes: moves.notes.length,
      replies: moves.replies.length,
      signed,
      unsigned,
      erased: wrappedKeys.length + 1,
    };
  } finally {
    for (const key of old.keys) key.privateJwk.d = '';
    old.storeSecret.fill(0);
    store.close();
  }
}

/** What the command prints for a result. */
export function moveKeysSummary(result: MoveKeysResult, dir: string): string[] {
  switch (result.status) {
    case 'nothing_to_move':
      return ['Nothing left to move: this intake has no keys wrapped with a passphrase.'];
    case 'prepared':
      return [
        `The store secret is now in ${join(dir, KEYS_FOLDER, STORE_SECRET_KEY_FILE)}, so "${INTAKE_COMMAND} serve" can start.`,
        'Next: the first administrator sets up the team vault in the inbox (and keeps the recovery sheet).',
        `Then run "${INTAKE_COMMAND} move-keys --dir ${dir}" again, soon: it moves the keys, notes and replies into the vault.`,
      ];
    case 'moved':
      return [
        `Moved into the team vault: ${result.keys} key(s), ${result.notes} note(s), ${result.replies} reply record(s).`,
        `${result.signed} waiting reply(s) signed for delivery${result.unsigned > 0 ? `; ${result.unsigned} wait without a key (shown in the inbox)` : ''}.`,
        `Erased ${result.erased} file(s) wrapped with the passphrase. The passphrase is no longer needed: remove it from the server.`,
      ];
  }
}
