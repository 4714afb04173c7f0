/**
 * Which of the ~1,740 municipality pages (/<locale>/hjalp/<id>/, 290 × 6)
 * the page-weight budgets and the browser's page audit (axe, privacy,
 * reflow: tests/browser/page-audit.spec.ts) visit, so `npm test` stays
 * short on two cores; what the HTML alone shows is checked on every page
 * in Node (tests/site/page-audit.test.ts). All municipality
 * pages come from one template (src/pages/[locale]/hjalp/[municipality].astro);
 * the sample covers each of its branches in every locale:
 * - the five ids kept from before (stockholm: connected in the test build),
 * - Solna (connected in the test build to the hosted development
 *   recipient, which has made no promise: the template's no-promise branch),
 * - every municipality facts.md names units for (with and without a phone,
 *   a second line, a partner unit),
 * - Gotland (its own county and Stockholm police region),
 * - Kiruna (police region Nord, the farthest from any unit), and
 * - every municipality of one county: Blekinge län (code 10, 5
 *   municipalities, police region Syd), none with units. (Norrbotten's 14
 *   were visited until the kit and the replies pushed `npm test` past 30
 *   minutes on two cores.)
 * The outreach kit's pages (/<locale>/material/…, /<locale>/l/…; 240 with
 * today's data) come from four templates and have their own tests
 * (tests/browser/kit.spec.ts: print; tests/site/kit.test.ts: links, numbers,
 * QR codes), so the sample holds only:
 * - the kit page /<locale>/material/ in every locale,
 * - the Sweden-wide card sheet, poster and discreet link in Arabic (right
 *   to left), and
 * - Stockholm's card sheet, poster and discreet link in Swedish (local
 *   units, a phone number, connected in the test build).
 * That is 12 pages more than before the kit; the browser's page audit adds
 * the kit pages axe checks in every language (kitAxePages()).
 * Every other page of the sitemap is always visited.
 */
import { loadMunicipalities } from '../protocol/municipalities.ts';
import { loadHelpDirectory } from '../src/help-directory/schema.ts';
import { localeCodes } from '../protocol/locales.ts';
import { pagePath } from '../src/i18n/routes.ts';
import { kitPrintAreas, type KitArea } from '../src/sharing/kit-areas.ts';
import { cardSheetSlug, discreetSlug, KIT_SLUG, posterSlug } from '../src/sharing/kit-paths.ts';

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
    'solna',
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

/** The municipality with the most local routes: the fullest card and poster. */
export function fullestKitArea(): KitArea {
  return [...kitPrintAreas()].sort((a, b) => b.localRoutes.length - a.localRoutes.length)[0]!;
}

/**
 * The kit pages axe visits in every language (the kit, the Sweden-wide card
 * sheet and discreet link, the fullest poster), on top of the sample.
 */
export function kitAxePages(): string[] {
  const fullest = fullestKitArea();
  return localeCodes.flatMap((locale) =>
    [KIT_SLUG, cardSheetSlug(), posterSlug(fullest.id), discreetSlug()].map((slug) => pagePath(locale, slug)),
  );
}

/** The pages the browser visits once each (tests/browser/page-audit.spec.ts): the sample and the kit pages for axe. */
export function browserAuditSample(paths: readonly string[]): string[] {
  return [...new Set([...crawlSample(paths), ...kitAxePages()])];
}
