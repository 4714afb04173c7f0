import type { Page } from '@playwright/test';

export interface Answers {
  role: 'self' | 'relative' | 'professional';
  municipality: string;
  needs: string[];
  method: 'call' | 'sms' | 'i-call';
  phone: string;
  safeTimes: string;
  voicemailOk: boolean;
  mayNameSocialServices: boolean;
  language: string;
  interpreter: boolean;
  message: string;
}

/** A relative in Stockholm who will call, for tests that only need the form sent: `message` is theirs. */
export function relativeWhoCalls(message: string): Answers {
  return {
    role: 'relative',
    municipality: 'stockholm',
    needs: ['family'],
    method: 'i-call',
    phone: '',
    safeTimes: '',
    voicemailOk: false,
    mayNameSocialServices: false,
    language: 'svenska',
    interpreter: false,
    message,
  };
}

/** Fills every field of the contact form as a person would. */
export async function fillContactForm(page: Page, a: Answers): Promise<void> {
  await page.locator(`#role-${a.role}`).check();
  await page.locator('#municipality').selectOption(a.municipality);
  for (const need of a.needs) await page.locator(`#need-${need}`).check();
  await page.locator(`#method-${a.method}`).check();
  // With JavaScript, these show only when the municipality is to call or text.
  if (await page.locator('#phone').isVisible()) {
    await page.locator('#phone').fill(a.phone);
    await page.locator('#safeTimes').fill(a.safeTimes);
    if (a.voicemailOk) await page.locator('#voicemailOk').check();
    if (a.mayNameSocialServices) await page.locator('#mayNameSocialServices').check();
  }
  await page.locator('#language').fill(a.language);
  if (a.interpreter) await page.locator('#interpreter').check();
  await page.locator('#message').fill(a.message);
}

/** Every answer as the form shows it now. */
export async function readContactForm(page: Page): Promise<Record<string, unknown>> {
  return page.evaluate(() => {
    const form = document.querySelector<HTMLFormElement>('form[data-contact-form]')!;
    const data = new FormData(form);
    const out: Record<string, unknown> = {};
    for (const key of new Set(data.keys())) out[key] = data.getAll(key);
    return out;
  });
}
