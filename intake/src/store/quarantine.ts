/**
 * The quarantine table: envelopes that cannot be opened here, kept as
 * received within bounds of count and bytes (security review M3); beyond
 * them only a counter per reason grows.
 */
import { createHash } from 'node:crypto';
import type { SqlDatabase } from './sql.ts';
import { int, only, text } from './rows.ts';

/** Quarantine bounds: beyond them only a counter grows. */
export const QUARANTINE_MAX_COUNT = 1000;
export const QUARANTINE_MAX_BYTES = 32 * 1024 * 1024;
/** Quarantined envelopes are kept this long (they can never be opened here). */
export const QUARANTINE_DAYS = 30;

export interface QuarantineSummary {
  kept: number;
  bytes: number;
  byCode: { code: string; seen: number; dropped: number }[];
}

function totals(db: SqlDatabase): { n: number; bytes: number } {
  const row = only(db.prepare('SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM quarantine').get(), 'quarantine totals');
  return { n: int(row, 'n'), bytes: int(row, 'bytes') };
}

/** Keeps a body (one row per distinct body) if it fits the bounds; always counts it. Call inside a transaction. */
export function keepInQuarantine(
  db: SqlDatabase,
  limits: { count: number; bytes: number },
  body: string,
  code: string,
  now: Date,
): 'kept' | 'counted' {
  const hash = createHash('sha256').update(body).digest('hex');
  const size = Buffer.byteLength(body);
  if (db.prepare('SELECT 1 FROM quarantine WHERE hash = ?').get(hash)) return 'kept';
  const sum = totals(db);
  const fits = sum.n < limits.count && sum.bytes + size <= limits.bytes;
  db.prepare(
    `INSERT INTO quarantine_counts (code, seen, dropped) VALUES (?, 1, ?)
     ON CONFLICT (code) DO UPDATE SET seen = seen + 1, dropped = dropped + excluded.dropped`,
  ).run(code, fits ? 0 : 1);
  if (!fits) return 'counted';
  db.prepare('INSERT INTO quarantine (hash, code, received_at, size, body) VALUES (?, ?, ?, ?, ?)').run(
    hash,
    code,
    now.getTime(),
    size,
    body,
  );
  return 'kept';
}

export function quarantineSummary(db: SqlDatabase): QuarantineSummary {
  const sum = totals(db);
  const byCode = db
    .prepare('SELECT code, seen, dropped FROM quarantine_counts ORDER BY code')
    .all()
    .map((row) => ({ code: text(row, 'code'), seen: int(row, 'seen'), dropped: int(row, 'dropped') }));
  return { kept: sum.n, bytes: sum.bytes, byCode };
}

/** Drops quarantined bodies older than QUARANTINE_DAYS. */
export function expireQuarantine(db: SqlDatabase, now: Date): void {
  db.prepare('DELETE FROM quarantine WHERE received_at < ?').run(now.getTime() - QUARANTINE_DAYS * 86_400_000);
}
