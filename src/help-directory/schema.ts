/**
 * The help directory: municipalities and the units in them that help people
 * leave crime, as structured data in content/help-directory/units.json.
 *
 * Rules the schema enforces:
 * - Municipality ids are fixed (MUNICIPALITY_IDS). They are also the contact
 *   request's `municipality` and the key set's `recipient`; `stockholm` is
 *   also the regional default intake (DEFAULT_INTAKE_ID).
 * - Text shown to readers is per locale: every locale of src/i18n/locales.ts
 *   is required, so a missing translation fails the build and the tests.
 * - A phone number must be one of VERIFIED_PHONE_NUMBERS (numbers checked in
 *   shared/facts.md). A unit without a verified number says how to reach it
 *   through the municipality's social services or the 24/7 line instead.
 * - Every unit names its source (organisation and year) and the date its
 *   entry was last checked.
 *
 * Plain `zod`, so Node scripts and the intake can use it as well as Astro.
 */
import { z } from 'zod';
import { isLocale, localeCodes, type Locale } from '../i18n/locales.ts';
import { verifiedPhoneNumbers } from '../i18n/help-numbers.ts';
import { REGIONAL_DEFAULT_RECIPIENT } from '../contact/key-set.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../contact/request.ts';
import directoryJson from '../../content/help-directory/units.json' with { type: 'json' };

export const MUNICIPALITY_IDS = ['stockholm', 'jarfalla', 'upplands-bro', 'botkyrka', 'huddinge'] as const;
export type MunicipalityId = (typeof MUNICIPALITY_IDS)[number];

/** The regional intake that receives a request when no municipality is chosen. */
export const DEFAULT_INTAKE_ID = REGIONAL_DEFAULT_RECIPIENT satisfies MunicipalityId;

/** Phone numbers verified in shared/facts.md: tel URI number → how it is written. */
export const VERIFIED_PHONE_NUMBERS: Readonly<Record<string, string>> = Object.fromEntries(
  verifiedPhoneNumbers.map((n) => [n.tel, n.display]),
);

/** Text per locale: every locale of the site, each a non-empty string. */
export const localizedTextSchema = z.strictObject(
  Object.fromEntries(localeCodes.map((code) => [code, z.string().min(1)])) as Record<Locale, z.ZodString>,
);
export type LocalizedText = Record<Locale, string>;

const idSchema = z.string().regex(HELP_DIRECTORY_ID_PATTERN, { message: 'lowercase letters, digits and dashes' });
const isoDate = z.iso.date();

export const sourceSchema = z.strictObject({
  /** The organisation, as named in shared/facts.md. */
  name: z.string().min(2),
  year: z.number().int().min(2000).max(2100),
});

export const phoneSchema = z
  .strictObject({
    /** As written for readers, e.g. "08-508 25 600". */
    display: z.string(),
    /** For the tel: link, e.g. "+46850825600". */
    tel: z.string().regex(/^\+?[0-9]+$/),
  })
  .refine((phone) => VERIFIED_PHONE_NUMBERS[phone.tel] === phone.display, {
    message: 'only phone numbers verified in shared/facts.md, written as there',
  });

/** How to reach a unit. */
export const reachSchema = z.discriminatedUnion('how', [
  /** A verified phone number of its own. */
  z.strictObject({ how: z.literal('phone'), phone: phoneSchema, hours: localizedTextSchema.optional() }),
  /**
   * No verified number: through the municipality's social services, the
   * 24/7 line (08-508 25 600) or the contact form. `note` says it in words.
   */
  z.strictObject({ how: z.literal('via-social-services'), note: localizedTextSchema }),
]);

export const unitKinds = [
  /** A phone line for advice, e.g. Stockholm's socialrådgivningen. */
  'advice-line',
  /** Social intervention group (SIG) in a city district. */
  'social-intervention-group',
  /** A defector programme or team. */
  'defector-programme',
  /** Coordinators against crime, often the first contact. */
  'coordinators',
  /** Group Violence Intervention ("Sluta skjut"). */
  'violence-intervention',
  /** Other support from social services for people leaving crime. */
  'support',
] as const;

export const municipalitySchema = z.strictObject({
  id: z.enum(MUNICIPALITY_IDS),
  /** The municipality's name in Swedish, e.g. "Stockholms stad". */
  name: z.string().min(2),
  region: z.literal('Stockholms län'),
  /** Official website; omitted when not known for sure. */
  website: z.url({ protocol: /^https$/ }).optional(),
});

export const unitSchema = z.strictObject({
  id: idSchema,
  municipality: z.enum(MUNICIPALITY_IDS),
  /** Other municipalities the unit works in or with. */
  partners: z.array(z.enum(MUNICIPALITY_IDS)).optional(),
  /** The unit's name in Swedish, as the municipality writes it. */
  name: z.string().min(2),
  kind: z.enum(unitKinds),
  /** What the unit does, in one or two short sentences. */
  whatItDoes: localizedTextSchema,
  /** Who it is for, in one short sentence. */
  forWhom: localizedTextSchema,
  reach: reachSchema,
  source: sourceSchema,
  /** When this entry was last checked against its source (YYYY-MM-DD). */
  lastVerified: isoDate,
});

export const helpDirectorySchema = z
  .strictObject({
    v: z.literal(1),
    defaultIntake: z.enum(MUNICIPALITY_IDS),
    municipalities: z.array(municipalitySchema),
    units: z.array(unitSchema).min(1),
  })
  .superRefine((data, ctx) => {
    const municipalityIds = data.municipalities.map((m) => m.id);
    for (const id of MUNICIPALITY_IDS) {
      if (!municipalityIds.includes(id)) ctx.addIssue({ code: 'custom', message: `municipality ${id} is missing`, path: ['municipalities'] });
    }
    if (new Set(municipalityIds).size !== municipalityIds.length) {
      ctx.addIssue({ code: 'custom', message: 'municipality ids must be unique', path: ['municipalities'] });
    }
    const unitIds = data.units.map((u) => u.id);
    if (new Set(unitIds).size !== unitIds.length) {
      ctx.addIssue({ code: 'custom', message: 'unit ids must be unique', path: ['units'] });
    }
    for (const [index, unit] of data.units.entries()) {
      if (unit.partners?.includes(unit.municipality)) {
        ctx.addIssue({ code: 'custom', message: 'a unit does not partner with its own municipality', path: ['units', index, 'partners'] });
      }
    }
  });

export type HelpDirectory = z.infer<typeof helpDirectorySchema>;
export type Municipality = z.infer<typeof municipalitySchema>;
export type HelpUnit = z.infer<typeof unitSchema>;

/** Validates any value as a help directory (throws a ZodError when it is not). */
export function parseHelpDirectory(data: unknown): HelpDirectory {
  return helpDirectorySchema.parse(data);
}

let cached: HelpDirectory | undefined;

/** The parsed help directory from content/help-directory/units.json. */
export function loadHelpDirectory(): HelpDirectory {
  cached ??= parseHelpDirectory(directoryJson);
  return cached;
}

/**
 * The help directory's municipality ids, in file order: the values a contact
 * request's `municipality` and a key set's `recipient` may take.
 */
export function helpDirectoryIds(): MunicipalityId[] {
  return loadHelpDirectory().municipalities.map((m) => m.id);
}

/** The units of one municipality, including units it is a partner in. */
export function unitsFor(municipality: MunicipalityId): HelpUnit[] {
  return loadHelpDirectory().units.filter(
    (unit) => unit.municipality === municipality || unit.partners?.includes(municipality),
  );
}

/**
 * Text in the wanted locale, or in English, then Swedish. Directory texts
 * have every locale; the fallback serves texts that are partial.
 */
export function localized(text: Partial<Record<string, string>> & { sv: string }, locale: string): string {
  return localizedText(text, locale).value;
}

/** The same choice, saying which language the text is in (for lang/dir and a notice). */
export function localizedText(
  text: Partial<Record<string, string>> & { sv: string },
  locale: string,
): { value: string; lang: Locale } {
  for (const code of [locale, 'en', 'sv']) {
    const value = text[code];
    if (value && isLocale(code)) return { value, lang: code };
  }
  return { value: text.sv, lang: 'sv' };
}
