/**
 * Which recipient a key belongs to and what it promised: the clock in the
 * team inbox runs on the promise in recipients.json, never on a number
 * written here. Read leniently (only the fields needed), so that fields
 * added to the recipients file later do not stop the intake.
 *
 * When a recipient has no promise, the inbox says "no promise configured"
 * and shows no deadline: there is no silent default of 24 hours.
 */
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { base64urlDecode, computeKid } from '../../protocol/envelope.ts';
import { verifiedPhoneNumbers } from '../../protocol/phone-numbers.ts';

export interface RecipientPromise {
  /** Hours from receipt to first contact, as the recipient promised it. */
  firstContactHours: number;
  /** Who made the promise (for people reading the inbox), when the file says. */
  madeBy?: string;
}

export interface RecipientDirectory {
  /** Recipient id for a kid, or null when the file does not list the key. */
  recipientOfKid(kid: string): string | null;
  /** The recipient's promise, or null: "no promise configured". */
  promiseOf(recipient: string | null): RecipientPromise | null;
  /**
   * The recipient's own phone line from recipients.json (`phone`), for the
   * reply phrase "we could not reach you: call us at …"; only a number
   * publishable in shared/facts.md, otherwise null (never invented).
   */
  phoneOf?(recipient: string | null): { display: string; tel: string } | null;
}

const lenientRecipients = z.looseObject({
  recipients: z.array(
    z.looseObject({
      id: z.string(),
      keys: z.array(z.looseObject({ publicKey: z.string() })).default([]),
      promise: z
        .looseObject({
          /** The recipients schema's name (protocol/recipients.ts); read leniently here. */
          firstContactWithinHours: z.number().positive(),
          madeBy: z.unknown().optional(),
          by: z.unknown().optional(),
        })
        .optional(),
      phone: z.looseObject({ display: z.string(), tel: z.string() }).optional(),
    }),
  ),
});

function nameOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const field of ['sv', 'name', 'en']) if (typeof record[field] === 'string') return record[field];
  }
  return undefined;
}

/** An empty directory: no recipient known, no promise. */
export const NO_RECIPIENTS: RecipientDirectory = { recipientOfKid: () => null, promiseOf: () => null };

/** Reads a recipients file (the shape of content/intake/recipients.json). */
export async function loadRecipientDirectory(file: string): Promise<RecipientDirectory> {
  const parsed = lenientRecipients.parse(JSON.parse(await readFile(file, 'utf8')));
  const byKid = new Map<string, string>();
  const promises = new Map<string, RecipientPromise>();
  const phones = new Map<string, { display: string; tel: string }>();
  for (const recipient of parsed.recipients) {
    for (const key of recipient.keys) {
      const raw = base64urlDecode(key.publicKey);
      if (raw) byKid.set(await computeKid(raw), recipient.id);
    }
    if (recipient.promise) {
      const madeBy = nameOf(recipient.promise.madeBy) ?? nameOf(recipient.promise.by);
      promises.set(recipient.id, { firstContactHours: recipient.promise.firstContactWithinHours, ...(madeBy ? { madeBy } : {}) });
    }
    const phone = recipient.phone;
    if (phone && verifiedPhoneNumbers.some((n) => n.tel === phone.tel && n.display === phone.display)) {
      phones.set(recipient.id, { display: phone.display, tel: phone.tel });
    }
  }
  return {
    recipientOfKid: (kid) => byKid.get(kid) ?? null,
    promiseOf: (recipient) => (recipient ? (promises.get(recipient) ?? null) : null),
    phoneOf: (recipient) => (recipient ? (phones.get(recipient) ?? null) : null),
  };
}

/** A fixed directory, for tests and development. */
export function fixedRecipientDirectory(kids: Record<string, string>, promises: Record<string, RecipientPromise>): RecipientDirectory {
  return {
    recipientOfKid: (kid) => kids[kid] ?? null,
    promiseOf: (recipient) => (recipient ? (promises[recipient] ?? null) : null),
  };
}
