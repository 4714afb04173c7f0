/**
 * The public key set (/intake-keys.json) for the browser, fetched once per
 * page and shared by the contact form and the answer reader. A failed fetch
 * is forgotten, so the next try fetches again.
 *
 * The browser checks the set's shape only (no schema library on these
 * pages): the Worker serves it after keySetSchema (key-set.ts), sealing
 * checks that each kid is the hash of its key, and importing the key
 * checks the point.
 *
 * Signed keys (issue 20): a recipient whose identity the build pinned in
 * the page (data-identity-pins, on the contact form and the answer reader) gets keys only from its
 * statement in the set, verified here against that pin; its other keys are
 * dropped. A pinned recipient without a statement that verifies is
 * `refused`: the form says so and sends nothing. A recipient the set names
 * with an identity the page does not pin is checked against that identity.
 */
import type { KeySet } from '../../protocol/key-set.ts';
import { KEY_SET_VERSION } from '../../protocol/limits.ts';
import { verifyKeyStatement } from '../../protocol/key-statement.ts';
import { contactHooks } from '../components/ContactForm/hooks.ts';
import { is } from '../components/hooks.ts';

/** The key set with every pinned recipient's keys checked. */
export interface CheckedKeySet extends KeySet {
  /** Pinned recipients with no statement that verifies: nothing may be sealed to them. */
  refused: string[];
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every((item) => typeof item === 'string');
const hasStrings = (value: unknown, names: readonly string[]): boolean =>
  isObject(value) && names.every((name) => typeof value[name] === 'string');

/** The key set if the JSON has its shape; throws (not a TypeError: that means offline) if not. */
export function asKeySet(json: unknown): KeySet {
  const ok =
    isObject(json) &&
    json.v === KEY_SET_VERSION &&
    Array.isArray(json.keys) &&
    json.keys.every((key) => hasStrings(key, ['kid', 'recipient', 'publicKey', 'notAfter'])) &&
    Array.isArray(json.recipients) &&
    json.recipients.every((recipient) => hasStrings(recipient, ['id']) && isStringList((recipient as Json).serves)) &&
    Array.isArray(json.statements);
  if (!ok) throw new Error('the key set does not have the expected shape');
  return json as unknown as KeySet;
}

/** The identity fingerprints the build put in this page: recipient id → fingerprint. */
export function pagePins(): Record<string, string> {
  const text = document.querySelector(is(contactHooks.identityPins))?.getAttribute(contactHooks.identityPins);
  try {
    const pins: unknown = JSON.parse(text ?? '{}');
    return isObject(pins) ? (pins as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** Keeps each pinned recipient's keys only as its verified statement gives them. */
export async function checkKeySet(keySet: KeySet, pins: Record<string, string>, now = new Date()): Promise<CheckedKeySet> {
  const pinOf = (id: string): string | undefined => pins[id] ?? keySet.recipients.find((r) => r.id === id)?.identity;
  const pinned = keySet.recipients.map((r) => r.id).filter((id) => pinOf(id) !== undefined);
  const checked: CheckedKeySet = { ...keySet, keys: keySet.keys.filter((key) => !pinned.includes(key.recipient)), refused: [] };
  for (const id of pinned) {
    const statement = keySet.statements.find((s) => isObject(s) && s.recipient === id);
    const check = await verifyKeyStatement(statement, pinOf(id)!, { recipient: id, now });
    if (check.ok) checked.keys.push(...check.keys);
    else checked.refused.push(id);
  }
  return checked;
}

let keySet: Promise<CheckedKeySet> | null = null;

/** The key set, fetched on first use (no cache, no cookies) and checked against the page's pins. */
export function loadKeySet(): Promise<CheckedKeySet> {
  keySet ??= fetch('/intake-keys.json', { cache: 'no-store', credentials: 'omit' })
    .then((res) => {
      if (!res.ok) throw new Error(`key set ${res.status}`);
      return res.json();
    })
    .then((json) => checkKeySet(asKeySet(json), pagePins()))
    .catch((error: unknown) => {
      keySet = null; // try again next time
      throw error;
    });
  return keySet;
}
