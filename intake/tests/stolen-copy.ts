/**
 * What a thief with a copy of the intake server can do with it (issue 19,
 * part 5), for the stolen-server test: read every file (the database, its
 * WAL, backups, key files, the process's environment written out), look
 * for known plaintext (sentinels) in clear and encoded, collect everything
 * key-shaped, and try each such key on every envelope, grant and box the
 * copy holds. Reusable: give it files, get back what was found or opened.
 *
 * Key-shaped: any token of 32 bytes as base64url (43 symbols), base64 (44
 * with "=") or hex (64), which covers JWK "d" members, the store secret,
 * session keys and every HMAC-looking value, plus anything shaped like a
 * recovery code. Each 32-byte candidate is tried as a P-256 private scalar
 * (HPKE, on envelopes and grants), as a raw AES-256 key, as a vault key V
 * (its wrap/notes/records keys), as an old store secret (its notes/replies
 * keys) and as a passkey PRF output (a member's unlock key), each box with
 * the aad its row gives it. The intake stores values as text, so raw
 * binary windows are not tried.
 */
import { createECDH, hkdfSync } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { contactSuite } from '../../protocol/envelope.ts';
import { openEnvelopeToJson } from '../../protocol/envelope-open.ts';
import {
  normalizeRecoveryCode,
  openBox,
  openGrant,
  recoveryKeyPair,
  unlockKeyFromPrf,
  vaultKeysFrom,
  type Box,
  type Grant,
} from '../src/team-vault/index.ts';

export interface StolenFile {
  name: string;
  bytes: Buffer;
}

/** Every file under `root`, named relative to it (with a label in front). */
export async function readTree(root: string, label = ''): Promise<StolenFile[]> {
  const files: StolenFile[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ name: `${label}${relative(root, path)}`, bytes: await readFile(path) });
  }
  return files;
}

/**
 * The byte strings that betray `sentinel`: in clear (UTF-8), as hex, and
 * inside base64 and base64url text at each of the three alignments (the
 * symbols that depend on the sentinel's bytes only).
 */
export function sentinelForms(sentinel: string): { form: string; needle: Buffer }[] {
  const bytes = Buffer.from(sentinel, 'utf8');
  const forms = [
    { form: 'clear', needle: bytes },
    { form: 'hex', needle: Buffer.from(bytes.toString('hex')) },
  ];
  for (const offset of [0, 1, 2]) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    for (const encoding of ['base64', 'base64url'] as const) {
      forms.push({ form: `${encoding}+${offset}`, needle: Buffer.from(padded.toString(encoding).slice(start, end)) });
    }
  }
  return forms;
}

/** Where any sentinel shows, in any form, in any file. */
export function findSentinels(files: readonly StolenFile[], sentinels: readonly string[]): string[] {
  const found: string[] = [];
  for (const sentinel of sentinels) {
    for (const { form, needle } of sentinelForms(sentinel)) {
      for (const file of files) if (file.bytes.includes(needle)) found.push(`${sentinel} (${form}) in ${file.name}`);
    }
  }
  return found;
}

export interface Candidates {
  /** 32-byte values, hex-keyed (each once). */
  keys: Map<string, Uint8Array>;
  /** Strings shaped like a recovery code, normalized. */
  codes: Set<string>;
}

const TOKEN_PATTERNS: [RegExp, BufferEncoding][] = [
  [/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, 'base64url'],
  [/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=/g, 'base64'],
  [/(?<![0-9a-fA-F])[0-9a-fA-F]{64}(?![0-9a-fA-F])/g, 'hex'],
];
const CODE_PATTERN = /(?<![0-9A-Za-z])[0-9A-Za-z]{4}(?:[-\s][0-9A-Za-z]{4}){7}(?![0-9A-Za-z])/g;

/**
 * In a database file values lie side by side with no separator, so a token
 * may touch other symbols: the first and last 43 of every run of up to 256
 * base64url symbols are tried too (a few values side by side; longer runs
 * are ciphertext, and databaseCells gives the exact values anyway).
 */
const RUN_PATTERN = /(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{44,256}(?![A-Za-z0-9_-])/g;

function addKey(candidates: Candidates, bytes: Buffer): void {
  if (bytes.length === 32) candidates.keys.set(bytes.toString('hex'), new Uint8Array(bytes));
}

/** Everything key-shaped in the files (and in any further texts, such as a database's cells). */
export function keyCandidates(files: readonly StolenFile[], texts: readonly string[] = []): Candidates {
  const candidates: Candidates = { keys: new Map(), codes: new Set() };
  for (const text of [...files.map((file) => file.bytes.toString('latin1')), ...texts]) {
    for (const [pattern, encoding] of TOKEN_PATTERNS) {
      for (const match of text.matchAll(pattern)) addKey(candidates, Buffer.from(match[0], encoding));
    }
    for (const match of text.matchAll(RUN_PATTERN)) {
      addKey(candidates, Buffer.from(match[0].slice(0, 43), 'base64url'));
      addKey(candidates, Buffer.from(match[0].slice(-43), 'base64url'));
    }
    for (const match of text.matchAll(CODE_PATTERN)) {
      const code = normalizeRecoveryCode(match[0]);
      if (code) candidates.codes.add(code);
    }
  }
  return candidates;
}

/** Every cell of every table of a database, as text (a blob as base64url): exact values, as a thief reads them with SQLite. */
export function databaseCells(path: string): string[] {
  const db = new DatabaseSync(path);
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
    return tables.flatMap(({ name }) =>
      (db.prepare(`SELECT * FROM "${name}"`).all() as Row[]).flatMap((row) =>
        Object.values(row).map((value) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64url') : String(value))),
      ),
    );
  } finally {
    db.close();
  }
}

export interface Targets {
  envelopes: { where: string; body: unknown }[];
  grants: { where: string; grant: Grant; to: string }[];
  boxes: { where: string; box: Box; aad: string }[];
}

const parse = (value: unknown): unknown => {
  try {
    return typeof value === 'string' ? (JSON.parse(value) as unknown) : null;
  } catch {
    return null;
  }
};
type Row = Record<string, unknown>;
const str = (value: unknown) => (typeof value === 'string' ? value : String(value));

/** The sealed things an intake database holds, each with what it takes to open (a stolen copy: its WAL is read too). */
export function targetsFromDatabase(path: string, label: string): Targets {
  const targets: Targets = { envelopes: [], grants: [], boxes: [] };
  const db = new DatabaseSync(path);
  const all = (sql: string) => db.prepare(sql).all() as Row[];
  const has = (table: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
  try {
    for (const row of all('SELECT ref, body FROM envelopes'))
      targets.envelopes.push({ where: `${label} envelope ${str(row['ref'])}`, body: parse(row['body']) });
    for (const row of all('SELECT hash, body FROM quarantine'))
      targets.envelopes.push({ where: `${label} quarantine ${str(row['hash'])}`, body: parse(row['body']) });
    for (const row of all('SELECT id, ref, gen, iv, ct FROM notes')) {
      const box = { iv: str(row['iv']), ct: str(row['ct']) };
      const ref = str(row['ref']);
      targets.boxes.push({ where: `${label} note ${str(row['id'])}`, box, aad: row['gen'] === null ? `note\0${ref}` : `note|${ref}` });
    }
    for (const row of all('SELECT id, ref, gen, iv, ct FROM replies')) {
      const box = { iv: str(row['iv']), ct: str(row['ct']) };
      const [id, ref] = [str(row['id']), str(row['ref'])];
      targets.boxes.push({ where: `${label} reply ${id}`, box, aad: row['gen'] === null ? `reply\0${id}` : `reply|${ref}|${id}` });
    }
    if (!has('vault_generations')) return targets;
    const staffIds = all('SELECT id FROM staff').map((row) => str(row['id']));
    for (const row of all('SELECT gen, recovery, previous FROM vault_generations')) {
      const gen = Number(row['gen']);
      targets.grants.push({ where: `${label} recovery grant ${gen}`, grant: parse(row['recovery']) as Grant, to: 'recovery' });
      const previous = parse(row['previous']) as Box | null;
      if (previous) targets.boxes.push({ where: `${label} previous of ${gen}`, box: previous, aad: `previous|${gen - 1}` });
    }
    for (const row of all('SELECT staff_id, grant_json FROM member_grants')) {
      targets.grants.push({
        where: `${label} grant of ${str(row['staff_id'])}`,
        grant: parse(row['grant_json']) as Grant,
        to: `member:${str(row['staff_id'])}`,
      });
    }
    for (const row of all('SELECT kid, wrapped FROM vault_keys')) {
      targets.boxes.push({
        where: `${label} recipient key ${str(row['kid'])}`,
        box: parse(row['wrapped']) as Box,
        aad: `recipient-key|${str(row['kid'])}`,
      });
    }
    for (const row of all('SELECT staff_id, unlock FROM member_keys')) {
      const unlock = parse(row['unlock']) as { box?: Box } | null;
      if (unlock?.box)
        targets.boxes.push({
          where: `${label} member key ${str(row['staff_id'])}`,
          box: unlock.box,
          aad: `member-key|${str(row['staff_id'])}`,
        });
    }
    // A grant relabelled for another member opens for nobody, but try every member's label anyway.
    for (const grant of targets.grants.filter((g) => g.to !== 'recovery')) {
      for (const id of staffIds) if (`member:${id}` !== grant.to) targets.grants.push({ ...grant, to: `member:${id}` });
    }
    return targets;
  } finally {
    db.close();
  }
}

const AES = { name: 'AES-GCM', length: 256 } as const;
const importAes = (bytes: Uint8Array) => crypto.subtle.importKey('raw', new Uint8Array(bytes), AES, false, ['decrypt', 'encrypt']);

/** A 32-byte value as a P-256 private key for ECDH, or null when it is no valid scalar. */
async function asScalar(bytes: Uint8Array): Promise<CryptoKey | null> {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(bytes));
    const point = ecdh.getPublicKey();
    const b64 = (part: Buffer) => part.toString('base64url');
    // Imported as the HPKE library imports a recipient key (envelope-open.ts), so the same open() takes it.
    const jwk = { kty: 'EC', crv: 'P-256', d: b64(Buffer.from(bytes)), x: b64(point.subarray(1, 33)), y: b64(point.subarray(33, 65)) };
    return await contactSuite.kem.importKey('jwk', jwk, false);
  } catch {
    return null;
  }
}

/** Every AES key a 32-byte value could stand for here. */
async function aesKeysFrom(bytes: Uint8Array): Promise<{ as: string; key: CryptoKey }[]> {
  const vault = await vaultKeysFrom(bytes, 1);
  const old = (purpose: string) => importAes(new Uint8Array(hkdfSync('sha256', bytes, Buffer.alloc(0), `utvag-intake/${purpose}/v1`, 32)));
  return [
    { as: 'raw AES key', key: await importAes(bytes) },
    { as: 'vault wrap key', key: vault.wrap },
    { as: 'vault notes key', key: vault.notes },
    { as: 'vault records key', key: vault.records },
    { as: 'old notes key', key: await old('notes') },
    { as: 'old replies key', key: await old('replies') },
    { as: 'PRF unlock key', key: await unlockKeyFromPrf(bytes) },
  ];
}

async function opens(attempt: () => Promise<unknown>): Promise<boolean> {
  try {
    await attempt();
    return true;
  } catch {
    return false;
  }
}

/** Tries every candidate on every target; returns what opened, and with what. */
export async function tryEveryKey(candidates: Candidates, all: Targets): Promise<string[]> {
  // A backup holds the same rows as the database: each sealed thing is tried once.
  const once = <T>(items: T[], key: (item: T) => string) => {
    const first = new Map<string, T>();
    for (const item of items) if (!first.has(key(item))) first.set(key(item), item);
    return [...first.values()];
  };
  const targets: Targets = {
    envelopes: once(all.envelopes, (e) => JSON.stringify(e.body)),
    grants: once(all.grants, (g) => `${g.to}|${JSON.stringify(g.grant)}`),
    boxes: once(all.boxes, (b) => `${b.aad}|${JSON.stringify(b.box)}`),
  };
  const opened: string[] = [];
  const envelopes = targets.envelopes.filter(
    (e): e is { where: string; body: { kid: string } } => typeof e.body === 'object' && e.body !== null && 'kid' in e.body,
  );
  // All attempts of one candidate at once: WebCrypto runs them on the thread pool.
  const attempt = async (what: string, open: () => Promise<unknown>) => {
    if (await opens(open)) opened.push(what);
  };
  for (const [hex, bytes] of candidates.keys) {
    const scalar = await asScalar(bytes);
    const attempts: Promise<void>[] = [];
    if (scalar) {
      for (const envelope of envelopes) {
        attempts.push(
          attempt(`${envelope.where} with ${hex}`, () => openEnvelopeToJson(envelope.body, new Map([[envelope.body.kid, scalar]]))),
        );
      }
      for (const grant of targets.grants)
        attempts.push(attempt(`${grant.where} with ${hex}`, () => openGrant(grant.grant, scalar, grant.to)));
    }
    for (const { as, key } of await aesKeysFrom(bytes)) {
      for (const box of targets.boxes) attempts.push(attempt(`${box.where} with ${hex} as ${as}`, () => openBox(key, box.aad, box.box)));
    }
    await Promise.all(attempts);
  }
  for (const code of candidates.codes) {
    const pair = await recoveryKeyPair(code);
    for (const grant of targets.grants) {
      if (await opens(() => openGrant(grant.grant, pair.privateKey, grant.to))) opened.push(`${grant.where} with the code ${code}`);
    }
  }
  return opened;
}
