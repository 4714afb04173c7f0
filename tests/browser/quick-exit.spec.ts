import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { quickExitUrl } from '../../src/i18n/quick-exit-target.ts';

const neutralHost = new URL(quickExitUrl).host;
test.use({ allowedExternalHosts: [neutralHost] });

/** The neutral site is not reachable offline: answer for it. */
async function stubNeutralSite(page: Page): Promise<void> {
  await page.route(`${quickExitUrl}**`, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Väder</title><h1>Väder</h1>' }),
  );
}

async function expectLeftWithoutHistory(page: Page): Promise<void> {
  await page.waitForURL(`${quickExitUrl}**`);
  // location.replace: Back must not lead to the site again.
  await page.goBack().catch(() => undefined);
  expect(page.url()).not.toContain('127.0.0.1');
}

test.describe('quick exit', () => {
  test('click leaves with location.replace, so Back does not return', async ({ page }) => {
    await stubNeutralSite(page);
    await page.goto('about:blank');
    await page.goto('/sv/');
    await page.locator('a.quick-exit').click();
    await expectLeftWithoutHistory(page);
  });

  test('Escape is not a shortcut: pressed twice, even on a page with nothing to dismiss, it stays', async ({ page }) => {
    await stubNeutralSite(page);
    await page.goto('/ar/');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    expect(new URL(page.url()).pathname).toBe('/ar/');
  });

  test('Shift pressed three times leaves', async ({ page }) => {
    await stubNeutralSite(page);
    await page.goto('/en/');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await expectLeftWithoutHistory(page);
  });

  test('Shift with Alt (switching keyboard layout) and Shift between other keys do not leave', async ({ page }) => {
    await stubNeutralSite(page);
    await page.goto('/fa/');
    for (let i = 0; i < 3; i++) await page.keyboard.press('Alt+Shift');
    await page.keyboard.press('Shift');
    await page.keyboard.press('Shift');
    await page.keyboard.press('a');
    await page.keyboard.press('Shift');
    await page.waitForTimeout(300);
    expect(new URL(page.url()).pathname).toBe('/fa/');
  });

  test('by keyboard alone: Tab reaches it early, Enter leaves', async ({ page }) => {
    await stubNeutralSite(page);
    await page.goto('/so/');
    let found = false;
    for (let i = 0; i < 6 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate(() => document.activeElement?.classList.contains('quick-exit') ?? false);
    }
    expect(found).toBe(true);
    // Focus is not hidden behind anything (WCAG 2.4.11).
    const box = await page.locator('a.quick-exit').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${quickExitUrl}**`);
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });
    test('the plain link still leaves', async ({ page }) => {
      await stubNeutralSite(page);
      await page.goto('/fa/');
      await page.locator('a.quick-exit').click();
      await page.waitForURL(`${quickExitUrl}**`);
      await expect(page.locator('h1')).toHaveText('Väder');
    });
  });
});
