/**
 * The check for the lätt svenska pages (content/latt/<slug>.mdx, shown at
 * /latt/<slug>/; see src/i18n/easy-swedish.ts). Run by
 * src/guidance/check-content.ts (npm run check:content, npm test).
 *
 * A page fails when
 * - its LIX, counted as for every other page (readability.ts), is above
 *   MAX_LIX_EASY_SWEDISH,
 * - one of its sentences has more than MAX_SENTENCE_WORDS_EASY_SWEDISH words,
 * - one line of its text holds more than one sentence (MTM: one idea a
 *   line; the page shows each source line as a line of its own), or
 * - its front matter does not match `easySwedishPageSchema`.
 * Everyday words, "du" and the most important first are for the writer and
 * the reviewer; no count catches them (content/latt/README.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { EASY_SWEDISH_SEGMENT } from '../i18n/easy-swedish.ts';
import { pageSchema } from './page-schema.ts';
import { measureBlocks, mdxToBlocks, splitFrontMatter, splitSentences, words, type ReadabilityReport } from './readability.ts';

/** The highest LIX of a lätt svenska page (klarspråk pages may reach 35). */
export const MAX_LIX_EASY_SWEDISH = 25;
/** The most words in any one sentence of a lätt svenska page. */
export const MAX_SENTENCE_WORDS_EASY_SWEDISH = 10;

/**
 * Front matter of a lätt svenska page: the guidance page's fields that
 * apply. No audience, order or translation state: the page exists only in
 * Swedish, and the list at /latt/ is written out in content/latt/index.mdx.
 */
export const easySwedishPageSchema = pageSchema.pick({ title: true, description: true, updated: true, sources: true });

export type EasySwedishRow = ReadabilityReport & { slug: string; longestSentence: number };

/** Problems of one lätt svenska page (`where` names it in each message). */
export function easySwedishProblems(where: string, source: string): string[] {
  const problems: string[] = [];
  const { frontMatter, body } = splitFrontMatter(source);
  let data: unknown = undefined;
  try {
    data = frontMatter ? parseYaml(frontMatter) : undefined;
  } catch (error) {
    problems.push(`${where}: front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = easySwedishPageSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${where}: front matter ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const report = measureBlocks(mdxToBlocks(body));
  if (report.words === 0) problems.push(`${where}: no text`);
  if (report.lix > MAX_LIX_EASY_SWEDISH) {
    problems.push(`${where}: LIX ${report.lix.toFixed(1)} is above ${MAX_LIX_EASY_SWEDISH} (lätt svenska)`);
  }
  for (const sentence of sentencesOf(body)) {
    const count = words(sentence).length;
    if (count > MAX_SENTENCE_WORDS_EASY_SWEDISH) {
      problems.push(`${where}: ${count} words, more than ${MAX_SENTENCE_WORDS_EASY_SWEDISH} (lätt svenska): "${sentence}"`);
    }
  }
  // Line numbers count from the top of the file, front matter included.
  const firstBodyLine = source.slice(0, source.length - body.length).split(/\n/).length;
  body.split(/\r?\n/).forEach((line, index) => {
    const sentences = mdxToBlocks(line).flatMap((block) => splitSentences(block));
    if (sentences.length > 1) {
      problems.push(`${where}: line ${firstBodyLine + index} holds ${sentences.length} sentences; write one a line: "${line.trim()}"`);
    }
  });
  return problems;
}

function sentencesOf(body: string): string[] {
  return mdxToBlocks(body).flatMap((block) => splitSentences(block));
}

/** Measures one page, with its longest sentence. */
export function measureEasySwedish(slug: string, source: string): EasySwedishRow {
  const { body } = splitFrontMatter(source);
  const report = measureBlocks(mdxToBlocks(body));
  const longestSentence = Math.max(0, ...sentencesOf(body).map((s) => words(s).length));
  return { slug, ...report, longestSentence };
}

/** The slugs of content/latt/*.mdx under a content root, sorted. */
export function easySwedishFiles(root: string): string[] {
  const dir = join(root, EASY_SWEDISH_SEGMENT);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .map((name) => name.slice(0, -'.mdx'.length))
    .sort();
}

export function readEasySwedish(root: string, slug: string): string {
  return readFileSync(join(root, EASY_SWEDISH_SEGMENT, `${slug}.mdx`), 'utf8');
}

/** Every lätt svenska page under a content root: a row each, and the problems. */
export function checkEasySwedish(root: string): { rows: EasySwedishRow[]; problems: string[] } {
  const rows: EasySwedishRow[] = [];
  const problems: string[] = [];
  for (const slug of easySwedishFiles(root)) {
    const source = readEasySwedish(root, slug);
    rows.push(measureEasySwedish(slug, source));
    problems.push(...easySwedishProblems(`${EASY_SWEDISH_SEGMENT}/${slug}.mdx`, source));
  }
  return { rows, problems };
}
