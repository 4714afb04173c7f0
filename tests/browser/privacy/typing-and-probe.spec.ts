/**
 * Privacy regressions, their own suite (the Hush Line pattern: these run as
 * a clearly named group and can run alone, with the pinned Node:
 * `npm run test:browser -- tests/browser/privacy tests/browser/page-audit.spec.ts`;
 * another port if 8799 is busy: UTVAG_TEST_PORT=8812).
 *
 * The site must be built first with the test intake's key (npm test does).
 *
 * Every sampled page is visited once by tests/browser/page-audit.spec.ts,
 * which runs this folder's probe (probe.ts: no other host, no cookie, no
 * storage write, no CSP violation) together with axe and the reflow check;
 * inline code in the HTML served is checked on every built page in Node
 * (tests/site/page-audit.test.ts). Here: typing in the contact form writes
 * nothing to storage, sends nothing and does not change the URL, and the
 * probe itself sees what it must.
 */
import { test, expect } from '../fixtures.ts';
import type { Request } from '@playwright/test';
import { localeCodes } from '../../../protocol/locales.ts';
import { expectNothingKept, foreignRequests, installPrivacyProbe, probe } from './probe.ts';

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
      expect(
        carrying.map((r) => r.url()),
        'requests carrying the typed text',
      ).toEqual([]);
      expect(
        requests.filter((r) => r.method() !== 'GET').map((r) => `${r.method()} ${r.url()}`),
        'no POST while typing',
      ).toEqual([]);
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
