/**
 * Translation status of the guidance pages.
 *
 *   node src/guidance/translation-status.ts   (with node_modules/.bin first on PATH)
 *
 * ## Workflow for a municipality's translators
 *
 * Swedish is the source of every page: content/sv/<slug>.mdx. A translation
 * lives at content/<locale>/<slug>.mdx with the same slug (file name), so a
 * shared link such as /ar/steg/ always has the same shape.
 *
 * 1. Run this script. It prints every page × locale as
 *    - `missing`     no file yet (the site shows the fallback language with a
 *                    notice; the script exits 1 and the tests fail),
 *    - `outdated`    the Swedish page changed after the translation was made
 *                    (the page says so, and `npm run check:content` fails),
 *    - `unreviewed`  up to date with the Swedish page, not yet checked by a
 *                    human translator (the page says so to its readers),
 *    - `up to date`  up to date and reviewed.
 *    For each page it also prints the current hash of the Swedish page.
 * 2. Translate (or update) from the Swedish page, not from another
 *    translation. Keep the structure: the same headings, lists and links
 *    (relative links such as `../steg/` work in every language). Keep phone
 *    numbers exactly as they are. Plain language: short sentences, everyday
 *    words; the content check limits the average sentence length per locale.
 * 3. Front matter of the translation: translate title, description and
 *    navLabel; keep audience, updated, sources, order and printCard; and set
 *        translation: { state: translation, sourceHash: <hash>, reviewed: false }
 *    where <hash> is the Swedish page's hash printed by this script.
 *    When a machine or a first draft was used, reviewed stays false.
 * 4. A human translator who has checked the page against the Swedish sets
 *    `reviewed: true` and may add `reviewedBy: "<name or organisation>"`.
 *    When the Swedish page changes later, the page shows as `outdated` until
 *    someone updates it and sets the new sourceHash.
 *
 * ## What the hash covers
 *
 * `sourceHash` is the first 12 hex characters of the SHA-256 of
 *     title + "\n" + description + "\n" + body
 * of the Swedish file: title and description from its front matter, body =
 * everything after the closing `---` of the front matter, with CRLF line
 * ends read as LF. Other front matter (updated, sources, order, navLabel …)
 * is not covered: changing it does not make translations outdated.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { defaultLocale, localeCodes } from '../../protocol/locales.ts';
import { splitFrontMatter } from './readability.ts';

export type TranslationState = 'source' | 'missing' | 'outdated' | 'unreviewed' | 'up to date' | 'invalid';

export type StatusRow = {
  slug: string;
  locale: string;
  state: TranslationState;
  /** The Swedish page's current hash. */
  sourceHash: string;
  /** The hash the translation says it was made from, when it says one. */
  translatedFrom?: string;
  note?: string;
};

const CONTENT_ROOT = fileURLToPath(new URL('../../content/', import.meta.url));

type PageHeader = { title?: unknown; description?: unknown; translation?: unknown };

function readHeader(fileText: string): { header: PageHeader; body: string } {
  const text = fileText.replace(/\r\n/g, '\n');
  const { frontMatter, body } = splitFrontMatter(text);
  const parsed: unknown = frontMatter ? parseYaml(frontMatter) : {};
  const header = parsed !== null && typeof parsed === 'object' ? (parsed as PageHeader) : {};
  return { header, body };
}

/** The hash of a Swedish page: see "What the hash covers" above. */
export function sourceHash(svFileText: string): string {
  const { header, body } = readHeader(svFileText);
  const title = typeof header.title === 'string' ? header.title : '';
  const description = typeof header.description === 'string' ? header.description : '';
  return createHash('sha256').update(`${title}\n${description}\n${body}`, 'utf8').digest('hex').slice(0, 12);
}

/** The status of one translation against the Swedish page's current hash. */
export function translationState(translationFileText: string, currentSourceHash: string): Omit<StatusRow, 'slug' | 'locale'> {
  let header: PageHeader;
  try {
    header = readHeader(translationFileText).header;
  } catch (error) {
    return { state: 'invalid', sourceHash: currentSourceHash, note: `front matter: ${(error as Error).message.split('\n')[0]}` };
  }
  const translation = header.translation as { state?: unknown; sourceHash?: unknown; reviewed?: unknown } | undefined;
  if (!translation || translation.state !== 'translation' || typeof translation.sourceHash !== 'string') {
    return {
      state: 'invalid',
      sourceHash: currentSourceHash,
      note: 'front matter needs translation: { state: translation, sourceHash, reviewed }',
    };
  }
  const translatedFrom = translation.sourceHash;
  if (translatedFrom !== currentSourceHash) return { state: 'outdated', sourceHash: currentSourceHash, translatedFrom };
  if (translation.reviewed !== true) return { state: 'unreviewed', sourceHash: currentSourceHash, translatedFrom };
  return { state: 'up to date', sourceHash: currentSourceHash, translatedFrom };
}

/** Every Swedish page × every locale. */
export function translationStatus(root: string = CONTENT_ROOT, locales: readonly string[] = localeCodes): StatusRow[] {
  const svDir = join(root, defaultLocale);
  const slugs = existsSync(svDir)
    ? readdirSorted(svDir)
        .filter((name) => name.endsWith('.mdx'))
        .map((name) => name.slice(0, -'.mdx'.length))
    : [];
  const rows: StatusRow[] = [];
  for (const slug of slugs) {
    const hash = sourceHash(readFileSync(join(svDir, `${slug}.mdx`), 'utf8'));
    for (const locale of locales) {
      if (locale === defaultLocale) {
        rows.push({ slug, locale, state: 'source', sourceHash: hash });
        continue;
      }
      const file = join(root, locale, `${slug}.mdx`);
      if (!existsSync(file)) {
        rows.push({ slug, locale, state: 'missing', sourceHash: hash });
        continue;
      }
      rows.push({ slug, locale, ...translationState(readFileSync(file, 'utf8'), hash) });
    }
  }
  return rows;
}

function readdirSorted(dir: string): string[] {
  return readdirSync(dir).sort();
}

/** Rows that make the check fail: missing or invalid translations. */
export function failingRows(rows: readonly StatusRow[]): StatusRow[] {
  return rows.filter((row) => row.state === 'missing' || row.state === 'invalid');
}

export function formatStatusTable(rows: readonly StatusRow[], locales: readonly string[] = localeCodes): string {
  const slugs = [...new Set(rows.map((row) => row.slug))];
  const header = ['page', 'sv hash', ...locales];
  const body = slugs.map((slug) => {
    const forSlug = rows.filter((row) => row.slug === slug);
    return [slug, forSlug[0]?.sourceHash ?? '', ...locales.map((locale) => forSlug.find((row) => row.locale === locale)?.state ?? '')];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function main(): void {
  const rows = translationStatus();
  console.log(formatStatusTable(rows));
  const counts = new Map<TranslationState, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  console.log(`\n${[...counts].map(([state, n]) => `${state}: ${n}`).join(', ')}`);
  const outdated = rows.filter((row) => row.state === 'outdated');
  if (outdated.length > 0) {
    console.warn('\nOutdated (the Swedish page changed; update the translation and its sourceHash):');
    for (const row of outdated) {
      console.warn(`  - ${row.locale}/${row.slug}.mdx: made from ${row.translatedFrom}, Swedish is now ${row.sourceHash}`);
    }
  }
  const failing = failingRows(rows);
  if (failing.length > 0) {
    console.error(`\n${failing.length} page(s) missing or invalid:`);
    for (const row of failing.filter((r) => r.state === 'invalid')) {
      console.error(`  - ${row.locale}/${row.slug}.mdx: invalid (${row.note})`);
    }
    const missingByLocale = new Map<string, string[]>();
    for (const row of failing.filter((r) => r.state === 'missing')) {
      missingByLocale.set(row.locale, [...(missingByLocale.get(row.locale) ?? []), row.slug]);
    }
    for (const [locale, slugs] of missingByLocale) console.error(`  - ${locale}: missing ${slugs.join(', ')}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
