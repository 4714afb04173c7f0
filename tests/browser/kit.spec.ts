/**
 * The outreach kit in Chromium: card sheet and poster print to exactly one
 * A4 page, in every language and for a municipality as well as Sweden-wide;
 * nothing on them overflows its box; the discreet link leads on without
 * JavaScript. What the markup says (links, QR codes, numbers, the discreet
 * link's preview, the kit page's list) is checked in Node from the built
 * pages: tests/site/kit.test.ts; axe on the kit pages:
 * tests/browser/page-audit.spec.ts.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { fullestKitArea } from '../crawl-sample.ts';
import { localeCodes, type Locale } from '../../protocol/locales.ts';
import { pagePath } from '../../src/i18n/routes.ts';
import { kitPrintAreas, type KitArea } from '../../src/sharing/kit-areas.ts';
import { cardSheetSlug, discreetSlug, kitTargetSlug, posterSlug } from '../../src/sharing/kit-paths.ts';

/** The municipality with the most local routes: the fullest card and poster. */
const fullest = fullestKitArea();

/** The area whose card (local numbers only) or poster (every local unit) carries the most local text: the tightest fit on paper. */
function longest(text: (a: KitArea) => string): KitArea {
  return [...kitPrintAreas()].sort((a, b) => text(b).length - text(a).length)[0]!;
}
const longestCard = longest((a) =>
  [a.name, ...a.localRoutes.flatMap((r) => (r.phone ? [r.name, r.phone.display] : [])), ...a.contacts.map((c) => c.phone.display)].join(''),
);
const longestPoster = longest((a) =>
  [
    a.name,
    a.county,
    ...a.localRoutes.map((r) => r.name + (r.phone?.display ?? '')),
    ...a.contacts.map((c) => c.phone.display),
    a.contactsSource ?? '',
  ].join(''),
);

function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

/** In print media: every card and the poster whose content is taller or wider than its box. */
async function overflowing(page: Page): Promise<string[]> {
  return page.locator('[data-kit-card], [data-kit-poster]').evaluateAll((els) =>
    els
      .map((el, i) => ({ i, el: el as HTMLElement }))
      .filter(({ el }) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
      .map(({ i, el }) => `#${i}: ${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight}`),
  );
}

test.describe('card sheet and poster print on one A4 page', () => {
  const printLocales: Locale[] = [...localeCodes];
  for (const locale of printLocales) {
    test(`in ${locale}, Sweden-wide and for the fullest municipalities (${[...new Set([fullest.id, longestCard.id, longestPoster.id])].join(', ')})`, async ({
      page,
    }) => {
      test.setTimeout(120_000);
      const problems: string[] = [];
      const cards = [...new Set([fullest.id, longestCard.id])].map((id) => cardSheetSlug(id));
      const posters = [...new Set([fullest.id, longestPoster.id])].map((id) => posterSlug(id));
      for (const slug of [cardSheetSlug(), ...cards, posterSlug(), ...posters]) {
        const path = pagePath(locale, slug);
        expect((await page.goto(path))?.status(), path).toBe(200);
        // On screen: one card (the copies are for paper), the instructions.
        if (slug.startsWith('material/kort')) await expect(page.locator('[data-kit-card]:visible')).toHaveCount(1);
        await expect(page.locator('main > h1')).toBeVisible();
        await page.emulateMedia({ media: 'print' });
        // On paper: only the sheet, eight cards on a card sheet.
        await expect(page.locator('.site-header')).toBeHidden();
        await expect(page.locator('main > h1')).toBeHidden();
        if (slug.startsWith('material/kort')) await expect(page.locator('[data-kit-card]:visible')).toHaveCount(8);
        else await expect(page.locator('[data-kit-poster]')).toBeVisible();
        for (const o of await overflowing(page)) problems.push(`${path} overflows ${o}`);
        const pdf = await page.pdf({ format: 'A4', printBackground: false });
        const pages = pdfPageCount(pdf);
        if (pages !== 1) problems.push(`${path}: ${pages} pages`);
        await page.emulateMedia({ media: 'screen' });
      }
      expect(problems).toEqual([]);
    });
  }

  test('the page counter and the overflow check can fail', async ({ page }) => {
    await page.goto(pagePath('ar', cardSheetSlug(fullest.id)));
    await page.emulateMedia({ media: 'print' });
    // Without the marker the print stylesheet keys on, the site frame and the instructions print too: two pages.
    await page.evaluate(() => document.querySelector('[data-print-sheet]')?.removeAttribute('data-print-sheet'));
    expect(pdfPageCount(await page.pdf({ format: 'A4', printBackground: false }))).toBeGreaterThan(1);
    // A card with too much text is reported.
    await page.evaluate(() => {
      document.querySelector('[data-kit-card] .kit-routes')?.insertAdjacentHTML('beforeend', '<li>' + 'x '.repeat(600) + '</li>');
    });
    expect(await overflowing(page)).not.toEqual([]);
  });
});

test.describe('discreet link (security review L2)', () => {
  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });
    test('one tap leads to the page, on this site only', async ({ page }) => {
      await page.goto(pagePath('so', discreetSlug(fullest.id)));
      await page.locator('[data-discreet-target]').click();
      await expect(page).toHaveURL(new RegExp(`${pagePath('so', kitTargetSlug(fullest.id))}$`));
      await expect(page.locator('h1')).toContainText(fullest.name);
    });
  });
});
