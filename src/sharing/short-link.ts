import type { Locale } from '../../protocol/locales.ts';
import { pagePath } from '../i18n/routes.ts';

/** The address the site is published at, when Astro has none configured. */
export const fallbackSite = 'https://utvag.example';

/**
 * The link to share for a page: the absolute address of the same page in
 * the same language, /<locale>/<slug>/ on the site's own host. It carries no
 * tracking parameter and no fragment, so it says nothing about who shared it.
 */
export function shortLink(site: URL | string | undefined, locale: Locale, slug: string): string {
  return new URL(pagePath(locale, slug), site ?? fallbackSite).href;
}

/**
 * The same link as people write it by hand: no "https://", no "www.". Shown
 * as the visible text and on the printed page, where every letter must be typed.
 */
export function shortLinkText(href: string): string {
  const url = new URL(href);
  return url.host.replace(/^www\./, '') + url.pathname;
}
