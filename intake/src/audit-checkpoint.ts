/**
 * Anchoring the audit chain (security review N9). The chain alone catches
 * careless edits only: whoever can write the database can drop its tail,
 * or rewrite lines and hash them again. So the intake signs a checkpoint
 * (the chain's length and head hash) and sends it out with the daily
 * heartbeat alert: the alert gateway (SMS, e-mail) keeps a copy outside
 * the intake. `audit verify --checkpoint '<json>'` then finds a trimmed or
 * rewritten tail: the line the checkpoint names must still be there with
 * the same hash.
 *
 * The signing key is Ed25519, derived from the store secret (so it needs
 * the passphrase, which someone editing the file does not have); the
 * checkpoint carries its public key, so anyone can check the signature.
 */
import { createHmac, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { verifyAudit } from './audit.ts';
import type { IntakeStore } from './store.ts';
import { int, text } from './store/rows.ts';

export interface AuditCheckpoint {
  v: 1;
  /** The number of lines the chain had, and the last one's hash. */
  seq: number;
  head: string;
  at: string;
  /** The signer's Ed25519 public key (raw, base64url), and the signature (base64url). */
  key: string;
  sig: string;
}

const checkpointSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().min(0),
  head: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string(),
  key: z.string().min(1),
  sig: z.string().min(1),
});

const META_KEY = 'audit_checkpoint';
/** The DER header of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** The DER header of an SPKI Ed25519 public key; the 32-byte key follows. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The checkpoint signing key, derived from the store secret. */
export function checkpointSigningKey(storeSecret: Buffer): KeyObject {
  const seed = createHmac('sha256', storeSecret).update('utvag/audit-checkpoint/v1').digest();
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

const signedText = (c: Pick<AuditCheckpoint, 'seq' | 'head' | 'at'>) => Buffer.from(`utvag-audit-checkpoint\n${c.seq}\n${c.head}\n${c.at}`);

/** Signs the chain's current head and keeps the checkpoint in the store too (the copy that counts is outside). */
export function makeCheckpoint(store: IntakeStore, key: KeyObject, now: Date = new Date()): AuditCheckpoint {
  const last = store.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get();
  const body = { seq: last ? int(last, 'seq') : 0, head: last ? text(last, 'hash') : '0'.repeat(64), at: now.toISOString() };
  const raw = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length);
  const checkpoint: AuditCheckpoint = {
    v: 1,
    ...body,
    key: raw.toString('base64url'),
    sig: sign(null, signedText(body), key).toString('base64url'),
  };
  store.db
    .prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
    .run(META_KEY, JSON.stringify(checkpoint));
  return checkpoint;
}

/** The last checkpoint this store made (it can be forged by whoever edits the file; prefer the copy from the alerts). */
export function lastCheckpoint(store: IntakeStore): AuditCheckpoint | null {
  const row = store.db.prepare('SELECT value FROM meta WHERE key = ?').get(META_KEY);
  return row ? parseCheckpoint(text(row, 'value')) : null;
}

export function parseCheckpoint(json: string): AuditCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('the checkpoint is not JSON');
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) throw new Error('the checkpoint is not an audit checkpoint ({v,seq,head,at,key,sig})');
  return parsed.data;
}

export type CheckpointVerdict = { ok: true; lines: number; checkpointSeq: number } | { ok: false; reason: string };

/** The chain is intact and still holds the checkpoint's line with the same hash. */
export function verifyAgainstCheckpoint(store: IntakeStore, checkpoint: AuditCheckpoint): CheckpointVerdict {
  const publicKey = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(checkpoint.key, 'base64url')]),
    format: 'der',
    type: 'spki',
  });
  if (!verify(null, signedText(checkpoint), publicKey, Buffer.from(checkpoint.sig, 'base64url')))
    return { ok: false, reason: "the checkpoint's signature does not match" };
  const chain = verifyAudit(store);
  if (!chain.ok) return { ok: false, reason: chain.reason };
  if (chain.lines < checkpoint.seq)
    return {
      ok: false,
      reason: `the checkpoint of ${checkpoint.at} saw ${checkpoint.seq} line(s); only ${chain.lines} are left (the tail was removed)`,
    };
  if (checkpoint.seq === 0) return { ok: true, lines: chain.lines, checkpointSeq: 0 };
  const line = store.db.prepare('SELECT hash FROM audit WHERE seq = ?').get(checkpoint.seq);
  if (!line || text(line, 'hash') !== checkpoint.head)
    return { ok: false, reason: `line ${checkpoint.seq} is not the one the checkpoint of ${checkpoint.at} signed (the log was rewritten)` };
  return { ok: true, lines: chain.lines, checkpointSeq: checkpoint.seq };
}
