/**
 * The outreach kit's one data parameter: the municipality a card or poster
 * is made for (none = the Sweden-wide kit). Everything a per-municipality
 * kit shows beyond the Sweden-wide routes comes from a `KitArea`:
 *
 *   id            the municipality's page id, /<locale>/hjalp/<id>/
 *                 (also the discreet link /<locale>/l/<id>/ and the kit
 *                 pages /<locale>/material/kort/<id>/, …/affisch/<id>/)
 *   name          the name the municipality uses for itself, e.g.
 *                 "Botkyrka kommun", "Stockholms stad"
 *   county        e.g. "Stockholms län"
 *   policeRegion  the county's police region as Polisen writes it, e.g.
 *                 "Stockholm", "Väst", "Nord" (the card says "polisregion X")
 *   localRoutes   the help directory's units for this municipality (its own
 *                 and those it is a partner in) that a person can turn to:
 *                 a unit with a verified number, with its Swedish name
 *                 followed by the municipality that runs it, so a line is
 *                 never read as another municipality's (Stockholm's
 *                 08-508 25 600 is Stockholms stad's); a unit without one
 *                 only when the directory names what to ask the switchboard
 *                 for (`reach.askFor`, e.g. "Plattform Malmö"), shown as
 *                 "ask the switchboard for …" (poster only). Never a
 *                 police-led method, a programme you enter through social
 *                 services, or a unit known only by name (review T3-02).
 *                 Never opening hours or a contact time.
 *   contacts      the municipality's own numbers from the contacts data
 *                 (src/help-directory/municipality-contacts.ts), not the doubtful ones:
 *                 switchboard, social services intake, after-hours route;
 *                 `source` is the website they were read on.
 *
 * `kitAreas()` is the only place that knows where the data comes from:
 * all 290 municipalities of content/municipalities/ (src/municipalities/)
 * with the units of content/help-directory/. Every area is validated here:
 * a phone number that is not verified in shared/facts.md fails the build.
 *
 * Which areas get their own printable pages: `kitPrintAreas()`, below.
 */
import { z } from 'zod';
import { unitsFor, VERIFIED_PHONE_NUMBERS } from '../help-directory/schema.ts';
import { contactsFor, CONTACT_KINDS, publishedContactNumbers } from '../help-directory/municipality-contacts.ts';
import { countyOf, findMunicipality, loadMunicipalities, POLICE_REGIONS } from '../../protocol/municipalities.ts';
import { recipientFor } from '../promises/connected.ts';
import { HELP_DIRECTORY_ID_PATTERN } from '../../protocol/limits.ts';
import { localeCodes, type Locale } from '../../protocol/locales.ts';

const isPublishable = (phone: { display: string; tel: string }): boolean =>
  VERIFIED_PHONE_NUMBERS[phone.tel] === phone.display ||
  publishedContactNumbers().some((n) => n.tel === phone.tel && n.display === phone.display);

export const kitPhoneSchema = z.strictObject({ display: z.string(), tel: z.string().regex(/^\+?[0-9]+$/) }).refine(isPublishable, {
  message: 'only phone numbers verified in shared/facts.md or the municipality contacts data, written as there',
});

export const kitContactSchema = z.strictObject({
  kind: z.enum(CONTACT_KINDS),
  phone: kitPhoneSchema,
  /** The after-hours route is 112 ("ask for socialjouren"). */
  viaEmergency: z.boolean(),
  /** The intake is for children and young people. */
  forChildren: z.boolean(),
});

export const kitLocalRouteSchema = z.strictObject({
  /** The unit's name in Swedish, as the municipality writes it, then the municipality that runs it. */
  name: z.string().min(2),
  phone: kitPhoneSchema.optional(),
});

export const kitAreaSchema = z.strictObject({
  id: z.string().regex(HELP_DIRECTORY_ID_PATTERN),
  name: z.string().min(2),
  county: z.string().min(2),
  policeRegion: z.enum(POLICE_REGIONS),
  localRoutes: z.array(kitLocalRouteSchema),
  contacts: z.array(kitContactSchema),
  /** The site the contacts were read on (e.g. "orebro.se"), when there are any. */
  contactsSource: z.string().min(4).optional(),
});

export type KitArea = z.infer<typeof kitAreaSchema>;
export type KitLocalRoute = z.infer<typeof kitLocalRouteSchema>;
export type KitContact = z.infer<typeof kitContactSchema>;

function fromMunicipalityData(): KitArea[] {
  return loadMunicipalities().municipalities.map((m) => {
    const county = countyOf(m);
    const contacts = contactsFor(m.id);
    const source = contacts.routes.find((r) => r.ownSite) && contacts.website ? contacts.website.label : contacts.routes[0]?.sourceSite;
    return {
      id: m.id,
      name: m.official,
      county: county.name,
      policeRegion: county.policeRegion,
      localRoutes: unitsFor(m.id).flatMap((unit) => {
        const runBy = findMunicipality(unit.municipality)?.official ?? unit.municipality;
        if (unit.kind === 'violence-intervention') return [];
        if (unit.reach.how === 'phone')
          return [{ name: `${unit.name}, ${runBy}`, phone: { display: unit.reach.phone.display, tel: unit.reach.phone.tel } }];
        return unit.reach.askFor ? [{ name: `${unit.reach.askFor}, ${runBy}` }] : [];
      }),
      contacts: contacts.routes.map((r) => ({ kind: r.kind, phone: r.number, viaEmergency: r.viaEmergency, forChildren: r.forChildren })),
      ...(source ? { contactsSource: source } : {}),
    };
  });
}

let cached: KitArea[] | undefined;

/** Every municipality (all 290), validated, in Swedish alphabetical order of their names. */
export function kitAreas(): KitArea[] {
  if (!cached) {
    const areas = z.array(kitAreaSchema).parse(fromMunicipalityData());
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

/**
 * The municipalities that get their own card sheet, poster and discreet
 * link: those with local units in the help directory (even when none of
 * them is printed: a card with the municipality's name and police region
 * was already handed out), and those connected for contact requests in
 * this build (recipients configuration). The contacts data does not add
 * areas: its numbers are on every municipality's /hjalp/<id>/ page, which
 * prints.
 *
 * Why not all 290: every area costs three pages in each of six languages.
 * For all 290 that is 5,220 more pages on top of the site's ~1,900, which
 * would roughly triple the build and the sitemap crawls, and those pages
 * would say nothing the Sweden-wide card does not: for a municipality
 * without units or a connection, the card adds only its name and police
 * region. So those municipalities are served by the Sweden-wide card and
 * poster, and the kit page links each one's /<locale>/hjalp/<id>/ page
 * (which has its own QR code and prints). With today's data this is 12
 * municipalities, 216 pages; the build stays well under a minute.
 */
export function kitPrintAreas(connected: (id: string) => boolean = (id) => recipientFor(id) !== undefined): KitArea[] {
  // `connected`: this build's recipients; a test of a built site gives the ones it was built with.
  return kitAreas().filter((area) => unitsFor(area.id).length > 0 || connected(area.id));
}

/**
 * getStaticPaths() of the card sheet, the poster and the discreet link: in
 * every locale, Sweden-wide (no area) and for each of kitPrintAreas().
 */
export function kitPagePaths(): { params: { locale: Locale; area: string | undefined }; props: { area: KitArea | undefined } }[] {
  const areas: (KitArea | undefined)[] = [undefined, ...kitPrintAreas()];
  return localeCodes.flatMap((locale) => areas.map((area) => ({ params: { locale, area: area?.id }, props: { area } })));
}
