/**
 * How the receipt shows on the page, the same on both paths (browser
 * script and the Worker's no-JS page).
 */
import type { Locale } from '../../protocol/locales.ts';
import { receiptCodeGroups } from '../../protocol/receipt-code.ts';

/** "482 915 307 621" read out one digit at a time: "4 8 2, 9 1 5, 3 0 7, 6 2 1". */
export function spokenReceiptCode(code: string): string {
  return receiptCodeGroups(code)
    .map((part) => [...part].join(' '))
    .join(', ');
}

/**
 * The language a screen reader should use to say the code digit by digit:
 * the page's own where screen readers commonly have a voice for it. Few
 * devices have a Somali or Tigrinya voice; a screen reader then falls back
 * to a voice that reads the digits badly or not at all, so those pages ask
 * for English digits, which the readers of those pages in Sweden are
 * likely to have as a voice and to know.
 */
export function receiptSpeechLocale(locale: Locale): Locale {
  return locale === 'so' || locale === 'ti' ? 'en' : locale;
}

/** Which "what happens next" line fits the contact method. */
export function receiptNextStep(method: string): 'contact' | 'i-call' | 'here' {
  return method === 'i-call' || method === 'here' ? method : 'contact';
}
