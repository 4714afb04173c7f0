/**
 * Page-weight budgets, measured on the built site (dist/; the test command
 * builds it first). For every page in dist/sitemap.xml: its HTML and what it
 * loads at first render (stylesheets and their url()s, scripts and their
 * static imports, images, the icon), each file brotli-compressed at quality
 * 11 with node:zlib, as Cloudflare serves static text to a modern browser;
 * already-compressed images count as they are (tools/bench/page-weight.ts).
 *
 * JavaScript budgets count gzip (level 9), every script a page loads,
 * on-demand modules included (issue 18).
 *
 * Prints a table of every page by kind, then fails on the first page over
 * a budget, naming the page and the kind.
 *
 * Run alone: vitest run --project system tests/system/budgets.test.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  CONTACT_PAGE_TOTAL_BUDGET,
  findWebFonts,
  isAnswerPage as isAnswer,
  isContactPage as isContact,
  jsBudgetOf,
  PAGE_TOTAL_BUDGET,
  htmlFileFor,
  htmlReferences,
  kb,
  measurePage,
  searchOnDemand,
  sitemapPages,
  type PageWeight,
} from '../../tools/bench/page-weight.ts';
import { crawlSample } from '../crawl-sample.ts';
import { municipalityIds } from '../../protocol/municipalities.ts';

const distDir = 'dist';
const isSearch = (page: string) => /^\/[a-z]{2}\/sok\/$/.test(page);

interface Breach {
  page: string;
  kind: string;
  bytes: number;
  budget: number;
}

function breachOf(weight: PageWeight): Breach | null {
  const { page } = weight;
  const jsBudget = jsBudgetOf(page);
  if (weight.jsGzipWithOnDemand > jsBudget)
    return { page, kind: 'js (gzip, with on-demand)', bytes: weight.jsGzipWithOnDemand, budget: jsBudget };
  const totalBudget = isContact(page) || isAnswer(page) ? CONTACT_PAGE_TOTAL_BUDGET : PAGE_TOTAL_BUDGET;
  if (weight.total > totalBudget) return { page, kind: 'total', bytes: weight.total, budget: totalBudget };
  return null;
}

function printTable(weights: PageWeight[]): void {
  const header = ['page', 'html', 'css', 'js', 'img', 'total', 'on-demand js', 'js gzip'];
  const rows = weights.map((w) => [
    w.page,
    kb(w.byKind.html),
    kb(w.byKind.css),
    kb(w.byKind.js),
    kb(w.byKind.img),
    kb(w.total),
    w.onDemand.length > 0 ? kb(w.jsWithOnDemand - w.byKind.js) : '',
    kb(w.jsGzipWithOnDemand),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `Page weight in KB (1024 bytes), brotli q11 as served, first render; JS also gzip -9 with on-demand; ${weights.length} pages`,
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
    // The sample is real: all 290 × 6 municipality pages exist, fewer are weighed (a shared
    // short address such as /hjalp/habo/ is a page of its own, not a municipality's).
    const ids = new Set(municipalityIds());
    expect(all.filter((p) => ids.has(/\/hjalp\/([a-z0-9-]+)\/$/.exec(p)?.[1] ?? '')).length).toBe(290 * 6);
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
        (['html', 'css', 'js', 'img'] as const)
          .map((k) => {
            const w = largest((x) => x.byKind[k]);
            return `${k} ${kb(w.byKind[k])} (${w.page})`;
          })
          .join('; ') +
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

  test('the contact and answer pages load no schema library (zod stays on the Worker and the intake)', () => {
    const pages = sitemapPages(distDir).filter((page) => isContact(page) || isAnswer(page));
    expect(pages.length).toBe(12);
    const withZod = pages.flatMap((page) => {
      const weight = measurePage(distDir, page);
      // zod keeps its internals under `_zod` on every schema, a name no minifier renames.
      const scripts = [...weight.files, ...weight.onDemand].filter((f) => f.kind === 'js');
      return scripts.filter((f) => readFileSync(`${distDir}${f.path}`, 'utf8').includes('_zod')).map((f) => `${page}: ${f.path}`);
    });
    expect(withZod).toEqual([]);
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
