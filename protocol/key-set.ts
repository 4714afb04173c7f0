/**
 * The public key set served at /intake-keys.json, and the choice of which
 * key a request is sealed to.
 *
 *   {"v":2,"keys":[{"kid","recipient","publicKey","notAfter"}],
 *    "recipients":[{"id","serves":[municipality ids, or "unknown"],"identity"?}],
 *    "statements":[<signed key statement, key-statement.ts>]}
 *
 * Version 2 (issue 20) added `identity` and `statements`: a recipient with
 * an identity has no static keys; the Worker serves the keys of its newest
 * statement that verifies against that identity, and the statement itself,
 * so the browser verifies it against the fingerprint pinned in the page.
 * A version-1 reader refuses a version-2 set on its `v` (the form then says
 * it cannot send, and keeps the answers), never seals to keys it cannot check.
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
// The browser loads none of this file: key-choice.ts has what it chooses a
// key with, and src/client/key-set-loader.ts checks the set's shape.
import * as z from 'zod/mini';
import { base64urlDecode } from './base64url.ts';
import { HELP_DIRECTORY_ID_PATTERN, KEY_SET_VERSION, KID_SIZE, PUBLIC_KEY_SIZE } from './limits.ts';
import { parseCalendarDay } from './request-check.ts';
import { asKeyStatement, type KeyStatement } from './key-statement.ts';

export { KEY_SET_VERSION } from './limits.ts';

const base64urlBytes = (size: number, what: string) =>
  z.string().check(
    z.refine((text) => base64urlDecode(text)?.length === size, {
      message: `${what} must be ${size} bytes of base64url without padding`,
    }),
  );

export const keySetEntrySchema = z.strictObject({
  kid: base64urlBytes(KID_SIZE, 'kid'),
  recipient: z.string().check(z.regex(HELP_DIRECTORY_ID_PATTERN, { message: 'recipient must be a help-directory id' })),
  publicKey: base64urlBytes(PUBLIC_KEY_SIZE, 'publicKey').check(
    z.refine((text) => base64urlDecode(text)?.[0] === 0x04, {
      message: 'publicKey must be an uncompressed P-256 point',
    }),
  ),
  notAfter: z.string().check(z.refine((text) => parseCalendarDay(text) !== null, { message: 'notAfter must be YYYY-MM-DD' })),
});

const slug = z.string().check(z.regex(HELP_DIRECTORY_ID_PATTERN, { message: 'expected a slug (a-z, 0-9, -)' }));

export const keySetRecipientSchema = z.strictObject({
  id: slug,
  serves: z.array(slug),
  /** The pinned identity fingerprint (recipients.json); its keys come from its statement. */
  identity: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, { message: 'identity must be a key fingerprint' }))),
  /** Its team inbox is hosted in the Worker's account (protocol/hosted-inbox.ts): requests go to its Durable Object. */
  hosted: z.optional(z.literal(true)),
});

/** A signed key statement's shape (its signature is checked by verifyKeyStatement). */
export const keyStatementSchema = z.custom<KeyStatement>((value) => asKeyStatement(value) !== null, {
  message: 'not a key statement (key-statement.ts)',
});

export const keySetSchema = z
  .strictObject({
    v: z.literal(KEY_SET_VERSION),
    keys: z.array(keySetEntrySchema),
    recipients: z.array(keySetRecipientSchema),
    statements: z.array(keyStatementSchema),
  })
  .check(
    z.refine((set) => new Set(set.keys.map((key) => key.kid)).size === set.keys.length, {
      message: 'a kid appears more than once',
      path: ['keys'],
    }),
    z.refine(
      (set) => {
        const served = set.recipients.flatMap((r) => r.serves);
        return new Set(served).size === served.length;
      },
      { message: 'a municipality is served by more than one recipient', path: ['recipients'] },
    ),
  );

export type KeySetEntry = z.infer<typeof keySetEntrySchema>;
export type KeySet = z.infer<typeof keySetSchema>;
export type KeySetRecipient = z.infer<typeof keySetRecipientSchema>;

/**
 * The part of a served key set the build made (dist/intake-keys.json, whose
 * digest the release manifest names): without the statements the Worker
 * added and the keys they brought. A pinned recipient has no static keys.
 * As JSON.stringify gives it, these are the built file's bytes.
 */
export function builtPartOf(keySet: KeySet): KeySet {
  const pinned = new Set(keySet.recipients.flatMap((r) => (r.identity ? [r.id] : [])));
  return { ...keySet, keys: keySet.keys.filter((key) => !pinned.has(key.recipient)), statements: [] };
}
