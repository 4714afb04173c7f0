import { describe, expect, it } from 'vitest';
import { planPages } from '../../src/guidance/page-plan.ts';

describe('which file each page shows', () => {
  const ids = ['sv/ut', 'sv/steg', 'en/ut', 'en/steg', 'ar/ut', 'so/steg'];

  it('gives every locale every Swedish page, never a gap', () => {
    const plans = planPages(ids);
    expect(plans).toHaveLength(6 * 2);
    for (const locale of ['sv', 'en', 'ar', 'fa', 'so', 'ti']) {
      expect(
        plans
          .filter((p) => p.locale === locale)
          .map((p) => p.slug)
          .sort(),
      ).toEqual(['steg', 'ut']);
    }
  });

  it('shows the translation when there is one, else the fallback language', () => {
    const of = (locale: string, slug: string) => planPages(ids).find((p) => p.locale === locale && p.slug === slug)?.contentLocale;
    expect(of('ar', 'ut')).toBe('ar');
    expect(of('ar', 'steg')).toBe('en'); // Arabic falls back to English
    expect(of('so', 'steg')).toBe('so');
    expect(of('ti', 'ut')).toBe('en');
    expect(of('en', 'ut')).toBe('en');
  });

  it('falls back to Swedish when the fallback language lacks the page too', () => {
    const plans = planPages(['sv/ny-sida']);
    expect(plans.every((p) => p.contentLocale === 'sv')).toBe(true);
  });

  it('reads an index file named after its folder ("sv" is sv/index)', () => {
    const plans = planPages(['sv', 'ar']);
    expect(plans.find((p) => p.locale === 'ar')).toEqual({ locale: 'ar', slug: 'index', contentLocale: 'ar' });
    expect(plans.find((p) => p.locale === 'so')).toEqual({ locale: 'so', slug: 'index', contentLocale: 'sv' });
  });

  it('a page that exists only in a translation is not published', () => {
    expect(planPages(['en/only-english']).length).toBe(0);
  });
});
