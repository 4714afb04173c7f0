/**
 * Visitors in a Chromium with the back/forward cache ON, as in real Chrome
 * (Playwright turns it off by default), for the specs that check what comes
 * back with Back; and a way to hold a send in flight for as long as a test
 * needs, instead of racing the network.
 */
import { chromium, type Browser, type BrowserContext, type Page, type Request, type Route } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { baseURL } from '../../../playwright.config.ts';
import { chromiumExecutablePath, chromiumFlags } from '../../../tools/dev/chromium.ts';

export interface Visitor {
  context: BrowserContext;
  page: Page;
  /** Every POST the visitor made to the Worker's /api/, in order. */
  posts: Request[];
}

/** Launches the browser for the spec (call at its top level) and returns how to make a visitor. */
export function bfcacheVisitors(): (options?: { address?: string; javaScriptEnabled?: boolean }) => Promise<Visitor> {
  let browser: Browser;
  test.beforeAll(async () => {
    const executablePath = chromiumExecutablePath();
    browser = await chromium.launch({
      ...(executablePath ? { executablePath } : {}),
      args: [...chromiumFlags, '--proxy-server=http://127.0.0.1:9'],
      // Playwright passes --disable-back-forward-cache by default; real browsers do not.
      ignoreDefaultArgs: ['--disable-back-forward-cache'],
    });
  });
  test.afterAll(async () => browser?.close());

  let visitorCount = 0;
  return async ({ address, javaScriptEnabled } = {}) => {
    visitorCount += 1;
    // Each visitor its own /64, so the Worker's rate limiter counts them apart, run after run.
    address ??= `2001:db8:${(0xf100 + visitorCount + (Date.now() % 0xe00)).toString(16)}:${visitorCount.toString(16)}::1`;
    const context = await browser.newContext({
      baseURL,
      locale: 'sv-SE',
      extraHTTPHeaders: { 'CF-Connecting-IP': address },
      ...(javaScriptEnabled === undefined ? {} : { javaScriptEnabled }),
    });
    // Test-only: note whether Back restored the page from the back/forward cache.
    await context.addInitScript(() =>
      addEventListener('pageshow', (event) => document.documentElement.setAttribute('data-test-restored', String(event.persisted))),
    );
    const posts: Request[] = [];
    context.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/api/')) posts.push(request);
    });
    return { context, page: await context.newPage(), posts };
  };
}

/** Back, without waiting for a load event (a page restored from the back/forward cache fires none). */
export async function back(page: Page, path: string): Promise<string> {
  await page.goBack({ waitUntil: 'commit' });
  await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, '\\/')}$`));
  await expect(page.locator('html')).toHaveAttribute('data-test-restored', /true|false/);
  const restored = (await page.locator('html').getAttribute('data-test-restored'))!;
  test.info().annotations.push({ type: 'bfcache', description: `restored from the back/forward cache: ${restored}` });
  return restored;
}

export interface HeldPosts {
  /** The first POST held: once it resolves, the send is in flight, and stays so until `release`. */
  first: Promise<Request>;
  /** Lets every held POST and every later one through (one the page has abandoned meanwhile stays gone). */
  release(): Promise<void>;
}

/** Holds the page's POSTs to paths starting with `path` until the test releases them. */
export async function holdPosts(page: Page, path: string): Promise<HeldPosts> {
  const held: Route[] = [];
  let reached: (request: Request) => void = () => undefined;
  const first = new Promise<Request>((resolve) => (reached = resolve));
  const matches = (url: URL) => url.pathname.startsWith(path);
  const hold = async (route: Route) => {
    if (route.request().method() !== 'POST') return route.fallback();
    held.push(route);
    reached(route.request());
  };
  await page.route(matches, hold);
  return {
    first,
    async release() {
      await page.unroute(matches, hold);
      for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    },
  };
}
