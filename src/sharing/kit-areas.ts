/**
 * The outreach kit's one data parameter: the municipality a card or poster
 * is made for (none = the Sweden-wide kit). Everything a per-municipality
 * kit shows beyond the Sweden-wide routes comes from a `KitArea`:
 *
 *   id            the municipality's page id, /<locale>/hjalp/<id>/
 *                 (also the discreet link /<locale>/l/<id>/ and the kit
 *                 pages /<locale>/material/kort/<id>/, …/affisch/<id>/)
 *   name          as written in Swedish, e.g. "Botkyrka kommun"
 *   county        e.g. "Stockholms län"
 *   policeRegion  the police region's name as Polisen writes it, e.g.
 *                 "Stockholm", "Väst", "Nord" (the card says "polisregion X")
 *   localRoutes   units that facts.md names for this municipality, each with
 *                 its Swedish name and, only where facts.md makes it
 *                 publishable, a phone number; a unit without one is shown
 *                 as "ask the switchboard for …" (poster only)
 *
 * `kitAreas()` is the only place that knows where the data comes from.
 * Today: the five municipalities of the help directory. To cover all 290,
 * make it return one KitArea per municipality from the full municipality
 * list (name, county, police region) and its local units; the pages and
 * their tests need no other change. Every area is validated here: a phone
 * number that is not verified in shared/facts.md fails the build.
 */
import { z } from 'zod';
import { loadHelpDirectory, unitsFor, VERIFIED_PHONE_NUMBERS } from '../help-directory/schema.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../contact/request.ts';

export const kitPhoneSchema = z
  .strictObject({ display: z.string(), tel: z.string().regex(/^\+?[0-9]+$/) })
  .refine((phone) => VERIFIED_PHONE_NUMBERS[phone.tel] === phone.display, {
    message: 'only phone numbers verified in shared/facts.md, written as there',
  });

export const kitLocalRouteSchema = z.strictObject({
  /** The unit's name in Swedish, as the municipality writes it. */
  name: z.string().min(2),
  phone: kitPhoneSchema.optional(),
});

export const kitAreaSchema = z.strictObject({
  id: z.string().regex(HELP_DIRECTORY_ID_PATTERN),
  name: z.string().min(2),
  county: z.string().min(2),
  policeRegion: z.string().min(2),
  localRoutes: z.array(kitLocalRouteSchema),
});

export type KitArea = z.infer<typeof kitAreaSchema>;
export type KitLocalRoute = z.infer<typeof kitLocalRouteSchema>;

/**
 * Police region of each county this branch has municipalities in (Polisen's
 * seven regions; shared/data/municipalities.json has the table for all 21
 * counties). Replaced by the municipality data's own field after the merge.
 */
const policeRegionOfCounty: Readonly<Record<string, string>> = { 'Stockholms län': 'Stockholm' };

function fromHelpDirectory(): KitArea[] {
  return loadHelpDirectory().municipalities.map((m) => {
    const policeRegion = policeRegionOfCounty[m.region];
    if (!policeRegion) throw new Error(`No police region known for ${m.region} (${m.id})`);
    return {
      id: m.id,
      name: m.name,
      county: m.region,
      policeRegion,
      localRoutes: unitsFor(m.id).map((unit) => ({
        name: unit.name,
        ...(unit.reach.how === 'phone' ? { phone: { display: unit.reach.phone.display, tel: unit.reach.phone.tel } } : {}),
      })),
    };
  });
}

let cached: KitArea[] | undefined;

/** Every municipality that gets its own card and poster, validated, in Swedish alphabetical order. */
export function kitAreas(): KitArea[] {
  if (!cached) {
    const areas = z.array(kitAreaSchema).parse(fromHelpDirectory());
    const ids = areas.map((a) => a.id);
    if (new Set(ids).size !== ids.length) throw new Error('kit area ids must be unique');
    const collator = new Intl.Collator('sv');
    cached = areas.sort((a, b) => collator.compare(a.name, b.name));
  }
  return cached;
}

/** One area by id; throws for an unknown id, so a page cannot be built for a municipality with no data. */
export function kitArea(id: string): KitArea {
  const area = kitAreas().find((a) => a.id === id);
  if (!area) throw new Error(`No kit data for municipality ${id}`);
  return area;
}
