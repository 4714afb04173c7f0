import { defaultLocale, localeCodes, localeInfo, type Locale } from '../../protocol/locales.ts';

export interface PagePlan {
  locale: Locale;
  slug: string;
  /** The language whose file is shown: the locale itself, or its fallback. */
  contentLocale: Locale;
}

/**
 * Which file each URL shows, from the content ids ("<locale>/<slug>"). The
 * Swedish pages define which pages exist; every locale gets every one of
 * them, in its own language if translated, else its fallback language's,
 * else Swedish. Pure, so it is tested without Astro.
 */
export function planPages(ids: readonly string[], locales: readonly Locale[] = localeCodes): PagePlan[] {
  const available = new Set(ids.map(normalizeId));
  const sourceSlugs = [...available].filter((id) => id.startsWith(`${defaultLocale}/`)).map((id) => id.slice(defaultLocale.length + 1));
  const plans: PagePlan[] = [];
  for (const locale of locales) {
    for (const slug of sourceSlugs) {
      const chain: Locale[] = [locale, localeInfo(locale).fallback, defaultLocale];
      const contentLocale = chain.find((l) => available.has(`${l}/${slug}`))!;
      plans.push({ locale, slug, contentLocale });
    }
  }
  return plans;
}

/**
 * Astro's glob loader gives content/sv/index.mdx the id "sv" (an index file
 * is named after its folder); here it is "sv/index", like every other page.
 */
export function normalizeId(id: string): string {
  return id.includes('/') ? id : `${id}/index`;
}
