import { getCollection, type CollectionEntry } from 'astro:content';
import { defaultLocale, localeCodes, localeInfo, type Locale } from '../i18n/locales.ts';

export type GuidanceEntry = CollectionEntry<'guidance'>;

export interface ResolvedPage {
  locale: Locale;
  slug: string;
  entry: GuidanceEntry;
  /** The language the text is actually in: differs from `locale` on a fallback. */
  contentLocale: Locale;
}

function splitId(id: string): { locale: Locale; slug: string } {
  const [locale, ...rest] = id.split('/');
  return { locale: locale as Locale, slug: rest.join('/') };
}

/**
 * Every page in every locale. The Swedish pages define which pages exist; a
 * locale without its own translation gets its fallback language's page (the
 * layout shows a notice), never a 404.
 */
export async function resolveGuidancePages(): Promise<ResolvedPage[]> {
  const entries = await getCollection('guidance');
  const byLocale = new Map<string, GuidanceEntry>();
  for (const entry of entries) {
    const { locale, slug } = splitId(entry.id);
    byLocale.set(`${locale}/${slug}`, entry);
  }
  const sourceSlugs = entries.map((e) => splitId(e.id)).filter((p) => p.locale === defaultLocale).map((p) => p.slug);

  const pages: ResolvedPage[] = [];
  for (const locale of localeCodes) {
    for (const slug of sourceSlugs) {
      const chain: Locale[] = [locale, localeInfo(locale).fallback as Locale, defaultLocale];
      const contentLocale = chain.find((l) => byLocale.has(`${l}/${slug}`));
      if (!contentLocale) continue;
      pages.push({ locale, slug, entry: byLocale.get(`${contentLocale}/${slug}`)!, contentLocale });
    }
  }
  return pages;
}

export async function guidancePage(locale: Locale, slug: string): Promise<ResolvedPage | undefined> {
  return (await resolveGuidancePages()).find((p) => p.locale === locale && p.slug === slug);
}
