/**
 * The inbox's connection details (issue 20, part 4): what its
 * administrator entered on the "Connection" page (the promise, a phone
 * number and whose it is, the alert webhook), who saved them and when, and
 * when the operator disconnected the inbox. One row in the `connection`
 * table (migration 5). Read back through protocol/connection.ts's schema,
 * so a row that no longer fits is reported as absent, never shown half.
 *
 * Written against the store's SQL seam (store/sql.ts), so both homes of the
 * inbox keep it alike.
 */
import { connectionDetailsSchema, type ConnectionDetails } from '../../../protocol/connection.ts';
import type { SqlDatabase } from './sql.ts';

/** The part of the store's database this file uses. */
export type ConnectionDb = Pick<SqlDatabase, 'prepare'>;

export interface StoredConnection {
  details: ConnectionDetails | null;
  savedAt: number | null;
  savedBy: number | null;
  disconnectedAt: number | null;
}

const NONE: StoredConnection = { details: null, savedAt: null, savedBy: null, disconnectedAt: null };

const numberOrNull = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function parseDetails(value: unknown): ConnectionDetails | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed = connectionDetailsSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class ConnectionTable {
  private readonly db: ConnectionDb;
  constructor(db: ConnectionDb) {
    this.db = db;
  }

  read(): StoredConnection {
    const row = this.db.prepare('SELECT details, saved_at, saved_by, disconnected_at FROM connection WHERE id = 1').get();
    if (!row) return NONE;
    return {
      details: parseDetails(row['details']),
      savedAt: numberOrNull(row['saved_at']),
      savedBy: numberOrNull(row['saved_by']),
      disconnectedAt: numberOrNull(row['disconnected_at']),
    };
  }

  /** Saves what an administrator entered (already checked with connectionDetailsSchema). */
  save(details: ConnectionDetails, staffId: number, now: Date): void {
    const checked = connectionDetailsSchema.parse(details);
    this.db
      .prepare(
        `INSERT INTO connection (id, details, saved_at, saved_by) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET details = excluded.details, saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
      )
      .run(JSON.stringify(checked), now.getTime(), staffId);
  }

  /**
   * The operator disconnected this inbox: the site stops sending to it
   * (recipients.json), and every stored request stays, readable by its team.
   */
  markDisconnected(now: Date): void {
    this.db
      .prepare(
        `INSERT INTO connection (id, disconnected_at) VALUES (1, ?)
         ON CONFLICT (id) DO UPDATE SET disconnected_at = excluded.disconnected_at`,
      )
      .run(now.getTime());
  }

  /** Connected again (a new invite or approval after a disconnect). */
  clearDisconnected(): void {
    this.db.prepare('UPDATE connection SET disconnected_at = NULL WHERE id = 1').run();
  }

  /** The alert webhook the administrator set, if any (the hosted inbox's alarms send to it). */
  webhook(): string | null {
    return this.read().details?.webhook ?? null;
  }
}
