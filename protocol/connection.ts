/**
 * What a municipality's first administrator enters on the inbox's
 * "Connection" page (issue 20, part 4), and what the operator reads back
 * before writing the recipient into recipients.json (`npm run connect --
 * approve`): the promise exactly as recipients.json holds it, a phone
 * number with whose number it is, and the address of the alert webhook.
 * One schema for the inbox (which stores it), the Worker (which passes it
 * on) and the operator's tool (which checks it again): what the
 * administrator saw is what the site will show.
 */
import * as z from 'zod';
import { normalizePhoneNumber, isPhoneNumber } from './phone-number.ts';
import { verifiedPhoneNumbers, type PublishableNumber } from './phone-numbers.ts';
import { isAllowedWebhookUrl, type HostedInvite } from './hosted-inbox.ts';
import { promiseSchema } from './recipients.ts';

/** The longest webhook address kept. */
export const WEBHOOK_MAX_LENGTH = 2000;

/** The dialable form of a cleaned Swedish or international number: "040-34 10 00" → "+4640341000". */
export function dialableNumber(cleaned: string): string {
  const digits = cleaned.replace(/[^0-9]/g, '');
  if (cleaned.trim().startsWith('+')) return `+${digits}`;
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  if (digits.startsWith('0')) return `+46${digits.slice(1)}`;
  return digits;
}

/** The publishable number (shared/facts.md, protocol/phone-numbers.ts) a typed number is, if it is one. */
export function publishableNumber(typed: string): PublishableNumber | null {
  const cleaned = normalizePhoneNumber(typed);
  if (!isPhoneNumber(cleaned)) return null;
  const dialable = dialableNumber(cleaned);
  return verifiedPhoneNumbers.find((n) => n.tel === dialable) ?? null;
}

export const connectionPhoneSchema = z.strictObject({
  /** As the administrator typed it, cleaned (phone-number.ts). */
  display: z.string().refine(isPhoneNumber, { message: 'phone.display is not a phone number' }),
  /** Dialable: +46… */
  tel: z.string().regex(/^\+?[0-9]{3,15}$/, { message: 'phone.tel must be digits, with + for an international number' }),
  /** Whose number it is, e.g. "Malmö stads socialjour". */
  owner: z.string().trim().min(2).max(120),
});

export const connectionDetailsSchema = z.strictObject({
  /** Exactly recipients.json's promise: the site shows this and nothing else. */
  promise: promiseSchema,
  phone: connectionPhoneSchema.optional(),
  /** Where the inbox sends its content-free alerts (counts only). */
  webhook: z.string().max(WEBHOOK_MAX_LENGTH).refine(isAllowedWebhookUrl, { message: 'webhook must be an https:// address' }).optional(),
});
export type ConnectionDetails = z.infer<typeof connectionDetailsSchema>;
export type ConnectionPhone = z.infer<typeof connectionPhoneSchema>;

/** What the operator API answers for GET /api/operator/connection/<id>. */
export interface OperatorConnection {
  recipient: string;
  /** The details the administrator saved, or null when none yet. */
  details: ConnectionDetails | null;
  /** When they were last saved (ms since epoch), or null. */
  savedAt: number | null;
  /** Whether the first administrator has registered a passkey. */
  setUp: boolean;
  /** The identity key's fingerprint (key-statement.ts), or null before the vault has one. */
  identity: string | null;
  /** When the operator disconnected it (ms), or null. */
  disconnectedAt: number | null;
}

/** What POST /api/operator/invite answers: the one-time setup link and when it stops working (ISO 8601). */
export interface OperatorInvite {
  recipient: string;
  link: string;
  expiresAt: string;
}

/** The hosted inbox's answer to the operator's invite: the link's path on its own origin, or why not. */
export type OperatorInviteAnswer = HostedInvite | { error: 'already_set_up' };

/**
 * The operator's calls (functions/routes/operator.ts, npm run connect),
 * each forwarded by the object to intake/src/hosted/operator-calls.ts.
 */
export interface HostedInboxOperatorCalls {
  /** A one-time setup link for the first administrator; an error once one has registered. */
  operatorInvite(recipient: string, options: { name?: string }): Promise<OperatorInviteAnswer>;
  /** What the administrator entered, whether the inbox is set up, and its identity fingerprint. */
  operatorConnection(recipient: string): Promise<OperatorConnection>;
  /** recipients.json names it now: its promise sets the clock. */
  operatorApproved(recipient: string): Promise<void>;
  /** The site stops sending to it; nothing stored is deleted. */
  operatorDisconnect(recipient: string): Promise<{ disconnectedAt: number }>;
}
