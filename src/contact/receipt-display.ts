/**
 * How the receipt shows on the page, the same on both paths (browser
 * script and the Worker's no-JS page).
 */

/** "K7QP-2M9X" read out one character at a time: "K 7 Q P, 2 M 9 X". */
export function spokenReceiptCode(code: string): string {
  return code
    .split('-')
    .map((part) => [...part].join(' '))
    .join(', ');
}

/** Which "what happens next" line fits the contact method. */
export function receiptNextStep(method: string): 'contact' | 'i-call' | 'here' {
  return method === 'i-call' || method === 'here' ? method : 'contact';
}
