/**
 * VERSION 1 file inbox: `intake import` reads it into the store (see
 * import-files.ts), and the fuzzer's direct target still writes it. The
 * running intake keeps requests in store.ts.
 *
 * The intake's inbox on disk. What was received is never lost and never
 * half-written:
 *
 *   <dir>/inbox/<request id>.json   the request + when it arrived (commit point)
 *   <dir>/inbox/<request id>.txt    the same, readable
 *   <dir>/done/…                    moved here by `done`
 *   <dir>/quarantine/<sha256>.json  envelopes that could not be opened, kept as received
 *   <dir>/tmp/                      partial writes; emptied at start
 *
 * Every file is written to tmp/, fsync'd, then linked into place
 * (link fails if the name exists, so a request id is stored once even
 * when two deliveries race), then the folder is fsync'd. Folders are 0700,
 * files 0600. The sender is told "stored" only after that.
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvelopeError, openEnvelope, type PrivateKeyRing } from '../../protocol/envelope.ts';
import type { ContactRequest } from '../../protocol/request.ts';
import { normalizeReceiptCode } from '../../protocol/receipt-code.ts';

/** The municipality promises contact within 24 hours of receipt. */
export const PROMISE_HOURS = 24;
const FOLDERS = ['inbox', 'done', 'quarantine', 'tmp'] as const;

/**
 * Test hook: die (SIGKILL) after a temp file is written and fsync'd, before
 * it is moved into place. "1": at the first temp file (the readable .txt);
 * "commit": at the .json, after the .txt is already in place.
 */
export const CRASH_AFTER_TEMP_WRITE_ENV = 'UTVAG_TEST_CRASH_AFTER_TEMP_WRITE';

type WriteStage = 'text' | 'commit' | 'quarantine';

export interface StoredRequest {
  v: 1;
  receivedAt: string;
  kid: string;
  request: ContactRequest;
}

export type StoreResult =
  | { status: 'stored'; id: string; receipt: string }
  | { status: 'duplicate'; id: string }
  | { status: 'quarantined'; code: EnvelopeError['code']; file: string }
  | { status: 'rejected'; code: 'bad_envelope' };

/** Creates the folders (0700) and removes partial writes left by a crash. */
export async function prepareIntakeDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  for (const folder of FOLDERS) {
    await mkdir(join(dir, folder), { recursive: true, mode: 0o700 });
    await chmod(join(dir, folder), 0o700);
  }
  // A temp file was never acknowledged to anyone: the sender still has it.
  for (const name of await readdir(join(dir, 'tmp'))) await rm(join(dir, 'tmp', name), { force: true });
}

async function fsyncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeTemp(dir: string, content: string, stage: WriteStage): Promise<string> {
  const tempPath = join(dir, 'tmp', `${randomUUID()}.part`);
  const handle = await open(tempPath, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const crashAt = process.env[CRASH_AFTER_TEMP_WRITE_ENV];
  if (crashAt === '1' || crashAt === stage) process.kill(process.pid, 'SIGKILL');
  return tempPath;
}

/** Durably creates `finalPath`; 'exists' (and nothing changed) if it is already there. */
async function createDurably(dir: string, finalPath: string, content: string, stage: WriteStage): Promise<'created' | 'exists'> {
  const tempPath = await writeTemp(dir, content, stage);
  try {
    await link(tempPath, finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  } finally {
    await unlink(tempPath).catch(() => undefined);
  }
  await fsyncDir(join(finalPath, '..'));
  return 'created';
}

/** Durably writes `finalPath`, replacing it if present. */
async function replaceDurably(dir: string, finalPath: string, content: string): Promise<void> {
  const tempPath = await writeTemp(dir, content, 'text');
  try {
    await rename(tempPath, finalPath);
  } catch (error) {
    // Never leave a plaintext copy behind in tmp/.
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  await fsyncDir(join(finalPath, '..'));
}

async function exists(path: string): Promise<boolean> {
  try {
    await (await open(path, 'r')).close();
    return true;
  } catch {
    return false;
  }
}

/** Keeps an envelope that could not be opened exactly as received. One file per distinct body. */
export async function quarantine(dir: string, body: string, code: string, now: Date = new Date()): Promise<string> {
  const name = `${createHash('sha256').update(body).digest('hex')}.json`;
  const file = join(dir, 'quarantine', name);
  await createDurably(dir, file, `${JSON.stringify({ receivedAt: now.toISOString(), code, body }, null, 2)}\n`, 'quarantine');
  return file;
}

/**
 * Opens an envelope (the raw JSON text as delivered) and stores the
 * request. Malformed envelopes are 'rejected' without writing anything
 * (the caller decides whether to quarantine them); envelopes that are
 * well-formed but cannot be opened are quarantined.
 */
export async function storeEnvelope(dir: string, body: string, keys: PrivateKeyRing, now: Date = new Date()): Promise<StoreResult> {
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    return { status: 'rejected', code: 'bad_envelope' };
  }
  let request: ContactRequest;
  try {
    request = await openEnvelope(envelope, keys);
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    if (error.code === 'bad_envelope') return { status: 'rejected', code: 'bad_envelope' };
    return { status: 'quarantined', code: error.code, file: await quarantine(dir, body, error.code, now) };
  }
  const jsonPath = join(dir, 'inbox', `${request.id}.json`);
  if ((await exists(jsonPath)) || (await exists(join(dir, 'done', `${request.id}.json`)))) {
    return { status: 'duplicate', id: request.id };
  }
  const stored: StoredRequest = { v: 1, receivedAt: now.toISOString(), kid: (envelope as { kid: string }).kid, request };
  // The readable copy first; the .json is the commit point that `list` reads.
  await replaceDurably(dir, join(dir, 'inbox', `${request.id}.txt`), renderText(stored));
  if ((await createDurably(dir, jsonPath, `${JSON.stringify(stored, null, 2)}\n`, 'commit')) === 'exists') {
    return { status: 'duplicate', id: request.id };
  }
  return { status: 'stored', id: request.id, receipt: request.receipt };
}

/** Human-readable text of a stored request (labels in English, the person's words as written). */
export function renderText(stored: StoredRequest): string {
  const r = stored.request;
  const yesNo = (value: boolean) => (value ? 'yes' : 'no');
  const due = new Date(Date.parse(stored.receivedAt) + PROMISE_HOURS * 3600_000);
  return [
    `Contact request ${r.receipt}`,
    `Received:        ${stored.receivedAt} (contact promised by ${due.toISOString()})`,
    `Written on:      ${r.created}, site language ${r.locale}`,
    `Request id:      ${r.id}`,
    `Who is writing:  ${r.role}`,
    `Municipality:    ${r.municipality}`,
    `Needs:           ${r.needs.length > 0 ? r.needs.join(', ') : '(none chosen)'}`,
    '',
    'How to make contact',
    `  Method:                 ${r.contact.method === 'i-call' ? 'the person calls us and gives the receipt code' : r.contact.method === 'here' ? 'answer only on the site (no call, no text)' : r.contact.method}`,
    `  Answer on the site:     ${r.reply ? `yes: npm run intake -- reply ${r.receipt} --phrase …` : 'no'}`,
    ...(r.followUpOf ? [`  Follow-up to request:   ${r.followUpOf} (the person wrote back)`] : []),
    `  Phone:                  ${r.contact.phone ?? '(none given)'}`,
    `  Safe times:             ${r.contact.safeTimes || '(not given)'}`,
    `  Voicemail OK:           ${yesNo(r.contact.voicemailOk)}`,
    `  May say "social services": ${yesNo(r.contact.mayNameSocialServices)}`,
    `  Language:               ${r.language || '(not given)'}`,
    `  Interpreter needed:     ${yesNo(r.interpreter)}`,
    '',
    'Message',
    r.message ? r.message.replace(/^/gm, '  ') : '  (no message)',
    '',
  ].join('\n');
}

export interface InboxEntry {
  id: string;
  receipt: string;
  receivedAt: Date;
  dueAt: Date;
  /** Milliseconds until the 24-hour promise runs out (negative when overdue). */
  msLeft: number;
}

async function readStored(path: string): Promise<StoredRequest> {
  return JSON.parse(await readFile(path, 'utf8')) as StoredRequest;
}

/** Open requests, oldest first. */
export async function listInbox(dir: string, now: Date = new Date()): Promise<InboxEntry[]> {
  const entries: InboxEntry[] = [];
  for (const name of await readdir(join(dir, 'inbox'))) {
    if (!name.endsWith('.json')) continue;
    const stored = await readStored(join(dir, 'inbox', name));
    const receivedAt = new Date(stored.receivedAt);
    const dueAt = new Date(receivedAt.getTime() + PROMISE_HOURS * 3600_000);
    entries.push({ id: stored.request.id, receipt: stored.request.receipt, receivedAt, dueAt, msLeft: dueAt.getTime() - now.getTime() });
  }
  return entries.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}

/** "5 h 12 min left" or "OVERDUE by 1 h 3 min". */
export function describeTimeLeft(msLeft: number): string {
  const minutes = Math.floor(Math.abs(msLeft) / 60_000);
  const text = `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return msLeft >= 0 ? `${text} left` : `OVERDUE by ${text}`;
}

/** Finds an open request by receipt code (as typed) or request id. */
export async function findOpen(dir: string, receiptOrId: string): Promise<InboxEntry | null> {
  const entries = await listInbox(dir);
  const normalized = normalizeReceiptCode(receiptOrId);
  return (
    entries.find((entry) => entry.id === receiptOrId.trim().toLowerCase()) ??
    (normalized.ok ? entries.find((entry) => entry.receipt === normalized.code) : undefined) ??
    null
  );
}

/** An open request as stored, found by receipt code or id. */
export async function readOpen(dir: string, receiptOrId: string): Promise<StoredRequest | null> {
  const entry = await findOpen(dir, receiptOrId);
  return entry ? readStored(join(dir, 'inbox', `${entry.id}.json`)) : null;
}

/** The readable text of an open request. */
export async function showRequest(dir: string, receiptOrId: string): Promise<string | null> {
  const stored = await readOpen(dir, receiptOrId);
  return stored ? renderText(stored) : null;
}

/** Moves an open request to done/ (it stays there: `done` is not deletion). */
export async function markDone(dir: string, receiptOrId: string): Promise<InboxEntry | null> {
  const entry = await findOpen(dir, receiptOrId);
  if (!entry) return null;
  await rename(join(dir, 'inbox', `${entry.id}.txt`), join(dir, 'done', `${entry.id}.txt`)).catch(() => undefined);
  await rename(join(dir, 'inbox', `${entry.id}.json`), join(dir, 'done', `${entry.id}.json`));
  await fsyncDir(join(dir, 'done'));
  await fsyncDir(join(dir, 'inbox'));
  return entry;
}
