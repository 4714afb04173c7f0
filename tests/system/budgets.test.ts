/**
 * Page-weight budgets, measured on the built site (dist/; the test command
 * builds it first). For every page in dist/sitemap.xml: its HTML and what it
 * loads at first render (stylesheets and their url()s, scripts and their
 * static imports, images, the icon), each file brotli-compressed at quality
 * 11 with node:zlib, as Cloudflare serves static text to a modern browser;
 * already-compressed images count as they are (tools/bench/page-weight.ts).
 *
 * Prints a table of every page by kind, then fails on the first page over
 * a budget, naming the page and the kind.
 *
 * Run alone: vitest run --project system tests/system/budgets.test.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  findWebFonts,
  htmlFileFor,
  htmlReferences,
  kb,
  measurePage,
  searchOnDemand,
  sitemapPages,
  type PageWeight,
} from '../../tools/bench/page-weight.ts';
import { crawlSample } from '../crawl-sample.ts';

/** Every page: HTML + CSS + JS + images at first render, compressed. */
export const PAGE_TOTAL_BUDGET = 20 * 1024;
/** JavaScript on a page without search (and not the contact form), compressed. */
export const PAGE_JS_BUDGET = 2 * 1024;
/** The contact pages' JavaScript in all, HPKE and on-demand modules included, compressed. */
export const CONTACT_JS_BUDGET = 25 * 1024;
/**
 * The contact pages' total: the page budget with the contact JS allowance
 * in place of the ordinary 2 KB (20 − 2 + 25 = 43 KB).
 */
export const CONTACT_PAGE_TOTAL_BUDGET = PAGE_TOTAL_BUDGET - PAGE_JS_BUDGET + CONTACT_JS_BUDGET;

const distDir = 'dist';
// The answer reader (/svar/) decrypts in the browser like the form: the same allowance.
const isContact = (page: string) => /^\/[a-z]{2}\/(kontakt|svar)\/$/.test(page);
const isSearch = (page: string) => /^\/[a-z]{2}\/sok\/$/.test(page);

interface Breach {
  page: string;
  kind: string;
  bytes: number;
  budget: number;
}

function breachOf(weight: PageWeight): Breach | null {
  const { page } = weight;
  if (isContact(page)) {
    if (weight.jsWithOnDemand > CONTACT_JS_BUDGET) return { page, kind: 'js (with on-demand)', bytes: weight.jsWithOnDemand, budget: CONTACT_JS_BUDGET };
    if (weight.total > CONTACT_PAGE_TOTAL_BUDGET) return { page, kind: 'total', bytes: weight.total, budget: CONTACT_PAGE_TOTAL_BUDGET };
    return null;
  }
  // Search pages: what loads at first render; Pagefind's files are on demand (reported below).
  if (!isSearch(page) && weight.jsWithOnDemand > PAGE_JS_BUDGET) {
    return { page, kind: 'js', bytes: weight.jsWithOnDemand, budget: PAGE_JS_BUDGET };
  }
  if (weight.total > PAGE_TOTAL_BUDGET) return { page, kind: 'total', bytes: weight.total, budget: PAGE_TOTAL_BUDGET };
  return null;
}

function printTable(weights: PageWeight[]): void {
  const header = ['page', 'html', 'css', 'js', 'img', 'total', 'on-demand js'];
  const rows = weights.map((w) => [
    w.page,
    kb(w.byKind.html),
    kb(w.byKind.css),
    kb(w.byKind.js),
    kb(w.byKind.img),
    kb(w.total),
    w.onDemand.length > 0 ? kb(w.jsWithOnDemand - w.byKind.js) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `Page weight in KB (1024 bytes), brotli q11 as served, first render; ${weights.length} pages`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  console.log(out.join('\n'));
}

describe('page-weight budgets (dist/, brotli q11)', () => {
  test('dist/ is built', () => {
    expect(existsSync(`${distDir}/sitemap.xml`), 'build the site first (npm test does)').toBe(true);
  });

  test('every page in the sitemap within its budget (municipality pages: the sample of tests/crawl-sample.ts)', () => {
    const all = sitemapPages(distDir);
    const pages = crawlSample(all);
    // The sample is real: all 290 × 6 municipality pages exist, fewer are weighed.
    expect(all.filter((p) => /\/hjalp\/[a-z0-9-]+\/$/.test(p)).length).toBe(290 * 6);
    expect(pages.length).toBeGreaterThan(0);
    const weights = pages.map((page) => measurePage(distDir, page));
    printTable(weights);

    const searchPages = weights.filter((w) => isSearch(w.page));
    if (searchPages.length > 0) {
      const lines = ['Search pages: Pagefind on demand (not at first render), KB brotli q11 / .pf_* as stored (gzipped)'];
      for (const w of searchPages) {
        const lang = w.page.split('/')[1]!;
        const s = searchOnDemand(distDir, lang);
        lines.push(
          `  ${w.page}: first render ${kb(w.total)}; at first search +${kb(s.initTotal)} (` +
            s.init.map((f) => `${f.path.replace('/pagefind/', '')} ${kb(f.compressed)}`).join(', ') +
            `); per query ~${kb(s.avgIndexChunk)} per index chunk + ~${kb(s.avgFragment)} per result`,
        );
      }
      console.log(lines.join('\n'));
    }

    const largest = (pick: (w: PageWeight) => number) => weights.reduce((a, b) => (pick(b) > pick(a) ? b : a));
    console.log(
      'Largest: ' +
        (['html', 'css', 'js', 'img'] as const).map((k) => { const w = largest((x) => x.byKind[k]); return `${k} ${kb(w.byKind[k])} (${w.page})`; }).join('; ') +
        `; total ${kb(largest((x) => x.total).total)} (${largest((x) => x.total).page})`,
    );

    for (const weight of weights) {
      const breach = breachOf(weight);
      if (breach) {
        expect.fail(
          `${breach.page} is over budget on ${breach.kind}: ${kb(breach.bytes)} KB > ${kb(breach.budget)} KB ` +
            `(files: ${weight.files.map((f) => `${f.path} ${kb(f.compressed)}`).join(', ')})`,
        );
      }
    }
  });

  test('no page loads a stylesheet, script or image from another host', () => {
    // measurePage weighs same-site files only; this makes sure nothing was skipped.
    const foreign = crawlSample(sitemapPages(distDir)).flatMap((page) =>
      htmlReferences(readFileSync(htmlFileFor(distDir, page), 'utf8'), page).foreign.map((ref) => `${page}: ${ref}`),
    );
    expect(foreign).toEqual([]);
  });

  test('no web fonts: no @font-face, no font files', () => {
    expect(findWebFonts(distDir)).toEqual([]);
  });
});
