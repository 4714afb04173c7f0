/**
 * The public key set served at /intake-keys.json, and the choice of which
 * key a request is sealed to.
 *
 *   {"v":1,"keys":[{"kid","recipient","publicKey","notAfter"}]}
 *
 * - kid: base64url(first 16 bytes of SHA-256(raw public key)).
 * - recipient: a municipality or regional-intake id from the help directory.
 * - publicKey: base64url of the raw uncompressed 65-byte P-256 point.
 * - notAfter: YYYY-MM-DD, the last day (UTC) the key may be used to seal.
 *   From the next day 00:00 UTC on, the key is never chosen.
 *
 * Built by src/intake/recipients.ts from the recipients' public keys; it
 * never holds a private key.
 */
import * as z from 'zod/mini';
import { base64urlDecode, computeKid, KID_SIZE, PUBLIC_KEY_SIZE } from './envelope.ts';
import { HELP_DIRECTORY_ID_PATTERN, parseCalendarDay } from './request.ts';

export const KEY_SET_VERSION = 1;

/** The regional intake that receives a request when the chosen municipality has no key (yet). */
export const REGIONAL_DEFAULT_RECIPIENT = 'stockholm';

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

export const keySetSchema = z
  .strictObject({
    v: z.literal(KEY_SET_VERSION),
    keys: z.array(keySetEntrySchema),
  })
  .check(
    z.refine((set) => new Set(set.keys.map((key) => key.kid)).size === set.keys.length, {
      message: 'a kid appears more than once',
      path: ['keys'],
    }),
  );

export type KeySetEntry = z.infer<typeof keySetEntrySchema>;
export type KeySet = z.infer<typeof keySetSchema>;

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

/**
 * The key to seal a request to: the newest non-expired key of the chosen
 * recipient; if it has none, the regional default recipient's newest valid
 * key; if that has none either, null (the form must say it cannot send now).
 * An expired key is never chosen.
 */
export function chooseKey(
  keySet: KeySet,
  recipientId: string,
  now: Date = new Date(),
  defaultRecipient: string = REGIONAL_DEFAULT_RECIPIENT,
): KeySetEntry | null {
  return newestValidKey(keySet, recipientId, now) ?? newestValidKey(keySet, defaultRecipient, now);
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
