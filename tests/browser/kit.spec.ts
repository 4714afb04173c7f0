/**
 * The outreach kit: card sheet and poster print to exactly one A4 page from
 * Chromium, in every language and for a municipality as well as Sweden-wide;
 * nothing on them overflows its box; their QR codes and links lead to the
 * right page; only publishable numbers and no promise of a contact time;
 * the discreet link's preview says nothing about the topic and leads on
 * without JavaScript; axe finds nothing on the kit pages. Municipalities
 * without their own kit (kitPrintAreas()) are linked to their help page.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { localeCodes, type Locale } from '../../protocol/locales.ts';
import { pagePath } from '../../src/i18n/routes.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { kitAreas, kitPrintAreas, type KitArea } from '../../src/sharing/kit-areas.ts';
import { cardSheetSlug, discreetSlug, KIT_SLUG, kitTargetSlug, posterSlug } from '../../src/sharing/kit-paths.ts';
import { qrSvg } from '../../src/sharing/qr-code.ts';

/** The address the build was made for (astro.config.mjs). */
const site = process.env.UTVAG_SITE_URL ?? 'https://utvag.example';
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** The municipality with the most local routes: the fullest card and poster. */
const fullest = [...kitPrintAreas()].sort((a, b) => b.localRoutes.length - a.localRoutes.length)[0]!;

/** The area whose card (local numbers only) or poster (every local unit) carries the most local text: the tightest fit on paper. */
function longest(text: (a: KitArea) => string): KitArea {
  return [...kitPrintAreas()].sort((a, b) => text(b).length - text(a).length)[0]!;
}
const longestCard = longest((a) => [a.name, ...a.localRoutes.flatMap((r) => (r.phone ? [r.name, r.phone.display] : [])), ...a.contacts.map((c) => c.phone.display)].join(''));
const longestPoster = longest((a) => [a.name, a.county, ...a.localRoutes.map((r) => r.name + (r.phone?.display ?? '')), ...a.contacts.map((c) => c.phone.display), a.contactsSource ?? ''].join(''));

/** Numbers a card or poster may show: shared/facts.md's publishable ones (and a local one only from the data). */
const sweden = ['112', '114 14', '116 111', '116 006'];
const localNumbers = (a: KitArea) => [...a.localRoutes.flatMap((r) => (r.phone ? [r.phone.display] : [])), ...a.contacts.map((c) => c.phone.display)];
const allowedNumbers = new Set([...sweden, ...kitPrintAreas().flatMap(localNumbers)]);

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
    test(`in ${locale}, Sweden-wide and for the fullest municipalities (${[...new Set([fullest.id, longestCard.id, longestPoster.id])].join(', ')})`, async ({ page }) => {
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

test.describe('what the card and poster say', () => {
  for (const locale of ['sv', 'ar'] as Locale[]) {
    test(`in ${locale}: link and QR code lead to the right page, only publishable numbers, no time promise`, async ({ page }) => {
      for (const area of [undefined, ...kitPrintAreas()]) {
        for (const slug of [cardSheetSlug(area?.id), posterSlug(area?.id)]) {
          await page.goto(pagePath(locale, slug));
          const href = new URL(pagePath(locale, kitTargetSlug(area?.id)), site).href;
          const links = await page.locator('[data-kit-link]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kit-link')));
          expect(links.length).toBeGreaterThan(0);
          for (const link of links) expect(link).toBe(href);
          const expectedPath = /<path fill="#000" d="([^"]+)"/.exec(qrSvg(href, { ecc: 'M' }))![1]!;
          const paths = await page.locator('.kit-card__qr path, .kit-poster__qr path').evaluateAll((els) => els.map((e) => e.getAttribute('d')));
          expect(paths.length).toBeGreaterThan(0);
          for (const d of paths) expect(d).toBe(expectedPath);
          // The routes everyone has.
          const sheet = page.locator('[data-print-sheet]');
          for (const n of ['112', '114 14', '116 111']) await expect(sheet.locator('.kit-number', { hasText: n }).first()).toBeAttached();
          const numbers = await sheet.locator('.kit-number').allTextContents();
          for (const n of numbers) expect(allowedNumbers, `${slug}: ${n}`).toContain(n);
          // No promise of a contact time on paper (facts: a promise names who made it; a card cannot).
          const text = (await sheet.textContent()) ?? '';
          expect(text).not.toMatch(/24|dygnet runt|ليلًا ونهارًا/);
          if (area) {
            await expect(sheet.locator('[data-route="police-defector"]').first()).toContainText(area.policeRegion);
            await expect(sheet.locator('[data-route="social-services"]').first()).toContainText(area.name);
            // A local number always stands with its unit and the municipality that runs it (kitAreas()).
            for (const route of area.localRoutes.filter((r) => r.phone)) {
              await expect(sheet.locator('[data-route="local-phone"]', { hasText: route.phone!.display }).first()).toContainText(route.name);
            }
            // The municipality's own numbers stand with its name, and the poster says where they were read.
            const office = area.contacts.find((c) => c.kind === 'socialtjanst' && !c.forChildren) ?? area.contacts.find((c) => c.kind === 'switchboard');
            if (office) await expect(sheet.locator('[data-route="social-services"]').first()).toContainText(office.phone.display);
            if (slug.startsWith('material/affisch') && area.contactsSource) await expect(sheet.locator('[data-kit-source]')).toContainText(area.contactsSource);
            // Never a police-led method or a unit nobody can ask for (T3-02).
            expect(await sheet.textContent()).not.toMatch(/Sluta skjut|Trefas/);
          }
        }
      }
    });
  }
});

test.describe('discreet link (security review L2)', () => {
  for (const locale of localeCodes) {
    test(`in ${locale}: the preview names no topic, and the page leads on`, async ({ page }) => {
      const t = useTranslations(locale);
      for (const area of [undefined, fullest]) {
        await page.goto(pagePath(locale, discreetSlug(area?.id)));
        const meta = (sel: string) => page.locator(sel).getAttribute('content');
        await expect(page).toHaveTitle(`${t('kit.neutral.title')} | ${t('site.name')}`);
        expect(await meta('meta[property="og:title"]')).toBe(t('kit.neutral.title'));
        expect(await meta('meta[property="og:description"]')).toBe(t('kit.neutral.description'));
        expect(await meta('meta[name="description"]')).toBe(t('kit.neutral.description'));
        expect(await meta('meta[name="robots"]')).toContain('noindex');
        await expect(page.locator('meta[property="og:image"]')).toHaveCount(0);
        // The words that give the topic away appear nowhere in what a preview reads.
        const head = [await page.title(), await meta('meta[property="og:title"]'), await meta('meta[property="og:description"]')].join(' ');
        for (const giveaway of [t('site.tagline'), t('kit.title'), t('kit.card.lead')]) expect(head).not.toContain(giveaway);
        const target = page.locator('[data-discreet-target]');
        await expect(target).toHaveAttribute('href', pagePath(locale, kitTargetSlug(area?.id)));
      }
    });
  }

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

test.describe('kit page', () => {
  test('lists every municipality: its card, poster and discreet link, or else its help page; all of which exist', async ({ page, request }) => {
    await page.goto(pagePath('fa', KIT_SLUG));
    const printed = new Set(kitPrintAreas().map((a) => a.id));
    for (const area of kitPrintAreas()) {
      const item = page.locator(`[data-kit-area="${area.id}"]`);
      await expect(item.locator('[data-kit-card-link]')).toHaveAttribute('href', pagePath('fa', cardSheetSlug(area.id)));
      await expect(item.locator('[data-kit-poster-link]')).toHaveAttribute('href', pagePath('fa', posterSlug(area.id)));
    }
    const discreet = await page.locator('[data-discreet-link]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(discreet).toHaveLength(kitPrintAreas().length + 1);
    // Every other municipality, once, linked to its own help page; none without data is left out.
    const others = await page.locator('[data-kit-other]').evaluateAll((as) => as.map((a) => [a.getAttribute('data-kit-other')!, a.getAttribute('href')!]));
    expect(others.map(([id]) => id).sort()).toEqual(kitAreas().filter((a) => !printed.has(a.id)).map((a) => a.id).sort());
    for (const [id, href] of others) expect(href).toBe(pagePath('fa', `hjalp/${id}`));
    // No printable page is built for them.
    const other = others[0]![0]!;
    for (const slug of [cardSheetSlug(other), posterSlug(other), discreetSlug(other)]) {
      expect((await request.get(pagePath('fa', slug))).status(), slug).toBe(404);
    }
    const local = await page.locator('.kit-page a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    for (const href of [...local, ...discreet.map((h) => new URL(h).pathname)]) {
      expect((await request.get(href)).status(), href).toBe(200);
    }
    // The sharing guidance is there, and unreviewed translations say so.
    await expect(page.locator('[data-kit-safe] li')).toHaveCount(6);
    await expect(page.locator('[data-notice="unreviewed"]')).toHaveCount(1);
  });

  test('every share block links to it', async ({ page }) => {
    await page.goto('/ti/fara/');
    await expect(page.locator('[data-share-kit]')).toHaveAttribute('href', pagePath('ti', KIT_SLUG));
  });

  // One test per language, so each has its own time limit and the two workers share them.
  for (const locale of localeCodes) {
    test(`axe finds nothing on the kit pages in ${locale}`, async ({ page }) => {
      test.setTimeout(180_000);
      const failures: string[] = [];
      for (const slug of [KIT_SLUG, cardSheetSlug(), posterSlug(fullest.id), discreetSlug()]) {
        const path = pagePath(locale, slug);
        await page.goto(path);
        const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
        for (const v of results.violations) failures.push(`${path}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
