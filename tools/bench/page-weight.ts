/**
 * What a page of the built site weighs as served: its HTML and everything
 * it references at first render (stylesheets, scripts and the modules
 * they import statically, images, the icon, CSS url()s), each file
 * compressed the way it travels.
 *
 * Compression as served: text (HTML, CSS, JS, SVG, JSON, XML, WASM) with
 * brotli at quality 11 (node:zlib, BROTLI_MODE_TEXT for text, generic for
 * WASM), which is what Cloudflare's edge sends a modern browser for
 * static assets; images in already-compressed formats (PNG, JPEG, WebP,
 * AVIF, GIF) and Pagefind's own gzipped index files (.pf_*) as they are.
 *
 * JavaScript is also weighed gzipped (level 9, `gzip`): the JS budgets
 * (budgets.test.ts) are in gzip, the size every browser and proxy takes,
 * and the unit issue 18 set them in.
 *
 * Dynamic `import()`s are "on demand": not loaded at first render. The
 * contact form's are counted in its JS anyway (budgets.test.ts), and
 * Pagefind's files are reported apart (searchOnDemand).
 *
 * Used by tests/system/budgets.test.ts and `npm run bench`.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export type Kind = 'html' | 'css' | 'js' | 'img';

export interface FileWeight {
  /** Path under dist/, starting with '/'. */
  path: string;
  kind: Kind;
  raw: number;
  compressed: number;
  /** gzip level 9 (text only; other files as they are). */
  gzip: number;
}

export interface PageWeight {
  /** The page's path, e.g. /sv/kontakt/. */
  page: string;
  files: FileWeight[];
  /** Files loaded only on demand (dynamic import) from the page's scripts. */
  onDemand: FileWeight[];
  /** Compressed bytes by kind, first render only. */
  byKind: Record<Kind, number>;
  total: number;
  /** Compressed JS including on-demand modules (not Pagefind). */
  jsWithOnDemand: number;
  /** The same JS, gzipped (level 9): what the JS budgets count. */
  jsGzipWithOnDemand: number;
}

// ------------------------------------------------------------------ budgets
// Asserted by tests/system/budgets.test.ts, reported by `npm run bench`.

/** Every page: HTML + CSS + JS + images at first render, compressed (brotli). */
export const PAGE_TOTAL_BUDGET = 20 * 1024;
/** JavaScript on every page but the contact and answer pages, gzip, on-demand modules included (Pagefind's index apart). */
export const PAGE_JS_BUDGET = 2 * 1024;
/**
 * The contact page's JavaScript in all, gzip: HPKE (protocol/hpke/, our
 * own over WebCrypto), the form's modules and the site's quick exit and
 * share scripts. Issue 18, part 7: 13 KB.
 */
export const CONTACT_JS_BUDGET = 13 * 1024;
/** The answer page (/svar/): HPKE, the reader's modules, quick exit; gzip. The same target as the contact page. */
export const ANSWER_JS_BUDGET = 13 * 1024;
/**
 * The pages with HPKE: the page budget with their JS allowance in place of
 * the ordinary 2 KB (brotli is smaller than gzip, so this is generous).
 */
export const CONTACT_PAGE_TOTAL_BUDGET = PAGE_TOTAL_BUDGET - PAGE_JS_BUDGET + CONTACT_JS_BUDGET;

export const isContactPage = (page: string): boolean => /^\/[a-z]{2}\/kontakt\/$/.test(page);
export const isAnswerPage = (page: string): boolean => /^\/[a-z]{2}\/svar\/$/.test(page);

/** The gzip JS budget of a page. */
export function jsBudgetOf(page: string): number {
  if (isContactPage(page)) return CONTACT_JS_BUDGET;
  if (isAnswerPage(page)) return ANSWER_JS_BUDGET;
  return PAGE_JS_BUDGET;
}

// ----------------------------------------------------------------- weighing

const TEXT_EXTENSIONS = new Set(['.html', '.css', '.js', '.mjs', '.svg', '.json', '.xml', '.txt', '.webmanifest']);
const BINARY_COMPRESSIBLE = new Set(['.wasm', '.pagefind', '.ico']);

const sizeCache = new Map<string, { raw: number; compressed: number; gzip: number }>();

/** Brotli-11 size of a file as served (see the header), and its gzip-9 size. */
export function servedSize(file: string): { raw: number; compressed: number; gzip: number } {
  const cached = sizeCache.get(file);
  if (cached) return cached;
  const bytes = readFileSync(file);
  const ext = extname(file).toLowerCase();
  let compressed = bytes.length;
  let gzip = bytes.length;
  if (TEXT_EXTENSIONS.has(ext) || BINARY_COMPRESSIBLE.has(ext)) {
    gzip = gzipSync(bytes, { level: 9 }).length;
    compressed = brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: TEXT_EXTENSIONS.has(ext) ? constants.BROTLI_MODE_TEXT : constants.BROTLI_MODE_GENERIC,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length;
  }
  const result = { raw: bytes.length, compressed, gzip };
  sizeCache.set(file, result);
  return result;
}

/** Page paths from dist/sitemap.xml. */
export function sitemapPages(distDir: string): string[] {
  const xml = readFileSync(join(distDir, 'sitemap.xml'), 'utf8');
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!.trim()).pathname);
}

/** The HTML file a page path is served from. */
export function htmlFileFor(distDir: string, page: string): string {
  return page.endsWith('/') ? join(distDir, page, 'index.html') : join(distDir, page);
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** Same-site reference → path under dist/, or null for other hosts and data: URLs. */
function resolveRef(ref: string, fromPath: string): string | null {
  const trimmed = ref.trim().replace(/&amp;/g, '&');
  if (!trimmed || trimmed.startsWith('data:') || trimmed.startsWith('#')) return null;
  const url = new URL(trimmed, `http://site.invalid${fromPath}`);
  if (url.host !== 'site.invalid') return null;
  return decodeURIComponent(url.pathname);
}

export interface PageReferences {
  css: string[];
  js: string[];
  img: string[];
  /** Any reference to another host (the page must not have one). */
  foreign: string[];
}

/** What the HTML references for first render. */
export function htmlReferences(html: string, page: string): PageReferences {
  const refs: PageReferences = { css: [], js: [], img: [], foreign: [] };
  const add = (list: string[], ref: string | undefined) => {
    if (!ref) return;
    const resolved = resolveRef(ref, page);
    if (resolved) list.push(resolved);
    else if (/^(https?:)?\/\//i.test(ref.trim())) refs.foreign.push(ref);
  };
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
    const href = attr(tag, 'href');
    if (rel.includes('stylesheet')) add(refs.css, href);
    else if (rel.includes('modulepreload')) add(refs.js, href);
    else if (rel.includes('icon')) add(refs.img, href);
    else if (rel.includes('preload')) {
      const as = (attr(tag, 'as') ?? '').toLowerCase();
      if (as === 'script') add(refs.js, href);
      else if (as === 'style') add(refs.css, href);
      else if (as === 'image') add(refs.img, href);
      else if (as === 'font') add(refs.img, href);
    }
  }
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) add(refs.js, attr(tag, 'src'));
  for (const [tag] of html.matchAll(/<img\b[^>]*>/gi)) add(refs.img, attr(tag, 'src'));
  for (const [tag] of html.matchAll(/<(?:source|img)\b[^>]*\ssrcset\s*=[^>]*>/gi)) {
    // srcset: a browser fetches one candidate; count the first (the smallest by convention).
    const first = (attr(tag, 'srcset') ?? '').split(',')[0]?.trim().split(/\s+/)[0];
    add(refs.img, first);
  }
  return refs;
}

/** url() references in a stylesheet. */
export function cssUrls(css: string, cssPath: string): string[] {
  const out: string[] = [];
  for (const m of css.matchAll(/url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi)) {
    const resolved = resolveRef(m[1] ?? m[2] ?? m[3] ?? '', cssPath);
    if (resolved) out.push(resolved);
  }
  for (const m of css.matchAll(/@import\s+(?:url\()?\s*["']([^"']+)["']/gi)) {
    const resolved = resolveRef(m[1]!, cssPath);
    if (resolved) out.push(resolved);
  }
  return out;
}

/** Module specifiers a script imports: static (first render) and dynamic (on demand). */
export function jsImports(js: string, jsPath: string): { static: string[]; dynamic: string[]; dynamicUnresolved: number } {
  const statics: string[] = [];
  const dynamics: string[] = [];
  let dynamicUnresolved = 0;
  // import"x"; import{a}from"x"; import*as a from"x"; export{a}from"x" — not importKey( or import.meta
  for (const m of js.matchAll(/(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{][^;"'`()]*?\bfrom\s*)?["'`]([^"'`]+)["'`]/g)) {
    const resolved = resolveRef(m[1]!, jsPath);
    if (resolved) statics.push(resolved);
  }
  for (const m of js.matchAll(/(?:^|[^\w$.])import\s*\(\s*([^)]*)\)/g)) {
    const literal = /^["'`]([^"'`$]+)["'`]$/.exec(m[1]!.trim());
    // import(new URL(`/pagefind/pagefind.js`, origin).href) and the like
    const embedded = /["'`](\/[^"'`$]+\.m?js)["'`]/.exec(m[1]!);
    const spec = literal?.[1] ?? embedded?.[1];
    const resolved = spec ? resolveRef(spec, jsPath) : null;
    if (resolved) dynamics.push(resolved);
    else dynamicUnresolved++;
  }
  return { static: statics, dynamic: dynamics, dynamicUnresolved };
}

function kindOf(path: string): Kind {
  const ext = extname(path).toLowerCase();
  if (ext === '.css') return 'css';
  if (ext === '.js' || ext === '.mjs') return 'js';
  if (ext === '.html') return 'html';
  return 'img';
}

function weigh(distDir: string, path: string, kind: Kind = kindOf(path)): FileWeight {
  const file = join(distDir, path);
  if (!existsSync(file)) throw new Error(`referenced file missing from dist: ${path}`);
  return { path, kind, ...servedSize(file) };
}

export function isPagefindPath(path: string): boolean {
  return path.startsWith('/pagefind/');
}

/** Weighs one page (see the header for what counts). */
export function measurePage(distDir: string, page: string): PageWeight {
  const htmlFile = htmlFileFor(distDir, page);
  const html = readFileSync(htmlFile, 'utf8');
  const refs = htmlReferences(html, page);
  const firstRender = new Map<string, FileWeight>();
  const onDemand = new Map<string, FileWeight>();
  firstRender.set(page, { path: page, kind: 'html', ...servedSize(htmlFile) });

  const cssQueue = [...refs.css];
  while (cssQueue.length > 0) {
    const path = cssQueue.shift()!;
    if (firstRender.has(path)) continue;
    firstRender.set(path, weigh(distDir, path, 'css'));
    for (const ref of cssUrls(readFileSync(join(distDir, path), 'utf8'), path)) {
      if (kindOf(ref) === 'css') cssQueue.push(ref);
      else if (!firstRender.has(ref)) firstRender.set(ref, weigh(distDir, ref, 'img'));
    }
  }
  for (const path of refs.img) if (!firstRender.has(path)) firstRender.set(path, weigh(distDir, path, 'img'));

  // Scripts: follow static imports at first render, dynamic ones on demand.
  const jsQueue: { path: string; eager: boolean }[] = refs.js.map((path) => ({ path, eager: true }));
  while (jsQueue.length > 0) {
    const { path, eager } = jsQueue.shift()!;
    if (firstRender.has(path) || (!eager && onDemand.has(path))) continue;
    if (!eager && isPagefindPath(path)) {
      // Reported apart by searchOnDemand().
      continue;
    }
    const weight = weigh(distDir, path, 'js');
    (eager ? firstRender : onDemand).set(path, weight);
    if (eager) onDemand.delete(path);
    const imports = jsImports(readFileSync(join(distDir, path), 'utf8'), path);
    for (const next of imports.static) jsQueue.push({ path: next, eager });
    for (const next of imports.dynamic) jsQueue.push({ path: next, eager: false });
  }
  for (const path of onDemand.keys()) if (firstRender.has(path)) onDemand.delete(path);

  const files = [...firstRender.values()];
  const byKind: Record<Kind, number> = { html: 0, css: 0, js: 0, img: 0 };
  for (const f of files) byKind[f.kind] += f.compressed;
  const total = files.reduce((sum, f) => sum + f.compressed, 0);
  const onDemandFiles = [...onDemand.values()];
  const scripts = [...files, ...onDemandFiles].filter((f) => f.kind === 'js');
  const jsWithOnDemand = scripts.reduce((s, f) => s + f.compressed, 0);
  const jsGzipWithOnDemand = scripts.reduce((s, f) => s + f.gzip, 0);
  return { page, files, onDemand: onDemandFiles, byKind, total, jsWithOnDemand, jsGzipWithOnDemand };
}

export interface SearchOnDemand {
  lang: string;
  /** Files fetched when search starts (script, worker, entry, WASM, metadata). */
  init: FileWeight[];
  initTotal: number;
  /** Average compressed size of one index chunk and one result fragment for this language. */
  avgIndexChunk: number;
  avgFragment: number;
}

function average(paths: string[], distDir: string): number {
  if (paths.length === 0) return 0;
  return Math.round(paths.reduce((s, p) => s + servedSize(join(distDir, p)).compressed, 0) / paths.length);
}

/** Pagefind's on-demand files for one language, as pagefind.js fetches them. */
export function searchOnDemand(distDir: string, lang: string): SearchOnDemand {
  const base = join(distDir, 'pagefind');
  const entry = JSON.parse(readFileSync(join(base, 'pagefind-entry.json'), 'utf8')) as {
    languages: Record<string, { hash: string; wasm: string | null }>;
  };
  const language = entry.languages[lang] ?? Object.values(entry.languages)[0]!;
  const init: FileWeight[] = [];
  const add = (name: string, kind: Kind) => {
    if (existsSync(join(base, name))) init.push({ path: `/pagefind/${name}`, kind, ...servedSize(join(base, name)) });
  };
  add('pagefind.js', 'js');
  add('pagefind-worker.js', 'js');
  add('pagefind-entry.json', 'img');
  add(`wasm.${language.wasm ?? 'unknown'}.pagefind`, 'img');
  add(`pagefind.${language.hash}.pf_meta`, 'img');
  const prefix = `${lang}_`;
  const list = (folder: string) =>
    existsSync(join(base, folder))
      ? readdirSync(join(base, folder)).filter((n) => n.startsWith(prefix) && statSync(join(base, folder, n)).isFile()).map((n) => `/pagefind/${folder}/${n}`)
      : [];
  return {
    lang,
    init,
    initTotal: init.reduce((s, f) => s + f.compressed, 0),
    avgIndexChunk: average(list('index'), distDir),
    avgFragment: average(list('fragment'), distDir),
  };
}

/** Web fonts anywhere in dist: @font-face rules or font files. */
export function findWebFonts(distDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(woff2?|ttf|otf|eot)$/i.test(name)) found.push(full);
      else if (/\.(css|html)$/i.test(name) && /@font-face/i.test(readFileSync(full, 'utf8'))) found.push(`${full} (@font-face)`);
    }
  };
  walk(distDir);
  return found;
}

export const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
