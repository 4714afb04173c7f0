/**
 * What a stored envelope holds once opened, read leniently: a request that
 * fits this version's schema, or everything it holds, its unknown fields
 * and why it does not fit (a needs-review request). Used where envelopes
 * are opened: the staff member's browser (intake/src/browser/) and the
 * command line with the recovery code. No node: import.
 */
import { contactRequestSchema, type ContactRequest } from '../../protocol/request.ts';

/** What a stored envelope holds once opened in memory. */
export interface OpenedRequest {
  /** The request when it fits this version's schema. */
  request: ContactRequest | null;
  /** Everything the plaintext holds, as parsed (shown for needs-review requests). */
  raw: unknown;
  /** Top-level fields this version does not know (kept and shown, never dropped). */
  unknownFields: string[];
  /** Why it does not fit (field paths), empty when it fits. */
  problems: string[];
}

/**
 * Reads decrypted JSON leniently: the request when it fits this version's
 * schema; otherwise everything that is there, with the fields this
 * version does not know named, so a person can read it (security review M4).
 */
export function readLeniently(json: Uint8Array): OpenedRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    // Keep even what is not JSON: the text as far as it can be decoded.
    return { request: null, raw: new TextDecoder().decode(json), unknownFields: [], problems: ['(not JSON)'] };
  }
  const parsed = contactRequestSchema.safeParse(raw);
  if (parsed.success) return { request: parsed.data, raw, unknownFields: [], problems: [] };
  const known = new Set(Object.keys(contactRequestSchema.def.shape));
  const unknownFields = raw && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw).filter((key) => !known.has(key)) : [];
  const problems = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
  return { request: null, raw, unknownFields, problems };
}
