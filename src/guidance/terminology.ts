/**
 * Terminology check: every guidance page, interface string and help-directory
 * text in a language is checked against that language's terms to avoid
 * (content/terminology/<locale>.json; see content/terminology/README.md).
 *
 *   node src/guidance/terminology.ts   (with node_modules/.bin first on PATH)
 *
 * Our own matcher rather than a spelling or style library: the lists are
 * short, per concept, and need context rules (a Swedish gloss in parentheses
 * is fine, the same word outside them is not) that such tools do not offer.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { localeCodes } from '../../protocol/locales.ts';
import { EASY_SWEDISH_SEGMENT } from '../i18n/easy-swedish.ts';
import { splitFrontMatter } from './readability.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const avoidSchema = z
  .strictObject({
    /** The term as readers would see it (also the label in error messages). */
    term: z.string().min(1),
    match: z.enum(['word', 'text', 'regex']).default('word'),
    /** For match "regex": the expression, used with the flags "giu". */
    pattern: z.string().optional(),
    /** Why it is avoided, and what to write instead. */
    why: z.string().min(5),
  })
  .refine((a) => a.match !== 'regex' || (a.pattern !== undefined && a.pattern.length > 0), {
    message: 'match "regex" needs a pattern',
  });

export const terminologySchema = z.strictObject({
  locale: z.enum(localeCodes as unknown as [string, ...string[]]),
  terms: z
    .array(
      z.strictObject({
        /** The Swedish key concept, e.g. "utredning". */
        concept: z.string().min(2),
        /** The approved term in this language. */
        approved: z.string().min(1),
        note: z.string().optional(),
        avoid: z.array(avoidSchema),
      }),
    )
    .min(1),
});
export type Terminology = z.infer<typeof terminologySchema>;

export type TermHit = { term: string; concept: string; why: string; excerpt: string };
export type TermProblem = TermHit & { file: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The regular expression that finds one avoided term. */
export function avoidPattern(avoid: z.infer<typeof avoidSchema>): RegExp {
  if (avoid.match === 'regex') return new RegExp(avoid.pattern ?? '', 'giu');
  const term = escapeRegExp(avoid.term);
  if (avoid.match === 'text') return new RegExp(term, 'giu');
  // A whole word: no letter, mark or digit right before or after.
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${term}(?![\\p{L}\\p{M}\\p{N}])`, 'giu');
}

/** Avoided terms found in one text. */
export function findAvoidedTerms(text: string, terminology: Terminology): TermHit[] {
  const hits: TermHit[] = [];
  for (const concept of terminology.terms) {
    for (const avoid of concept.avoid) {
      for (const match of text.matchAll(avoidPattern(avoid))) {
        const at = match.index ?? 0;
        hits.push({
          term: avoid.term,
          concept: concept.concept,
          why: avoid.why,
          excerpt: text.slice(Math.max(0, at - 30), at + match[0].length + 30).replace(/\s+/g, ' '),
        });
      }
    }
  }
  return hits;
}

export function loadTerminology(locale: string, root: string = ROOT): Terminology {
  const file = join(root, 'content', 'terminology', `${locale}.json`);
  return terminologySchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The reader-facing text of a guidance page: title, description, nav label, body without link targets. */
export function pageText(source: string): string {
  const { frontMatter, body } = splitFrontMatter(source.replace(/\r\n/g, '\n'));
  const data = (frontMatter ? parseYaml(frontMatter) : {}) as Record<string, unknown>;
  const header = ['title', 'description', 'navLabel']
    .map((key) => (typeof data[key] === 'string' ? (data[key] as string) : ''))
    .join('\n');
  const prose = body.replace(/\]\([^)]*\)/g, ']');
  return `${header}\n${prose}`;
}

/** Every text in one language: [file label, text]. */
export function textsOf(locale: string, root: string = ROOT): [string, string][] {
  const texts: [string, string][] = [];
  // Swedish includes the lätt svenska pages (content/latt/).
  for (const folder of locale === 'sv' ? [locale, EASY_SWEDISH_SEGMENT] : [locale]) {
    const pagesDir = join(root, 'content', folder);
    if (!existsSync(pagesDir)) continue;
    for (const name of readdirSync(pagesDir).filter((n) => n.endsWith('.mdx')).sort()) {
      texts.push([`content/${folder}/${name}`, pageText(readFileSync(join(pagesDir, name), 'utf8'))]);
    }
  }
  const stringsFile = join(root, 'src', 'i18n', 'strings', `${locale}.json`);
  if (existsSync(stringsFile)) {
    const strings = JSON.parse(readFileSync(stringsFile, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(strings)) {
      if (typeof value === 'string') texts.push([`src/i18n/strings/${locale}.json ${key}`, value]);
    }
  }
  const unitsFile = join(root, 'content', 'help-directory', 'units.json');
  if (existsSync(unitsFile)) {
    const directory = JSON.parse(readFileSync(unitsFile, 'utf8')) as { units?: Record<string, unknown>[] };
    for (const unit of directory.units ?? []) {
      for (const field of ['whatItDoes', 'forWhom']) {
        const text = (unit[field] as Record<string, string> | undefined)?.[locale];
        if (text) texts.push([`content/help-directory/units.json ${String(unit.id)}.${field}`, text]);
      }
      const note = ((unit.reach as { note?: Record<string, string> } | undefined)?.note ?? {})[locale];
      if (note) texts.push([`content/help-directory/units.json ${String(unit.id)}.reach.note`, note]);
    }
  }
  return texts;
}

/**
 * Hits that are known and owned elsewhere: each names its file and term and
 * why it is not fixed here. Remove an entry when its text is fixed (the test
 * warns about entries that no longer match anything).
 */
export const KNOWN_EXCEPTIONS: readonly { file: string; term: string; reason: string }[] = [];

function isKnownException(problem: TermProblem): boolean {
  return KNOWN_EXCEPTIONS.some((e) => e.file === problem.file && e.term === problem.term);
}

/** Every avoided term in every language, with the file (and string key) it is in. */
export function allTermHits(root: string = ROOT, locales: readonly string[] = localeCodes): TermProblem[] {
  const problems: TermProblem[] = [];
  for (const locale of locales) {
    const terminology = loadTerminology(locale, root);
    for (const [file, text] of textsOf(locale, root)) {
      for (const hit of findAvoidedTerms(text, terminology)) problems.push({ file, ...hit });
    }
  }
  return problems;
}

/** The hits that count: all hits except the known exceptions. */
export function terminologyProblems(root: string = ROOT, locales: readonly string[] = localeCodes): TermProblem[] {
  return allTermHits(root, locales).filter((problem) => !isKnownException(problem));
}

/** Known exceptions that no longer match anything (their text was fixed). */
export function staleExceptions(root: string = ROOT): typeof KNOWN_EXCEPTIONS {
  const hits = allTermHits(root);
  return KNOWN_EXCEPTIONS.filter((e) => !hits.some((h) => h.file === e.file && h.term === e.term));
}

export function formatProblem(p: TermProblem): string {
  return `${p.file}: "${p.term}" (${p.concept}) in "…${p.excerpt}…": ${p.why}`;
}

function main(): void {
  const problems = terminologyProblems();
  for (const problem of problems) console.error(`  - ${formatProblem(problem)}`);
  if (problems.length > 0) {
    console.error(`\n${problems.length} avoided term(s) found.`);
    process.exit(1);
  }
  console.log('Terminology: no avoided term in any page, string or help-directory text.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
