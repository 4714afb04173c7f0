/**
 * Slugs of the outreach kit: the same in every language, like every page
 * (/<locale>/<slug>/). Without an area id: the Sweden-wide kit.
 *
 *   material                  the kit: what to print, the discreet link, sharing safely
 *   material/kort[/<id>]      card sheet, eight cards to an A4 sheet
 *   material/affisch[/<id>]   A4 poster
 *   l[/<id>]                  discreet link: a neutral page that leads on to
 *                             the home page, or to /hjalp/<id>/
 */
export const KIT_SLUG = 'material';

export function cardSheetSlug(areaId?: string): string {
  return areaId ? `material/kort/${areaId}` : 'material/kort';
}

export function posterSlug(areaId?: string): string {
  return areaId ? `material/affisch/${areaId}` : 'material/affisch';
}

export function discreetSlug(areaId?: string): string {
  return areaId ? `l/${areaId}` : 'l';
}

/** Where a card's link, a poster's link and a discreet link lead: the home page, or the municipality's page. */
export function kitTargetSlug(areaId?: string): string {
  return areaId ? `hjalp/${areaId}` : 'index';
}
