/**
 * Which of the ~1,740 municipality pages (/<locale>/hjalp/<id>/, 290 × 6)
 * the page-weight budgets, the axe crawl and the privacy crawl visit, so
 * `npm test` stays well under 30 minutes on two cores. All municipality
 * pages come from one template (src/pages/[locale]/hjalp/[municipality].astro);
 * the sample covers each of its branches in every locale:
 * - the five ids kept from before (stockholm: connected in the test build),
 * - every municipality facts.md names units for (with and without a phone,
 *   a second line, a partner unit),
 * - Gotland (its own county and Stockholm police region), and
 * - every municipality of one county: Norrbottens län (code 25, 14
 *   municipalities, police region Nord), none with units.
 * Every other page of the sitemap is always visited.
 */
import { loadMunicipalities } from '../src/municipalities/schema.ts';
import { loadHelpDirectory } from '../src/help-directory/schema.ts';

export const SAMPLED_COUNTY = '25';

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
    ...municipalities.filter((m) => m.county === SAMPLED_COUNTY).map((m) => m.id),
  ]);
}

const MUNICIPALITY_PAGE = /^\/[a-z]{2}\/hjalp\/([a-z0-9-]+)\/$/;

/** The sitemap's paths with municipality pages cut down to the sample. */
export function crawlSample(paths: readonly string[]): string[] {
  const keep = sampledMunicipalityIds();
  return paths.filter((path) => {
    const id = MUNICIPALITY_PAGE.exec(path)?.[1];
    return id === undefined || keep.has(id);
  });
}
