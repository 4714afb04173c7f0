/**
 * The "Connection" form (issue 20, part 4) to and from the connection
 * details: the form's flat fields, checked with zod on the server, become
 * exactly the promise recipients.json holds (protocol/connection.ts). A
 * field that fails is named, so the page says what to correct next to it,
 * in Swedish or English (connection-text.ts), and keeps what was typed.
 */
import { z } from 'zod';
import { connectionDetailsSchema, dialableNumber, type ConnectionDetails } from '../../../protocol/connection.ts';
import { localeCodes, type Locale } from '../../../protocol/locales.ts';
import { isPhoneNumber, normalizePhoneNumber } from '../../../protocol/phone-number.ts';
import { isAllowedWebhookUrl } from '../../../protocol/hosted-inbox.ts';

/** The form's values, by field name: every field is text. */
export type ConnectionForm = Record<string, string>;

/** The fields an error can name (each has its err_<field> words). */
export const CONNECTION_FIELDS = [
  'firstContactWithinHours',
  'hoursKind',
  'hours_sv',
  'madeBy_sv',
  'since',
  'sourceName',
  'sourceYear',
  'sourceAddress',
  'phone',
  'phoneOwner',
  'webhook',
] as const;
export type ConnectionField = (typeof CONNECTION_FIELDS)[number];

const isField = (value: unknown): value is ConnectionField => (CONNECTION_FIELDS as readonly unknown[]).includes(value);

const trimmed = (max: number) => z.string().trim().max(max).default('');
const perLocale = (prefix: string, max: number) =>
  Object.fromEntries(localeCodes.map((code) => [`${prefix}_${code}`, trimmed(max)])) as Record<string, ReturnType<typeof trimmed>>;

/** A per-locale field of the parsed form (zod's type does not name the generated keys). */
const localized = (form: object, name: string): string => (form as Record<string, string | undefined>)[name] ?? '';

const isHttps = (text: string): boolean => {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
};

const formSchema = z
  .object({
    firstContactWithinHours: z
      .string()
      .trim()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1)
          .max(24 * 14),
      ),
    hoursKind: z.enum(['around-the-clock', 'set']),
    ...perLocale('hours', 200),
    ...perLocale('madeBy', 120),
    since: z
      .string()
      .trim()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
    sourceName: z.string().trim().min(2).max(200),
    sourceYear: z
      .string()
      .trim()
      .regex(/^\d{4}$/)
      .transform(Number)
      .pipe(z.number().int().min(2000).max(2100)),
    sourceAddress: z
      .string()
      .trim()
      .max(2000)
      .refine((text) => text === '' || isHttps(text)),
    phone: trimmed(40),
    phoneOwner: trimmed(120),
    webhook: z
      .string()
      .trim()
      .max(2000)
      .refine((text) => text === '' || isAllowedWebhookUrl(text)),
  })
  .superRefine((form, ctx) => {
    const add = (field: ConnectionField) => ctx.addIssue({ code: 'custom', path: [field], message: field });
    if (form.hoursKind === 'set' && !localized(form, 'hours_sv')) add('hours_sv');
    if (localized(form, 'madeBy_sv').length < 2) add('madeBy_sv');
    if (form.phone && !isPhoneNumber(normalizePhoneNumber(form.phone))) add('phone');
    if (form.phone && form.phoneOwner.length < 2) add('phoneOwner');
  });

/** Text in every locale: the given one, or the Swedish where it was left empty. */
function everyLocale(form: object, prefix: string): Record<Locale, string> {
  const swedish = localized(form, `${prefix}_sv`);
  return Object.fromEntries(localeCodes.map((code) => [code, localized(form, `${prefix}_${code}`) || swedish])) as Record<Locale, string>;
}

export type ParsedConnectionForm = { ok: true; details: ConnectionDetails } | { ok: false; errors: (ConnectionField | 'other')[] };

/** Checks the posted form; the details exactly as they will be stored and published, or the fields to correct. */
export function parseConnectionForm(values: ConnectionForm, options: { addressRequired: boolean }): ParsedConnectionForm {
  const parsed = formSchema.safeParse(values);
  const noAddress = options.addressRequired && !(values['sourceAddress'] ?? '').trim();
  if (!parsed.success || noAddress) {
    const fields = new Set(parsed.success ? [] : parsed.error.issues.map((issue) => issue.path[0]).filter(isField));
    if (noAddress) fields.add('sourceAddress');
    return { ok: false, errors: CONNECTION_FIELDS.filter((field) => fields.has(field)) };
  }
  const form = parsed.data;
  const phone = normalizePhoneNumber(form.phone);
  const details = connectionDetailsSchema.safeParse({
    promise: {
      firstContactWithinHours: form.firstContactWithinHours,
      hours: form.hoursKind === 'around-the-clock' ? 'around-the-clock' : everyLocale(form, 'hours'),
      madeBy: everyLocale(form, 'madeBy'),
      since: form.since,
      source: { name: form.sourceName, year: form.sourceYear, ...(form.sourceAddress ? { address: form.sourceAddress } : {}) },
    },
    ...(phone ? { phone: { display: phone, tel: dialableNumber(phone), owner: form.phoneOwner } } : {}),
    ...(form.webhook ? { webhook: form.webhook } : {}),
  });
  return details.success ? { ok: true, details: details.data } : { ok: false, errors: ['other'] };
}

/** The form's values for stored details (to show them again), or empty fields. */
export function formOf(details: ConnectionDetails | null): ConnectionForm {
  if (!details) return { hoursKind: 'around-the-clock' };
  const { promise } = details;
  const form: ConnectionForm = {
    firstContactWithinHours: String(promise.firstContactWithinHours),
    hoursKind: promise.hours === 'around-the-clock' ? 'around-the-clock' : 'set',
    since: promise.since,
    sourceName: promise.source.name,
    sourceYear: String(promise.source.year),
    sourceAddress: promise.source.address ?? '',
    phone: details.phone?.display ?? '',
    phoneOwner: details.phone?.owner ?? '',
    webhook: details.webhook ?? '',
  };
  for (const code of localeCodes) {
    form[`madeBy_${code}`] = promise.madeBy[code];
    if (promise.hours !== 'around-the-clock') form[`hours_${code}`] = promise.hours[code];
  }
  return form;
}
