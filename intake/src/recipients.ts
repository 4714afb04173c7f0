/**
 * The recipients file as the intake and the tools read it: the file's text,
 * checked by the shared schema (protocol/recipients.ts), and what is built
 * from it (the key set, the Worker's push routes and pull queues).
 */
import { readFile } from 'node:fs/promises';
import {
  isProductionBuild,
  keySetOf,
  pullQueuesOf,
  pushRoutesOf,
  RecipientsConfigError,
  validateRecipients,
  type PullQueues,
  type PushRoute,
  type ValidatedRecipients,
} from '../../protocol/recipients.ts';
import type { KeySet } from '../../protocol/key-set.ts';

export { RecipientsConfigError };

/** Reads and checks a recipients file (see validateRecipients). */
export async function loadRecipients(
  file: string,
  municipalityIds?: Iterable<string>,
  production = isProductionBuild(process.env),
): Promise<ValidatedRecipients> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RecipientsConfigError(file, [`cannot read it (${(cause as Error).message})`]);
  }
  return validateRecipients(file, text, municipalityIds, production);
}

/** The public key set for /intake-keys.json. Throws RecipientsConfigError. */
export async function buildKeySet(recipientsFile: string, municipalityIds?: Iterable<string>): Promise<KeySet> {
  return keySetOf(await loadRecipients(recipientsFile, municipalityIds));
}

/** The Worker's INTAKE_PUSH_ROUTES value. */
export async function buildPushRoutes(recipientsFile: string): Promise<Record<string, PushRoute>> {
  return pushRoutesOf(await loadRecipients(recipientsFile));
}

/** The Worker's pull queues and producers. */
export async function buildPullQueues(recipientsFile: string): Promise<PullQueues> {
  return pullQueuesOf(await loadRecipients(recipientsFile));
}
