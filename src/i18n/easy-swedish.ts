/**
 * Lätt svenska (easy-to-read Swedish): the pages a frightened reader needs
 * first, rewritten after MTM's advice for easy-to-read public information
 * (content/latt/README.md says how, src/guidance/easy-swedish.ts checks it).
 *
 * Address: /latt/<slug>/, with the same slug as the Swedish page it
 * simplifies (/sv/ut/ ↔ /latt/ut/), and /latt/ for the list of them.
 * - It is not a seventh locale: the six languages keep their
 *   /<locale>/<page>/ shape, and the language switcher still swaps only the
 *   first segment (from /latt/ut/ it offers /sv/ut/, /en/ut/ …).
 * - "latt" is short, has no å/ä/ö to type or to mangle in a chat preview,
 *   and says what it is to a Swedish reader ("lätt").
 * - Inside /sv/ (e.g. /sv/latt/ut/) it would break the switcher, which
 *   would then offer /en/latt/ut/, a page that cannot exist.
 */

/** The name in the language menu and on the link at the top of a Swedish page, in its own language. */
export const EASY_SWEDISH_NAME = 'Lätt svenska';

/** The first path segment, and the folder under content/ that holds the pages. */
export const EASY_SWEDISH_SEGMENT = 'latt';

/**
 * The pages that have a lätt svenska version ("index" is /latt/, the list
 * of them). tests/unit/easy-swedish.test.ts checks this against content/latt/.
 */
export const easySwedishSlugs: readonly string[] = ['index', 'ut', 'kontakt', 'svar', 'anhorig', 'under-18'];

export function hasEasySwedish(slug: string): boolean {
  return easySwedishSlugs.includes(slug);
}

/** /latt/<slug>/, or /latt/ for "index". */
export function easySwedishPath(slug: string): string {
  return slug === 'index' ? `/${EASY_SWEDISH_SEGMENT}/` : `/${EASY_SWEDISH_SEGMENT}/${slug}/`;
}

/** Where the language menu's "Lätt svenska" leads from a page: its own version, else the list. */
export function easySwedishPathFor(slug: string): string {
  return easySwedishPath(hasEasySwedish(slug) ? slug : 'index');
}
