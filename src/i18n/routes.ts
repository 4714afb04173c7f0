import type { Locale } from '../../protocol/locales.ts';

/**
 * Every page lives at /<locale>/<slug>/ with the same slug in every locale,
 * so a shared link keeps its shape and the language switcher only swaps the
 * first segment. The home page's slug is "index".
 */
export function pagePath(locale: Locale, slug: string): string {
  return slug === 'index' ? `/${locale}/` : `/${locale}/${slug}/`;
}

/** The slug of a path like /ar/steg/ (the part after the locale). */
export function slugOfPath(pathname: string): string {
  const parts = pathname.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join('/') : 'index';
}
