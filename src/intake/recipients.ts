/**
 * The recipients configuration: which municipalities (or regional intakes)
 * receive contact requests, their public keys, and where pushes go.
 * Production: content/intake/recipients.json (public keys only, committed).
 * Development: .dev-intake/recipients.json (made by src/dev/dev-keys.ts).
 *
 *   {
 *     "v": 1,
 *     "recipients": [
 *       {
 *         "id": "stockholm",                 // help-directory id
 *         "name": "Stockholms stad, mottagning", // for people reading the file
 *         "keys": [{ "publicKey": "<base64url raw P-256 point>", "notAfter": "2027-06-30" }],
 *         "push": { "url": "https://intake.example.se/push" }   // optional
 *       }
 *     ]
 *   }
 *
 * The kid of each key is computed, never typed. From this file the build
 * makes /intake-keys.json (buildKeySet) and the Worker's push routes
 * (buildPushRoutes).
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { base64urlDecode, computeKid, EnvelopeError, importPublicKey } from '../contact/envelope.ts';
import { keySetSchema, type KeySet } from '../contact/key-set.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../contact/request.ts';

export const RECIPIENTS_VERSION = 1;

const pushUrl = z.string().refine(
  (text) => {
    try {
      const url = new URL(text);
      // Plain HTTP only to this machine (development); everything else HTTPS.
      return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
    } catch {
      return false;
    }
  },
  { message: 'push.url must be https:// (http:// only for 127.0.0.1 or localhost)' },
);

export const recipientsConfigSchema = z.strictObject({
  v: z.literal(RECIPIENTS_VERSION),
  /** Free text for people reading the file. */
  about: z.string().optional(),
  recipients: z.array(
    z.strictObject({
      id: z.string().regex(HELP_DIRECTORY_ID_PATTERN, { message: 'id must be a help-directory id (a-z, 0-9, -)' }),
      name: z.string().min(1),
      keys: z.array(
        z.strictObject({
          publicKey: z.string().min(1),
          notAfter: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'notAfter must be YYYY-MM-DD' }),
        }),
      ),
      push: z.strictObject({ url: pushUrl }).optional(),
    }),
  ),
});
export type RecipientsConfig = z.infer<typeof recipientsConfigSchema>;

/** Everything wrong with a recipients file, one line per problem. */
export class RecipientsConfigError extends Error {
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`${file}: ${problems.length} problem(s) in the recipients configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'RecipientsConfigError';
    this.problems = problems;
  }
}

export interface ValidatedRecipients {
  config: RecipientsConfig;
  /** Every key with its computed kid. */
  keys: { kid: string; recipient: string; publicKey: string; notAfter: string }[];
}

/**
 * Reads and checks a recipients file: shape, each public key is a real
 * P-256 point, no kid twice, no recipient twice, and (when the help
 * directory's ids are given) every recipient is in the help directory.
 */
export async function loadRecipients(file: string, helpDirectoryIds?: Iterable<string>): Promise<ValidatedRecipients> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new RecipientsConfigError(file, [`cannot read it as JSON (${(cause as Error).message})`]);
  }
  const parsed = recipientsConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RecipientsConfigError(
      file,
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const config = parsed.data;
  const problems: string[] = [];
  const known = helpDirectoryIds ? new Set(helpDirectoryIds) : null;
  const seenRecipients = new Set<string>();
  const seenKids = new Map<string, string>();
  const keys: ValidatedRecipients['keys'] = [];
  for (const recipient of config.recipients) {
    if (seenRecipients.has(recipient.id)) problems.push(`recipient "${recipient.id}" appears twice`);
    seenRecipients.add(recipient.id);
    if (known && !known.has(recipient.id)) {
      problems.push(`recipient "${recipient.id}" is not in the help directory`);
    }
    for (const [index, key] of recipient.keys.entries()) {
      const where = `recipient "${recipient.id}", key ${index + 1}`;
      try {
        await importPublicKey(key.publicKey);
      } catch (error) {
        problems.push(`${where}: ${error instanceof EnvelopeError ? error.message : 'broken public key'}`);
        continue;
      }
      const kid = await computeKid(base64urlDecode(key.publicKey)!);
      const previous = seenKids.get(kid);
      if (previous) {
        problems.push(`${where}: duplicate kid ${kid} (the same public key is already listed for ${previous})`);
        continue;
      }
      seenKids.set(kid, where);
      keys.push({ kid, recipient: recipient.id, publicKey: key.publicKey, notAfter: key.notAfter });
    }
  }
  if (problems.length > 0) throw new RecipientsConfigError(file, problems);
  return { config, keys };
}

/** The public key set for /intake-keys.json. Throws RecipientsConfigError. */
export async function buildKeySet(recipientsFile: string, helpDirectoryIds?: Iterable<string>): Promise<KeySet> {
  const { keys } = await loadRecipients(recipientsFile, helpDirectoryIds);
  // Parsing again checks the output against the very schema the browser uses.
  return keySetSchema.parse({ v: 1, keys });
}

/** The Worker's INTAKE_PUSH_ROUTES value: kid → push URL, for recipients that take pushes. */
export async function buildPushRoutes(recipientsFile: string): Promise<Record<string, string>> {
  const { config, keys } = await loadRecipients(recipientsFile);
  const urlByRecipient = new Map(config.recipients.flatMap((r) => (r.push ? [[r.id, r.push.url] as const] : [])));
  const routes: Record<string, string> = {};
  for (const key of keys) {
    const url = urlByRecipient.get(key.recipient);
    if (url) routes[key.kid] = url;
  }
  return routes;
}
