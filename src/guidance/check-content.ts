/**
 * Content check for the guidance pages in content/<locale>/<slug>.mdx.
 *
 *   node src/guidance/check-content.ts        (with node_modules/.bin first on PATH)
 *
 * Prints one row per page and locale (sentences, words, average sentence
 * length, and LIX for Swedish) and exits 1 when
 * - a Swedish page has a LIX above MAX_LIX_SWEDISH,
 * - a page's average sentence length is above its locale's limit in
 *   MAX_AVERAGE_SENTENCE_WORDS,
 * - a locale in protocol/locales.ts lacks a page that exists in Swedish,
 * - a page's front matter does not parse or does not match the page schema,
 * - a page, an interface string or a help-directory text has a phone number
 *   that is not publishable (neither shared/facts.md nor the municipality
 *   contacts data makes it so), a number that does not say whose it is, or
 *   a time promise that does not come from recipient data
 *   (src/guidance/promise-check.ts),
 * - a page, interface string or help-directory text uses a term to avoid
 *   (content/terminology/<locale>.json, see src/guidance/terminology.ts),
 * - a lätt svenska page (content/latt/) is above its limits: LIX 25, ten
 *   words a sentence, one sentence a line (src/guidance/easy-swedish.ts).
 * It also prints how many of the municipality contacts data's numbers are
 * shown and how many are held back as doubtful (src/help-directory/municipality-contacts.ts).
 * tests/unit/content.test.ts runs the same checks.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { localeCodes, defaultLocale } from '../../protocol/locales.ts';
import { pageSchema } from './page-schema.ts';
import { measureMdx, splitFrontMatter, type ReadabilityReport } from './readability.ts';
import { stringProblems, textProblems, timePromises } from './promise-check.ts';
import { formatProblem, terminologyProblems } from './terminology.ts';
import { contactCounts } from '../help-directory/municipality-contacts.ts';
import { EASY_SWEDISH_SEGMENT } from '../i18n/easy-swedish.ts';
import {
  MAX_LIX_EASY_SWEDISH,
  MAX_SENTENCE_WORDS_EASY_SWEDISH,
  checkEasySwedish,
  easySwedishFiles,
  readEasySwedish,
  type EasySwedishRow,
} from './easy-swedish.ts';
import { translationStatus } from './translation-status.ts';

/** The highest LIX a Swedish page may have (30–40 is "easy"; klarspråk aims low). */
export const MAX_LIX_SWEDISH = 35;

/**
 * The highest average sentence length, in words, per locale. Languages that
 * join words (Arabic, Tigrinya attach prepositions and pronouns) count fewer
 * words for the same sentence; Persian and Somali count more.
 */
export const MAX_AVERAGE_SENTENCE_WORDS: Readonly<Record<string, number>> = {
  sv: 15,
  en: 16,
  ar: 16,
  fa: 19,
  so: 17,
  ti: 15,
};
const DEFAULT_MAX_AVERAGE_SENTENCE_WORDS = 16;

export function maxAverageSentenceWords(locale: string): number {
  return MAX_AVERAGE_SENTENCE_WORDS[locale] ?? DEFAULT_MAX_AVERAGE_SENTENCE_WORDS;
}

export const CONTENT_ROOT = fileURLToPath(new URL('../../content/', import.meta.url));

/**
 * Pages and help-directory units whose hard-coded time promise is allowed
 * while a rewrite is under way. Empty: every page and unit now takes its
 * promises from recipient data. tests/unit/promise-check.test.ts fails on an
 * entry that no longer needs to be here, so the list can only shrink.
 */
export const PENDING_PROMISE_REWRITE = {
  pages: [] as string[],
  units: [] as string[],
};

const STRINGS_ROOT = fileURLToPath(new URL('../i18n/strings/', import.meta.url));

/** Every string in a value (nested objects), with its path. */
function textsIn(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => textsIn(item, `${path}.${key}`));
  return [];
}

/**
 * Phone numbers and time promises in every page, interface string and
 * help-directory text. `pending` (PENDING_PROMISE_REWRITE) lets through the
 * time promises of the pages and units listed, not their numbers.
 */
export function checkNumbersAndPromises(
  root: string = CONTENT_ROOT,
  locales: readonly string[] = localeCodes,
  pending: { pages: readonly string[]; units: readonly string[] } = PENDING_PROMISE_REWRITE,
  stringsRoot: string = STRINGS_ROOT,
): string[] {
  const problems: string[] = [];
  const isPromise = (problem: string) => problem.includes('a time promise');
  for (const locale of locales) {
    for (const slug of pageSlugs(root, locale)) {
      // A translation's sourceHash is hex, and "eb09888454b4" reads like a phone number: not page text.
      const text = readPage(root, locale, slug).replace(/sourceHash:\s*"?[0-9a-f]{12}"?/g, 'sourceHash: ""');
      const found = textProblems(`${locale}/${slug}.mdx`, text);
      problems.push(...(pending.pages.includes(slug) ? found.filter((p) => !isPromise(p)) : found));
    }
    const stringsFile = join(stringsRoot, `${locale}.json`);
    if (existsSync(stringsFile)) {
      const strings = JSON.parse(readFileSync(stringsFile, 'utf8')) as Record<string, string>;
      for (const [key, value] of Object.entries(strings)) problems.push(...stringProblems(`strings/${locale}.json`, key, value));
    }
  }
  // The lätt svenska pages are Swedish text like any other.
  for (const slug of easySwedishFiles(root)) {
    problems.push(...textProblems(`${EASY_SWEDISH_SEGMENT}/${slug}.mdx`, readEasySwedish(root, slug)));
  }
  const unitsFile = join(root, 'help-directory', 'units.json');
  if (existsSync(unitsFile)) {
    const { units } = JSON.parse(readFileSync(unitsFile, 'utf8')) as { units: { id: string }[] };
    for (const unit of units) {
      for (const [path, text] of textsIn(unit, `help-directory ${unit.id}`)) {
        const found = textProblems(path, text, /\.(?:display|tel)$/.test(path));
        problems.push(...(pending.units.includes(unit.id) ? found.filter((p) => !isPromise(p)) : found));
      }
    }
  }
  return problems;
}

/** Entries of the pending list that no longer carry a time promise (so must leave the list). */
export function stalePendingEntries(
  root: string = CONTENT_ROOT,
  locales: readonly string[] = localeCodes,
  pending: { pages: readonly string[]; units: readonly string[] } = PENDING_PROMISE_REWRITE,
): string[] {
  const stale: string[] = [];
  for (const slug of pending.pages) {
    const any = locales.some((locale) => existsSync(join(root, locale, `${slug}.mdx`)) && timePromises(readPage(root, locale, slug)).length > 0);
    if (!any) stale.push(`page ${slug}`);
  }
  const unitsFile = join(root, 'help-directory', 'units.json');
  const units = existsSync(unitsFile) ? (JSON.parse(readFileSync(unitsFile, 'utf8')) as { units: { id: string }[] }).units : [];
  for (const id of pending.units) {
    const unit = units.find((u) => u.id === id);
    if (!unit || !textsIn(unit, id).some(([, text]) => timePromises(text).length > 0)) stale.push(`unit ${id}`);
  }
  return stale;
}

export type PageRow = ReadabilityReport & { slug: string; locale: string };
export type ContentCheck = { rows: PageRow[]; problems: string[]; missing: string[]; easySwedish: EasySwedishRow[] };

/** Slugs (file names without .mdx) of one locale's pages, sorted. */
export function pageSlugs(root: string, locale: string): string[] {
  const dir = join(root, locale);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .map((name) => name.slice(0, -'.mdx'.length))
    .sort();
}

export function readPage(root: string, locale: string, slug: string): string {
  return readFileSync(join(root, locale, `${slug}.mdx`), 'utf8');
}

/** Parses and validates a page's front matter; returns the problems found. */
export function frontMatterProblems(source: string): string[] {
  const { frontMatter } = splitFrontMatter(source);
  if (!frontMatter) return ['no front matter'];
  let data: unknown;
  try {
    data = parseYaml(frontMatter);
  } catch (error) {
    return [`front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`];
  }
  const result = pageSchema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.map((issue) => `front matter ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

export function checkContent(root: string = CONTENT_ROOT, locales: readonly string[] = localeCodes): ContentCheck {
  const rows: PageRow[] = [];
  const problems: string[] = [];
  const missing: string[] = [];
  const sourceSlugs = pageSlugs(root, defaultLocale);
  if (sourceSlugs.length === 0) problems.push(`no Swedish pages in ${join(root, defaultLocale)}`);
  for (const locale of locales) {
    const slugs = pageSlugs(root, locale);
    for (const slug of sourceSlugs) {
      if (!slugs.includes(slug)) missing.push(`${locale}/${slug}`);
    }
    for (const slug of slugs) {
      const source = readPage(root, locale, slug);
      const report = measureMdx(source);
      rows.push({ slug, locale, ...report });
      const where = `${locale}/${slug}.mdx`;
      for (const problem of frontMatterProblems(source)) problems.push(`${where}: ${problem}`);
      if (locale === 'sv' && report.lix > MAX_LIX_SWEDISH) {
        problems.push(`${where}: LIX ${report.lix.toFixed(1)} is above ${MAX_LIX_SWEDISH}`);
      }
      const maxLength = maxAverageSentenceWords(locale);
      if (report.averageSentenceLength > maxLength) {
        problems.push(
          `${where}: average sentence length ${report.averageSentenceLength.toFixed(1)} words is above ${maxLength}`,
        );
      }
      if (report.words === 0) problems.push(`${where}: no text`);
    }
  }
  for (const page of missing) problems.push(`${page}.mdx is missing (the Swedish page exists)`);
  const easySwedish = checkEasySwedish(root);
  problems.push(...easySwedish.problems);
  // An outdated translation tells readers something the Swedish page no longer says (T3-25).
  for (const row of translationStatus(root, locales).filter((r) => r.state === 'outdated')) {
    problems.push(
      `${row.locale}/${row.slug}.mdx is outdated: made from ${row.translatedFrom}, Swedish is now ${row.sourceHash} (update it and its sourceHash)`,
    );
  }
  problems.push(...checkNumbersAndPromises(root, locales));
  return { rows, problems, missing, easySwedish: easySwedish.rows };
}

export function formatTable(rows: readonly PageRow[]): string {
  const header = ['page', 'locale', 'sentences', 'words', 'avg words/sentence', 'LIX (sv)'];
  const body = [...rows]
    .sort((a, b) => a.slug.localeCompare(b.slug) || localeCodes.indexOf(a.locale as never) - localeCodes.indexOf(b.locale as never))
    .map((row) => [
      row.slug,
      row.locale,
      String(row.sentences),
      String(row.words),
      row.averageSentenceLength.toFixed(1),
      row.locale === 'sv' ? row.lix.toFixed(1) : '',
    ]);
  return textTable(header, body);
}

/** The lätt svenska pages, with their longest sentence. */
export function formatEasySwedishTable(rows: readonly EasySwedishRow[]): string {
  const header = ['lätt svenska', 'sentences', 'words', 'avg words/sentence', 'longest', 'LIX'];
  const body = rows.map((row) => [
    row.slug,
    String(row.sentences),
    String(row.words),
    row.averageSentenceLength.toFixed(1),
    String(row.longestSentence),
    row.lix.toFixed(1),
  ]);
  return textTable(header, body);
}

function textTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

function main(): void {
  const { rows, problems, missing, easySwedish } = checkContent();
  // Terms to avoid (content/terminology/): also run by tests/unit/terminology.test.ts.
  problems.push(...terminologyProblems().map((problem) => `terminology: ${formatProblem(problem)}`));
  console.log(formatTable(rows));
  console.log(`\n${formatEasySwedishTable(easySwedish)}`);
  console.log(
    `\nLimits: LIX ≤ ${MAX_LIX_SWEDISH} (Swedish); average sentence length ≤ ${Object.entries(MAX_AVERAGE_SENTENCE_WORDS)
      .map(([locale, max]) => `${locale} ${max}`)
      .join(', ')} words; lätt svenska: LIX ≤ ${MAX_LIX_EASY_SWEDISH}, ≤ ${MAX_SENTENCE_WORDS_EASY_SWEDISH} words in every sentence, one sentence a line.`,
  );
  const contacts = contactCounts();
  console.log(
    `Municipality contacts (content/municipalities/municipality-contacts.json): ${contacts.shown} numbers shown ` +
      `(${contacts.byKind.switchboard} switchboards, ${contacts.byKind.socialtjanst} social services intakes, ${contacts.byKind.socialjour} after-hours routes) ` +
      `for ${contacts.withNumber} municipalities; ${contacts.heldBack} held back as doubtful; ${contacts.websites} of 290 websites linked.`,
  );
  if (problems.length > 0) {
    const others = problems.filter((problem) => !problem.endsWith('is missing (the Swedish page exists)'));
    console.error(`\n${problems.length} problem(s):`);
    for (const problem of others) console.error(`  - ${problem}`);
    const byLocale = new Map<string, string[]>();
    for (const page of missing) {
      const [locale = '', slug = ''] = page.split('/');
      byLocale.set(locale, [...(byLocale.get(locale) ?? []), slug]);
    }
    for (const [locale, slugs] of byLocale) {
      console.error(`  - ${locale}: ${slugs.length} page(s) missing that exist in Swedish: ${slugs.join(', ')}`);
    }
    process.exit(1);
  }
  console.log('\nAll pages pass.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
