/**
 * The help directory: the units that help people leave crime, in the
 * municipalities of content/municipalities/ (protocol/municipalities.ts),
 * as structured data in content/help-directory/units.json.
 *
 * Rules the schema enforces:
 * - A unit's municipality (and partners) is one of the 290 municipality ids.
 * - Text shown to readers is per locale: every locale of protocol/locales.ts
 *   is required, so a missing translation fails the build and the tests.
 * - A phone number must be one of VERIFIED_PHONE_NUMBERS (numbers checked in
 *   shared/facts.md). A unit without a verified number says how to reach it
 *   through the municipality's switchboard instead.
 * - Every unit names its source (organisation, year, and the address where
 *   facts.md gives one) and the date its entry was last checked.
 *
 * Plain `zod`, so Node scripts and the intake can use it as well as Astro.
 */
import { z } from 'zod';
import { isLocale, localeCodes, type Locale } from '../../protocol/locales.ts';
import { verifiedPhoneNumbers } from '../../protocol/phone-numbers.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../../protocol/limits.ts';
import { findMunicipality, municipalityIds } from '../../protocol/municipalities.ts';
import directoryJson from '../../content/help-directory/units.json' with { type: 'json' };

export type MunicipalityId = string;

/** A municipality id from content/municipalities/. */
const municipalityIdSchema = z.string().refine((id) => findMunicipality(id) !== undefined, {
  message: 'not a municipality id from content/municipalities/',
});

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
  /** The page, where facts.md gives one. */
  address: z.string().min(4).optional(),
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
  z.strictObject({
    how: z.literal('phone'),
    phone: phoneSchema,
    hours: localizedTextSchema.optional(),
    /** A second verified line, e.g. after hours. */
    extraPhone: z.strictObject({ phone: phoneSchema, hours: localizedTextSchema }).optional(),
  }),
  /**
   * No verified number: through the municipality's switchboard, asking for
   * the unit. `note` says it in words. `askFor`: the name a reader asks the
   * switchboard for, in Swedish, when a person can ask for it themselves
   * (Malmö: "Plattform Malmö", the way into Konsultationsteamet). Without
   * it the unit is reached through social services in general (programmes,
   * which social services assess), or not by asking at all (a police-led
   * method, a unit known only by name): then printed material (the kit)
   * does not name it (review finding T3-02).
   */
  z.strictObject({ how: z.literal('via-social-services'), note: localizedTextSchema, askFor: z.string().min(2).optional() }),
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

export const unitSchema = z.strictObject({
  id: idSchema,
  municipality: municipalityIdSchema,
  /** Other municipalities the unit works in or with. */
  partners: z.array(municipalityIdSchema).optional(),
  /** The unit's name in Swedish, as the municipality writes it. */
  name: z.string().min(2),
  kind: z.enum(unitKinds),
  /** What the unit does, in one or two short sentences. */
  whatItDoes: localizedTextSchema,
  /** Who it is for, in one short sentence. */
  forWhom: localizedTextSchema,
  reach: reachSchema,
  source: sourceSchema,
  /**
   * The day this entry was compared with its source (YYYY-MM-DD): the
   * source's own date is in `source.year`. Not a check with the unit
   * itself: that would need the unit's own word, and its own date (T3-24).
   */
  checkedAgainstSourceOn: isoDate,
});

export const helpDirectorySchema = z
  .strictObject({
    v: z.literal(1),
    units: z.array(unitSchema).min(1),
  })
  .superRefine((data, ctx) => {
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
 * Every municipality id (content/municipalities/): the values a contact
 * request's `municipality` and a recipient's `serves` may take.
 */
export function helpDirectoryIds(): MunicipalityId[] {
  return municipalityIds();
}

/** The units of one municipality, including units it is a partner in. */
export function unitsFor(municipality: MunicipalityId): HelpUnit[] {
  return loadHelpDirectory().units.filter((unit) => unit.municipality === municipality || unit.partners?.includes(municipality));
}

/**
 * Text in the wanted locale, or in English, then Swedish. Directory texts
 * have every locale; the fallback serves texts that are partial.
 */
export function localized(text: Partial<Record<string, string>> & { sv: string }, locale: string): string {
  return localizedText(text, locale).value;
}

/** The same choice, saying which language the text is in (for lang/dir and a notice). */
export function localizedText(text: Partial<Record<string, string>> & { sv: string }, locale: string): { value: string; lang: Locale } {
  for (const code of [locale, 'en', 'sv']) {
    const value = text[code];
    if (value && isLocale(code)) return { value, lang: code };
  }
  return { value: text.sv, lang: 'sv' };
}
