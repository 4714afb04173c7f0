import { getCollection, type CollectionEntry } from 'astro:content';
import type { Locale } from '../../protocol/locales.ts';
import { normalizeId, planPages } from './page-plan.ts';

export type GuidanceEntry = CollectionEntry<'guidance'>;

export interface ResolvedPage {
  locale: Locale;
  slug: string;
  entry: GuidanceEntry;
  /** The language the text is actually in: differs from `locale` on a fallback. */
  contentLocale: Locale;
}

/**
 * Every page in every locale (see page-plan.ts): a locale without its own
 * translation gets its fallback language's page, with a notice, never a 404.
 */
export function resolveGuidancePages(): Promise<ResolvedPage[]> {
  // Planned once per build: every page that needs it asks the same question.
  // (A dev server plans afresh, so edited content shows at once.)
  if (!import.meta.env.PROD) return planAll();
  resolved ??= planAll();
  return resolved;
}

let resolved: Promise<ResolvedPage[]> | undefined;

async function planAll(): Promise<ResolvedPage[]> {
  const entries = await getCollection('guidance');
  const byId = new Map(entries.map((entry) => [normalizeId(entry.id), entry]));
  return planPages(entries.map((e) => e.id)).map((plan) => ({
    ...plan,
    entry: byId.get(`${plan.contentLocale}/${plan.slug}`)!,
  }));
}

export async function guidancePage(locale: Locale, slug: string): Promise<ResolvedPage | undefined> {
  return (await resolveGuidancePages()).find((p) => p.locale === locale && p.slug === slug);
}
