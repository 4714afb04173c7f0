import { describe, expect, it } from 'vitest';
import { crawlSample, SAMPLED_KIT_PAGES } from '../crawl-sample.ts';
import { localeCodes } from '../../protocol/locales.ts';
import { kitPrintAreas } from '../../src/sharing/kit-areas.ts';
import { cardSheetSlug, discreetSlug, KIT_SLUG, posterSlug } from '../../src/sharing/kit-paths.ts';
import { pagePath } from '../../src/i18n/routes.ts';

describe('crawl sample of the kit pages', () => {
  const areas = [undefined, ...kitPrintAreas().map((a) => a.id)];
  const kitPages = localeCodes.flatMap((locale) => [
    pagePath(locale, KIT_SLUG),
    ...areas.flatMap((id) => [cardSheetSlug(id), posterSlug(id), discreetSlug(id)].map((slug) => pagePath(locale, slug))),
  ]);
  const other = ['/', '/sv/', '/ar/fara/', '/sv/hjalp/', '/sv/hjalp/stockholm/', '/sv/kontakt/'];

  it('keeps the kit page in every locale and three printable pages for each sampled locale, nothing else of the kit', () => {
    const kept = crawlSample([...other, ...kitPages]).filter((p) => !other.includes(p));
    expect(kept.filter((p) => p.endsWith(`/${KIT_SLUG}/`))).toHaveLength(localeCodes.length);
    expect(kept).toHaveLength(localeCodes.length + 3 * Object.keys(SAMPLED_KIT_PAGES).length);
    expect(kept).toContain('/ar/material/kort/');
    expect(kept).toContain('/sv/l/stockholm/');
    expect(kept).not.toContain('/sv/material/kort/');
    expect(kept).not.toContain('/ar/material/kort/stockholm/');
  });

  it('leaves every other page as it was', () => {
    expect(crawlSample(other)).toEqual(other);
  });
});
