/**
 * Which of the ~1,740 municipality pages (/<locale>/hjalp/<id>/, 290 × 6)
 * the page-weight budgets, the axe crawl and the privacy crawl visit, so
 * `npm test` stays well under 30 minutes on two cores. All municipality
 * pages come from one template (src/pages/[locale]/hjalp/[municipality].astro);
 * the sample covers each of its branches in every locale:
 * - the five ids kept from before (stockholm: connected in the test build),
 * - every municipality facts.md names units for (with and without a phone,
 *   a second line, a partner unit),
 * - Gotland (its own county and Stockholm police region),
 * - Kiruna (police region Nord, the farthest from any unit), and
 * - every municipality of one county: Blekinge län (code 10, 5
 *   municipalities, police region Syd), none with units. (Norrbotten's 14
 *   were visited until the kit and the replies pushed `npm test` past 30
 *   minutes on two cores.)
 * The outreach kit's pages (/<locale>/material/…, /<locale>/l/…; 240 with
 * today's data) come from four templates and have their own full browser
 * test (tests/browser/kit.spec.ts: print, axe, links in every locale), so
 * the crawls visit only:
 * - the kit page /<locale>/material/ in every locale,
 * - the Sweden-wide card sheet, poster and discreet link in Arabic (right
 *   to left), and
 * - Stockholm's card sheet, poster and discreet link in Swedish (local
 *   units, a phone number, connected in the test build).
 * That is 12 pages more than before the kit.
 * Every other page of the sitemap is always visited.
 */
import { loadMunicipalities } from '../protocol/municipalities.ts';
import { loadHelpDirectory } from '../src/help-directory/schema.ts';

export const SAMPLED_COUNTY = '10';

export function sampledMunicipalityIds(): Set<string> {
  const { municipalities } = loadMunicipalities();
  const withUnits = loadHelpDirectory().units.flatMap((u) => [u.municipality, ...(u.partners ?? [])]);
  return new Set([
    'stockholm',
    'jarfalla',
    'upplands-bro',
    'botkyrka',
    'huddinge',
    ...withUnits,
    'gotland',
    'kiruna',
    ...municipalities.filter((m) => m.county === SAMPLED_COUNTY).map((m) => m.id),
  ]);
}

const MUNICIPALITY_PAGE = /^\/[a-z]{2}\/hjalp\/([a-z0-9-]+)\/$/;

/** A kit page: locale, then the card sheet, poster or discreet link, then the municipality id (none: Sweden-wide). */
const KIT_PAGE = /^\/([a-z]{2})\/(material\/kort|material\/affisch|l)\/(?:([a-z0-9-]+)\/)?$/;

/** Which kit pages other than /<locale>/material/ the crawls visit: locale → municipality id ('' = Sweden-wide). */
export const SAMPLED_KIT_PAGES: Readonly<Record<string, string>> = { ar: '', sv: 'stockholm' };

/** The sitemap's paths with municipality pages and kit pages cut down to the sample. */
export function crawlSample(paths: readonly string[]): string[] {
  const keep = sampledMunicipalityIds();
  return paths.filter((path) => {
    const kit = KIT_PAGE.exec(path);
    if (kit) return SAMPLED_KIT_PAGES[kit[1]!] === (kit[3] ?? '');
    const id = MUNICIPALITY_PAGE.exec(path)?.[1];
    return id === undefined || keep.has(id);
  });
}
