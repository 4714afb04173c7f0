/**
 * Issue 11: the way out and the first screen, for a frightened person on a
 * cheap phone. At a cheap phone's, a phone's, a tablet's and a laptop's
 * size, in Swedish, Arabic (right to left), Somali (long words) and
 * Tigrinya (Ge'ez script):
 *  - the safety bar stays on screen at the bottom of the contact page, and
 *    the page's scroll padding covers its real height;
 *  - quick exit's focus looks plainly different from its resting state;
 *  - Escape twice while typing keeps the message (no accidental exit);
 *  - Arabic-Indic and Persian digits in the phone field become 0–9;
 *  - on the 360×640 phone, the first screen holds the answer and the way to ask.
 * One page load per size and language does most of it, to stay fast.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { quickExitUrl } from '../../src/i18n/quick-exit-target.ts';
import { useTranslations } from '../../src/i18n/translator.ts';
import type { Locale } from '../../protocol/locales.ts';
import { fillContactForm } from './contact/fill.ts';
import { loadOperator } from '../../src/operator/operator.ts';
import { waitForInboxRequest } from './contact/intake-inbox.ts';

const neutralHost = new URL(quickExitUrl).host;
test.use({ allowedExternalHosts: [neutralHost] });

const viewports = [
  { name: 'cheap phone 360×640', width: 360, height: 640 },
  { name: 'phone 390×844', width: 390, height: 844 },
  { name: 'tablet 768×1024', width: 768, height: 1024 },
  { name: 'laptop 1280×800', width: 1280, height: 800 },
] as const;
const languages = ['sv', 'ar', 'so', 'ti'] as const satisfies readonly Locale[];

const nativeDigits = {
  'Arabic-Indic': '٠٧٠-١٢٣ ٤٥ ٦٧',
  Persian: '۰۷۰–۱۲۳ ۴۵ ۶۷',
} as const;

/** The neutral site is not reachable offline: answer for it. */
async function stubNeutralSite(page: Page): Promise<void> {
  await page.route(`${quickExitUrl}**`, (route) =>
    route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Väder</title><h1>Väder</h1>' }),
  );
}

/** What focus may change about the quick-exit button. */
async function focusLook(exit: Locator) {
  return exit.evaluate((el) => {
    const style = getComputedStyle(el);
    return {
      background: style.backgroundColor,
      color: style.color,
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      shadow: style.boxShadow,
    };
  });
}

/** A picture of the button and the ring around it (the ring lies outside its box). */
async function pictureAround(page: Page, exit: Locator): Promise<Buffer> {
  const box = (await exit.boundingBox())!;
  const margin = 8;
  return page.screenshot({
    clip: {
      x: Math.max(0, box.x - margin),
      y: Math.max(0, box.y - margin),
      width: box.width + 2 * margin,
      height: box.height + 2 * margin,
    },
    animations: 'disabled',
  });
}

for (const [v, viewport] of viewports.entries()) {
  for (const [l, lang] of languages.entries()) {
    test.describe(`${lang}, ${viewport.name}`, () => {
      test.use({ viewport: { width: viewport.width, height: viewport.height } });

      test('quick exit stays on screen, shows its focus, and Escape keeps the message', async ({ page }) => {
        await stubNeutralSite(page);
        await page.goto(`/${lang}/kontakt/`);
        const bar = page.locator('[data-safety-bar]');
        const exit = bar.locator('a.quick-exit');

        // A slim bar, and scroll padding that covers its real height.
        const { barHeight, padding } = await page.evaluate(() => ({
          barHeight: document.querySelector('[data-safety-bar]')!.getBoundingClientRect().height,
          padding: parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop),
        }));
        expect(barHeight).toBeLessThanOrEqual(72);
        expect(padding).toBeGreaterThanOrEqual(barHeight);

        // Escape twice while typing: still here, every word kept.
        const message = 'Jag vill prata. ٠١٢ — ሰላም';
        await page.locator('#message').click();
        await page.keyboard.type(message);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(200);
        await page.keyboard.press('Escape');
        await page.waitForTimeout(300);
        expect(new URL(page.url()).pathname).toBe(`/${lang}/kontakt/`);
        await expect(page.locator('#message')).toHaveValue(message);

        // Digits of another script become 0–9 in the phone field, in a stable order.
        const [script, typed] = Object.entries(nativeDigits)[(v + l) % 2]!;
        await page.locator('#method-call').check();
        await page.locator('#phone').fill(typed);
        await page.locator('#phone').blur();
        await expect(page.locator('#phone'), script).toHaveValue('070-123 45 67');

        // At the very bottom of the page, the way out is still on screen.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        // Smooth scrolling (site.css): wait until it has moved, not a fixed time.
        await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
        await expect(exit).toBeInViewport({ ratio: 1 });
        await expect(bar.locator('a[href="tel:112"]')).toBeInViewport({ ratio: 1 });
        await expect(bar.locator('a.safety-bar__call--line')).toBeInViewport({ ratio: 1 });

        // Focus looks plainly different from rest.
        const restingLook = await focusLook(exit);
        const restingPicture = await pictureAround(page, exit);
        // Keyboard focus: Tab from the link before it.
        await bar.locator('a.safety-bar__call--line').focus();
        await page.keyboard.press('Tab');
        await expect(exit).toBeFocused();
        expect(await exit.evaluate((el) => el.matches(':focus-visible'))).toBe(true);
        const focusedLook = await focusLook(exit);
        expect(focusedLook.background).not.toBe(restingLook.background);
        expect(focusedLook.outline).toMatch(/^solid [3-9]/);
        expect(restingLook.outline).not.toMatch(/^solid/);
        expect((await pictureAround(page, exit)).equals(restingPicture)).toBe(false);
      });

      if (viewport.width === 360) {
        test('the first screen says help exists, no name needed, social services not police, and shows the way to ask', async ({
          page,
        }) => {
          const t = useTranslations(lang);
          await page.goto(`/${lang}/`);
          const first = page.locator('[data-first-screen]');
          await expect(first.locator('h1')).toHaveText(t('home.title'));
          await expect(first.locator('h1')).toBeInViewport({ ratio: 1 });
          for (const key of ['home.answer.anonymous', 'home.answer.socialServices'] as const) {
            await expect(first.getByText(t(key)), key).toBeInViewport({ ratio: 1 });
          }
          const ask = first.locator('[data-first-screen-ask]');
          await expect(ask).toHaveText(t('home.contact.button'));
          await expect(ask).toBeInViewport({ ratio: 1 });
          await expect(ask).toHaveAttribute('href', `/${lang}/kontakt/`);
          // Who runs the site, from the operator setting, on the first screen too.
          const operator = first.locator('[data-first-screen-operator]');
          await expect(operator).toHaveText(t('operator.name', { name: loadOperator().name }));
          await expect(operator).toBeInViewport({ ratio: 1 });
          // Nothing sits over the headline or the button (the bar is above them).
          const barBottom = (await page.locator('[data-safety-bar]').boundingBox())!;
          expect((await first.locator('h1').boundingBox())!.y).toBeGreaterThanOrEqual(barBottom.y + barBottom.height);
        });
      }
    });
  }
}

test.describe('menus and languages are disclosures that work without JavaScript', () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 360, height: 640 } });
  test('closed on a phone, open on a tap', async ({ page }) => {
    const t = useTranslations('so');
    await page.goto('/so/');
    const menuLink = page.getByRole('navigation', { name: t('nav.label') }).getByRole('link', { name: t('nav.contact') });
    await expect(menuLink).toBeHidden();
    await page
      .getByRole('navigation', { name: t('nav.label') })
      .locator('summary')
      .click();
    await expect(menuLink).toBeVisible();
    const arabic = page.getByRole('navigation', { name: t('lang.label') }).locator('a[hreflang="ar"]');
    await expect(arabic).toBeHidden();
    await page
      .getByRole('navigation', { name: t('lang.label') })
      .locator('summary')
      .click();
    await arabic.click();
    await expect(page).toHaveURL(/\/ar\/$/);
    // Without JavaScript, no keyboard shortcut is promised.
    await expect(page.locator('[data-quick-exit-shortcut]')).toBeHidden();
  });
});

test.describe('on a laptop the menu is open and reachable by keyboard', () => {
  test.use({ viewport: { width: 1280, height: 800 } });
  test('menu links show without a toggle and take focus', async ({ page }) => {
    const t = useTranslations('sv');
    await page.goto('/sv/');
    const contact = page.getByRole('navigation', { name: t('nav.label') }).getByRole('link', { name: t('nav.contact') });
    await expect(contact).toBeVisible();
    await contact.focus();
    await expect(contact).toBeFocused();
    // With JavaScript and a mouse, the footer tells of the Shift shortcut.
    await expect(page.locator('[data-quick-exit-shortcut]')).toBeVisible();
  });
});

test.describe('a phone number in Arabic-Indic or Persian digits is accepted', () => {
  test.use({ viewport: { width: 360, height: 640 } });

  test('with JavaScript: typed digit by digit, it reads in order and arrives as 0–9', async ({ page }) => {
    const t = useTranslations('ar');
    await page.goto('/ar/kontakt/');
    await page.locator('#municipality').selectOption('stockholm');
    await page.locator('#method-sms').check();
    // The label says the number is now needed.
    await expect(page.locator('#phone')).toHaveAttribute('aria-required', 'true');
    await page.locator('#phone').pressSequentially(nativeDigits['Arabic-Indic']);
    await expect(page.locator('#phone')).toHaveValue('070-123 45 67');
    await page.locator('#message').fill('مرحبا');
    await page.getByRole('button', { name: t('form.submit') }).click();
    await expect(page.locator('[data-receipt]')).toBeVisible();
    const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();
    expect((await waitForInboxRequest(receipt)).contact.phone).toBe('070-123 45 67');
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    for (const [script, typed] of Object.entries(nativeDigits)) {
      test(`${script} digits arrive as 0–9`, async ({ page }) => {
        const lang = script === 'Persian' ? 'fa' : 'ar';
        const t = useTranslations(lang);
        await page.goto(`/${lang}/kontakt/`);
        await fillContactForm(page, {
          role: 'self',
          municipality: 'stockholm',
          needs: [],
          method: 'call',
          phone: typed,
          safeTimes: '',
          voicemailOk: false,
          mayNameSocialServices: false,
          language: '',
          interpreter: false,
          message: 'سلام',
        });
        await page.getByRole('button', { name: t('form.submit') }).click();
        await expect(page.getByRole('heading', { name: t('receipt.title') })).toBeVisible();
        const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();
        expect((await waitForInboxRequest(receipt)).contact.phone).toBe('070-123 45 67');
      });
    }

    test('a number with too few digits comes back written in 0–9, with an error that says what to type', async ({ page }) => {
      const t = useTranslations('fa');
      await page.goto('/fa/kontakt/');
      await page.locator('#method-call').check();
      await page.locator('#phone').fill('۰۷۰ ۱۲');
      await page.getByRole('button', { name: t('form.submit') }).click();
      await expect(page.locator('[data-error-for="phone"]')).toHaveText(t('form.error.phone'));
      await expect(page.locator('#phone')).toHaveValue('070 12');
    });
  });
});
