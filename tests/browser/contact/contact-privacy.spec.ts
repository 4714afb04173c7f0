/**
 * Privacy of the contact request (the Hush Line pattern): a sentinel typed
 * into every field never leaves the browser in plaintext on the JavaScript
 * path. Every request the page makes is captured: URL, headers and body.
 * Only the envelope {v,kid,enc,ct} goes out, and the intake's private key
 * (in Node) turns it back into exactly what was typed.
 */
import type { Request } from '@playwright/test';
import { test, expect } from '../fixtures.ts';
import { fillContactForm } from './fill.ts';
import { decryptInNode, waitForInboxRequest } from './intake-inbox.ts';

const SENTINEL = 'SENTINEL7q3x';
const PHONE = '070-987 65 43';
const phoneForms = ['0709876543', '987 65 43', '987%2065%2043', '9876543'];

test.describe('privacy: the sentinel never leaves the browser in plaintext', () => {
  test('every field typed, every request captured, only the envelope goes out', async ({ page, privacyGuard }) => {
    await page.goto('/sv/kontakt/');
    await fillContactForm(page, {
      role: 'relative',
      municipality: 'stockholm',
      needs: ['safety', 'housing', 'other'],
      method: 'call',
      phone: PHONE,
      safeTimes: `${SENTINEL} efter 18`,
      voicemailOk: true,
      mayNameSocialServices: false,
      language: `${SENTINEL}-språk`,
      interpreter: true,
      message: `Min son vill ut. ${SENTINEL} Ring inte före 18.`,
    });
    const posted = page.waitForRequest((r) => r.url().endsWith('/api/contact') && r.method() === 'POST');
    await page.getByRole('button', { name: 'Skicka krypterat' }).click();
    const request = await posted;
    await expect(page.locator('[data-receipt]')).toBeVisible();
    const receipt = (await page.locator('[data-receipt-code]').textContent())!.trim();

    const sent: Request[] = privacyGuard;
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      const everything = [r.url(), JSON.stringify(await r.allHeaders()), r.postDataBuffer()?.toString('utf8') ?? ''].join('\n');
      expect(everything, r.url()).not.toContain(SENTINEL);
      for (const form of phoneForms) expect(everything, r.url()).not.toContain(form);
      expect(everything, r.url()).not.toContain(receipt);
    }

    // What went out is exactly the envelope, and only the intake key opens it.
    const envelope = JSON.parse(request.postData()!);
    expect(Object.keys(envelope).sort()).toEqual(['ct', 'enc', 'kid', 'v']);
    const opened = await decryptInNode(envelope);
    expect(opened.message).toBe(`Min son vill ut. ${SENTINEL} Ring inte före 18.`);
    expect(opened.contact).toEqual({
      method: 'call',
      phone: PHONE,
      safeTimes: `${SENTINEL} efter 18`,
      voicemailOk: true,
      mayNameSocialServices: false,
    });
    expect(opened.receipt).toBe(receipt);

    // Nothing of it stays in the browser: storage, cookies, URL.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    expect(page.url()).not.toContain(SENTINEL);
    expect(page.url()).not.toContain(receipt);
    // The form was cleared once the request had arrived.
    expect(await page.locator('#message').inputValue()).toBe('');

    // And the request went all the way: queue → push → intake, decrypted there too.
    const stored = await waitForInboxRequest(receipt);
    expect(stored.id).toBe(opened.id);
  });
});
