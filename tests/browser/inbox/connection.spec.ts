/**
 * The inbox's Connection page in Chromium (issue 20, part 4): an
 * administrator enters the promise, a phone number and the alert webhook;
 * a wrong field is named in a list that links to it, and what was typed
 * stays; saved, it shows again as saved. No JavaScript needed on the page;
 * axe and 200 % zoom on the empty, the refused and the saved page.
 */
import { expect, test } from '@playwright/test';
import { axe, freshAdmin, setup, sidewaysAt200 } from './inbox-session.ts';

test('an administrator saves the connection details, after correcting a wrong address', async ({ browser }) => {
  test.setTimeout(120_000);
  const violations: string[] = [];
  const page = await (await browser.newContext({ baseURL: setup.origin, locale: 'sv-SE' })).newPage();
  await freshAdmin(page);

  await page.getByRole('navigation').getByRole('link', { name: 'Anslutning' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Anslutning till Utväg' })).toBeVisible();
  await expect(page.getByText('Webbplatsen visar exakt det du skriver här')).toBeVisible();
  violations.push(...(await axe(page)));
  expect(await sidewaysAt200(page)).toBe(0);

  await page.getByLabel('Första kontakt inom (timmar)').fill('48');
  await page.getByLabel('Bestämda tider').check();
  await page.locator('#hours_sv').fill('vardagar 8–17');
  await page.locator('#madeBy_sv').fill('Malmö stad');
  await page.getByLabel(/^Sedan när/).fill('2026-11');
  await page.getByLabel('Var löftet är publicerat: namn på källan').fill('Malmö stad');
  await page.getByLabel('Källans år').fill('2026');
  await page.getByLabel('Adress till sidan där löftet står (https://)').fill('http://malmo.se/utvag');
  await page.getByLabel('Nummer', { exact: true }).fill('040-34 10 00');
  await page.getByLabel('Vems nummer det är').fill('Malmö stads socialjour');
  await page.getByLabel('Adress för larm (https://)').fill('https://larm.malmo.se/utvag');
  await page.getByRole('button', { name: 'Spara' }).click();

  const errors = page.getByRole('alert').filter({ hasText: 'Rätta det här innan du sparar' });
  await expect(errors).toBeVisible();
  await expect(errors.getByRole('link')).toHaveText(['Skriv adressen till sidan där löftet står. Den börjar med https://.']);
  await expect(page.locator('#madeBy_sv')).toHaveValue('Malmö stad');
  violations.push(...(await axe(page)));
  expect(await sidewaysAt200(page)).toBe(0);

  // The list's link takes the keyboard to the field.
  await errors.getByRole('link').click();
  await expect(page.locator('#sourceAddress')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('https://malmo.se/utvag');
  await page.getByRole('button', { name: 'Spara' }).click();

  await expect(page.getByRole('status').filter({ hasText: 'Sparat.' })).toBeVisible();
  await expect(page.getByLabel('Första kontakt inom (timmar)')).toHaveValue('48');
  await expect(page.getByText('Numret finns inte ännu i webbplatsens lista över kontrollerade nummer.')).toBeVisible();
  violations.push(...(await axe(page)));
  expect(await sidewaysAt200(page)).toBe(0);
  expect(violations).toEqual([]);
});
