/**
 * The operator's edits of content/intake/recipients.json for `npm run
 * connect` (issue 20, part 4): the hosted recipient made from what its
 * administrator entered, written in only when the whole file still checks
 * (protocol/recipients.ts, with the municipality ids); and its removal.
 * Pure text in, text out: nothing is written unless every check passes.
 */
import { publishableNumber, type OperatorConnection } from '../../protocol/connection.ts';
import { isDevelopmentRecipient } from '../../protocol/hosted-inbox.ts';
import { findMunicipality, municipalityIds } from '../../protocol/municipalities.ts';
import {
  parseRecipients,
  RecipientsConfigError,
  recipientSchema,
  type Recipient,
  type RecipientPromise,
} from '../../protocol/recipients.ts';

/** Something the operator must fix before the file can be written, said plainly. */
export class ConnectError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConnectError';
    this.problems = problems;
  }
}

const DEVELOPMENT_SUFFIX = '-development';

/**
 * The municipality an id names (content/municipalities/), or a clear error.
 * `<municipality>-development` names a development recipient serving it: a
 * test inbox, marked as development everywhere the site names it.
 */
export function municipalityOf(id: string) {
  const development = isDevelopmentRecipient(id);
  const municipality = findMunicipality(development ? id.slice(0, -DEVELOPMENT_SUFFIX.length) : id);
  if (!municipality) {
    throw new ConnectError([
      `"${id}" is not a municipality id (content/municipalities/municipalities.json), e.g. "malmo" or "stockholm" (or "stockholm-development" for a test inbox)`,
    ]);
  }
  return { ...municipality, development };
}

/**
 * The recipients.json entry for a hosted municipality, from its connection:
 * identity, promise, phone (only a publishable number, written as in
 * facts.md; `withoutPhone` leaves it out), serves, hosted.
 */
export function hostedRecipient(connection: OperatorConnection, options: { withoutPhone?: boolean } = {}): HostedEntry {
  const municipality = municipalityOf(connection.recipient);
  const problems: string[] = [];
  if (!connection.setUp)
    problems.push('its first administrator has not created a passkey yet (send them the setup link again: connect -- invite)');
  if (!connection.identity)
    problems.push('its inbox has no identity key yet: the first administrator sets up the team vault in the browser');
  if (!connection.details) problems.push('its administrator has not saved the Connection page yet (the promise, phone and alert webhook)');
  let phone: Recipient['phone'];
  const typed = connection.details?.phone;
  if (typed && !options.withoutPhone) {
    const listed = publishableNumber(typed.display);
    if (listed) phone = { display: listed.display, tel: listed.tel };
    else {
      problems.push(
        `the phone number ${typed.display} (${typed.owner}) is not publishable: add it to shared/facts.md and protocol/phone-numbers.ts with its source first, or approve with --without-phone`,
      );
    }
  }
  if (problems.length > 0) throw new ConnectError(problems);
  const entry: HostedEntry = {
    id: connection.recipient,
    name: municipality.development
      ? `Development: ${municipality.official} (hosted test inbox)`
      : `${municipality.official} (hosted inbox)`,
    ...(municipality.development ? { development: true } : {}),
    serves: [municipality.id],
    promise: connection.details!.promise,
    ...(phone ? { phone } : {}),
    identity: connection.identity!,
    hosted: true,
  };
  const parsed = recipientSchema.safeParse(entry);
  if (!parsed.success)
    throw new ConnectError(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(recipient)'}: ${issue.message}`));
  // The entry as written (the schema's defaults, such as keys: [], stay out of the file).
  return entry;
}

/** A hosted recipient's entry as the file holds it: a connected municipality always has its promise. */
export type HostedEntry = Pick<Recipient, 'id' | 'name' | 'development' | 'serves' | 'phone' | 'identity' | 'hosted'> & {
  promise: RecipientPromise;
};

/** The file's JSON as it is (its other entries are written back untouched). */
interface RawFile {
  recipients: { id?: unknown }[];
  [key: string]: unknown;
}

/** The file as we write it: two-space JSON and a final newline. */
const fileText = (raw: RawFile): string => `${JSON.stringify(raw, null, 2)}\n`;

/** Checks a recipients file's text as the build does; with `strict`, also the municipality ids and the production rules. */
function check(file: string, text: string, strict?: { production: boolean }): RawFile {
  try {
    parseRecipients(file, text, strict ? municipalityIds() : undefined, strict?.production ?? false);
  } catch (error) {
    if (error instanceof RecipientsConfigError) throw new ConnectError(error.problems.map((problem) => `${file}: ${problem}`));
    throw error;
  }
  return JSON.parse(text) as RawFile;
}

/** The file's text with `entry` written in (replacing one with its id), or ConnectError and nothing to write. */
export function withRecipient(file: string, text: string, entry: HostedEntry, production = false): string {
  const raw = check(file, text);
  const next = fileText({ ...raw, recipients: [...raw.recipients.filter((r) => r.id !== entry.id), entry] });
  check(file, next, { production });
  return next;
}

/** The file's text without the recipient `id`; null when it is not there. */
export function withoutRecipient(file: string, text: string, id: string): string | null {
  const raw = check(file, text);
  if (!raw.recipients.some((r) => r.id === id)) return null;
  return fileText({ ...raw, recipients: raw.recipients.filter((r) => r.id !== id) });
}
