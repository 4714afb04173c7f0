/**
 * WIRE-FORMAT.md is what a municipality implements from; it must say what
 * the code does. These tests read the document and compare it with the
 * request schema (protocol/request.ts) and the push authentication
 * (protocol/push-auth.ts), so one cannot change without the other.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contactDetailsSchema, contactRequestSchema, requestLocales } from '../../protocol/request.ts';
import { contactMethods, needs, roles } from '../../protocol/limits.ts';
import {
  PUSH_MAX_SKEW_SECONDS,
  PUSH_RECIPIENT_HEADER,
  PUSH_SIGNATURE_HEADER,
  PUSH_TIMESTAMP_HEADER,
  RECEIPT_STATUSES,
} from '../../protocol/push-auth.ts';

const doc = readFileSync('protocol/WIRE-FORMAT.md', 'utf8');

/** The section that starts with `## <n>.` up to the next `## `. */
function section(n: number): string {
  const start = doc.indexOf(`\n## ${n}.`);
  expect(start, `section ${n}`).toBeGreaterThan(-1);
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end < 0 ? undefined : end);
}

/** Rows of the request table: field name → the backticked values of its type column. */
function requestTable(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of section(5).split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const field = /^`([\w.]+)`$/.exec(cells[1] ?? '')?.[1];
    if (!field) continue;
    rows.set(
      field,
      [...(cells[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!),
    );
  }
  return rows;
}

describe('WIRE-FORMAT.md and the request schema are in step', () => {
  it('documents exactly the fields of the schema', () => {
    const schemaFields = Object.keys(contactRequestSchema.shape).flatMap((key) =>
      key === 'contact' ? Object.keys(contactDetailsSchema.shape).map((inner) => `contact.${inner}`) : [key],
    );
    expect([...requestTable().keys()].sort()).toEqual(schemaFields.sort());
  });

  it('lists every allowed value of every enumerated field, and no other', () => {
    const table = requestTable();
    expect(table.get('role')).toEqual([...roles]);
    expect(table.get('locale')).toEqual([...requestLocales]);
    expect(table.get('needs')).toEqual([...needs]);
    expect(table.get('contact.method')).toEqual([...contactMethods]);
  });
});

describe('WIRE-FORMAT.md describes push authentication as the code does it', () => {
  it('names the headers, the signed strings, the receipt and the clock window', () => {
    const push = section(7);
    for (const header of [PUSH_RECIPIENT_HEADER, PUSH_TIMESTAMP_HEADER, PUSH_SIGNATURE_HEADER]) expect(push).toContain(header);
    expect(push).toContain('"utvag-push-v2\\n" ‖ recipient ‖ "\\n" ‖ timestamp ‖ "\\n" ‖ base64url(SHA-256(body))');
    expect(push).toContain('"utvag-receipt-v2\\n" ‖ recipient ‖ "\\n" ‖ timestamp ‖ "\\n" ‖ base64url(SHA-256(body)) ‖ "\\n" ‖ status');
    for (const status of RECEIPT_STATUSES) expect(push).toContain(`\`${status}\``);
    expect(push).toContain(`${PUSH_MAX_SKEW_SECONDS} s`);
    expect(push).not.toMatch(/HMAC|INTAKE_PUSH_SECRET/);
  });
});
