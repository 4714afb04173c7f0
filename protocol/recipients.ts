/**
 * The recipients configuration: which intakes receive contact requests,
 * which municipalities each serves, what each has promised, their public
 * keys, and where pushes go. What the site says about contact comes from
 * here and nowhere else (ARCHITECTURE.md, "Promises come from data").
 * Production: content/intake/recipients.json (public keys only, committed).
 * Development: .dev-intake/recipients.json (made by tools/dev/dev-keys.ts).
 *
 *   {
 *     "v": 1,
 *     "recipients": [
 *       {
 *         "id": "stockholm",                       // slug; the key set's `recipient`
 *         "name": "Stockholms stad, mottagning",   // for people reading the file
 *         "development": true,                     // optional: a test intake, shown as such
 *         "serves": ["stockholm"],                 // municipality ids (content/municipalities/)
 *         "takesUnstatedMunicipality": false,      // optional: also takes "I don't want to say"
 *         "promise": {
 *           "firstContactWithinHours": 24,
 *           "hours": "around-the-clock",           // or per-locale text, e.g. {"sv": "vardagar 8–17", …}
 *           "madeBy": { "sv": "Stockholms stad", "en": "Stockholm city", … every locale },
 *           "since": "2024",                       // YYYY, YYYY-MM or YYYY-MM-DD
 *           "source": { "name": "Stockholms stad", "year": 2024, "address": "https://…" }
 *         },
 *         "phone": { "display": "08-508 25 600", "tel": "+46850825600" },   // optional; must be publishable
 *         "keys": [{ "publicKey": "<base64url raw P-256 point>", "notAfter": "2027-06-30" }],
 *         // … or, instead of keys, the identity key's fingerprint (key-statement.ts):
 *         // "identity": "<base64url SHA-256 of its raw P-256 point>",
 *         "push": {                          // either push …
 *           "url": "https://intake.example.se/push",
 *           "receiptPublicKey": "<base64url raw Ed25519 key>"  // signs the receiver's receipts
 *         },
 *         "pull": { "queue": "utvag-pull-stockholm" }  // … or pull from a queue of its own
 *         "hosted": true                     // … or its inbox is a Durable Object on the site's Worker
 *       }
 *     ]
 *   }
 *
 * A recipient that is not `development` must give a promise and its
 * source address; a development recipient may give no promise at all. A `hosted` recipient (issue 20: its team inbox runs as a Durable
 * Object in the site's Worker; `npm run connect -- approve` writes it) has
 * no push and no pull and must pin an `identity` (its keys come from the
 * statements its inbox publishes). A production build (UTVAG_PRODUCTION=1)
 * refuses development recipients. The kid of each key is computed, never
 * typed. From this file the build makes /intake-keys.json (buildKeySet: keys, and which recipient
 * serves which municipality), the Worker's push routes (buildPushRoutes)
 * and its pull queues (buildPullQueues).
 *
 * Runtime-neutral (no file access): the site build, the Worker's tooling and
 * the intake each read the file themselves and hand its text here
 * (intake/src/recipients-file.ts for the intake and tools).
 */
import * as z from 'zod';
import { base64urlDecode, computeKid, EnvelopeError, importPublicKey } from './envelope.ts';
import { KEY_SET_VERSION, keySetSchema, type KeySet } from './key-set.ts';
import { HELP_DIRECTORY_ID_PATTERN, UNKNOWN_MUNICIPALITY } from './limits.ts';
import { localeCodes, type Locale } from './locales.ts';
import { verifiedPhoneNumbers } from './phone-numbers.ts';
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

/** Text in every locale of the site. */
const localizedText = z.strictObject(
  Object.fromEntries(localeCodes.map((code) => [code, z.string().trim().min(1)])) as Record<Locale, z.ZodString>,
);

const slug = z.string().regex(HELP_DIRECTORY_ID_PATTERN, { message: 'a slug (a-z, 0-9, -)' });

/** A phone line the recipient may be reached on: only numbers publishable in shared/facts.md. */
export const recipientPhoneSchema = z
  .strictObject({ display: z.string(), tel: z.string(), hours: localizedText.optional() })
  .refine((phone) => verifiedPhoneNumbers.some((n) => n.tel === phone.tel && n.display === phone.display), {
    message: 'phone must be a number publishable in shared/facts.md (protocol/phone-numbers.ts), written as there',
  });

/**
 * What the recipient has promised about contact, and who made that promise.
 * It must be a promise the recipient made for requests that come through
 * Utväg (how soon it answers them, and when), published where `source`
 * says. Not a promise made for something else, such as a phone line's
 * opening hours: the development recipient borrows Stockholm city's 2024
 * words about its phone line only because it is for development, and says
 * so on every page (review finding T3-26). A production recipient that
 * copies that entry as a template must replace the promise with its own.
 */
export const promiseSchema = z.strictObject({
  /** First contact within this many hours. */
  firstContactWithinHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 14),
  /** "around-the-clock", or the hours in words per locale. */
  hours: z.union([z.literal('around-the-clock'), localizedText]),
  /** Who made the promise, per locale (e.g. "Stockholms stad"). */
  madeBy: localizedText,
  /** Since when: YYYY, YYYY-MM or YYYY-MM-DD. */
  since: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, { message: 'since must be YYYY, YYYY-MM or YYYY-MM-DD' }),
  source: z.strictObject({
    name: z.string().min(2),
    year: z.number().int().min(2000).max(2100),
    /** Where the promise is published. Required for every recipient that is not development. */
    address: z.string().min(4).optional(),
  }),
});

export const recipientSchema = z
  .strictObject({
    id: slug,
    name: z.string().min(1),
    /** A test intake (npm start, the test build): the site says so wherever it names it. */
    development: z.boolean().optional(),
    /** The municipalities it takes requests for (ids from content/municipalities/). */
    serves: z.array(slug).min(1),
    /** Whether it also takes requests from people who do not say where they live. */
    takesUnstatedMunicipality: z.boolean().optional(),
    /**
     * What it has promised. Only a `development` recipient may have none
     * (shared/facts.md gives a promise for Stockholm city alone): the site
     * then says it has made no promise of when it answers.
     */
    promise: promiseSchema.optional(),
    phone: recipientPhoneSchema.optional(),
    /**
     * The fingerprint of the recipient's identity key (key-statement.ts):
     * base64url SHA-256 of its raw P-256 point. The one thing pinned in the
     * build: its keys then come only from a statement signed by that key.
     */
    identity: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, { message: 'identity must be a key fingerprint (43 base64url characters)' })
      .optional(),
    /**
     * Its team inbox runs hosted, as one Durable Object of the site's Worker
     * (protocol/hosted-inbox.ts): the Worker delivers to it directly, so it
     * has no push or pull, and its keys come from its signed statement
     * (it needs `identity`).
     */
    hosted: z.boolean().optional(),
    /** Static keys, for a recipient without `identity` (absent: none). */
    keys: z
      .array(
        z.strictObject({
          publicKey: z.string().min(1),
          notAfter: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'notAfter must be YYYY-MM-DD' }),
        }),
      )
      .default([]),
    push: z
      .strictObject({
        url: pushUrl,
        /** The receiver's receipt public key (push-auth.ts): base64url of the raw 32-byte Ed25519 key. */
        receiptPublicKey: z
          .string()
          .regex(/^[A-Za-z0-9_-]{43}$/, { message: 'push.receiptPublicKey must be a base64url Ed25519 public key (43 characters)' }),
      })
      .optional(),
    /** A queue of this recipient's own that its intake pulls from (see pull.ts); no other recipient's requests go there. */
    pull: z
      .strictObject({
        queue: z.string().regex(/^utvag-pull-[a-z0-9-]{1,50}$/, { message: 'pull.queue must be utvag-pull-<id> (a-z, 0-9, -)' }),
      })
      .optional(),
  })
  .refine((r) => r.development === true || r.promise !== undefined, {
    message: 'promise is required (only a development recipient may have none)',
    path: ['promise'],
  })
  .refine((r) => r.development === true || r.promise === undefined || r.promise.source.address !== undefined, {
    message: 'promise.source.address is required (where the promise is published)',
    path: ['promise', 'source', 'address'],
  })
  .refine((r) => !(r.push && r.pull), { message: 'has both push and pull: choose one', path: ['pull'] })
  .refine((r) => !(r.hosted === true && (r.push || r.pull || r.identity === undefined)), {
    message: 'is hosted: it has an identity, and no push or pull (the Worker delivers to its hosted inbox)',
    path: ['hosted'],
  })
  .refine((r) => !(r.identity !== undefined && r.keys.length > 0), {
    message: 'has both identity and keys: a recipient with an identity lists no keys (they come from its signed key statement)',
    path: ['keys'],
  });

export const recipientsConfigSchema = z.strictObject({
  v: z.literal(RECIPIENTS_VERSION),
  /** Free text for people reading the file. */
  about: z.string().optional(),
  recipients: z.array(recipientSchema),
});
export type Recipient = z.infer<typeof recipientSchema>;
export type RecipientPromise = z.infer<typeof promiseSchema>;
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
 * Checks a parsed recipients file for what the schema alone cannot see:
 * no recipient twice, no municipality served twice, every served
 * municipality known (when the municipality ids are given), and no
 * development recipient in a production build. Returns the problems.
 */
export function recipientProblems(config: RecipientsConfig, municipalityIds?: Iterable<string>, production = false): string[] {
  const problems: string[] = [];
  const known = municipalityIds ? new Set(municipalityIds) : null;
  const seenRecipients = new Set<string>();
  const servedBy = new Map<string, string>();
  for (const recipient of config.recipients) {
    if (seenRecipients.has(recipient.id)) problems.push(`recipient "${recipient.id}" appears twice`);
    seenRecipients.add(recipient.id);
    if (production && recipient.development) {
      problems.push(`recipient "${recipient.id}" is a development recipient; a production build takes none`);
    }
    const served = [...recipient.serves, ...(recipient.takesUnstatedMunicipality ? [UNKNOWN_MUNICIPALITY] : [])];
    for (const id of served) {
      if (known && id !== UNKNOWN_MUNICIPALITY && !known.has(id)) {
        problems.push(`recipient "${recipient.id}" serves "${id}", which is not a municipality id (content/municipalities/)`);
      }
      const other = servedBy.get(id);
      if (other) problems.push(`"${id}" is served by both "${other}" and "${recipient.id}"; one municipality, one recipient`);
      servedBy.set(id, recipient.id);
    }
  }
  return problems;
}

/** Parses recipients JSON text (no key checks); throws RecipientsConfigError. */
export function parseRecipients(file: string, text: string, municipalityIds?: Iterable<string>, production = false): RecipientsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
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
  const problems = recipientProblems(parsed.data, municipalityIds, production);
  if (problems.length > 0) throw new RecipientsConfigError(file, problems);
  return parsed.data;
}

/** True when the build is for production (UTVAG_PRODUCTION=1): no development recipient, a real operator. */
export function isProductionBuild(env: Readonly<Record<string, string | undefined>>): boolean {
  return env['UTVAG_PRODUCTION'] === '1';
}

/**
 * Checks a recipients file's text: shape, each public key is a real
 * P-256 point, no kid twice, no recipient twice, no municipality served
 * twice, and (when the municipality ids are given) every served
 * municipality exists.
 */
export async function validateRecipients(
  file: string,
  text: string,
  municipalityIds?: Iterable<string>,
  production = false,
): Promise<ValidatedRecipients> {
  const config = parseRecipients(file, text, municipalityIds, production);
  const problems: string[] = [];
  const seenKids = new Map<string, string>();
  const keys: ValidatedRecipients['keys'] = [];
  for (const recipient of config.recipients) {
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
export function keySetOf({ config, keys }: ValidatedRecipients): KeySet {
  const recipients = config.recipients.map((r) => ({
    id: r.id,
    serves: [...r.serves, ...(r.takesUnstatedMunicipality ? [UNKNOWN_MUNICIPALITY] : [])],
    ...(r.identity === undefined ? {} : { identity: r.identity }),
    ...(r.hosted === true ? { hosted: true as const } : {}),
  }));
  // Parsing again checks the output against the very schema the browser uses.
  // Statements are added by the Worker, which serves the live key set.
  return keySetSchema.parse({ v: KEY_SET_VERSION, keys, recipients, statements: [] });
}

/** One push route of the Worker's INTAKE_PUSH_ROUTES (functions/queue-consumer.ts). */
export interface PushRoute {
  recipient: string;
  url: string;
  receiptKey: string;
}

/** The Worker's INTAKE_PUSH_ROUTES value: kid → {recipient, url, receiptKey}, for recipients that take pushes. */
export function pushRoutesOf({ config, keys }: ValidatedRecipients): Record<string, PushRoute> {
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
export function pullQueuesOf({ config, keys }: ValidatedRecipients): PullQueues {
  const queueByRecipient = new Map(config.recipients.flatMap((r) => (r.pull ? [[r.id, r.pull.queue] as const] : [])));
  const routes: Record<string, string> = {};
  for (const key of keys) {
    const queue = queueByRecipient.get(key.recipient);
    if (queue) routes[key.kid] = pullQueueBinding(queue);
  }
  const producers = [...new Set(queueByRecipient.values())].map((queue) => ({ binding: pullQueueBinding(queue), queue }));
  return { routes, producers };
}
