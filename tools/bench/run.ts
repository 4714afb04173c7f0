/**
 * `npm run bench` (node tools/bench/run.ts): measures the site and the system
 * on this machine, offline, 127.0.0.1 only, and
 *  - prints a table,
 *  - writes bench-results/latest.json (git-ignored),
 *  - rewrites BENCHMARKS.md at the repository root with the figures, the
 *    machine and the date.
 * Not part of the tests. Parts can be chosen: `npm run bench -- worker build`
 * (weight, lighthouse, worker, build, intake, inbox, inbox-browser, hosted); a
 * full run rewrites BENCHMARKS.md, a run of some parts replaces only
 * their sections in it.
 *
 * Needs dist/ built with the test intake's key (it builds it if not) and
 * Chromium ($CHROMIUM_PATH or /usr/bin/chromium) for Lighthouse.
 */
import { cpus, freemem, platform, release, totalmem } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { ensureDevIntake } from '../dev/dev-keys.ts';
import { testIntakeDir } from '../dev/test-intake.ts';
import { jsBudgetOf, kb, measurePage, PAGE_JS_BUDGET, searchOnDemand, sitemapPages, type PageWeight } from './page-weight.ts';
import { benchLighthouse, type LighthouseResult } from './lighthouse.ts';
import { benchWorker, type WorkerLoadResult } from './worker-load.ts';
import { benchBuild, type BuildResult } from './build-time.ts';
import { benchIntake, type IntakeRateResult } from './intake-rate.ts';
import { ensureTestBuild as ensureFuzzBuild, startFuzzWorker } from './fuzz-run.ts';
import { benchInbox, type InboxBenchResult } from './inbox-bench.ts';
import { benchInboxBrowser, type InboxBrowserResult } from './inbox-browser.ts';
import { benchHosted, type HostedBenchResult } from './hosted-bench.ts';

const PARTS = ['weight', 'lighthouse', 'worker', 'build', 'intake', 'inbox', 'inbox-browser', 'hosted'] as const;
type Part = (typeof PARTS)[number];
const LIGHTHOUSE_PAGES = ['/sv/', '/sv/ut/', '/sv/kontakt/', '/ar/', '/ar/ut/', '/ar/kontakt/'];

interface WeightSummary {
  pages: number;
  largest: Record<'html' | 'css' | 'js' | 'img' | 'total', { page: string; kb: number }>;
  contactJsKb: number;
  /** JS in gzip (what the budgets count), in all and per script: the contact page, the answer page, the heaviest other page. */
  jsGzip: { page: string; kb: number; budgetKb: number; scripts: { path: string; kb: number }[] }[];
  searchOnDemandKb: Record<string, number>;
}

interface BenchResults {
  date: string;
  machine: { cpuModel: string; cores: number; memoryGiB: number; freeMemoryGiB: number; node: string; os: string };
  weight?: WeightSummary;
  lighthouse?: LighthouseResult;
  worker?: WorkerLoadResult;
  build?: BuildResult;
  intake?: IntakeRateResult;
  inbox?: InboxBenchResult;
  inboxBrowser?: InboxBrowserResult;
  hosted?: HostedBenchResult;
}

const log = (line: string) => console.log(line);

function machine(): BenchResults['machine'] {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)),
    freeMemoryGiB: Number((freemem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    os: `${platform()} ${release()}`,
  };
}

/** dist/ built with the test intake key (one home: fuzz-run.ts). */
async function ensureTestBuild(): Promise<void> {
  await ensureFuzzBuild(log);
}

function weightSummary(): WeightSummary {
  const weights = sitemapPages('dist').map((page) => measurePage('dist', page));
  const largest = (pick: (w: PageWeight) => number) => {
    const w = weights.reduce((a, b) => (pick(b) > pick(a) ? b : a));
    return { page: w.page, kb: Number(kb(pick(w))) };
  };
  const contact = weights.filter((w) => /^\/[a-z]{2}\/kontakt\/$/.test(w.page));
  const searchOnDemandKb: Record<string, number> = {};
  for (const w of weights.filter((x) => /^\/[a-z]{2}\/sok\/$/.test(x.page))) {
    const lang = w.page.split('/')[1]!;
    searchOnDemandKb[lang] = Number(kb(searchOnDemand('dist', lang).initTotal));
  }
  return {
    pages: weights.length,
    largest: {
      html: largest((w) => w.byKind.html),
      css: largest((w) => w.byKind.css),
      js: largest((w) => w.byKind.js),
      img: largest((w) => w.byKind.img),
      total: largest((w) => w.total),
    },
    contactJsKb: Math.max(...contact.map((w) => Number(kb(w.jsWithOnDemand)))),
    jsGzip: jsGzipFigures(weights),
    searchOnDemandKb,
  };
}

/** The JS budgets' figures: /sv/kontakt/, /sv/svar/ and the heaviest other page, script by script. */
function jsGzipFigures(weights: PageWeight[]): WeightSummary['jsGzip'] {
  const byPage = new Map(weights.map((w) => [w.page, w]));
  const others = weights.filter((w) => jsBudgetOf(w.page) === PAGE_JS_BUDGET);
  const heaviest = others.reduce((a, b) => (b.jsGzipWithOnDemand > a.jsGzipWithOnDemand ? b : a));
  return [byPage.get('/sv/kontakt/'), byPage.get('/sv/svar/'), heaviest]
    .filter((w): w is PageWeight => w !== undefined)
    .map((w) => ({
      page: w.page,
      kb: Number(kb(w.jsGzipWithOnDemand)),
      budgetKb: Number(kb(jsBudgetOf(w.page))),
      scripts: [...w.files, ...w.onDemand].filter((f) => f.kind === 'js').map((f) => ({ path: f.path, kb: Number(kb(f.gzip)) })),
    }));
}

function table(header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

/** A section of BENCHMARKS.md: its title, what it measured, a table and the notes under it. */
function section(s: { title: string; intro?: string[]; header: string[]; rows: (string | number)[][]; notes?: string[] }): string[] {
  const intro = s.intro ?? [];
  const notes = s.notes ?? [];
  return [
    s.title,
    '',
    ...intro,
    ...(intro.length > 0 ? [''] : []),
    table(s.header, s.rows),
    '',
    ...notes,
    ...(notes.length > 0 ? [''] : []),
  ];
}

function render(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [
    '# Benchmarks',
    '',
    'Figures from `npm run bench` (tools/bench/run.ts), rewritten by each full run. Not tests: they describe this',
    'machine on this day. The budgets that do fail the build are in tests/system/budgets.test.ts.',
    '',
    '```',
    'npm run bench                 # everything (about 4 minutes on 2 cores); writes bench-results/latest.json and this file',
    'npm run bench -- worker build # only some parts (weight, lighthouse, worker, build, intake, inbox, inbox-browser, hosted): their sections',
    'npm run fuzz                  # 10,000+ hostile requests against the Worker and the intake (tools/bench/fuzz.ts)',
    '```',
    '',
    `Measured ${results.date} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB memory, Node ${m.node}, ${m.os}.`,
    "Everything runs offline on 127.0.0.1: the Worker under `wrangler dev` (miniflare, not Cloudflare's edge),",
    "the local intake receiver, and Debian's Chromium for Lighthouse.",
    '',
  ];
  if (results.weight) {
    const w = results.weight;
    out.push(
      ...section({
        title: '## Page weight (brotli quality 11, as served, first render)',
        intro: [
          `${w.pages} pages from dist/sitemap.xml; each page's HTML and what it loads at first render, each file`,
          'compressed with node:zlib brotli at quality 11. Budgets: 20 KB a page; JavaScript in gzip (level 9), on-demand',
          'modules included: 2 KB a page, and the contact and answer pages as in tests/system/budgets.test.ts.',
        ],
        header: ['largest by', 'page', 'KB'],
        rows: (['html', 'css', 'js', 'img', 'total'] as const).map((k) => [k, w.largest[k].page, w.largest[k].kb]),
      }),
      ...section({
        title: '### JavaScript, gzip -9, every script a page loads',
        header: ['page', 'script', 'KB gzip'],
        rows: w.jsGzip.flatMap((p) => [
          ...p.scripts.map((f) => [p.page, f.path.replace('/_astro/', ''), f.kb]),
          [p.page, `**in all** (budget ${p.budgetKb} KB)`, p.kb],
        ]),
        notes: [
          `Contact page JS in all (HPKE included), brotli: ${w.contactJsKb} KB. Search: Pagefind loads on demand at the first search: ` +
            Object.entries(w.searchOnDemandKb)
              .map(([l, v]) => `${l} ${v} KB`)
              .join(', ') +
            ' (plus index chunks and result fragments per query).',
        ],
      }),
    );
  }
  if (results.lighthouse) {
    const l = results.lighthouse;
    out.push(
      ...section({
        title: `## Lighthouse ${l.lighthouseVersion} (${l.formFactor}, ${l.throttling})`,
        header: ['page', 'perf', 'a11y', 'best pr.', 'SEO', 'LCP ms', 'TBT ms', 'CLS', 'transferred KB', 'requests'],
        rows: l.figures.map((f) => [
          f.page,
          f.scores.performance,
          f.scores.accessibility,
          f.scores.bestPractices,
          f.scores.seo,
          f.lcpMs,
          f.tbtMs,
          f.cls,
          kb(f.transferredBytes),
          f.requests,
        ]),
        notes: [
          "Transferred bytes are as wrangler dev serves them (its compression is not the edge's; see the weights above).",
          `Requests by the pages to other hosts: ${l.figures.reduce((s, f) => s + f.foreignRequests.length, 0)}. Chromium was started with a proxy that refuses`,
          `everything but 127.0.0.1; it caught ${l.blockedExternalConnections} connection attempt(s) by Chromium itself` +
            (l.blockedExternalConnections > 0
              ? ` (${Object.entries(l.blockedExternalHosts)
                  .map(([h, n]) => `${h} ×${n}`)
                  .join(', ')}: Debian Chromium's own services, not the site)`
              : '') +
            '.',
        ],
      }),
    );
  }
  if (results.worker) {
    const wk = results.worker;
    out.push(
      ...section({
        title: `## The Worker under wrangler dev (autocannon, ${wk.connections} connections, ${wk.secondsPerTarget} s per target, one after another in one run)`,
        header: ['target', 'req/s', 'p50 ms', 'p99 ms', 'answers', '× baseline req/s', '× p50', '× p99'],
        rows: wk.figures.map((f) => [
          f.target,
          f.requestsPerSecond,
          f.p50ms,
          f.p99ms,
          Object.entries(f.statuses)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ') + (f.errors ? ` errors×${f.errors}` : ''),
          f.ratio?.rps ?? '',
          f.ratio?.p50 ?? '',
          f.ratio?.p99 ?? '',
        ]),
        notes: [
          `Valid POSTs carried a distinct CF-Connecting-IP each; wrangler dev passes it through, so ${(wk.validRateLimitedShare * 100).toFixed(1)} % were rate-limited (429).`,
          `The limiter itself: ${wk.rateLimitCheck.sent} valid POSTs from one address → ${wk.rateLimitCheck.accepted} accepted, ${wk.rateLimitCheck.limited} refused with 429.`,
          'Every valid POST was queued and pushed to the local receiver (one sealed request sent many times: the receiver',
          `stored it once, ${wk.storedByReceiver} in the inbox). The queue consumer and receiver share the same 2 cores during the run.`,
        ],
      }),
    );
  }
  if (results.build) {
    const b = results.build;
    out.push(
      ...section({
        title: '## Build (astro build + Pagefind index, in a temporary copy of the project)',
        header: ['content', 'guidance pages', 'HTML pages', 'seconds', 'ms per HTML page'],
        rows: [b.real, b.tenfold].map((f) => [
          f.label,
          f.guidancePages,
          f.htmlPages,
          f.seconds,
          Math.round((f.seconds * 1000) / f.htmlPages),
        ]),
        // Linear means the time per page stays about the same as pages grow
        // (the municipality pages made the real site about 1,900 pages).
        notes: [`Tenfold content builds in ${b.ratio}× the time; ${(b.tenfold.htmlPages / b.real.htmlPages).toFixed(2)}× the HTML pages.`],
      }),
    );
  }
  if (results.intake) {
    const i = results.intake;
    out.push(
      ...section({
        title: '## Municipal intake',
        header: ['step', 'envelopes', 'seconds', 'per second'],
        rows: [
          ['create + seal + sign the push (validate, pad, HPKE, Ed25519)', i.envelopes, i.sealSeconds, i.sealPerSecond],
          [
            'receive a push (signature, HPKE open, validate, one committed row, signed receipt)',
            i.envelopes,
            i.storeSeconds,
            i.storePerSecond,
          ],
        ],
        notes: [
          'One after another through the push receiver intake serve runs (intake/src/receiver/push-app.ts), in process without sockets.',
        ],
      }),
    );
  }
  if (results.inbox) {
    const b = results.inbox;
    out.push(
      ...section({
        title: '## Team inbox',
        header: ['stored requests', 'receive per second', 'database MiB', 'list (ms)', 'open (ms)', 'look-up (ms)'],
        rows: [[b.requests, b.receivePerSecond, b.databaseMiB, b.listMs, b.openMs, b.lookupMs]],
        notes: [
          "Medians. List: the counts and the first page rendered. Open: one row and its envelope read, decrypted (in Node here; in the staff member's browser in the inbox) and its content rendered. Look-up: the server's part, the envelopes of one page that the browser opens to compare codes. Receive: the envelope's outer structure checked and one committed SQLite row (WAL, synchronous=FULL), without HTTP: the server opens nothing (issue 19).",
        ],
      }),
    );
  }
  if (results.inboxBrowser) {
    const b = results.inboxBrowser;
    out.push(
      ...section({
        title: '## Team inbox in Chromium',
        header: ['what', 'median (ms)', 'target (ms)', 'runs'],
        rows: [
          ['open one request (90th percentile ' + b.openP90Ms + ' ms)', b.openMs, b.targets.openMs, b.openRuns],
          [`list: one page (${b.pageSize} rows) of ${b.listRequests} requests`, b.listPageMs, b.targets.listMs, b.listRuns],
          [`list: all ${b.listRequests} requests in one table`, b.listAllMs, b.targets.listMs, b.listRuns],
        ],
        notes: [
          `Chromium ${b.chromium}, headless, timed inside the page with the inbox app's own functions (tools/bench/inbox-browser-page.ts; \`npm run bench -- inbox-browser\`). ` +
            'Open: the envelope already in memory (the fetch excluded; the key unlocked once per page, as the app does), opened (our HPKE in protocol/hpke/ on WebCrypto), read and rendered into the page, up to style and layout done. ' +
            'List: rows of metadata in memory (no envelope opened) rendered with listPage and put into the page, up to style and layout done. ' +
            `The inbox shows its list ${b.pageSize} rows a page, so a staff member with ${b.listRequests} stored requests gets the page row; ` +
            'all of them in one table misses the target: Chromium spends about 250 ms parsing and most of the rest in table layout (a fixed table layout or content-visibility on the rows did not bring it under 300 ms). ' +
            `Measured ${results.date} while other jobs shared the machine.`,
        ],
      }),
    );
  }
  if (results.hosted) {
    const h = results.hosted;
    out.push(
      ...section({
        title: `## Hosted inboxes (${h.recipients} recipients × ${h.perRecipient} requests, one Durable Object each)`,
        header: [
          'requests',
          'stored',
          'in another object',
          'refused',
          'setup (s)',
          'post to last stored (s)',
          'stored per second',
          'peak MiB',
        ],
        rows: [
          [h.recipients * h.perRecipient, h.stored, h.misplaced, h.refused, h.setupSeconds, h.deliverSeconds, h.perSecond, h.peakRssMiB],
        ],
        notes: [
          "tools/dev/hosted-load.ts through the Worker under wrangler dev (miniflare, one workerd process, not the edge): each recipient with its own vault key and signed statement, every request sealed to it, posted to /api/contact from an address of its own, queued, and handed by the queue consumer to its object. Stored: read from each object's SQLite file. Setup: the inboxes' vaults and statements, and the Worker serving all the keys. Peak MiB: resident size of the wrangler process tree (workerd with every object), sampled twice a second." +
            (h.complete ? '' : ' NOT COMPLETE: see the columns.'),
        ],
      }),
    );
  }
  return out.join('\n');
}

/** A run of some parts: their sections of BENCHMARKS.md replaced in place (or added at the end), the rest kept. */
async function replaceSections(rendered: string): Promise<void> {
  let file = await readFile('BENCHMARKS.md', 'utf8');
  for (const part of rendered.split(/\n(?=## )/).slice(1)) {
    const title = part.slice(0, part.indexOf('\n'));
    const at = file.indexOf(`\n${title}\n`);
    if (at < 0) {
      file = `${file.trimEnd()}\n\n${part.trimEnd()}\n`;
      continue;
    }
    const next = file.indexOf('\n## ', at + 1);
    file = `${file.slice(0, at + 1)}${part.trimEnd()}\n${next < 0 ? '' : file.slice(next)}`;
  }
  await writeFile('BENCHMARKS.md', file);
}

function printSummary(results: BenchResults): void {
  const rows: string[][] = [];
  const w = results.weight;
  if (w) {
    rows.push(['weight', `largest page ${w.largest.total.kb} KB (${w.largest.total.page}); contact JS ${w.contactJsKb} KB brotli`]);
    rows.push(['js gzip', w.jsGzip.map((p) => `${p.page} ${p.kb} KB (budget ${p.budgetKb})`).join(', ')]);
    for (const p of w.jsGzip) rows.push(['', `${p.page}: ${p.scripts.map((f) => `${f.path.replace('/_astro/', '')} ${f.kb}`).join(', ')}`]);
  }
  for (const f of results.lighthouse?.figures ?? []) {
    rows.push([
      `lighthouse ${f.page}`,
      `perf ${f.scores.performance} a11y ${f.scores.accessibility} bp ${f.scores.bestPractices} seo ${f.scores.seo}; LCP ${f.lcpMs} ms, TBT ${f.tbtMs} ms, CLS ${f.cls}, ${kb(f.transferredBytes)} KB`,
    ]);
  }
  for (const f of results.worker?.figures ?? []) {
    rows.push([
      `worker ${f.target}`,
      `${f.requestsPerSecond} req/s, p50 ${f.p50ms} ms, p99 ${f.p99ms} ms (×${f.ratio?.rps} / ×${f.ratio?.p50} / ×${f.ratio?.p99})`,
    ]);
  }
  if (results.build)
    rows.push([
      'build',
      `real ${results.build.real.seconds} s, ×10 content ${results.build.tenfold.seconds} s (ratio ${results.build.ratio})`,
    ]);
  if (results.intake)
    rows.push(['intake', `seal ${results.intake.sealPerSecond}/s, store ${results.intake.storePerSecond}/s (${results.intake.envelopes})`]);
  if (results.inbox)
    rows.push([
      'inbox',
      `${results.inbox.requests} stored: list ${results.inbox.listMs} ms, open ${results.inbox.openMs} ms, look-up ${results.inbox.lookupMs} ms; receive ${results.inbox.receivePerSecond}/s`,
    ]);
  if (results.hosted)
    rows.push([
      'hosted',
      `${results.hosted.stored} of ${results.hosted.recipients * results.hosted.perRecipient} stored in ${results.hosted.deliverSeconds} s (${results.hosted.perSecond}/s), ${results.hosted.misplaced} misplaced, peak ${results.hosted.peakRssMiB} MiB`,
    ]);
  if (results.inboxBrowser)
    rows.push([
      'inbox in Chromium',
      `open ${results.inboxBrowser.openMs} ms; list ${results.inboxBrowser.listPageMs} ms a page, ${results.inboxBrowser.listAllMs} ms all ${results.inboxBrowser.listRequests} in one table`,
    ]);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  console.log(`\nBenchmarks, ${results.date}, ${results.machine.cores} × ${results.machine.cpuModel}, Node ${results.machine.node}`);
  for (const [k, v] of rows) console.log(`  ${k!.padEnd(width)}  ${v}`);
}

const chosen: Part[] = process.argv.slice(2).filter((a): a is Part => (PARTS as readonly string[]).includes(a));
const parts: readonly Part[] = chosen.length > 0 ? chosen : PARTS;
const results: BenchResults = { date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', machine: machine() };

if (parts.some((p) => p === 'weight' || p === 'lighthouse' || p === 'worker')) await ensureTestBuild();
if (parts.includes('weight')) {
  log('page weight');
  results.weight = weightSummary();
}
if (parts.includes('lighthouse')) {
  log('lighthouse');
  const system = await startFuzzWorker();
  try {
    results.lighthouse = await benchLighthouse(system.system.url, LIGHTHOUSE_PAGES, log);
  } finally {
    await system.stop();
  }
}
if (parts.includes('worker')) {
  log('worker load');
  results.worker = await benchWorker({ connections: 10, seconds: 5, log });
}
if (parts.includes('build')) {
  log('build');
  results.build = await benchBuild((await ensureDevIntake(testIntakeDir)).recipientsFile, log);
}
if (parts.includes('intake')) {
  log('intake');
  results.intake = await benchIntake(10_000, log);
}

if (parts.includes('inbox')) {
  log('inbox');
  results.inbox = await benchInbox(10_000, log);
}
if (parts.includes('inbox-browser')) {
  log('inbox in Chromium');
  results.inboxBrowser = await benchInboxBrowser(10_000, log);
}
if (parts.includes('hosted')) {
  log('hosted inboxes');
  results.hosted = await benchHosted(290, 20, log);
}

await mkdir('bench-results', { recursive: true });
await writeFile('bench-results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
printSummary(results);
if (parts.length === PARTS.length) {
  await writeFile('BENCHMARKS.md', `${render(results)}\n`);
  log('\nwrote bench-results/latest.json and BENCHMARKS.md');
} else {
  await replaceSections(render(results));
  log(`\nwrote bench-results/latest.json and the sections of ${parts.join(', ')} in BENCHMARKS.md`);
}
