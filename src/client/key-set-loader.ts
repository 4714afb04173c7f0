/**
 * The public key set (/intake-keys.json) for the browser, fetched once per
 * page and shared by the contact form and the answer reader. A failed fetch
 * is forgotten, so the next try fetches again.
 *
 * The browser checks the set's shape only (no schema library on these
 * pages): the Worker serves it after keySetSchema (key-set.ts), sealing
 * checks that each kid is the hash of its key, and importing the key
 * checks the point.
 */
import type { KeySet } from '../../protocol/key-set.ts';
import { KEY_SET_VERSION } from '../../protocol/limits.ts';

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
    json.recipients.every((recipient) => hasStrings(recipient, ['id']) && isStringList((recipient as Json).serves));
  if (!ok) throw new Error('the key set does not have the expected shape');
  return json as unknown as KeySet;
}

let keySet: Promise<KeySet> | null = null;

/** The key set, fetched on first use (no cache, no cookies). */
export function loadKeySet(): Promise<KeySet> {
  keySet ??= fetch('/intake-keys.json', { cache: 'no-store', credentials: 'omit' })
    .then((res) => {
      if (!res.ok) throw new Error(`key set ${res.status}`);
      return res.json();
    })
    .then(asKeySet)
    .catch((error: unknown) => {
      keySet = null; // try again next time
      throw error;
    });
  return keySet;
}
