/**
 * What every built page must be, checked in Node over the HTML the site
 * serves (dist/), for all pages of the sitemap (about 2,150), not a sample:
 *
 *  - frame: lang and dir of its locale, one main#main and a skip link to it,
 *    the safety bar with 112 and one more line (Stockholm's own on its page), quick exit,
 *    the footer, one h1, no fallback notice;
 *  - language links: the switcher and <link rel="alternate"> offer the same
 *    page in every language, and each of those pages exists;
 *  - links resolve: every internal href and src (pages, styles, scripts,
 *    images, the canonical address) points at a built file, every in-page
 *    #fragment at an id on the page;
 *  - no inline code: no <script> without src, no <style>, no style="" (the
 *    CSP forbids all three);
 *  - nothing from another host: no script, style, image, frame or form
 *    target elsewhere, in the HTML or in the CSS;
 *  - publishable numbers only: every tel: link and every phone number in
 *    the text is one of protocol/phone-numbers.ts (shared/facts.md) or of
 *    the municipality contacts data (not doubtful), read by the content
 *    check's own parser (src/guidance/promise-check.ts).
 *
 * What needs a browser (axe, storage, cookies, CSP violations, requests,
 * reflow) is tests/browser/page-audit.spec.ts, once per sampled page.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { localeCodes, locales } from '../../protocol/locales.ts';
import { verifiedPhoneNumbers } from '../../protocol/phone-numbers.ts';
import { unpublishableNumbers } from '../../src/guidance/promise-check.ts';
import { publishedContactNumbers } from '../../src/help-directory/municipality-contacts.ts';
import { builtFile, distDir, langAndDir, localeOfPath, readPage, sitemapPaths, siteOrigin, textOf } from './built-site.ts';

/** Routes the Worker answers itself (no file in dist/). */
const WORKER_ROUTES = /^\/api\//;

/** Elements whose URL the browser loads (or posts to) on its own: each must be this site's. */
const LOADED = [
  ['script[src]', 'src'],
  ['link[href]', 'href'],
  ['img[src]', 'src'],
  ['source[src]', 'src'],
  ['iframe[src]', 'src'],
  ['video[src]', 'src'],
  ['audio[src]', 'src'],
  ['embed[src]', 'src'],
  ['object[data]', 'data'],
  ['form[action]', 'action'],
] as const;

/** Elements with a URL on this site that must lead to a built file. */
const LINKED = [...LOADED, ['a[href]', 'href']] as const;

const publishableTels = new Set([...verifiedPhoneNumbers, ...publishedContactNumbers()].map((n) => `tel:${n.tel}`));

type Check = 'frame' | 'language links' | 'links resolve' | 'inline code' | 'other hosts' | 'numbers';
const checks: Check[] = ['frame', 'language links', 'links resolve', 'inline code', 'other hosts', 'numbers'];

/** check → locale → problems found, each naming its page. */
const problems = new Map<Check, Map<string, string[]>>(checks.map((c) => [c, new Map(localeCodes.map((l) => [l, []]))]));
let audited = 0;

function count(page: HTMLElement, selector: string): number {
  return page.querySelectorAll(selector).length;
}

function frameProblems(path: string, page: HTMLElement): string[] {
  const out: string[] = [];
  const html = page.querySelector('html');
  const { lang, dir } = langAndDir(path);
  if (html?.getAttribute('lang') !== lang) out.push(`lang is ${html?.getAttribute('lang')}, not ${lang}`);
  if (html?.getAttribute('dir') !== dir) out.push(`dir is ${html?.getAttribute('dir')}, not ${dir}`);
  const once: Record<string, string> = {
    'main#main': 'main landmark',
    'a.skip-link[href="#main"]': 'skip link',
    '.safety-bar a[href="tel:112"]': 'safety bar 112',
    // Stockholm city's own line only on Stockholm's page; the police, not urgent, everywhere else (T3-04).
    [path.endsWith('/hjalp/stockholm/') ? '.safety-bar a[href="tel:+46850825600"]' : '.safety-bar a[href="tel:11414"]']:
      'safety bar second line',
    'a.quick-exit[data-quick-exit]': 'quick exit',
    'footer.site-footer': 'footer',
    h1: 'h1',
  };
  for (const [selector, what] of Object.entries(once)) {
    const n = count(page, selector);
    if (n !== 1) out.push(`${n} × ${what} (${selector})`);
  }
  if (count(page, '.safety-bar a[href^="tel:"]') !== 2) out.push('the safety bar has not exactly two numbers');
  // Every page exists in every language: no fallback notice anywhere.
  if (count(page, '[data-notice="fallback"]') > 0) out.push('fallback notice');
  return out;
}

const builtFiles = new Map<string, boolean>();
function isBuilt(pathname: string): boolean {
  let built = builtFiles.get(pathname);
  if (built === undefined) {
    built = builtFile(pathname) !== undefined;
    builtFiles.set(pathname, built);
  }
  return built;
}

function languageLinkProblems(path: string, page: HTMLElement): string[] {
  const out: string[] = [];
  const rest = path.split('/').filter(Boolean).slice(1).join('/');
  for (const { code } of locales) {
    const expected = rest ? `/${code}/${rest}/` : `/${code}/`;
    const switcher = page.querySelectorAll(`.language-switcher a[hreflang="${code}"]`).map((a) => a.getAttribute('href'));
    if (switcher.length !== 1 || switcher[0] !== expected) out.push(`switcher ${code}: ${switcher.join(', ') || 'none'}, not ${expected}`);
    if (!isBuilt(expected)) out.push(`${expected} is not built`);
  }
  for (const link of page.querySelectorAll('link[rel="alternate"][hreflang]')) {
    const code = link.getAttribute('hreflang')!;
    const href = link.getAttribute('href') ?? '';
    const expected = `${siteOrigin}${rest ? `/${code}/${rest}/` : `/${code}/`}`;
    if (href !== expected) out.push(`alternate ${code}: ${href}, not ${expected}`);
  }
  return out;
}

function linkProblems(path: string, page: HTMLElement): string[] {
  const out: string[] = [];
  const base = new URL(path, siteOrigin);
  const ids = new Set(page.querySelectorAll('[id]').map((e) => e.id));
  for (const [selector, attribute] of LINKED) {
    for (const element of page.querySelectorAll(selector)) {
      const value = element.getAttribute(attribute)!;
      if (/^(tel|mailto|sms):/i.test(value)) continue;
      const url = new URL(value, base);
      if (url.origin !== siteOrigin) continue;
      if (value.startsWith('#')) {
        if (value.length > 1 && !ids.has(decodeURIComponent(value.slice(1)))) out.push(`${selector} ${value}: no such id`);
        continue;
      }
      if (WORKER_ROUTES.test(url.pathname)) continue;
      if (!isBuilt(url.pathname)) out.push(`${selector} ${value}: not built`);
    }
  }
  return out;
}

function inlineCodeProblems(page: HTMLElement): string[] {
  return [
    ...page.querySelectorAll('script:not([src])').map((s) => `inline script ${s.outerHTML.slice(0, 80)}`),
    ...page.querySelectorAll('style').map((s) => `style element ${s.outerHTML.slice(0, 80)}`),
    ...page.querySelectorAll('[style]').map((e) => `style attribute on <${e.rawTagName}> ${e.getAttribute('style')}`),
  ];
}

function otherHostProblems(path: string, page: HTMLElement): string[] {
  const out: string[] = [];
  const base = new URL(path, siteOrigin);
  for (const [selector, attribute] of LOADED) {
    for (const element of page.querySelectorAll(selector)) {
      const value = element.getAttribute(attribute)!;
      const url = new URL(value, base);
      // canonical and alternate name this site's public address; anything else it loads must be its own.
      if (url.origin !== siteOrigin) out.push(`${selector} ${value}`);
    }
  }
  return out;
}

function numberProblems(page: HTMLElement): string[] {
  const out: string[] = [];
  for (const a of page.querySelectorAll('a[href^="tel:"]')) {
    const tel = a.getAttribute('href')!;
    if (!publishableTels.has(tel)) out.push(`link ${tel}`);
    for (const n of unpublishableNumbers(a.textContent)) out.push(`link text ${n}`);
    // Read on its own: "114 14: the police" must not read as 114 followed by a time.
    a.remove();
  }
  const description = page.querySelector('meta[name="description"]')?.getAttribute('content') ?? '';
  const text = [textOf(page.querySelector('title')), description, page.querySelector('body')?.textContent ?? ''].join('\n');
  for (const n of unpublishableNumbers(text)) out.push(`text ${n}`);
  return out;
}

function record(check: Check, path: string, found: string[]): void {
  problems
    .get(check)!
    .get(localeOfPath(path))!
    .push(...found.map((p) => `${path}: ${p}`));
}

beforeAll(() => {
  for (const path of sitemapPaths()) {
    if (!isBuilt(path)) {
      record('links resolve', path, ['in the sitemap but not built']);
      continue;
    }
    const page = readPage(path);
    record('frame', path, frameProblems(path, page));
    record('language links', path, languageLinkProblems(path, page));
    record('links resolve', path, linkProblems(path, page));
    record('inline code', path, inlineCodeProblems(page));
    record('other hosts', path, otherHostProblems(path, page));
    record('numbers', path, numberProblems(page)); // last: it takes the tel: links out of the page
    audited++;
  }
});

describe('every built page', () => {
  it('is audited: the whole sitemap, every municipality page in every language', () => {
    // 290 municipality pages in each of six languages, and the rest.
    expect(audited).toBeGreaterThan(290 * localeCodes.length);
    for (const code of localeCodes) expect(builtFile(`/${code}/hjalp/kiruna/`), code).toBeDefined();
  });

  for (const check of checks) {
    for (const locale of localeCodes) {
      it(`${check}: ${locale}`, () => {
        expect(problems.get(check)!.get(locale)).toEqual([]);
      });
    }
  }
});

describe('the audit itself', () => {
  it('finds each kind of problem on a page that has it', () => {
    const bad = parse(
      '<html lang="en" dir="rtl"><head><link rel="stylesheet" href="https://cdn.example/x.css">' +
        '<link rel="alternate" hreflang="en" href="https://utvag.example/en/nej/"><style>p{}</style></head><body>' +
        '<main id="main"></main><main id="main"></main><h1>a</h1><h1>b</h1><p style="color:red">Ring 08-123 45 67.</p>' +
        '<a href="tel:+4681234567">08-123 45 67</a><a href="/sv/finns-inte/">x</a><a href="#nowhere">y</a>' +
        '<nav class="language-switcher"><a hreflang="en" href="/en/">en</a></nav><script>alert(1)</script>' +
        '<div data-notice="fallback"></div></body></html>',
    );
    const path = '/sv/fara/';
    expect(frameProblems(path, bad)).toEqual(
      expect.arrayContaining([
        'lang is en, not sv',
        'dir is rtl, not ltr',
        '2 × main landmark (main#main)',
        '0 × skip link (a.skip-link[href="#main"])',
        '2 × h1 (h1)',
        'fallback notice',
      ]),
    );
    expect(languageLinkProblems(path, bad)).toEqual(
      expect.arrayContaining([
        'switcher en: /en/, not /en/fara/',
        'switcher sv: none, not /sv/fara/',
        'alternate en: https://utvag.example/en/nej/, not https://utvag.example/en/fara/',
      ]),
    );
    expect(linkProblems(path, bad)).toEqual([
      'link[href] https://utvag.example/en/nej/: not built',
      'a[href] /sv/finns-inte/: not built',
      'a[href] #nowhere: no such id',
    ]);
    expect(inlineCodeProblems(bad)).toHaveLength(3);
    expect(otherHostProblems(path, bad)).toEqual(['link[href] https://cdn.example/x.css']);
    expect(numberProblems(bad)).toEqual(['link tel:+4681234567', 'link text 08-123 45 67', 'text 08-123 45 67']);
  });
});

describe('the stylesheets', () => {
  it('load nothing from another host', () => {
    const dir = join(distDir, '_astro');
    const sheets = readdirSync(dir).filter((f) => f.endsWith('.css'));
    expect(sheets.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const sheet of sheets) {
      const css = readFileSync(join(dir, sheet), 'utf8');
      for (const m of css.matchAll(/url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)/g)) {
        const ref = m[1] ?? m[2]!;
        if (/^data:/i.test(ref)) continue;
        if (new URL(ref, `${siteOrigin}/_astro/`).origin !== siteOrigin) found.push(`${sheet}: ${ref}`);
      }
    }
    expect(found).toEqual([]);
  });
});
