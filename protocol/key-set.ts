/**
 * The public key set served at /intake-keys.json, and the choice of which
 * key a request is sealed to.
 *
 *   {"v":1,"keys":[{"kid","recipient","publicKey","notAfter"}],
 *    "recipients":[{"id","serves":[municipality ids, or "unknown"]}]}
 *
 * - kid: base64url(first 16 bytes of SHA-256(raw public key)).
 * - recipient: the id of a recipient in content/intake/recipients.json.
 * - publicKey: base64url of the raw uncompressed 65-byte P-256 point.
 * - notAfter: YYYY-MM-DD, the last day (UTC) the key may be used to seal.
 *   From the next day 00:00 UTC on, the key is never chosen.
 *
 * - recipients: which recipient serves which municipality ("unknown": it
 *   also takes requests from people who do not say where they live). A
 *   municipality no recipient serves is not connected: nothing is sent,
 *   and there is no default recipient.
 *
 * Built by intake/src/recipients.ts from the recipients' public keys; it
 * never holds a private key.
 */
import * as z from 'zod/mini';
import { base64urlDecode, computeKid, KID_SIZE, PUBLIC_KEY_SIZE } from './envelope.ts';
import { HELP_DIRECTORY_ID_PATTERN, parseCalendarDay } from './request.ts';

export const KEY_SET_VERSION = 1;

const base64urlBytes = (size: number, what: string) =>
  z.string().check(
    z.refine((text) => base64urlDecode(text)?.length === size, {
      message: `${what} must be ${size} bytes of base64url without padding`,
    }),
  );

export const keySetEntrySchema = z.strictObject({
  kid: base64urlBytes(KID_SIZE, 'kid'),
  recipient: z.string().check(z.regex(HELP_DIRECTORY_ID_PATTERN, { message: 'recipient must be a help-directory id' })),
  publicKey: base64urlBytes(PUBLIC_KEY_SIZE, 'publicKey').check(z.refine((text) => base64urlDecode(text)?.[0] === 0x04, {
    message: 'publicKey must be an uncompressed P-256 point',
  })),
  notAfter: z.string().check(z.refine((text) => parseCalendarDay(text) !== null, { message: 'notAfter must be YYYY-MM-DD' })),
});

const slug = z.string().check(z.regex(HELP_DIRECTORY_ID_PATTERN, { message: 'expected a slug (a-z, 0-9, -)' }));

export const keySetRecipientSchema = z.strictObject({
  id: slug,
  serves: z.array(slug),
});

export const keySetSchema = z
  .strictObject({
    v: z.literal(KEY_SET_VERSION),
    keys: z.array(keySetEntrySchema),
    recipients: z.array(keySetRecipientSchema),
  })
  .check(
    z.refine((set) => new Set(set.keys.map((key) => key.kid)).size === set.keys.length, {
      message: 'a kid appears more than once',
      path: ['keys'],
    }),
    z.refine((set) => {
      const served = set.recipients.flatMap((r) => r.serves);
      return new Set(served).size === served.length;
    }, { message: 'a municipality is served by more than one recipient', path: ['recipients'] }),
  );

export type KeySetEntry = z.infer<typeof keySetEntrySchema>;
export type KeySet = z.infer<typeof keySetSchema>;
export type KeySetRecipient = z.infer<typeof keySetRecipientSchema>;

/** The first instant the key is no longer valid: the day after notAfter, 00:00 UTC. */
export function keyExpiresAt(entry: Pick<KeySetEntry, 'notAfter'>): Date {
  const day = parseCalendarDay(entry.notAfter);
  if (!day) throw new Error(`notAfter is not a day: ${entry.notAfter}`);
  return new Date(day.getTime() + 24 * 60 * 60 * 1000);
}

export function isKeyValid(entry: Pick<KeySetEntry, 'notAfter'>, now: Date): boolean {
  return now.getTime() < keyExpiresAt(entry).getTime();
}

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
