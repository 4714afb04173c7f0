/**
 * Sweden's 290 municipalities and 21 counties, with each county's police
 * region, from content/municipalities/municipalities.json (a copy of
 * shared/data/municipalities.json; its `source` list says where every field
 * comes from).
 *
 * A municipality's `id` is a stable slug: it is the page address
 * /<locale>/hjalp/<id>/, the contact request's `municipality`, and what a
 * recipient `serves`. The five ids the site had before (stockholm, jarfalla,
 * upplands-bro, botkyrka, huddinge) must stay, so shared links keep working.
 *
 * Plain `zod`, so Node scripts and the intake can use it as well as Astro.
 */
import { z } from 'zod';
import { HELP_DIRECTORY_ID_PATTERN } from './limits.ts';
import data from '../content/municipalities/municipalities.json' with { type: 'json' };

/** Ids that were published before the list grew to all 290; links to them must keep working. */
export const KEPT_MUNICIPALITY_IDS = ['stockholm', 'jarfalla', 'upplands-bro', 'botkyrka', 'huddinge'] as const;

/** The seven police regions (Polisen; Brå 2015). */
export const POLICE_REGIONS = ['Stockholm', 'Mitt', 'Öst', 'Väst', 'Syd', 'Bergslagen', 'Nord'] as const;
export type PoliceRegion = (typeof POLICE_REGIONS)[number];

const sourceSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().min(1),
  address: z.string().min(1),
  date: z.string().min(1),
});

export const countySchema = z.strictObject({
  /** SCB county code, two digits. */
  code: z.string().regex(/^\d{2}$/),
  /** Swedish name, e.g. "Stockholms län". */
  name: z.string().min(2),
  policeRegion: z.enum(POLICE_REGIONS),
});

export const municipalitySchema = z.looseObject({
  id: z.string().regex(HELP_DIRECTORY_ID_PATTERN),
  /** SCB municipality code, four digits; the first two are the county's. */
  code: z.string().regex(/^\d{4}$/),
  /** Short name, e.g. "Malmö". */
  name: z.string().min(2),
  /** The name the municipality uses for itself, e.g. "Malmö stad", "Region Gotland". */
  official: z.string().min(2),
  county: z.string().regex(/^\d{2}$/),
});

export const municipalityListSchema = z
  .looseObject({
    v: z.literal(1),
    source: z.array(sourceSchema).min(1),
    counties: z.array(countySchema).length(21),
    municipalities: z.array(municipalitySchema).length(290),
  })
  .superRefine((list, ctx) => {
    const counties = new Set(list.counties.map((c) => c.code));
    const ids = list.municipalities.map((m) => m.id);
    if (new Set(ids).size !== ids.length)
      ctx.addIssue({ code: 'custom', message: 'municipality ids must be unique', path: ['municipalities'] });
    for (const id of KEPT_MUNICIPALITY_IDS) {
      if (!ids.includes(id)) ctx.addIssue({ code: 'custom', message: `municipality ${id} must keep its id`, path: ['municipalities'] });
    }
    for (const [index, m] of list.municipalities.entries()) {
      if (!counties.has(m.county) || !m.code.startsWith(m.county)) {
        ctx.addIssue({
          code: 'custom',
          message: `${m.id}: county ${m.county} unknown or not matching code ${m.code}`,
          path: ['municipalities', index],
        });
      }
    }
  });

export type County = z.infer<typeof countySchema>;
export type Municipality = z.infer<typeof municipalitySchema>;
export type MunicipalityList = z.infer<typeof municipalityListSchema>;

let cached: MunicipalityList | undefined;

/** The parsed municipality list (throws, naming the problem, if the data is wrong). */
export function loadMunicipalities(): MunicipalityList {
  cached ??= municipalityListSchema.parse(data);
  return cached;
}

/** Every municipality id, in SCB code order. */
export function municipalityIds(): string[] {
  return loadMunicipalities().municipalities.map((m) => m.id);
}

export function findMunicipality(id: string): Municipality | undefined {
  return loadMunicipalities().municipalities.find((m) => m.id === id);
}

export function countyOf(municipality: Pick<Municipality, 'county'>): County {
  const county = loadMunicipalities().counties.find((c) => c.code === municipality.county);
  if (!county) throw new Error(`unknown county ${municipality.county}`);
  return county;
}

const collator = new Intl.Collator('sv');

/** Counties in SCB order, each with its municipalities sorted by name (Swedish order). */
export function municipalitiesByCounty(): { county: County; municipalities: Municipality[] }[] {
  const { counties, municipalities } = loadMunicipalities();
  return counties.map((county) => ({
    county,
    municipalities: municipalities.filter((m) => m.county === county.code).sort((a, b) => collator.compare(a.name, b.name)),
  }));
}

/** A name as typed without Swedish letters: "Håbo" → "habo", "Upplands Väsby" → "upplands-vasby". */
function plainSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Short addresses that more than one municipality's name leads to, when
 * typed or said without Swedish letters: Habo (Jönköpings län) and Håbo
 * (Uppsala län) are both "habo", so their pages are habo-jonkoping and
 * habo-uppsala, and /<locale>/hjalp/habo/ asks which one is meant (review
 * finding T3-28). Never an address that is itself a municipality's id.
 */
export function sharedShortAddresses(): { address: string; municipalities: Municipality[] }[] {
  const groups = new Map<string, Municipality[]>();
  for (const m of loadMunicipalities().municipalities) {
    const address = plainSlug(m.name);
    groups.set(address, [...(groups.get(address) ?? []), m]);
  }
  const ids = new Set(municipalityIds());
  return [...groups]
    .filter(([address, list]) => list.length > 1 && !ids.has(address))
    .map(([address, list]) => ({ address, municipalities: list.sort((a, b) => collator.compare(a.name, b.name)) }));
}
