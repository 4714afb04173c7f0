/**
 * Which key a request is sealed to, from a key set already checked
 * (keySetSchema in key-set.ts on the Worker and the intake; the shape
 * check in src/client/key-set-loader.ts in the browser). No schema library,
 * so the contact and answer pages load it as it is.
 */
import type { KeySet, KeySetEntry, KeySetRecipient } from './key-set.ts';
import { base64urlDecode } from './base64url.ts';
import { computeKid } from './envelope-core.ts';
import { isKeyValid, keyExpiresAt } from './key-dates.ts';

/** The valid key of one recipient with the latest notAfter (later in the list wins a tie). */
function newestValidKey(keySet: KeySet, recipient: string, now: Date): KeySetEntry | null {
  let best: KeySetEntry | null = null;
  for (const entry of keySet.keys) {
    if (entry.recipient !== recipient || !isKeyValid(entry, now)) continue;
    if (!best || keyExpiresAt(entry).getTime() >= keyExpiresAt(best).getTime()) best = entry;
  }
  return best;
}

/** The recipient that serves a municipality (or "unknown"), or null: not connected. */
export function servingRecipient(keySet: KeySet, municipality: string): KeySetRecipient | null {
  return keySet.recipients.find((r) => r.serves.includes(municipality)) ?? null;
}

/**
 * The key to seal a request for a municipality to: the newest non-expired
 * key of the recipient that serves it. Null when no recipient serves it
 * (not connected: say so, offer what works now) or when its keys have all
 * expired (a fault). There is no default recipient, and an expired key is
 * never chosen.
 */
export function chooseKey(keySet: KeySet, municipality: string, now: Date = new Date()): KeySetEntry | null {
  const recipient = servingRecipient(keySet, municipality);
  return recipient ? newestValidKey(keySet, recipient.id, now) : null;
}

/** Kids the Worker may accept now: every key that has not expired. */
export function validKids(keySet: KeySet, now: Date = new Date()): Set<string> {
  return new Set(keySet.keys.filter((entry) => isKeyValid(entry, now)).map((entry) => entry.kid));
}

/**
 * Checks what the schema cannot check synchronously: every kid is the
 * hash of its public key. Returns the problems (empty when all is well).
 */
export async function verifyKeySetKids(keySet: KeySet): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of keySet.keys) {
    const raw = base64urlDecode(entry.publicKey);
    if (!raw || (await computeKid(raw)) !== entry.kid) {
      problems.push(`kid ${entry.kid} (recipient ${entry.recipient}) is not the hash of its public key`);
    }
  }
  return problems;
}
