/**
 * Privacy regressions, their own suite (the Hush Line pattern: these run as
 * a clearly named group and can run alone):
 *
 *   playwright test tests/browser/privacy
 *   (with the pinned Node: cd /work/main && PATH=$PWD/node_modules/.bin:$PATH playwright test tests/browser/privacy;
 *    another port if 8799 is busy: UTVAG_TEST_PORT=8812 playwright test tests/browser/privacy)
 *
 * The site must be built first with the test intake's key (npm test does).
 *
 * One crawl of the sitemap per locale. On every page:
 *  - zero requests to any host but the site's own,
 *  - zero cookies (context.cookies() and document.cookie),
 *  - zero storage writes: an init script wraps Storage.prototype.setItem,
 *    indexedDB.open, caches.open, the document.cookie setter and
 *    navigator.serviceWorker.register and only counts calls (no arguments,
 *    no data are recorded); web storage must also be empty afterwards,
 *  - zero Content-Security-Policy violations (securitypolicyviolation
 *    events, collected by the init script: directive and blocked URL kind),
 *  - no <script> without src and no style="" attribute in the HTML served.
 * And the contact form: typing in the message field writes nothing to
 * storage, sends nothing and does not change the URL.
 */
import type { BrowserContext, Page, Request } from '@playwright/test';
import { test, expect, sitemapPaths } from '../fixtures.ts';
import { localeCodes, defaultLocale } from '../../../protocol/locales.ts';

interface ProbeReport {
  storageWrites: Record<string, number>;
  cspViolations: { directive: string; blocked: string; source: string }[];
}

/** Runs in every frame before any page script. Counts; records no data. */
function installPrivacyProbe(): void {
  const counts: Record<string, number> = {
    'Storage.setItem': 0,
    'indexedDB.open': 0,
    'caches.open': 0,
    'document.cookie=': 0,
    'serviceWorker.register': 0,
  };
  const violations: { directive: string; blocked: string; source: string }[] = [];
  const bump = (name: string) => {
    counts[name] = (counts[name] ?? 0) + 1;
  };
  const wrap = (target: object | undefined | null, key: string, name: string) => {
    if (!target) return;
    const original = (target as Record<string, unknown>)[key];
    if (typeof original !== 'function') return;
    Object.defineProperty(target, key, {
      configurable: true,
      writable: true,
      value: function (this: unknown, ...args: unknown[]) {
        bump(name);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  };
  wrap(Storage.prototype, 'setItem', 'Storage.setItem');
  if (typeof IDBFactory !== 'undefined') wrap(IDBFactory.prototype, 'open', 'indexedDB.open');
  if (typeof CacheStorage !== 'undefined') wrap(CacheStorage.prototype, 'open', 'caches.open');
  if (typeof ServiceWorkerContainer !== 'undefined') wrap(ServiceWorkerContainer.prototype, 'register', 'serviceWorker.register');
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (cookie?.set && cookie.get) {
    const { get, set } = cookie;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true,
      get() {
        return get.call(this);
      },
      set(value: string) {
        bump('document.cookie=');
        set.call(this, value);
      },
    });
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    const blocked = event.blockedURI;
    violations.push({
      directive: event.effectiveDirective || event.violatedDirective,
      // The kind of thing blocked, not its contents.
      blocked: /^(inline|eval|wasm-eval|trusted-types-policy|trusted-types-sink)$/.test(blocked) ? blocked : blocked ? new URL(blocked, location.href).origin : '',
      source: event.sourceFile ? new URL(event.sourceFile, location.href).pathname : '',
    });
  });
  Object.defineProperty(window, '__utvagPrivacyProbe', {
    value: () => ({ storageWrites: { ...counts }, cspViolations: [...violations] }),
    enumerable: false,
  });
}

async function probe(page: Page): Promise<ProbeReport> {
  return page.evaluate(() => (window as unknown as { __utvagPrivacyProbe: () => ProbeReport }).__utvagPrivacyProbe());
}

const noWrites = {
  'Storage.setItem': 0,
  'indexedDB.open': 0,
  'caches.open': 0,
  'document.cookie=': 0,
  'serviceWorker.register': 0,
};

async function expectNothingKept(page: Page, context: BrowserContext, where: string): Promise<void> {
  const report = await probe(page);
  expect(report.storageWrites, `storage writes on ${where}`).toEqual(noWrites);
  expect(report.cspViolations, `CSP violations on ${where}`).toEqual([]);
  const state = await page.evaluate(() => ({
    cookie: document.cookie,
    local: localStorage.length,
    session: sessionStorage.length,
  }));
  expect(state, `cookies and web storage on ${where}`).toEqual({ cookie: '', local: 0, session: 0 });
  expect(await context.cookies(), `cookies on ${where}`).toEqual([]);
}

function foreignRequests(requests: Request[], ownHost: string): string[] {
  return requests
    .map((r) => r.url())
    .filter((url) => /^(https?|wss?):/.test(url) && new URL(url).host !== ownHost)
    .map((url) => new URL(url).origin);
}

/** Inline <script> (no src) and style="" attributes in the served HTML. */
function inlineCodeIn(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    if (!/\ssrc\s*=/i.test(tag)) found.push(`inline script ${tag.slice(0, 80)}`);
  }
  for (const [tag] of html.matchAll(/<[a-z][a-z0-9-]*\b[^>]*>/gi)) {
    if (/\sstyle\s*=/i.test(tag)) found.push(`style attribute ${tag.slice(0, 80)}`);
  }
  return found;
}

function localeOf(path: string): string {
  const first = path.split('/').filter(Boolean)[0];
  return first && (localeCodes as readonly string[]).includes(first) ? first : defaultLocale;
}

test.describe('privacy: crawl of every page', () => {
  test.describe.configure({ mode: 'parallel' });
  test.beforeEach(async ({ context }) => {
    await context.addInitScript(installPrivacyProbe);
  });

  for (const locale of localeCodes) {
    test(`every ${locale} page: no other host, no cookie, no storage, no CSP violation, no inline code`, async ({
      page,
      context,
      request,
      baseURL,
    }) => {
      test.setTimeout(180_000);
      const ownHost = new URL(baseURL!).host;
      const paths = (await sitemapPaths(request)).filter((p) => localeOf(p) === locale);
      expect(paths.length, `pages in ${locale}`).toBeGreaterThan(0);
      for (const path of paths) {
        const requests: Request[] = [];
        const onRequest = (r: Request) => requests.push(r);
        page.on('request', onRequest);
        const response = await page.goto(path, { waitUntil: 'load' });
        expect(response?.status(), path).toBe(200);
        await page.waitForLoadState('networkidle');
        expect(inlineCodeIn(await response!.text()), `inline code in ${path}`).toEqual([]);
        await expectNothingKept(page, context, path);
        page.off('request', onRequest);
        expect(foreignRequests(requests, ownHost), `requests to other hosts from ${path}`).toEqual([]);
      }
    });
  }
});

test.describe('privacy: typing in the contact form', () => {
  test.beforeEach(async ({ context }) => {
    await context.addInitScript(installPrivacyProbe);
  });

  for (const locale of localeCodes) {
    test(`${locale}: the message stays in the page (no storage, no request, same URL)`, async ({ page, context, baseURL }) => {
      const ownHost = new URL(baseURL!).host;
      const path = `/${locale}/kontakt/`;
      const sentinel = `privacy-sentinel-${locale}-${Date.now()}`;
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      const before = page.url();
      const requests: Request[] = [];
      page.on('request', (r) => requests.push(r));

      const message = page.locator('textarea[name="message"]');
      await message.click();
      await message.pressSequentially(`${sentinel} Jag vill prata. أريد المساعدة`, { delay: 5 });
      // "Call me" shows the phone and safe-time fields.
      await page.locator('#method-call').check();
      await page.locator('input[name="phone"]').fill('070-123 45 67');
      await page.locator('input[name="safeTimes"]').fill(`${sentinel}-times`);
      await message.blur();
      await page.waitForTimeout(300);

      expect(await message.inputValue()).toContain(sentinel);
      expect(page.url(), 'URL unchanged while typing').toBe(before);
      expect(new URL(page.url()).search + new URL(page.url()).hash, 'no query or fragment').toBe('');
      await expectNothingKept(page, context, `${path} after typing`);
      // Typing sends nothing: no request carries the text, none goes elsewhere, none is a POST.
      const carrying = requests.filter((r) => r.url().includes(sentinel) || (r.postData() ?? '').includes(sentinel));
      expect(carrying.map((r) => r.url()), 'requests carrying the typed text').toEqual([]);
      expect(requests.filter((r) => r.method() !== 'GET').map((r) => `${r.method()} ${r.url()}`), 'no POST while typing').toEqual([]);
      expect(foreignRequests(requests, ownHost)).toEqual([]);
      // The typed text is nowhere the browser keeps or sends.
      const storageText = await page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]));
      expect(storageText).not.toContain(sentinel);
    });
  }
});

test.describe('privacy: the probe itself', () => {
  test.beforeEach(async ({ context }) => {
    await context.addInitScript(installPrivacyProbe);
  });

  test('counts storage writes, cookies and CSP violations when they happen', async ({ page, context }) => {
    await page.goto('/sv/');
    await page.evaluate(async () => {
      localStorage.setItem('probe-check', '1');
      sessionStorage.setItem('probe-check', '1');
      document.cookie = 'probe-check=1; path=/';
      indexedDB.open('probe-check').onsuccess = (e) => (e.target as IDBOpenDBRequest).result.close();
      await caches.open('probe-check').catch(() => undefined);
      document.body.setAttribute('style', 'outline: 1px solid red');
      await new Promise((r) => setTimeout(r, 100));
    });
    const report = await probe(page);
    expect(report.storageWrites).toMatchObject({
      'Storage.setItem': 2,
      'document.cookie=': 1,
      'indexedDB.open': 1,
      'caches.open': 1,
    });
    expect(report.cspViolations.map((v) => v.directive)).toContain('style-src-attr');
    // Leave nothing behind for the suite's own guard.
    await page.evaluate(async () => {
      localStorage.clear();
      sessionStorage.clear();
      document.cookie = 'probe-check=; path=/; max-age=0';
      indexedDB.deleteDatabase('probe-check');
      await caches.delete('probe-check').catch(() => undefined);
    });
    await context.clearCookies();
  });
});
