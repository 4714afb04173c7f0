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
 *         "push": {                          // either push …
 *           "url": "https://intake.example.se/push",
 *           "receiptPublicKey": "<base64url raw Ed25519 key>"  // signs the receiver's receipts
 *         },
 *         "pull": { "queue": "utvag-pull-stockholm" }  // … or pull from a queue of its own
 *       }
 *     ]
 *   }
 *
 * The kid of each key is computed, never typed. From this file the build
 * makes /intake-keys.json (buildKeySet), the Worker's push routes
 * (buildPushRoutes) and its pull queues (buildPullQueues).
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { base64urlDecode, computeKid, EnvelopeError, importPublicKey } from '../contact/envelope.ts';
import { keySetSchema, type KeySet } from '../contact/key-set.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../contact/request.ts';
import { isVerifyKey } from './push-auth.ts';

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
      push: z
        .strictObject({
          url: pushUrl,
          /** The receiver's receipt public key (push-auth.ts): base64url of the raw 32-byte Ed25519 key. */
          receiptPublicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'push.receiptPublicKey must be a base64url Ed25519 public key (43 characters)' }),
        })
        .optional(),
      /** A queue of this recipient's own that its intake pulls from (see pull.ts); no other recipient's requests go there. */
      pull: z
        .strictObject({
          queue: z.string().regex(/^utvag-pull-[a-z0-9-]{1,50}$/, { message: 'pull.queue must be utvag-pull-<id> (a-z, 0-9, -)' }),
        })
        .optional(),
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
    if (recipient.push && recipient.pull) problems.push(`recipient "${recipient.id}" has both push and pull: choose one`);
    if (recipient.push && !(await isVerifyKey(recipient.push.receiptPublicKey))) {
      problems.push(`recipient "${recipient.id}": push.receiptPublicKey is not an Ed25519 public key`);
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

/** One push route of the Worker's INTAKE_PUSH_ROUTES (functions/queue-consumer.ts). */
export interface PushRoute {
  recipient: string;
  url: string;
  receiptKey: string;
}

/** The Worker's INTAKE_PUSH_ROUTES value: kid → {recipient, url, receiptKey}, for recipients that take pushes. */
export async function buildPushRoutes(recipientsFile: string): Promise<Record<string, PushRoute>> {
  const { config, keys } = await loadRecipients(recipientsFile);
  const pushByRecipient = new Map(config.recipients.flatMap((r) => (r.push ? [[r.id, r.push] as const] : [])));
  const routes: Record<string, PushRoute> = {};
  for (const key of keys) {
    const push = pushByRecipient.get(key.recipient);
    if (push) routes[key.kid] = { recipient: key.recipient, url: push.url, receiptKey: push.receiptPublicKey };
  }
  return routes;
}

/** The Worker binding name of a pull queue: utvag-pull-stockholm → PULL_QUEUE_STOCKHOLM. */
export function pullQueueBinding(queue: string): string {
  return `PULL_QUEUE_${queue.slice('utvag-pull-'.length).toUpperCase().replace(/-/g, '_')}`;
}

export interface PullQueues {
  /** The Worker's INTAKE_PULL_QUEUES value: kid → binding name. */
  routes: Record<string, string>;
  /** The producers to add to wrangler.jsonc's queues.producers. */
  producers: { binding: string; queue: string }[];
}

/** Where the Worker puts requests for recipients that pull: a queue per recipient. */
export async function buildPullQueues(recipientsFile: string): Promise<PullQueues> {
  const { config, keys } = await loadRecipients(recipientsFile);
  const queueByRecipient = new Map(config.recipients.flatMap((r) => (r.pull ? [[r.id, r.pull.queue] as const] : [])));
  const routes: Record<string, string> = {};
  for (const key of keys) {
    const queue = queueByRecipient.get(key.recipient);
    if (queue) routes[key.kid] = pullQueueBinding(queue);
  }
  const producers = [...new Set(queueByRecipient.values())].map((queue) => ({ binding: pullQueueBinding(queue), queue }));
  return { routes, producers };
}
