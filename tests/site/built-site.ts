/**
 * The built site (dist/) read from disk, for the checks that need only the
 * HTML a page is served with, not a browser: they run in Node over every
 * page of the sitemap in seconds. `npm test` builds dist/ with the test
 * intake's key before these run.
 *
 * HTML is parsed with node-html-parser (CSS selectors over a light DOM), not
 * with regular expressions.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { defaultLocale, isLocale, localeInfo, type Locale } from '../../protocol/locales.ts';

export const distDir = 'dist';

/** The address the build was made for (astro.config.mjs). */
export const site = process.env['UTVAG_SITE_URL'] ?? 'https://utvag.example';
export const siteOrigin = new URL(site).origin;

/** Every page path in the sitemap (/, /sv/, /sv/fara/ …), in sitemap order. */
export function sitemapPaths(): string[] {
  const sitemap = join(distDir, 'sitemap.xml');
  if (!existsSync(sitemap)) throw new Error(`${sitemap} is missing: build the site first (npm test -- 'build the site')`);
  const xml = readFileSync(sitemap, 'utf8');
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
}

/**
 * The file the static assets would serve for a path on this site, or
 * undefined: /sv/fara/ → dist/sv/fara/index.html, /_astro/x.css → dist/_astro/x.css.
 */
export function builtFile(pathname: string): string | undefined {
  const path = decodeURIComponent(pathname);
  if (path.includes('..')) return undefined;
  const file = join(distDir, path.endsWith('/') ? `${path}index.html` : path);
  if (existsSync(file) && statSync(file).isFile()) return file;
  return undefined;
}

/**
 * The municipality ids some recipient of the built site serves, from its
 * /intake-keys.json: npm test builds with the test intake's development
 * recipients, while this process reads no recipients file of its own.
 */
export function builtServes(): Set<string> {
  const keySet = JSON.parse(readFileSync(join(distDir, 'intake-keys.json'), 'utf8')) as { recipients: { serves: string[] }[] };
  return new Set(keySet.recipients.flatMap((recipient) => recipient.serves));
}

/** The HTML served for a page path, parsed. */
export function readPage(pathname: string): HTMLElement {
  const file = builtFile(pathname);
  if (!file) throw new Error(`no built page for ${pathname}`);
  return parse(readFileSync(file, 'utf8'), { comment: false });
}

/** The raw HTML served for a page path. */
export function readPageHtml(pathname: string): string {
  const file = builtFile(pathname);
  if (!file) throw new Error(`no built page for ${pathname}`);
  return readFileSync(file, 'utf8');
}

/** The locale a path belongs to: its first segment, or Swedish for the root. */
export function localeOfPath(path: string): Locale {
  const first = path.split('/').filter(Boolean)[0];
  return isLocale(first) ? first : defaultLocale;
}

/** lang and dir a page in this path's locale must carry. */
export function langAndDir(path: string): { lang: string; dir: string } {
  const code = localeOfPath(path);
  return { lang: code, dir: localeInfo(code).dir };
}

/** An element's text with runs of white space made one space, as a reader sees it. */
export function textOf(element: HTMLElement | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
