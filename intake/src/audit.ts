/**
 * The audit log: who did what to which request, and when; never content
 * (no names of callers, codes, phone numbers or text). Append-only (the
 * database refuses UPDATE and DELETE on it through triggers) and
 * hash-chained: each line's hash covers the previous line's hash, so a
 * changed, removed or inserted line breaks the chain from that line on.
 *
 *   hash = SHA-256(prev || "\n" || JSON.stringify([seq, at, actor, action, ref, detail]))
 *
 * `npm run intake -- audit verify` recomputes the chain.
 */
import { createHash } from 'node:crypto';
import type { StoreHandle } from './store/sql.ts';
import { int, text, textOrNull, type SqlRow } from './store/rows.ts';

/** Every action the log knows. `replied` is reserved for answers to the person (issue 14). */
export const AUDIT_ACTIONS = [
  'received',
  'opened',
  'claimed',
  'released',
  'status_changed',
  'noted',
  'exported',
  'looked_up',
  'replied',
  'deleted',
  'imported',
  'signed_in',
  'signed_out',
  'signed_out_everywhere',
  'sign_in_refused',
  'staff_invited',
  'staff_registered',
  'staff_confirmed',
  'staff_removed',
  'alert_sent',
  'many_opened',
  'follow_up_linked',
  'member_key',
  'vault_setup',
  'vault_granted',
  'vault_rotated',
  'recovered',
  'keys_moved',
  'key_made',
  'key_retired',
  'identity_made',
  'key_statement',
  'connection_saved',
  'operator_invited',
  'operator_disconnected',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const GENESIS = '0'.repeat(64);

export interface AuditLine {
  seq: number;
  at: string;
  actor: string;
  action: string;
  ref: string | null;
  detail: string | null;
  prev: string;
  hash: string;
}

function auditLineFrom(row: SqlRow): AuditLine {
  return {
    seq: int(row, 'seq'),
    at: text(row, 'at'),
    actor: text(row, 'actor'),
    action: text(row, 'action'),
    ref: textOrNull(row, 'ref'),
    detail: textOrNull(row, 'detail'),
    prev: text(row, 'prev'),
    hash: text(row, 'hash'),
  };
}

function lineHash(prev: string, line: Omit<AuditLine, 'prev' | 'hash'>): string {
  return createHash('sha256')
    .update(`${prev}\n${JSON.stringify([line.seq, line.at, line.actor, line.action, line.ref, line.detail])}`)
    .digest('hex');
}

/**
 * Appends one line. `actor` is a staff id ("staff:3") or a part of the
 * intake ("receiver", "retention", "cli"); `detail` a short code such as
 * a status, never content.
 */
export function appendAudit(
  store: StoreHandle,
  actor: string,
  action: AuditAction,
  ref: string | null = null,
  detail: string | null = null,
  now: Date = new Date(),
): void {
  const write = () => {
    const last = store.db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1').get();
    const line = { seq: (last ? int(last, 'seq') : 0) + 1, at: now.toISOString(), actor, action, ref, detail };
    const prev = last ? text(last, 'hash') : GENESIS;
    store.db
      .prepare('INSERT INTO audit (seq, at, actor, action, ref, detail, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(line.seq, line.at, line.actor, line.action, line.ref, line.detail, prev, lineHash(prev, line));
  };
  // Inside a caller's transaction (a request stored, a key made) the line joins it.
  store.transaction(write);
}

export type AuditVerdict = { ok: true; lines: number } | { ok: false; lines: number; firstBadSeq: number; reason: string };

/** Recomputes the chain from the first line. */
export function verifyAudit(store: StoreHandle): AuditVerdict {
  const lines = store.db.prepare('SELECT seq, at, actor, action, ref, detail, prev, hash FROM audit ORDER BY seq').all().map(auditLineFrom);
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const line of lines) {
    if (line.seq !== expectedSeq)
      return { ok: false, lines: lines.length, firstBadSeq: line.seq, reason: `line ${expectedSeq} is missing` };
    if (line.prev !== prev)
      return { ok: false, lines: lines.length, firstBadSeq: line.seq, reason: `line ${line.seq} does not follow line ${line.seq - 1}` };
    if (lineHash(prev, line) !== line.hash)
      return { ok: false, lines: lines.length, firstBadSeq: line.seq, reason: `line ${line.seq} was changed` };
    prev = line.hash;
    expectedSeq++;
  }
  return { ok: true, lines: lines.length };
}

/** The latest lines, newest first, for the inbox's audit page. */
export function recentAudit(store: StoreHandle, limit = 200): AuditLine[] {
  return store.db
    .prepare('SELECT seq, at, actor, action, ref, detail, prev, hash FROM audit ORDER BY seq DESC LIMIT ?')
    .all(limit)
    .map(auditLineFrom);
}
