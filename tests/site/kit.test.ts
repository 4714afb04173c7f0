/**
 * The outreach kit's markup, read from the built pages (dist/) in Node:
 * the card's and poster's links and QR codes lead to the right page, they
 * show only publishable numbers and no promise of a contact time, the
 * discreet link's preview names no topic and leads on, and the kit page
 * lists every municipality. Printing (one A4 page, nothing overflowing) and
 * the discreet link without JavaScript need a browser: tests/browser/kit.spec.ts;
 * axe on the kit pages: tests/browser/page-audit.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HTMLElement } from 'node-html-parser';
import { localeCodes, type Locale } from '../../protocol/locales.ts';
import { pagePath } from '../../src/i18n/routes.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import { kitAreas, kitPrintAreas, type KitArea } from '../../src/sharing/kit-areas.ts';
import { cardSheetSlug, discreetSlug, KIT_SLUG, kitTargetSlug, posterSlug } from '../../src/sharing/kit-paths.ts';
import { qrSvg } from '../../src/sharing/qr-code.ts';
import { builtFile, builtServes, readPage, site, textOf } from './built-site.ts';
import { fullestKitArea } from '../crawl-sample.ts';

/** The areas the build printed: with units, or served by a recipient it was built with. */
const served = builtServes();
const printAreas = kitPrintAreas((id) => served.has(id));

/** The municipality with the most local routes: the fullest card and poster. */
const fullest = fullestKitArea();

/** Numbers a card or poster may show: shared/facts.md's publishable ones (and a local one only from the data). */
const sweden = ['112', '114 14', '116 111', '116 006'];
const localNumbers = (a: KitArea) => [
  ...a.localRoutes.flatMap((r) => (r.phone ? [r.phone.display] : [])),
  ...a.contacts.map((c) => c.phone.display),
];
const allowedNumbers = new Set([...sweden, ...printAreas.flatMap(localNumbers)]);

/** The first element matching `selector` whose text contains `text` (Playwright's `hasText`). */
function withText(root: HTMLElement, selector: string, text: string): HTMLElement | undefined {
  return root.querySelectorAll(selector).find((e) => textOf(e).includes(text));
}

describe('what the card and poster say', () => {
  for (const locale of ['sv', 'ar'] as Locale[]) {
    it(`in ${locale}: link and QR code lead to the right page, only publishable numbers, no time promise`, () => {
      for (const area of [undefined, ...printAreas]) {
        for (const slug of [cardSheetSlug(area?.id), posterSlug(area?.id)]) {
          const page = readPage(pagePath(locale, slug));
          const href = new URL(pagePath(locale, kitTargetSlug(area?.id)), site).href;
          const links = page.querySelectorAll('[data-kit-link]').map((e) => e.getAttribute('data-kit-link'));
          expect(links.length, slug).toBeGreaterThan(0);
          for (const link of links) expect(link, slug).toBe(href);
          const expectedPath = /<path fill="#000" d="([^"]+)"/.exec(qrSvg(href, { ecc: 'M' }))![1]!;
          const paths = page.querySelectorAll('.kit-card__qr path, .kit-poster__qr path').map((e) => e.getAttribute('d'));
          expect(paths.length, slug).toBeGreaterThan(0);
          for (const d of paths) expect(d, slug).toBe(expectedPath);
          // The routes everyone has.
          const sheet = page.querySelector('[data-print-sheet]')!;
          expect(sheet, slug).not.toBeNull();
          for (const n of ['112', '114 14', '116 111']) expect(withText(sheet, '.kit-number', n), `${slug}: ${n}`).toBeDefined();
          for (const n of sheet.querySelectorAll('.kit-number').map((e) => e.textContent))
            expect(allowedNumbers, `${slug}: ${n}`).toContain(n);
          // No promise of a contact time on paper (facts: a promise names who made it; a card cannot).
          expect(sheet.textContent, slug).not.toMatch(/24|dygnet runt|ليلًا ونهارًا/);
          if (area) {
            expect(textOf(sheet.querySelector('[data-route="police-defector"]')), slug).toContain(area.policeRegion);
            expect(textOf(sheet.querySelector('[data-route="social-services"]')), slug).toContain(area.name);
            // A local number always stands with its unit and the municipality that runs it (kitAreas()).
            for (const route of area.localRoutes.filter((r) => r.phone)) {
              expect(textOf(withText(sheet, '[data-route="local-phone"]', route.phone!.display)), slug).toContain(route.name);
            }
            // The municipality's own numbers stand with its name, and the poster says where they were read.
            const office =
              area.contacts.find((c) => c.kind === 'socialtjanst' && !c.forChildren) ?? area.contacts.find((c) => c.kind === 'switchboard');
            if (office) expect(textOf(sheet.querySelector('[data-route="social-services"]')), slug).toContain(office.phone.display);
            if (slug.startsWith('material/affisch') && area.contactsSource)
              expect(textOf(sheet.querySelector('[data-kit-source]')), slug).toContain(area.contactsSource);
            // Never a police-led method or a unit nobody can ask for (T3-02).
            expect(sheet.textContent, slug).not.toMatch(/Sluta skjut|Trefas/);
          }
        }
      }
    });
  }
});

describe('discreet link (security review L2)', () => {
  for (const locale of localeCodes) {
    it(`in ${locale}: the preview names no topic, and the page leads on`, () => {
      const t = useTranslations(locale);
      for (const area of [undefined, fullest]) {
        const path = pagePath(locale, discreetSlug(area?.id));
        const page = readPage(path);
        const meta = (sel: string) => page.querySelector(sel)?.getAttribute('content');
        const title = textOf(page.querySelector('title'));
        expect(title, path).toBe(`${t('kit.neutral.title')} | ${t('site.name')}`);
        expect(meta('meta[property="og:title"]'), path).toBe(t('kit.neutral.title'));
        expect(meta('meta[property="og:description"]'), path).toBe(t('kit.neutral.description'));
        expect(meta('meta[name="description"]'), path).toBe(t('kit.neutral.description'));
        expect(meta('meta[name="robots"]'), path).toContain('noindex');
        expect(page.querySelectorAll('meta[property="og:image"]'), path).toHaveLength(0);
        // The words that give the topic away appear nowhere in what a preview reads.
        const head = [title, meta('meta[property="og:title"]'), meta('meta[property="og:description"]')].join(' ');
        for (const giveaway of [t('site.tagline'), t('kit.title'), t('kit.card.lead')]) expect(head, path).not.toContain(giveaway);
        const targets = page.querySelectorAll('[data-discreet-target]');
        expect(targets, path).toHaveLength(1);
        expect(targets[0]!.getAttribute('href'), path).toBe(pagePath(locale, kitTargetSlug(area?.id)));
      }
    });
  }
});

describe('kit page', () => {
  it('lists every municipality: its card, poster and discreet link, or else its help page; all of which exist', () => {
    const page = readPage(pagePath('fa', KIT_SLUG));
    const printed = new Set(printAreas.map((a) => a.id));
    for (const area of printAreas) {
      const item = page.querySelector(`[data-kit-area="${area.id}"]`);
      expect(item?.querySelector('[data-kit-card-link]')?.getAttribute('href'), area.id).toBe(pagePath('fa', cardSheetSlug(area.id)));
      expect(item?.querySelector('[data-kit-poster-link]')?.getAttribute('href'), area.id).toBe(pagePath('fa', posterSlug(area.id)));
    }
    const discreet = page.querySelectorAll('[data-discreet-link]').map((a) => a.getAttribute('href')!);
    expect(discreet).toHaveLength(printAreas.length + 1);
    // Every other municipality, once, linked to its own help page; none without data is left out.
    const others = page
      .querySelectorAll('[data-kit-other]')
      .map((a) => [a.getAttribute('data-kit-other')!, a.getAttribute('href')!] as const);
    expect(others.map(([id]) => id).sort()).toEqual(
      kitAreas()
        .filter((a) => !printed.has(a.id))
        .map((a) => a.id)
        .sort(),
    );
    for (const [id, href] of others) expect(href).toBe(pagePath('fa', `hjalp/${id}`));
    // No printable page is built for them (the Worker answers 404: tests/browser/page-audit.spec.ts).
    const other = others[0]![0];
    for (const slug of [cardSheetSlug(other), posterSlug(other), discreetSlug(other)])
      expect(builtFile(pagePath('fa', slug)), slug).toBeUndefined();
    const local = page.querySelectorAll('.kit-page a[href^="/"]').map((a) => a.getAttribute('href')!);
    for (const href of [...local, ...discreet.map((h) => new URL(h).pathname)]) expect(builtFile(href), href).toBeDefined();
    // The sharing guidance is there, and unreviewed translations say so.
    expect(page.querySelectorAll('[data-kit-safe] li')).toHaveLength(6);
    expect(page.querySelectorAll('[data-notice="unreviewed"]')).toHaveLength(1);
  });

  it('every share block links to it', () => {
    const links = readPage('/ti/fara/').querySelectorAll('[data-share-kit]');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe(pagePath('ti', KIT_SLUG));
  });
});
