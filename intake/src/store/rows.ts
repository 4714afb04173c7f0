/**
 * Typed reading of SQLite rows: each column is checked for the type the
 * schema gives it, so a row that is not what the code expects fails with
 * the table and column named, instead of travelling on behind an `as`.
 */
import type { SqlRow, SqlValue } from './sql.ts';

export type { SqlRow };

export class RowShapeError extends Error {}

function fail(name: string, expected: string, value: SqlValue | undefined): never {
  throw new RowShapeError(`column ${name}: expected ${expected}, found ${value === null ? 'null' : typeof value}`);
}

export function text(row: SqlRow, name: string): string {
  const value = row[name];
  return typeof value === 'string' ? value : fail(name, 'text', value);
}

export function textOrNull(row: SqlRow, name: string): string | null {
  const value = row[name];
  return value === null || value === undefined ? null : typeof value === 'string' ? value : fail(name, 'text or null', value);
}

export function int(row: SqlRow, name: string): number {
  const value = row[name];
  return typeof value === 'number' ? value : fail(name, 'integer', value);
}

export function intOrNull(row: SqlRow, name: string): number | null {
  const value = row[name];
  return value === null || value === undefined ? null : typeof value === 'number' ? value : fail(name, 'integer or null', value);
}

/** The one row a query must return (a count, a lookup that exists). */
export function only(row: SqlRow | undefined, what: string): SqlRow {
  if (!row) throw new RowShapeError(`no row for ${what}`);
  return row;
}
