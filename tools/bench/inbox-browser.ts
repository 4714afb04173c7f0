/**
 * The team inbox in Chromium (issue 19: requests open only in the staff
 * member's browser): opening one request and rendering a list of 10,000,
 * timed inside the page with the inbox app's own functions
 * (inbox-browser-page.ts, bundled with esbuild as the inbox bundles its
 * app). Debian's Chromium, headless, through Playwright; the page is
 * served by request interception on http://localhost (a secure context for
 * WebCrypto), so nothing listens on a port. Medians after warm-up runs.
 * Targets (issue 19): open ≤ 50 ms, list ≤ 300 ms on this machine.
 */
import { BROWSER_BUNDLE_OPTIONS } from '../../intake/src/inbox/app-bundle.ts';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { generateRecipientKeyPair, sealRequest } from '../../protocol/envelope.ts';
import { createRequest } from '../../protocol/request.ts';
import { PAGE_SIZE } from '../../intake/src/inbox/pages.ts';
import { chromiumExecutablePath, chromiumFlags } from '../dev/chromium.ts';

export interface InboxBrowserResult {
  chromium: string;
  listRequests: number;
  openRuns: number;
  listRuns: number;
  openMs: number;
  openP90Ms: number;
  /** One page of the list (PAGE_SIZE rows, the inbox pages its list) with `listRequests` stored. */
  listPageMs: number;
  pageSize: number;
  /** All `listRequests` rows in one table. */
  listAllMs: number;
  targets: { openMs: number; listMs: number };
}

const here = dirname(fileURLToPath(import.meta.url));
const OPEN_RUNS = 40;
const OPEN_WARMUP = 5;
const LIST_RUNS = 7;
const LIST_WARMUP = 2;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!.toFixed(2));
}

const PAGE = `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Inbox bench</title>
<link rel="stylesheet" href="/assets/inbox.css"><script type="module" src="/bench.js"></script></head>
<body data-lang="sv"><main><div id="request-app"></div><div id="list-app"></div></main></body></html>`;

export async function benchInboxBrowser(count = 10_000, log: (line: string) => void = () => undefined): Promise<InboxBrowserResult> {
  const bundle = await build({ entryPoints: [join(here, 'inbox-browser-page.ts')], ...BROWSER_BUNDLE_OPTIONS });
  const css = await readFile(join(here, '../../intake/src/inbox/assets/inbox.css'), 'utf8');
  const key = await generateRecipientKeyPair();
  const envelopes: string[] = [];
  for (let i = 0; i < OPEN_WARMUP + OPEN_RUNS; i++) {
    const request = createRequest({
      locale: 'sv',
      role: i % 2 ? 'relative' : 'self',
      municipality: 'stockholm',
      needs: ['leave-crime', 'housing'],
      contact: { method: 'call', phone: '070-765 43 21', safeTimes: 'vardagar efter 18', voicemailOk: false, mayNameSocialServices: false },
      language: 'arabiska',
      interpreter: true,
      message: `Benchmark ${i}. ${'Jag vill komma bort från allt det här och behöver hjälp med ett boende. '.repeat(12)}`,
    });
    envelopes.push(JSON.stringify(await sealRequest(request, { kid: key.kid, publicKey: key.publicKey })));
  }
  const executablePath = chromiumExecutablePath();
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...chromiumFlags, '--proxy-server=http://127.0.0.1:9'],
  });
  try {
    const page = await browser.newPage();
    await page.route('http://localhost/**', (route) => {
      const path = new URL(route.request().url()).pathname;
      const body = path === '/bench.js' ? bundle.outputFiles[0]!.text : path === '/assets/inbox.css' ? css : PAGE;
      const type = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'text/html';
      return route.fulfill({ status: 200, contentType: `${type}; charset=utf-8`, body });
    });
    await page.goto('http://localhost/');
    await page.waitForFunction(() => 'inboxBench' in window);
    type Bench = { open: (e: string[], k: unknown) => Promise<number[]>; list: (n: number, s: number, r: number) => Promise<number[]> };
    log(`  inbox in Chromium: opening ${OPEN_RUNS} requests`);
    const open = (
      await page.evaluate(([e, k]) => (window as unknown as { inboxBench: Bench }).inboxBench.open(e, k), [
        envelopes,
        key.privateJwk,
      ] as const)
    ).slice(OPEN_WARMUP);
    const list = async (shown: number) => {
      log(`  inbox in Chromium: rendering ${shown} rows of a list of ${count} requests, ${LIST_WARMUP + LIST_RUNS} times`);
      const times = await page.evaluate(([n, s, r]) => (window as unknown as { inboxBench: Bench }).inboxBench.list(n, s, r), [
        count,
        shown,
        LIST_WARMUP + LIST_RUNS,
      ] as const);
      return times.slice(LIST_WARMUP);
    };
    const listPage = await list(PAGE_SIZE);
    const listAll = await list(count);
    return {
      chromium: browser.version(),
      listRequests: count,
      openRuns: open.length,
      listRuns: listAll.length,
      openMs: quantile(open, 0.5),
      openP90Ms: quantile(open, 0.9),
      pageSize: PAGE_SIZE,
      listPageMs: quantile(listPage, 0.5),
      listAllMs: quantile(listAll, 0.5),
      targets: { openMs: 50, listMs: 300 },
    };
  } finally {
    await browser.close();
  }
}
